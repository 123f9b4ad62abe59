"""The pages of jobs, volunteering and budgets, as staff and members use them: forms with their
errors, constant queries on every list, and personal data only for staff."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from comunitas.core.models import Municipality
from comunitas.economy.models import BudgetLine, Job, VolunteerEntry, VolunteerStatus
from comunitas.economy.work import services as work_services
from tests.economy.work.matrix import (
    DECLARE_FORM,
    HOURS_FORM,
    JOB_FORM,
    RATE_FORM,
    declare,
    enter,
    make_job,
)
from tests.helpers import admit, person

pytestmark = pytest.mark.django_db
W = "/c/alpha/economy"
DAY = date(2025, 5, 2)


def many_jobs(people, n: int) -> None:
    for i in range(n):
        make_job(people["coop"], people["staff"], person_name=f"Persona {i}", fte=Decimal("0.5"))


def many_hours(people, n: int, status=VolunteerStatus.DECLARED) -> None:
    for i in range(n):
        VolunteerEntry.objects.create(
            coop=people["coop"],
            user=people["member"],
            activity="Turni",
            on_date=date(2025, 1, 1 + i),
            hours=Decimal("1.00"),
            status=status,
        )


# --- jobs -----------------------------------------------------------------------------------------
def test_record_a_job_from_its_form(client, people):
    client.force_login(people["staff"])
    form = {**JOB_FORM, "municipality": "Mendatica (IM)", "lives_in_territory": ""}
    response = client.post(f"{W}/jobs/new/", form)
    assert response.status_code == 302 and response["Location"].endswith("?year=2025")
    job = Job.objects.get()
    assert job.municipality_id == "008034" and job.lives_in_territory is True
    assert job.fte == Decimal("0.50") and job.previously_unemployed is None


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"fte": "1.5"}, "fte", "less than or equal to 1"),
        ({"end_date": "2025-01-10"}, "end_date", "must come after the start"),
        ({"municipality": "Atlantide"}, "municipality", "municipality"),
        ({"previously_unemployed": "true"}, "unemployment_consent_on", "consent"),
        ({"person_name": ""}, "person_name", "Choose a member"),
        ({"member": "999999"}, "member", "Choose a member of this cooperative"),
    ],
)
def test_a_wrong_job_form_comes_back_with_the_error(client, people, change, field, message):
    client.force_login(people["staff"])
    response = client.post(f"{W}/jobs/new/", {**JOB_FORM, **change})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors.get(field, [])), response.context[
        "form"
    ].errors
    assert not Job.objects.exists()


def test_edit_and_end_a_job(client, people):
    job = make_job(people["coop"], people["staff"])
    client.force_login(people["staff"])
    page = client.get(f"{W}/jobs/{job.pk}/edit/")
    assert page.context["form"].initial["title"] == job.title
    edited = {**JOB_FORM, "title": "Guida", "start_date": "2024-03-01"}
    assert client.post(f"{W}/jobs/{job.pk}/edit/", edited).status_code == 302
    assert client.post(f"{W}/jobs/{job.pk}/end/", {"end_date": "2024-01-01"}).status_code == 200
    assert client.post(f"{W}/jobs/{job.pk}/end/", {"end_date": "2025-01-01"}).status_code == 302
    job.refresh_from_db()
    assert (job.title, job.end_date) == ("Guida", date(2025, 1, 1))
    other = make_job(people["other"], people["stranger"])
    assert client.get(f"{W}/jobs/{other.pk}/edit/").status_code == 404


def test_the_jobs_list_runs_constant_queries(client, people, django_assert_num_queries):
    client.force_login(people["staff"])
    many_jobs(people, 3)
    # the cooperative, session, user, roles; the page's count and rows; the year's summary;
    # the series of all years
    with django_assert_num_queries(8):
        first = client.get(f"{W}/jobs/?year=2025")
    many_jobs(people, 12)
    with django_assert_num_queries(8):
        second = client.get(f"{W}/jobs/?year=2025")
    assert first.status_code == second.status_code == 200
    assert b"Persona 11" in second.content and b"<svg" in second.content
    assert second.context["summary"].fte_years == Decimal("7.50")


def test_members_read_the_summary_without_any_name(client, people):
    many_jobs(people, 2)
    client.force_login(people["member"])
    assert client.get(f"{W}/jobs/").status_code == 403
    page = client.get(f"{W}/jobs/summary/?year=2025")
    assert page.status_code == 200 and b"Persona" not in page.content
    assert b"Full-time equivalents per year" in page.content


def test_a_year_that_is_not_one_shows_this_year(client, people):
    client.force_login(people["staff"])
    for bad in ("abc", "99999", "-1", "1" * 30):
        assert client.get(f"{W}/jobs/?year={bad}").status_code == 200


# --- volunteering ---------------------------------------------------------------------------------
def test_staff_enter_and_decide_hours(client, people):
    client.force_login(people["staff"])
    assert client.post(f"{W}/volunteering/new/", HOURS_FORM).status_code == 302
    bad = client.post(f"{W}/volunteering/new/", {**HOURS_FORM, "hours": "25"})
    assert bad.status_code == 200 and "hours" in bad.context["form"].errors
    entry = declare(people["coop"], people["member"], on_date=date(2025, 5, 3))
    assert client.post(f"{W}/volunteering/{entry.pk}/reject/", {"reason": ""}).status_code == 302
    entry.refresh_from_db()
    assert entry.status == VolunteerStatus.DECLARED  # no reason, no decision
    client.post(f"{W}/volunteering/{entry.pk}/confirm/")
    entry.refresh_from_db()
    assert entry.status == VolunteerStatus.CONFIRMED
    again = client.post(f"{W}/volunteering/{entry.pk}/confirm/", follow=True)
    assert b"already decided" in again.content


# The cooperative, the session, the user and its roles: what every page of a cooperative reads.
BASE = 4
LISTS = {
    # the filters' projects and resources; the page's count and rows; the list's totals; the
    # year's summary (confirmed hours grouped, what waits)
    "/volunteering/?year=2025": BASE + 7,
    "/volunteering/pending/": BASE + 2,  # the page's count and rows
    "/volunteering/rates/": BASE + 2,  # the page's count and rows
}


def test_volunteering_lists_run_constant_queries(client, people, django_assert_num_queries):
    client.force_login(people["staff"])
    work_services.volunteer_rate_create(
        actor=None,
        coop=people["coop"],
        valid_from=date(2025, 1, 1),
        hourly_value="10",
        source="x",
    )
    for n in (3, 12):
        many_hours(people, n)
        many_hours(people, n, status=VolunteerStatus.CONFIRMED)
        for path, count in LISTS.items():
            with django_assert_num_queries(count):
                assert client.get(W + path).status_code == 200


def test_my_hours_are_mine_only(client, people, django_assert_num_queries):
    coop = people["coop"]
    member = admit(coop, person(1, first_name="Marta"), user=people["member"])
    declare(coop, people["member"], activity="Mia attività", on_date=date(2025, 5, 1))
    enter(
        coop,
        people["staff"],
        member=member,
        person_name="",
        activity="Per me",
        on_date=date(2025, 5, 2),
    )
    declare(coop, people["resident"], activity="Altrui", on_date=date(2025, 5, 1))
    client.force_login(people["member"])
    # the cooperative, session, user, roles; the page's count and rows; the confirmed total;
    # projects and resources of the form
    with django_assert_num_queries(9):
        page = client.get(f"{W}/volunteering/mine/")
    assert b"Mia attivit" in page.content and b"Per me" in page.content
    assert b"Altrui" not in page.content
    assert client.get(f"{W}/volunteering/").status_code == 403
    assert client.post(f"{W}/volunteering/mine/", DECLARE_FORM).status_code == 302
    future = client.post(f"{W}/volunteering/mine/", {**DECLARE_FORM, "on_date": "2999-01-01"})
    assert "on_date" in future.context["form"].errors


def test_a_rejected_entry_shows_its_reason_to_the_volunteer(client, people):
    entry = declare(people["coop"], people["resident"], on_date=date(2025, 5, 1))
    work_services.volunteer_reject(actor=people["staff"], entry=entry, reason="Giorno di chiusura")
    client.force_login(people["resident"])
    assert b"Giorno di chiusura" in client.get(f"{W}/volunteering/mine/").content


def test_rates_page_and_form(client, people):
    client.force_login(people["staff"])
    assert client.post(f"{W}/volunteering/rates/new/", RATE_FORM).status_code == 302
    again = client.post(f"{W}/volunteering/rates/new/", RATE_FORM)
    assert again.status_code == 200 and "valid_from" in again.context["form"].errors
    page = client.get(f"{W}/volunteering/rates/")
    assert b"ISTAT 2024" in page.content


# --- budgets --------------------------------------------------------------------------------------
def test_edit_and_compare_a_budget(client, people, django_assert_num_queries):
    client.force_login(people["staff"])
    response = client.post(
        f"{W}/budgets/edit/?year=2025", {"services": "1000.00", "staff": "", "rent": "0"}
    )
    assert response.status_code == 302 and "year=2025" in response["Location"]
    assert list(BudgetLine.objects.values_list("category__code", "amount")) == [
        ("services", Decimal("1000.00"))
    ]
    bad = client.post(f"{W}/budgets/edit/?year=2025", {"services": "-1"})
    assert bad.status_code == 200 and "services" in bad.context["form"].errors
    # the cooperative, session, user, roles; the subject's choices (projects, resources);
    # the categories, the planned lines, the movements by category
    with django_assert_num_queries(9):
        page = client.get(f"{W}/budgets/?year=2025")
    assert page.status_code == 200 and b"<svg" in page.content
    assert page.context["comparison"].income_total.planned == Decimal("1000.00")
    # A forged subject shows the whole cooperative's budget.
    assert client.get(f"{W}/budgets/?year=2025&subject=p999999").status_code == 200
    assert client.get(f"{W}/budgets/?subject=x").status_code == 200


def test_members_see_no_budget_page(client, people):
    client.force_login(people["member"])
    assert client.get(f"{W}/budgets/").status_code == 403
    assert Municipality.objects.exists()
