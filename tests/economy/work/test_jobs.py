"""Jobs: every rule of a position, the territory that follows from the municipality, closed
years, the audit trail, and the figures of a year (FTE-years exact, a split position counting
as the whole)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comunitas.core.models import AuditEntry, Municipality
from comunitas.economy.models import Closing, ClosingStatus, Job
from comunitas.economy.work import figures as work_figures
from comunitas.economy.work import services as work_services
from comunitas.projects.models import Project
from tests.economy.work.matrix import make_job
from tests.helpers import admit, assert_refused, make_resource, person

pytestmark = pytest.mark.django_db
SEAT = "008034"  # the seat of "alpha" (tests.conftest.make_coop): in its territory


def freeze(coop, year: int) -> None:
    Closing.objects.create(
        coop=coop,
        year=year,
        result_source="cash_book",
        result=Decimal("0.00"),
        status=ClosingStatus.PROPOSED,
        postal_bond_rate=Decimal("1.00"),
        paid_in_capital=Decimal("0.00"),
    )


# --- the rules of a position ----------------------------------------------------------------------
def test_a_job_is_recorded_and_audited_without_the_name(people):
    coop, staff = people["coop"], people["staff"]
    job = make_job(coop, staff, fte=Decimal("0.5"))
    assert job.fte == Decimal("0.50") and job.lives_in_territory is True
    entry = AuditEntry.objects.get(action="job.create", object_id=str(job.pk))
    assert entry.actor == staff and entry.changes["fte"]["after"] == "0.50"
    # Personal data: the trail says it was given, not what it is.
    assert entry.changes["person_name"]["after"] == "••• (new)"
    assert entry.changes["age_band"]["after"] == "••• (new)"
    assert "Rossi" not in str(entry.changes) and "Rossi" not in entry.object_repr
    work_services.job_update(actor=staff, job=job, fields={"person_name": "Rossi Anna Maria"})
    change = AuditEntry.objects.get(action="job.update").changes
    assert change == {"person_name": {"before": "•••", "after": "••• (new)"}}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"person_name": "", "member": None}, "person_name"),
        ({"title": "  "}, "title"),
        ({"contract": "slave"}, "contract"),
        ({"fte": Decimal("0")}, "fte"),
        ({"fte": Decimal("-0.5")}, "fte"),
        ({"fte": Decimal("1.01")}, "fte"),
        ({"fte": Decimal("0.333")}, "fte"),
        ({"fte": "half"}, "fte"),
        ({"fte": Decimal("NaN")}, "fte"),
        ({"start_date": None}, "start_date"),
        ({"start_date": date(1, 1, 1)}, "start_date"),
        ({"end_date": date(2024, 3, 1)}, "end_date"),  # the start day: an empty job
        ({"end_date": date(2024, 2, 1)}, "end_date"),
        ({"lives_in_territory": None}, "lives_in_territory"),
        ({"age_band": "old"}, "age_band"),
        ({"previously_unemployed": True}, "unemployment_consent_on"),
        ({"unemployment_consent_on": date(2024, 1, 1)}, "unemployment_consent_on"),
        (
            {"previously_unemployed": True, "unemployment_consent_on": date(2999, 1, 1)},
            "unemployment_consent_on",
        ),
        ({"title": "x" * 121}, "title"),
    ],
)
def test_bad_jobs_are_refused_and_nothing_is_saved(people, fields, field):
    assert_refused(make_job, people["coop"], people["staff"], on=field, **fields)
    assert not Job.objects.exists()


def test_what_is_not_an_input_of_a_job_cannot_be_set(people):
    for name in ("salary", "created_at"):
        with pytest.raises(TypeError, match=name):
            make_job(people["coop"], people["staff"], **{name: 1})
    assert not Job.objects.exists()


def test_previous_unemployment_is_kept_only_with_the_consent_date(people):
    job = make_job(
        people["coop"],
        people["staff"],
        previously_unemployed=True,
        unemployment_consent_on=date(2024, 2, 20),
    )
    assert job.previously_unemployed is True
    unknown = make_job(people["coop"], people["staff"], previously_unemployed=None)
    assert unknown.previously_unemployed is None and unknown.unemployment_consent_on is None


def test_the_person_is_a_member_of_this_cooperative_or_a_name(people):
    coop, other = people["coop"], people["other"]
    mine = admit(coop, person(1))
    theirs = admit(other, person(2))
    job = make_job(coop, people["staff"], member=mine, person_name="")
    assert job.member == mine
    assert_refused(make_job, coop, people["staff"], on="member", member=theirs, person_name="")
    assert_refused(make_job, coop, people["staff"], on="person_name", member=mine)  # both


def test_projects_and_resources_are_this_cooperatives(people):
    coop, other = people["coop"], people["other"]
    project = Project.objects.create(coop=other, title="Altrove", summary="x")
    assert_refused(make_job, coop, people["staff"], on="project", project=project)
    resource = make_resource(other)
    assert_refused(make_job, coop, people["staff"], on="resource", resource=resource)
    own = make_resource(coop)
    assert make_job(coop, people["staff"], resource=own).resource == own


def test_the_municipality_decides_whether_the_worker_is_local(people):
    coop, staff = people["coop"], people["staff"]
    seat = Municipality.objects.get(pk=SEAT)
    far = Municipality.objects.exclude(pk__in=coop.territory.values("pk")).first()
    # What was entered gives way to what the municipality says.
    assert make_job(coop, staff, municipality=seat, lives_in_territory=False).lives_in_territory
    assert not make_job(coop, staff, municipality=far, lives_in_territory=True).lives_in_territory


def test_update_and_end_are_audited_and_checked(people):
    coop, staff = people["coop"], people["staff"]
    job = make_job(coop, staff)
    job = work_services.job_update(actor=staff, job=job, fields={"fte": Decimal("0.75")})
    assert job.fte == Decimal("0.75")
    assert_refused(
        work_services.job_end, on="end_date", actor=staff, job=job, end_date=job.start_date
    )
    job = work_services.job_end(actor=staff, job=job, end_date=date(2025, 1, 1))
    assert job.end_date == date(2025, 1, 1)
    assert_refused(
        work_services.job_end, on="end_date", actor=staff, job=job, end_date=date(2025, 2, 1)
    )
    trail = AuditEntry.objects.filter(object_type="economy.job", object_id=str(job.pk))
    assert sorted(trail.values_list("action", flat=True)) == ["job.create", "job.end", "job.update"]


def test_a_closed_year_keeps_its_jobs(people):
    coop, staff = people["coop"], people["staff"]
    job = make_job(coop, staff, start_date=date(2024, 3, 1))
    freeze(coop, 2024)
    assert_refused(make_job, coop, staff, on="start_date", start_date=date(2024, 6, 1))
    assert_refused(
        work_services.job_update,
        on="start_date",
        actor=staff,
        job=job,
        fields={"fte": Decimal("0.5")},
    )
    assert_refused(
        work_services.job_end, on="end_date", actor=staff, job=job, end_date=date(2024, 9, 1)
    )
    # What does not count in the year may change, and so may the years after it.
    work_services.job_update(actor=staff, job=job, fields={"title": "Guida senior"})
    assert work_services.job_end(actor=staff, job=job, end_date=date(2025, 6, 1)).end_date
    assert make_job(coop, staff, start_date=date(2025, 1, 1)).pk


# --- the figures of a year ------------------------------------------------------------------------
def test_the_summary_of_a_year(people):
    coop, staff = people["coop"], people["staff"]
    resource = make_resource(coop)
    far = Municipality.objects.exclude(pk__in=coop.territory.values("pk")).first()
    make_job(coop, staff, start_date=date(2024, 1, 1), resource=resource)  # all of 2025
    make_job(  # half of 2025 (181 days), half time, not local, ended in 2025
        coop,
        staff,
        start_date=date(2025, 1, 1),
        end_date=date(2025, 7, 1),
        fte=Decimal("0.5"),
        municipality=far,
        contract="seasonal",
        age_band="u25",
    )
    make_job(coop, staff, start_date=date(2023, 1, 1), end_date=date(2025, 1, 1))  # not in 2025
    summary = work_figures.jobs_summary(coop=coop, year=2025)
    assert (summary.positions, summary.created, summary.ended) == (2, 1, 1)
    # 1 x 365 + 0.5 x 181 = 455.5 FTE-days of 365
    assert summary.fte_years == Decimal("1.25")
    assert summary.local_positions == 1 and summary.local_fte_years == Decimal("1.00")
    assert summary.local_share_headcount == Decimal("50.0")
    assert summary.local_share_fte == Decimal("80.0")
    assert [(g.label, g.positions) for g in summary.by_resource] == [
        (resource.name, 1),
        ("No resource", 1),
    ]
    assert {g.key: g.fte_years for g in summary.by_contract} == {
        "permanent": Decimal("1.00"),
        "seasonal": Decimal("0.25"),
    }
    assert {g.key for g in summary.by_age_band} == {"25-34", "u25"}
    # The job that ended on 1 January 2025 had its last day in 2024.
    assert work_figures.jobs_summary(coop=coop, year=2024).ended == 1
    empty = work_figures.jobs_summary(coop=coop, year=2010)
    assert empty.positions == 0 and empty.local_share_headcount is None


def test_the_series_covers_every_year_with_jobs_in_one_query(people, django_assert_num_queries):
    coop, staff = people["coop"], people["staff"]
    make_job(coop, staff, start_date=date(2021, 7, 1), end_date=date(2023, 1, 1))
    make_job(coop, staff, start_date=date(2023, 1, 1))
    with django_assert_num_queries(1):  # the positions, once for all years
        series = work_figures.jobs_series(coop=coop)
    this_year = timezone.localdate().year
    assert [y.year for y in series] == list(range(2021, this_year + 1))
    assert series[0].fte_years == Decimal("0.50") and series[1].fte_years == Decimal("1.00")
    assert series[2].created == 1 and series[1].ended == 1
    for year in series:
        summary = work_figures.jobs_summary(coop=coop, year=year.year)
        assert (summary.positions, summary.fte_years) == (year.positions, year.fte_years)
    with django_assert_num_queries(1):  # the positions of the year
        work_figures.jobs_summary(coop=coop, year=2022)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    start=st.dates(date(2020, 1, 1), date(2026, 12, 31)),
    length=st.integers(2, 2000),
    cut=st.floats(0, 1, exclude_min=True, exclude_max=True),
    fte=st.decimals(Decimal("0.01"), Decimal("1"), places=2),
    year=st.integers(2019, 2032),
)
def test_a_job_split_at_any_date_counts_as_the_whole(people, start, length, cut, fte, year):
    coop, staff = people["coop"], people["staff"]
    end = start + timedelta(days=length)
    split = start + timedelta(days=max(1, min(length - 1, int(length * cut))))
    with transaction.atomic():
        make_job(coop, staff, start_date=start, end_date=end, fte=fte)
        whole = work_figures.jobs_summary(coop=coop, year=year).fte_years
        transaction.set_rollback(True)
    with transaction.atomic():
        make_job(coop, staff, start_date=start, end_date=split, fte=fte)
        make_job(coop, staff, start_date=split, end_date=end, fte=fte)
        parts = work_figures.jobs_summary(coop=coop, year=year).fte_years
        transaction.set_rollback(True)
    assert parts == whole
