"""The register of offices through its services: appointments and their end, each bad input
refused on its field with nothing written, every change audited; and what bars a member from
holding proxies on a day (art. 2372 c.c., via art. 2519)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from comunitas.core.models import AuditEntry
from comunitas.economy.models import Job
from comunitas.members.book import services as book_services
from comunitas.members.models import Office
from comunitas.members.offices import selectors, services
from comunitas.members.shares import services as shares_services
from tests.helpers import CONSENT, admit, assert_refused, person

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def appoint(book, member, **extra):
    values = {
        "kind": "director",
        "started_on": TODAY() - timedelta(days=30),
        "reference": "Assemblea dei soci del 28/04/2026",
        **extra,
    }
    return services.office_appoint(actor=book["admin"], coop=book["coop"], member=member, **values)


def offices() -> int:
    return Office.objects.count()


def test_an_appointment_and_its_end_are_recorded_and_audited(book):
    member = admit(book["coop"], person(1), actor=book["admin"])
    office = appoint(book, member, title="Presidente")
    assert (office.kind, office.title, office.ended_on) == ("director", "Presidente", None)
    assert selectors.offices_on(member, TODAY()) == [office]
    ended = services.office_end(
        actor=book["admin"], office=office, ended_on=TODAY(), reference="dimissioni"
    )
    assert ended.ended_on == TODAY() and ended.end_reference == "dimissioni"
    assert selectors.offices_on(member, TODAY()) == []  # the end is the first day out of office
    assert selectors.offices_on(member, TODAY() - timedelta(days=1)) == [office]
    trail = AuditEntry.objects.filter(action__startswith="office.").order_by("id")
    assert [e.action for e in trail] == ["office.appoint", "office.end"]
    assert trail[0].coop == book["coop"] and trail[1].actor == book["admin"]
    assert trail[1].changes["ended_on"] == {"before": None, "after": TODAY().isoformat()}


def test_only_a_member_of_this_cooperative_in_the_book_on_the_day_holds_an_office(book):
    coop, admin = book["coop"], book["admin"]
    stranger = admit(book["other"], person(2))
    assert_refused(
        appoint, book, stranger, on="member", saying="not a member of this", unchanged=offices
    )
    applicant = book_services.application_submit(
        actor=None, coop=coop, **person(3), consents=CONSENT
    )
    assert_refused(appoint, book, applicant, on="member", saying="not been admitted")
    left = admit(coop, person(4), actor=admin)
    shares_services.member_exit(actor=admin, member=left, kind="withdrawal")
    assert_refused(appoint, book, left, on="member", saying="left the cooperative")
    recent = admit(coop, person(5), actor=admin, days_ago=10)
    assert_refused(appoint, book, recent, on="started_on", saying="admitted on")
    assert offices() == 0


def test_bad_appointments_are_refused_on_their_field(book):
    member = admit(book["coop"], person(1), actor=book["admin"])
    assert_refused(appoint, book, member, kind="mayor", on="kind", unchanged=offices)
    assert_refused(appoint, book, member, reference="  ", on="reference", unchanged=offices)
    assert_refused(appoint, book, member, title="x" * 81, on="title", unchanged=offices)
    appoint(book, member)
    assert_refused(appoint, book, member, on="member", saying="already holds", unchanged=offices)
    appoint(book, member, kind="control")  # another kind of office is another row
    assert offices() == 2


def test_an_office_ends_once_and_not_before_it_began(book):
    office = appoint(book, admit(book["coop"], person(1), actor=book["admin"]))
    end = services.office_end
    before = office.started_on - timedelta(days=1)
    assert_refused(
        end, actor=None, office=office, ended_on=before, on="ended_on", saying="cannot end"
    )
    assert Office.objects.get().ended_on is None
    end(actor=None, office=office, ended_on=office.started_on)  # an office of no day at all
    assert_refused(
        end, actor=None, office=office, ended_on=TODAY(), on="ended_on", saying="already"
    )
    assert Office.objects.get().ended_on == office.started_on


def test_the_database_keeps_one_open_office_of_a_kind_and_ends_after_starts(book):
    office = appoint(book, admit(book["coop"], person(1), actor=book["admin"]))
    twin = Office(
        coop=office.coop, member=office.member, kind="director", started_on=TODAY(), reference="x"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
    office.ended_on = office.started_on - timedelta(days=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        office.save()


# --- what bars a proxy ----------------------------------------------------------------------------
def job(member, start, end=None, contract="permanent"):
    return Job.objects.create(
        coop=member.coop,
        member=member,
        title="Guida",
        contract=contract,
        fte=1,
        start_date=start,
        end_date=end,
        lives_in_territory=True,
    )


def test_proxy_bar_names_the_office_or_the_job_in_force_on_the_day(book):
    coop, admin, day = book["coop"], book["admin"], TODAY()
    director, auditor, employee, free = (admit(coop, person(n), actor=admin) for n in (1, 2, 3, 4))
    appoint(book, director)
    appoint(book, auditor, kind="control")
    job(employee, day - timedelta(days=60))
    assert selectors.proxy_bar(director, day) == "a director"
    assert selectors.proxy_bar(auditor, day) == "a member of the control body"
    assert selectors.proxy_bar(employee, day) == "an employee"
    assert selectors.proxy_bar(free, day) == ""
    # Before the appointment and before the job, nothing barred them.
    assert selectors.proxy_bar(director, day - timedelta(days=31)) == ""
    assert selectors.proxy_bar(employee, day - timedelta(days=61)) == ""


def test_a_job_ended_or_not_of_employment_does_not_bar(book):
    coop, admin, day = book["coop"], book["admin"], TODAY()
    former, freelance, starting = (admit(coop, person(n), actor=admin) for n in (1, 2, 3))
    job(former, day - timedelta(days=100), end=day)  # half-open: gone on ``day``
    job(freelance, day - timedelta(days=100), contract="collab")
    job(starting, day + timedelta(days=1))
    for member in (former, freelance, starting):
        assert selectors.proxy_bar(member, day) == "", member
    assert selectors.proxy_bar(former, day - timedelta(days=1)) == "an employee"


def test_the_register_lists_current_and_past_offices_in_one_query(book, django_assert_num_queries):
    coop, admin = book["coop"], book["admin"]
    members = [admit(coop, person(n), actor=admin) for n in range(1, 7)]
    for member in members[:3]:
        appoint(book, member)
    for member in members[3:]:
        office = appoint(book, member, kind="control")
        services.office_end(actor=admin, office=office, ended_on=TODAY())
    with django_assert_num_queries(1):  # the offices joined with their members
        register = selectors.office_list(coop=coop, today=TODAY())
        names = [o.member.display_name for o in register.current + register.past]
    assert len(register.current) == 3 and len(register.past) == 3 and len(names) == 6
