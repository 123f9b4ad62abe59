"""The API of projects and indicators: the public accountability page with its progress, the
staff's writes with their bad input answered 422 with the field and nothing saved, team names
for operators only, another cooperative's ids answered 404, constant queries."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from comunitas.core.models import Cooperative
from comunitas.projects.models import (
    BudgetLine,
    Indicator,
    Measurement,
    Milestone,
    Objective,
    Project,
    ProjectUpdate,
    TeamMember,
)
from comunitas.projects.projects import services as project_services
from tests.helpers import add_objective, indicator, make_need, make_project, make_resource
from tests.projects.matrix_api import API_INDICATOR, API_OBJECTIVE

pytestmark = pytest.mark.django_db
BASE = "/api/v1/coops/alpha"
PROJECTS = f"{BASE}/projects"


def send(client, method: str, url: str, body: dict | None = None):
    return getattr(client, method)(url, json.dumps(body or {}), content_type="application/json")


def fields_of(response) -> list[str | None]:
    assert response.status_code == 422, response.content
    return [e["field"] for e in response.json()["errors"]]


@pytest.fixture
def project(people) -> Project:
    return make_project(people["coop"], people["admin"])


def objective_body(**change) -> dict:
    return {**API_OBJECTIVE, "indicator_id": indicator("jobs-fte").pk, **change}


# --- projects -----------------------------------------------------------------------------------
def test_staff_create_a_project_that_answers_needs(client, people):
    coop = people["coop"]
    need = make_need(coop, people["resident"])
    resource = make_resource(coop)
    client.force_login(people["staff"])
    body = {
        "title": "Bottega",
        "summary": "L'emporio riaperto.",
        "start_on": "2025-03-01",
        "needs": [need.pk],
        "resources": [resource.pk],
    }
    response = send(client, "post", PROJECTS, body)
    assert response.status_code == 201, response.content
    got = response.json()
    assert got["status"] == "planned" and got["start_on"] == "2025-03-01"
    assert [n["id"] for n in got["needs"]] == [need.pk] and got["needs"][0]["status"] == "answered"
    assert got["resources"] == [{"id": resource.pk, "name": resource.name}]
    assert got["progress"] == {
        "percent": None,
        "milestones_done": 0,
        "milestones_total": 0,
        "milestone_percent": None,
        "objectives": [],
    }
    assert got["budget"] == {"costs": "0.00", "revenues": "0.00", "lines": []}
    listed = client.get(PROJECTS).json()
    assert listed["count"] == 1 and listed["items"][0]["title"] == "Bottega"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": "x" * 201}, "title"),
        ({"summary": " "}, "summary"),
        ({"status": "dreaming"}, "status"),
        ({"start_on": "2025-05-01", "end_on": "2025-04-01"}, "end_on"),
        ({"start_on": "0001-01-01"}, "start_on"),
        ({"start_on": "yesterday"}, "start_on"),
        ({"needs": [10**12]}, "needs"),
        ({"resources": [10**12]}, "resources"),
        ({"proposal": 1}, "proposal"),
    ],
)
def test_bad_project_input_is_a_422_with_the_field(client, people, change, field):
    client.force_login(people["admin"])
    body = {"title": "Bottega", "summary": "L'emporio.", **change}
    assert field in fields_of(send(client, "post", PROJECTS, body))
    assert not Project.objects.exists()


def test_a_project_answers_needs_and_uses_resources_of_its_cooperative_only(client, people):
    theirs = make_need(people["other"], people["stranger"])
    their_resource = make_resource(people["other"])
    client.force_login(people["admin"])
    body = {"title": "Bottega", "summary": "L'emporio.", "needs": [theirs.pk]}
    response = send(client, "post", PROJECTS, body)
    assert fields_of(response) == ["needs"]
    assert response.json()["errors"][0]["message"] == (
        "A project can only answer needs of this cooperative."
    )
    body = {"title": "Bottega", "summary": "L'emporio.", "resources": [their_resource.pk]}
    assert fields_of(send(client, "post", PROJECTS, body)) == ["resources"]
    assert not Project.objects.exists()
    theirs.refresh_from_db()
    assert theirs.status == "new"


def test_visitors_see_only_the_resources_the_registry_shows(client, people):
    coop = people["coop"]
    shown, hidden = make_resource(coop, name="Rifugio"), make_resource(coop, name="Magazzino")
    hidden.is_public = False
    hidden.save()
    project = project_services.project_create(
        actor=None,
        coop=coop,
        title="Bottega",
        summary="S",
        resources=[shown, hidden],
    )
    url = f"{PROJECTS}/{project.pk}"
    assert [r["name"] for r in client.get(url).json()["resources"]] == ["Rifugio"]
    client.force_login(people["resident"])
    assert {r["name"] for r in client.get(url).json()["resources"]} == {"Rifugio", "Magazzino"}


def test_staff_change_a_project_along_its_workflow(client, people, project):
    url = f"{PROJECTS}/{project.pk}"
    client.force_login(people["member"])
    assert send(client, "patch", url, {"status": "running"}).status_code == 403
    client.force_login(people["staff"])
    response = send(client, "patch", url, {"status": "running", "end_on": "2027-12-31"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "running" and response.json()["end_on"] == "2027-12-31"
    assert fields_of(send(client, "patch", url, {"status": "planned"})) == ["status"]
    assert fields_of(send(client, "patch", url, {"title": None})) == ["title"]
    need = make_need(people["coop"], people["resident"])
    linked = send(client, "patch", url, {"needs": [need.pk], "end_on": None})
    assert [n["id"] for n in linked.json()["needs"]] == [need.pk]
    assert linked.json()["end_on"] is None
    project.refresh_from_db()
    assert project.status == "running"


# --- objectives and measurements ----------------------------------------------------------------
def test_objectives_and_measurements_make_the_progress(client, people, project):
    client.force_login(people["staff"])
    url = f"{PROJECTS}/{project.pk}/objectives"
    response = send(client, "post", url, objective_body(baseline="0", target="2", method=""))
    assert response.status_code == 201, response.content
    objective = response.json()
    assert objective["kind"] == "economic" and objective["target"] == "2.00"
    assert objective["indicator"]["code"] == "jobs-fte" and objective["indicator"]["shared"]
    assert objective["indicator"]["name"] == "Jobs (full-time equivalent)"
    assert objective["method"].startswith("Sum of the full-time equivalents")
    measured = send(
        client,
        "post",
        f"{url}/{objective['id']}/measurements",
        {"measured_on": "2025-06-30", "value": "1.5", "note": "Two part-time jobs"},
    )
    assert measured.status_code == 201, measured.content
    assert measured.json()["value"] == "1.50"
    milestones = f"{PROJECTS}/{project.pk}/milestones"
    send(client, "post", milestones, {"title": "Locale affittato", "due_on": "2025-01-31"})
    second = send(client, "post", milestones, {"title": "Apertura", "due_on": "2025-09-01"})
    done = send(client, "patch", f"{milestones}/{second.json()['id']}", {"done_on": "2025-08-28"})
    assert done.status_code == 200 and done.json()["done_on"] == "2025-08-28"
    progress = client.get(f"{PROJECTS}/{project.pk}").json()["progress"]
    assert progress["milestones_done"] == 1 and progress["milestone_percent"] == 50
    assert progress["objectives"] == [
        {
            "objective_id": objective["id"],
            "kind": "economic",
            "latest_value": "1.50",
            "latest_on": "2025-06-30",
            "percent": 75,
        }
    ]
    assert progress["percent"] == 62  # the mean of 50 and 75, half to even
    undone = send(client, "patch", f"{milestones}/{second.json()['id']}", {"done_on": None})
    assert undone.json()["done_on"] is None
    changed = send(client, "patch", f"{url}/{objective['id']}", {"target": "3"})
    assert changed.status_code == 200 and changed.json()["measurements"][0]["value"] == "1.50"
    assert client.get(PROJECTS).json()["items"][0]["progress"]["objectives"][0]["percent"] == 50


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"unit": None}, "unit"),
        ({"unit": ""}, "unit"),
        ({"target_date": None}, "target_date"),
        ({"target_date": "2300-01-01"}, "target_date"),
        ({"target": "0", "baseline": "0"}, "target"),
        ({"target": "1.005"}, "target"),
        ({"target": "NaN"}, "target"),
        ({"description": "x" * 201}, "description"),
        ({"indicator_id": 10**12}, "indicator_id"),
        ({"kind": "social"}, "kind"),
    ],
)
def test_an_objective_without_unit_or_date_or_with_bad_numbers_is_refused(
    client, people, project, change, field
):
    body = objective_body(**change)
    body = {k: v for k, v in body.items() if v is not None}  # None: the field is left out
    client.force_login(people["staff"])
    response = send(client, "post", f"{PROJECTS}/{project.pk}/objectives", body)
    assert field in fields_of(response)
    assert not Objective.objects.exists()


def test_indicators_of_another_cooperative_cannot_measure_a_project(client, people, project):
    theirs = Indicator.objects.create(
        coop=people["other"], code="theirs", name="T", kind="social", unit="u", method="m"
    )
    client.force_login(people["staff"])
    url = f"{PROJECTS}/{project.pk}/objectives"
    assert fields_of(send(client, "post", url, objective_body(indicator_id=theirs.pk))) == [
        "indicator_id"
    ]


def test_bad_measurements_and_milestones(client, people, project):
    objective = add_objective(project, people["admin"])
    client.force_login(people["staff"])
    url = f"{PROJECTS}/{project.pk}/objectives/{objective.pk}/measurements"
    for body, field in [
        ({"measured_on": "2025-01-01"}, "value"),
        ({"value": "1"}, "measured_on"),
        ({"measured_on": "1800-01-01", "value": "1"}, "measured_on"),
        ({"measured_on": "2025-01-01", "value": "1" * 15}, "value"),
        ({"measured_on": "2025-01-01", "value": "1", "note": "x" * 201}, "note"),
    ]:
        assert field in fields_of(send(client, "post", url, body)), body
    assert not Measurement.objects.exists()
    milestones = f"{PROJECTS}/{project.pk}/milestones"
    assert fields_of(send(client, "post", milestones, {"title": "Apertura"})) == ["due_on"]
    assert fields_of(send(client, "post", milestones, {"title": "", "due_on": "2025-01-01"})) == [
        "title"
    ]
    assert not Milestone.objects.exists()


# --- budget, team, updates ----------------------------------------------------------------------
def test_budget_lines_in_euros_and_cents(client, people, project):
    client.force_login(people["staff"])
    url = f"{PROJECTS}/{project.pk}/budget-lines"
    for amount in ("0", "-5", "12.345", "abc", "1e15"):
        body = {"kind": "cost", "label": "Affitto", "amount": amount}
        assert fields_of(send(client, "post", url, body)) == ["amount"], amount
    assert fields_of(send(client, "post", url, {"kind": "gift", "label": "x", "amount": "1"})) == [
        "kind"
    ]
    assert not BudgetLine.objects.exists()
    send(client, "post", url, {"kind": "cost", "label": "Affitto", "amount": "1200.5"})
    created = send(client, "post", url, {"kind": "revenue", "label": "Vendite", "amount": "3000"})
    assert created.status_code == 201 and created.json()["amount"] == "3000.00"
    budget = client.get(f"{PROJECTS}/{project.pk}").json()["budget"]
    assert budget["costs"] == "1200.50" and budget["revenues"] == "3000.00"
    assert [line["label"] for line in budget["lines"]] == ["Affitto", "Vendite"]


def test_team_names_reach_operators_only(client, people, project):
    client.force_login(people["staff"])
    url = f"{PROJECTS}/{project.pk}/team"
    response = send(client, "post", url, {"name": "Lia Rossi", "role": "Guida"})
    assert response.status_code == 201 and response.json()["name"] == "Lia Rossi"
    by_login = send(client, "post", url, {"user": "admin1", "role": "Coordinatrice"})
    assert by_login.json()["name"] == "Ada Board"
    assert fields_of(send(client, "post", url, {"user": "stranger1", "role": "X"})) == ["user"]
    assert fields_of(send(client, "post", url, {"user": "nobody", "role": "X"})) == ["user"]
    assert fields_of(send(client, "post", url, {"role": "X"})) == ["name"]
    assert fields_of(send(client, "post", url, {"name": "Gino"})) == ["role"]
    detail = f"{PROJECTS}/{project.pk}"
    assert [p["name"] for p in client.get(detail).json()["team"]] == ["Lia Rossi", "Ada Board"]
    client.force_login(people["admin"])
    assert client.get(detail).json()["team"][0]["name"] == "Lia Rossi"
    for who in ("member", "resident", None):
        client.logout()
        if who:
            client.force_login(people[who])
        answer = client.get(detail)
        assert [p["name"] for p in answer.json()["team"]] == [None, None]
        assert [p["role"] for p in answer.json()["team"]] == ["Guida", "Coordinatrice"]
        assert b"Lia Rossi" not in answer.content and b"Ada Board" not in answer.content
    client.force_login(people["staff"])
    assert client.delete(f"{url}/{response.json()['id']}").status_code == 204
    assert client.delete(f"{url}/{response.json()['id']}").status_code == 404
    assert TeamMember.objects.count() == 1


def test_the_public_timeline_of_updates(client, people, project):
    client.force_login(people["staff"])
    url = f"{PROJECTS}/{project.pk}/updates"
    script = "<script>alert(1)</script> Aperto!"
    first = send(client, "post", url, {"text": script, "on_date": "2025-03-01"})
    assert first.status_code == 201, first.content
    send(client, "post", url, {"text": "Prima settimana."})
    assert fields_of(send(client, "post", url, {"text": "x" * 5001})) == ["text"]
    assert fields_of(send(client, "post", url, {"text": "   "})) == ["text"]
    client.logout()
    listed = client.get(url).json()
    assert listed["count"] == 2 and listed["items"][1]["text"] == script
    assert set(listed["items"][0]) == {"id", "text", "on_date", "created_at"}
    assert send(client, "post", url, {"text": "Anonimo"}).status_code == 401
    assert ProjectUpdate.objects.count() == 2


# --- indicators ---------------------------------------------------------------------------------
def test_indicators_the_shared_catalogue_and_the_cooperatives_own(client, people):
    client.force_login(people["staff"])
    url = f"{BASE}/indicators"
    response = send(client, "post", url, API_INDICATOR)
    assert response.status_code == 201, response.content
    assert response.json()["shared"] is False and response.json()["name"] == "Rides a month"
    assert fields_of(send(client, "post", url, API_INDICATOR)) == ["code"]
    assert fields_of(send(client, "post", url, {**API_INDICATOR, "code": "jobs-fte"})) == ["code"]
    assert fields_of(send(client, "post", url, {**API_INDICATOR, "code": "not a slug"})) == ["code"]
    assert fields_of(send(client, "post", url, {**API_INDICATOR, "unit": "x" * 41})) == ["unit"]
    Indicator.objects.create(
        coop=people["other"], code="theirs", name="T", kind="social", unit="u", method="m"
    )
    client.logout()
    listed = client.get(f"{url}?limit=100").json()
    codes = [i["code"] for i in listed["items"]]
    assert "matrix-rides" in codes and "jobs-fte" in codes and "theirs" not in codes
    assert listed["count"] == Indicator.objects.filter(coop=None).count() + 1
    social = client.get(f"{url}?kind=social&limit=100").json()["items"]
    assert {i["kind"] for i in social} == {"social"}
    assert send(client, "post", url, API_INDICATOR).status_code == 401
    client.force_login(people["member"])
    assert send(client, "post", url, {**API_INDICATOR, "code": "other"}).status_code == 403


# --- who may see and do what --------------------------------------------------------------------
def test_visitors_read_a_public_cooperatives_projects_only(client, people, project):
    url = f"{PROJECTS}/{project.pk}"
    assert client.get(PROJECTS).status_code == 200 and client.get(url).status_code == 200
    assert send(client, "post", PROJECTS, {"title": "T", "summary": "S"}).status_code == 401
    client.force_login(people["member"])
    assert send(client, "post", PROJECTS, {"title": "T", "summary": "S"}).status_code == 403
    assert send(client, "post", f"{url}/updates", {"text": "Hi"}).status_code == 403
    Cooperative.objects.filter(pk=people["coop"].pk).update(is_public=False)
    client.logout()
    for path in (PROJECTS, url, f"{url}/updates", f"{BASE}/indicators"):
        assert client.get(path).status_code == 404, path
    client.force_login(people["resident"])
    assert client.get(url).status_code == 200


def test_another_cooperatives_ids_answer_404(client, people, project):
    theirs = make_project(people["other"], people["stranger"])
    objective = add_objective(theirs, people["stranger"])
    milestone = project_services.milestone_add(
        actor=None, project=theirs, title="M", due_on=date(2026, 1, 1)
    )
    person = project_services.team_add(actor=None, project=theirs, name="N", role="R")
    client.force_login(people["admin"])
    url = f"{PROJECTS}/{theirs.pk}"
    assert client.get(url).status_code == 404
    assert send(client, "patch", url, {"title": "Mine"}).status_code == 404
    assert send(client, "post", f"{url}/objectives", objective_body()).status_code == 404
    assert client.get(f"{url}/updates").status_code == 404
    assert send(client, "post", f"{url}/updates", {"text": "x"}).status_code == 404
    # Another cooperative's object, even under one of our projects' paths.
    ours = f"{PROJECTS}/{project.pk}"
    measurement = {"measured_on": "2025-01-01", "value": "1"}
    for method, path, body in [
        ("patch", f"{ours}/objectives/{objective.pk}", {"target": "5"}),
        ("post", f"{ours}/objectives/{objective.pk}/measurements", measurement),
        ("patch", f"{ours}/milestones/{milestone.pk}", {"title": "x"}),
        ("delete", f"{ours}/team/{person.pk}", {}),
    ]:
        assert send(client, method, path, body).status_code == 404, path
    # Our own objective, under another of our projects: not found either.
    other = make_project(people["coop"], people["admin"], title="Altro")
    mine = add_objective(project, people["admin"])
    elsewhere = f"{PROJECTS}/{other.pk}/objectives/{mine.pk}"
    assert send(client, "patch", elsewhere, {"unit": "posti"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "Bottega di comunità"
    assert TeamMember.objects.filter(pk=person.pk).exists()
    assert Objective.objects.get(pk=objective.pk).target == Decimal("2")


@pytest.mark.parametrize("n", [2, 12])
def test_projects_list_and_page_are_a_constant_number_of_queries(
    client, people, n, django_assert_num_queries
):
    coop, admin = people["coop"], people["admin"]
    for i in range(n):
        project = make_project(coop, admin, title=f"P{i}", needs=[make_need(coop, admin)])
        objective = add_objective(project, admin)
        project_services.measurement_add(
            actor=admin, objective=objective, measured_on=date(2025, 1, 1), value=Decimal(i % 3)
        )
        project_services.milestone_add(
            actor=admin, project=project, title="M", due_on=date(2025, 2, 1)
        )
        project_services.team_add(actor=admin, project=project, name="N", role="R")
        project_services.project_update_add(actor=admin, project=project, text="T")
    # A visitor: the cooperative, the page, its milestones, its objectives with indicators,
    # their measurements, the count.
    with django_assert_num_queries(6):
        items = client.get(PROJECTS).json()["items"]
    assert len(items) == n and all(len(p["progress"]["objectives"]) == 1 for p in items)
    # A visitor: the cooperative, the project with its proposal, milestones, objectives with
    # indicators, measurements, needs with municipalities, resources, budget, team, updates.
    with django_assert_num_queries(10):
        detail = client.get(f"{PROJECTS}/{project.pk}").json()
    assert len(detail["team"]) == 1 and len(detail["updates"]) == 1
