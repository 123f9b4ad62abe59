"""Volunteering: hours entered by staff and declared by volunteers, the 24 hours of a day,
confirmation once, the dated value of an hour, the year's summary, and nobody reading another
person's hours."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comunitas.core.models import AuditEntry
from comunitas.economy.models import VolunteerEntry, VolunteerStatus
from comunitas.economy.work import figures as work_figures
from comunitas.economy.work import selectors as work_selectors
from comunitas.economy.work import services as work_services
from comunitas.projects.models import Project
from tests.economy.work.matrix import declare, enter
from tests.helpers import admit, assert_refused, make_resource, person

pytestmark = pytest.mark.django_db
DAY = date(2025, 5, 4)


def rate(coop, valid_from, value, source="Valore ISTAT"):
    return work_services.volunteer_rate_create(
        actor=None,
        coop=coop,
        valid_from=valid_from,
        hourly_value=Decimal(value),
        source=source,
    )


# --- entering and declaring -----------------------------------------------------------------------
def test_staff_entries_are_confirmed_at_once_and_audited(people):
    entry = enter(people["coop"], people["staff"], on_date=DAY)
    assert entry.status == VolunteerStatus.CONFIRMED and entry.confirmed_by == people["staff"]
    audit = AuditEntry.objects.get(action="volunteer.enter", object_id=str(entry.pk))
    assert audit.changes["person_name"]["after"] == "••• (new)"
    assert audit.changes["hours"]["after"] == "3.00"


def test_a_declaration_is_linked_to_the_login_and_its_member_record(people):
    coop, user = people["coop"], people["member"]
    member = admit(coop, person(1), user=user)
    entry = declare(coop, user, on_date=DAY)
    assert (entry.user, entry.member, entry.status) == (user, member, VolunteerStatus.DECLARED)
    resident = declare(coop, people["resident"], on_date=DAY)  # no member record: the login
    assert resident.member is None and resident.user == people["resident"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"hours": Decimal("0")}, "hours"),
        ({"hours": Decimal("-1")}, "hours"),
        ({"hours": Decimal("24.01")}, "hours"),
        ({"hours": Decimal("1.005")}, "hours"),
        ({"hours": "two"}, "hours"),
        ({"hours": Decimal("Infinity")}, "hours"),
        ({"activity": " "}, "activity"),
        ({"on_date": timezone.localdate() + timedelta(days=1)}, "on_date"),
        ({"on_date": "2025-01-01"}, "on_date"),
        ({"person_name": ""}, "person_name"),
    ],
)
def test_bad_hours_are_refused_and_nothing_is_saved(people, fields, field):
    assert_refused(enter, people["coop"], people["staff"], on=field, **{"on_date": DAY, **fields})
    assert not VolunteerEntry.objects.exists()


def test_staff_cannot_set_the_status_of_hours_they_enter(people):
    """Entered hours are confirmed by the service: the status is not an input."""
    for name in ("status", "confirmed_by", "user"):
        with pytest.raises(TypeError, match=name):
            enter(people["coop"], people["staff"], on_date=DAY, **{name: "confirmed"})
    assert not VolunteerEntry.objects.exists()


def test_a_volunteer_cannot_declare_for_someone_else_or_set_the_status(people):
    """The person declaring is the caller: who, the status and who entered are not inputs."""
    for name in ("member", "person_name", "status", "entered_by"):
        with pytest.raises(TypeError, match=name):
            declare(people["coop"], people["member"], **{name: None})
    assert not VolunteerEntry.objects.exists()


def test_links_are_this_cooperatives(people):
    coop, other = people["coop"], people["other"]
    project = Project.objects.create(coop=other, title="Altrove", summary="x")
    assert_refused(declare, coop, people["member"], on="project", on_date=DAY, project=project)
    assert_refused(
        declare, coop, people["member"], on="resource", on_date=DAY, resource=make_resource(other)
    )
    theirs = admit(other, person(2))
    assert_refused(
        enter, coop, people["staff"], on="member", on_date=DAY, member=theirs, person_name=""
    )


def test_a_day_has_24_hours_for_each_person(people):
    coop, staff, user = people["coop"], people["staff"], people["member"]
    member = admit(coop, person(1), user=user)
    declare(coop, user, hours="20", on_date=DAY)
    # Staff entering for the same member count against the same day.
    message = str(
        assert_refused(
            enter, coop, staff, on="hours", hours="4.5", on_date=DAY, member=member, person_name=""
        )
    )
    assert "20" in message
    enter(coop, staff, hours="4", on_date=DAY, member=member, person_name="")
    assert_refused(declare, coop, user, on="hours", hours="0.25", on_date=DAY)
    # Another day, another person, or a name, are apart.
    declare(coop, user, hours="10", on_date=DAY - timedelta(days=1))
    enter(coop, staff, hours="24", on_date=DAY, person_name="Bianchi Luca")
    assert_refused(
        enter, coop, staff, on="hours", hours="1", on_date=DAY, person_name="bianchi luca"
    )


def test_rejected_hours_free_the_day(people):
    coop, staff, user = people["coop"], people["staff"], people["member"]
    entry = declare(coop, user, hours="24", on_date=DAY)
    work_services.volunteer_reject(actor=staff, entry=entry, reason="Doppia")
    assert declare(coop, user, hours="24", on_date=DAY).pk


# --- confirming -----------------------------------------------------------------------------------
def test_confirm_and_reject_apply_once_to_declared_hours(people):
    coop, staff = people["coop"], people["staff"]
    entry = declare(coop, people["member"], on_date=DAY)
    confirmed = work_services.volunteer_confirm(actor=staff, entry=entry)
    assert confirmed.status == VolunteerStatus.CONFIRMED and confirmed.confirmed_by == staff
    # A second decision, from a page loaded before the first, finds it decided.
    assert_refused(work_services.volunteer_confirm, on=None, actor=staff, entry=entry)
    assert_refused(work_services.volunteer_reject, on=None, actor=staff, entry=entry, reason="No")
    staff_entry = enter(coop, staff, on_date=DAY)
    assert_refused(work_services.volunteer_confirm, on=None, actor=staff, entry=staff_entry)
    assert AuditEntry.objects.filter(action="volunteer.confirm").count() == 1


def test_a_rejection_needs_a_reason_the_volunteer_reads(people):
    coop, staff, user = people["coop"], people["staff"], people["member"]
    entry = declare(coop, user, on_date=DAY)
    assert_refused(
        work_services.volunteer_reject, on="reason", actor=staff, entry=entry, reason="  "
    )
    assert_refused(
        work_services.volunteer_reject, on="reason", actor=staff, entry=entry, reason="x" * 501
    )
    work_services.volunteer_reject(actor=staff, entry=entry, reason="Quel giorno era chiuso")
    mine = work_selectors.volunteer_mine(coop=coop, user=user).get()
    assert mine.status == VolunteerStatus.REJECTED
    assert mine.rejection_reason == "Quel giorno era chiuso"


def test_ones_own_hours_are_nobody_elses(people):
    coop, staff = people["coop"], people["staff"]
    member = admit(coop, person(1), user=people["member"])
    declare(coop, people["member"], on_date=DAY)
    enter(coop, staff, on_date=DAY, member=member, person_name="")  # entered for them
    declare(coop, people["resident"], on_date=DAY)
    declare(people["other"], people["member"], on_date=DAY)  # in another cooperative
    mine = work_selectors.volunteer_mine(coop=coop, user=people["member"])
    assert mine.count() == 2
    assert work_selectors.volunteer_mine(coop=coop, user=people["resident"]).count() == 1
    assert work_selectors.volunteer_mine(coop=coop, user=people["admin"]).count() == 0


# --- rates and values -----------------------------------------------------------------------------
def test_rates_are_dated_with_their_source(people):
    coop = people["coop"]
    rate(coop, date(2024, 1, 1), "15.00")
    rate(coop, date(2025, 3, 1), "17.50")
    assert work_selectors.volunteer_rate_on(coop=coop, on_date=date(2023, 12, 31)) is None
    assert work_selectors.volunteer_rate_on(coop=coop, on_date=date(2025, 2, 28)) == Decimal(
        "15.00"
    )
    assert work_selectors.volunteer_rate_on(coop=coop, on_date=date(2025, 3, 1)) == Decimal("17.50")
    assert work_selectors.volunteer_rate_on(coop=people["other"], on_date=DAY) is None
    assert_refused(rate, coop, date(2025, 3, 1), "18.00", on="valid_from")
    assert_refused(rate, coop, date(2026, 1, 1), "0", on="hourly_value")
    assert_refused(rate, coop, date(2026, 1, 1), "1.234", on="hourly_value")
    assert_refused(rate, coop, date(2026, 1, 1), "18.00", on="source", source=" ")
    assert AuditEntry.objects.filter(action="volunteer_rate.create").count() == 2


def test_the_summary_of_a_year_values_each_day_at_its_rate(people, django_assert_num_queries):
    coop, staff, user = people["coop"], people["staff"], people["member"]
    member = admit(coop, person(1), user=user)
    project = Project.objects.create(coop=coop, title="Sentiero", summary="x")
    rate(coop, date(2025, 3, 1), "10.00")
    rate(coop, date(2025, 6, 1), "20.00")
    enter(coop, staff, hours="2", on_date=date(2025, 1, 10), person_name="Bianchi Luca")  # no rate
    enter(coop, staff, hours="3", on_date=date(2025, 4, 1), member=member, person_name="")
    confirmed = declare(coop, user, hours="1.5", on_date=date(2025, 7, 1), project=project)
    work_services.volunteer_confirm(actor=staff, entry=confirmed)
    declare(coop, people["resident"], hours="4", on_date=date(2025, 7, 1))  # waits
    enter(coop, staff, hours="5", on_date=date(2024, 7, 1))  # another year
    with django_assert_num_queries(2):  # confirmed hours grouped; what waits
        summary = work_figures.volunteer_summary(coop=coop, year=2025)
    assert summary.hours == Decimal("6.50") and summary.entries == 3
    assert summary.people == 2  # Bianchi, and the member (entered and declared)
    assert summary.valued == Decimal("60.00")  # 3 x 10 + 1.5 x 20
    assert summary.unvalued_hours == Decimal("2.00")
    assert (summary.pending_entries, summary.pending_hours) == (1, Decimal("4.00"))
    assert [(g.label, g.hours) for g in summary.by_activity] == [
        ("Pulizie", Decimal("5.00")),
        ("Visite guidate", Decimal("1.50")),
    ]
    assert [(g.label, g.hours) for g in summary.by_project] == [("Sentiero", Decimal("1.50"))]
    assert work_figures.volunteer_valued_total(coop=coop, year=2025) == summary.valued
    with django_assert_num_queries(1):  # confirmed hours grouped by year and rate
        series = work_figures.volunteer_series(coop=coop)
    assert [(y.year, y.hours, y.valued) for y in series] == [
        (2024, Decimal("5.00"), Decimal("0.00")),
        (2025, Decimal("6.50"), Decimal("60.00")),
    ]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    entries=st.lists(
        st.tuples(
            st.decimals(Decimal("0.01"), Decimal("8"), places=2),
            st.integers(0, 400),
            st.sampled_from(["A", "B", "C"]),
            st.booleans(),
        ),
        min_size=1,
        max_size=8,
    ),
    value=st.decimals(Decimal("0.01"), Decimal("50"), places=2),
)
def test_confirmed_totals_are_the_sum_of_the_entries(people, entries, value):
    coop = people["coop"]
    start = date(2025, 1, 1)
    with transaction.atomic():
        rate(coop, start, str(value))
        for hours, offset, name, confirm in entries:
            on_date = start + timedelta(days=offset)
            if on_date > timezone.localdate():
                on_date = timezone.localdate()
            entry = VolunteerEntry(
                coop=coop,
                person_name=name,
                activity="Turni",
                on_date=on_date,
                hours=hours,
                status=VolunteerStatus.CONFIRMED if confirm else VolunteerStatus.DECLARED,
            )
            entry.save()  # directly: the day limit is not what this property is about
        summaries = [work_figures.volunteer_summary(coop=coop, year=y) for y in (2025, 2026)]
        transaction.set_rollback(True)
    for year, summary in zip((2025, 2026), summaries, strict=True):
        dated = [
            (h, name, c)
            for h, offset, name, c in entries
            if min(start + timedelta(days=offset), timezone.localdate()).year == year
        ]
        confirmed = [h for h, _name, c in dated if c]
        assert summary.hours == sum(confirmed, Decimal("0"))
        assert summary.valued == (sum(confirmed, Decimal("0")) * value).quantize(Decimal("0.01"))
        assert summary.people == len({name for _h, name, c in dated if c})
        assert summary.pending_hours == sum((h for h, _n, c in dated if not c), Decimal("0"))
        assert sum(g.hours for g in summary.by_activity) == summary.hours
