"""The API of jobs, volunteering and budgets: the same rules as the pages, 422 with the field
for bad input, constant queries on every list, and no name in what members read."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from comunitas.economy.models import Job, VolunteerEntry, VolunteerStatus
from comunitas.projects.models import Project
from tests.economy.work.matrix import API_DECLARE, API_HOURS, API_JOB, declare, make_job
from tests.helpers import admit, person

pytestmark = pytest.mark.django_db
A = "/api/v1/coops/alpha/economy"


def send(client, method: str, path: str, body=None):
    call = getattr(client, method)
    if body is None:
        return call(A + path)
    return call(A + path, json.dumps(body), content_type="application/json")


def error_field(response) -> str | None:
    assert response.status_code == 422, response.content
    body = response.json()
    assert set(body) == {"detail", "errors"}
    return body["errors"][0]["field"]


# --- jobs -----------------------------------------------------------------------------------------
def test_jobs_through_the_api(client, people):
    client.force_login(people["staff"])
    created = send(client, "post", "/jobs", {**API_JOB, "municipality": "008034"})
    assert created.status_code == 201, created.content
    job = created.json()
    assert job["lives_in_territory"] is True and job["municipality"] == "008034"
    assert job["fte"] == "0.50" and job["person"] == "Verdi Marta"
    patched = send(client, "patch", f"/jobs/{job['id']}", {"title": "Cassiera capo"})
    assert patched.json()["title"] == "Cassiera capo"
    assert patched.json()["lives_in_territory"] is True  # unchanged by a partial change
    ended = send(client, "post", f"/jobs/{job['id']}/end", {"end_date": "2025-06-01"})
    assert ended.json()["end_date"] == "2025-06-01"
    listed = send(client, "get", "/jobs?year=2025").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == job["id"]
    assert send(client, "get", "/jobs?year=2026").json()["count"] == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"fte": "2"}, "fte"),
        ({"fte": "0"}, "fte"),
        ({"end_date": "2025-01-01"}, "end_date"),
        ({"municipality": "999999"}, "municipality"),
        ({"lives_in_territory": None}, "lives_in_territory"),
        ({"member_id": 999999, "person_name": ""}, "member"),
        ({"project_id": 999999}, "project"),
        ({"resource_id": 999999}, "resource"),
        ({"previously_unemployed": False}, "unemployment_consent_on"),
        ({"salary": 10}, None),
        ({"contract": "slave"}, None),
        ({"start_date": "2025-02-30"}, None),
        ({"fte": "NaN"}, None),
    ],
)
def test_bad_jobs_answer_422(client, people, change, field):
    client.force_login(people["staff"])
    response = send(client, "post", "/jobs", {**API_JOB, **change})
    found = error_field(response)
    if field is not None:
        assert found == field
    assert not Job.objects.exists()


def test_another_cooperatives_job_is_not_found(client, people):
    theirs = make_job(people["other"], people["stranger"])
    client.force_login(people["staff"])
    assert send(client, "get", f"/jobs/{theirs.pk}").status_code == 404
    assert send(client, "patch", f"/jobs/{theirs.pk}", {"title": "x"}).status_code == 404


def test_the_jobs_list_runs_constant_queries(client, people, django_assert_num_queries):
    client.force_login(people["staff"])
    for n in (2, 10):
        for i in range(n):
            make_job(people["coop"], people["staff"], person_name=f"P{i}")
        # session, user, roles, the cooperative; the page's count and rows
        with django_assert_num_queries(6):
            assert send(client, "get", "/jobs?year=2025").status_code == 200


def test_members_read_the_summary_and_no_name(client, people):
    member = admit(people["coop"], person(1, last_name="Segreto"))
    make_job(people["coop"], people["staff"], member=member, person_name="", age_band="u25")
    make_job(people["coop"], people["staff"], person_name="Nascosto Nome")
    client.force_login(people["member"])
    assert send(client, "get", "/jobs").status_code == 403
    summary = send(client, "get", "/jobs/summary?year=2025")
    assert summary.status_code == 200
    text = summary.content.decode()
    assert "Segreto" not in text and "Nascosto" not in text
    body = summary.json()
    assert body["positions"] == 2 and body["fte_years"] == "2.00"
    assert body["local_share_headcount"] == "100.0"
    series = send(client, "get", "/jobs/series").json()
    assert series[0]["year"] == 2024 and series[1]["fte_years"] == "2.00"
    assert send(client, "get", "/jobs/summary?year=1").status_code == 422


# --- volunteering ---------------------------------------------------------------------------------
def test_hours_through_the_api(client, people):
    client.force_login(people["member"])
    declared = send(client, "post", "/volunteering/mine", API_DECLARE)
    assert declared.status_code == 201 and declared.json()["status"] == "declared"
    entry_id = declared.json()["id"]
    assert send(client, "get", f"/volunteering/{entry_id}/confirm").status_code == 405
    assert send(client, "post", f"/volunteering/{entry_id}/confirm").status_code == 403
    client.force_login(people["staff"])
    assert error_field(send(client, "post", f"/volunteering/{entry_id}/reject", {"reason": " "}))
    rejected = send(client, "post", f"/volunteering/{entry_id}/reject", {"reason": "Doppia"})
    assert rejected.json()["status"] == "rejected"
    assert error_field(send(client, "post", f"/volunteering/{entry_id}/confirm")) is None
    entered = send(client, "post", "/volunteering", API_HOURS)
    assert entered.status_code == 201 and entered.json()["status"] == "confirmed"
    assert entered.json()["person"] == "Neri Paolo"
    listed = send(client, "get", "/volunteering?status=confirmed&year=2025").json()
    assert [e["id"] for e in listed["items"]] == [entered.json()["id"]]
    client.force_login(people["member"])
    mine = send(client, "get", "/volunteering/mine").json()
    assert [(e["status"], e["reason"]) for e in mine["items"]] == [("rejected", "Doppia")]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"hours": "0"}, "hours"),
        ({"hours": "25"}, "hours"),
        ({"hours": "1.234"}, "hours"),
        ({"on_date": "2999-01-01"}, "on_date"),
        ({"activity": ""}, "activity"),
        ({"project_id": 999999}, "project"),
        ({"member_id": 1}, None),  # a volunteer cannot declare for a member
        ({"status": "confirmed"}, None),
    ],
)
def test_bad_declarations_answer_422(client, people, change, field):
    client.force_login(people["resident"])
    found = error_field(send(client, "post", "/volunteering/mine", {**API_DECLARE, **change}))
    if field is not None:
        assert found == field
    assert not VolunteerEntry.objects.exists()


def test_a_members_hours_are_not_read_by_another_member(client, people):
    declare(people["coop"], people["resident"], activity="Del residente", on_date=date(2025, 5, 1))
    client.force_login(people["member"])
    assert send(client, "get", "/volunteering/mine").json()["count"] == 0
    assert send(client, "get", "/volunteering").status_code == 403
    summary = send(client, "get", "/volunteering/summary?year=2025").json()
    assert summary["pending_entries"] == 1 and "resident" not in json.dumps(summary)


def test_the_volunteering_lists_run_constant_queries(client, people, django_assert_num_queries):
    client.force_login(people["staff"])
    for n in (2, 10):
        for i in range(n):
            VolunteerEntry.objects.create(
                coop=people["coop"],
                user=people["staff"],
                activity="Turni",
                on_date=date(2025, 2, 1 + i),
                hours=Decimal("1"),
                status=VolunteerStatus.DECLARED,
            )
        # session, user, roles, the cooperative; the page's count and rows
        with django_assert_num_queries(6):
            assert send(client, "get", "/volunteering?year=2025").status_code == 200
        with django_assert_num_queries(6):
            assert send(client, "get", "/volunteering/mine").status_code == 200


def test_rates_through_the_api(client, people):
    client.force_login(people["staff"])
    rate = {"valid_from": "2025-01-01", "hourly_value": "15.00", "source": "ISTAT"}
    assert send(client, "post", "/volunteering/rates", rate).status_code == 201
    assert error_field(send(client, "post", "/volunteering/rates", rate)) == "valid_from"
    assert error_field(send(client, "post", "/volunteering/rates", {**rate, "source": ""}))
    client.force_login(people["member"])
    assert send(client, "get", "/volunteering/rates").json()["items"][0]["hourly_value"] == "15.00"


# --- budgets --------------------------------------------------------------------------------------
def test_budgets_through_the_api(client, people):
    project = Project.objects.create(coop=people["coop"], title="Sentiero", summary="x")
    client.force_login(people["staff"])
    body = {"year": 2025, "project_id": project.pk, "amounts": {"services": "900.00"}}
    saved = send(client, "put", "/budgets/lines", body)
    assert saved.status_code == 200 and saved.json()["amounts"] == {"services": "900.00"}
    lines = send(client, "get", f"/budgets/lines?year=2025&project_id={project.pk}").json()
    assert lines["amounts"] == {"services": "900.00"}
    assert send(client, "get", "/budgets/lines?year=2025").json()["amounts"] == {}
    comparison = send(client, "get", f"/budgets/comparison?year=2025&project_id={project.pk}")
    row = comparison.json()["rows"][0]
    assert (row["category"], row["planned"], row["actual"], row["percent_used"]) == (
        "services",
        "900.00",
        "0.00",
        "0.0",
    )
    assert comparison.json()["result"]["planned"] == "900.00"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amounts": {"nope": "1.00"}}, "nope"),
        ({"amounts": {"services": "-1.00"}}, "services"),
        ({"amounts": {"services": "1.001"}}, None),
        ({"project_id": 999999, "amounts": {}}, "project"),
        ({"project_id": 1, "resource_id": 1, "amounts": {}}, "resource"),
        ({"year": 1, "amounts": {}}, None),
    ],
)
def test_bad_budgets_answer_422(client, people, body, field):
    client.force_login(people["staff"])
    found = error_field(send(client, "put", "/budgets/lines", {"year": 2025, **body}))
    if field is not None:
        assert found == field


def test_members_see_no_budget(client, people):
    client.force_login(people["member"])
    assert send(client, "get", "/budgets/comparison?year=2025").status_code == 403
