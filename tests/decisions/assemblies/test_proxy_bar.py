"""Proxies refused to the directors, the members of the control body and the employees of the
cooperative, as they are on the assembly's day (art. 2372 c.5 c.c., via art. 2519): the error
is on the holder, names the person, the office and the article, and nothing is written."""

from __future__ import annotations

from datetime import timedelta

import pytest

from comunitas.core.models import AuditEntry
from comunitas.decisions.assemblies import selectors, session_services
from comunitas.decisions.models import Proxy
from comunitas.economy.models import Job
from comunitas.members.offices import services as offices_services
from tests.helpers import assert_refused

pytestmark = pytest.mark.django_db

ARTICLE = "cannot hold proxies (art. 2372 c.c., via art. 2519)"


def written() -> tuple[int, int]:
    return Proxy.objects.count(), AuditEntry.objects.filter(action="proxy.register").count()


def register(data, grantor, holder):
    return session_services.proxy_register(
        actor=data["staff"],
        assembly=data["assembly"],
        grantor=data["members"][grantor],
        holder=data["members"][holder],
    )


def appoint(data, key, kind="director", days=(60, None)):
    """``key`` appointed ``days[0]`` days before the assembly, out of office ``days[1]`` days
    before it (None: still in office)."""
    day = selectors.held_on(data["assembly"])
    office = offices_services.office_appoint(
        actor=data["admin"],
        coop=data["coop"],
        member=data["members"][key],
        kind=kind,
        started_on=day - timedelta(days=days[0]),
        reference="Assemblea dei soci 2025",
    )
    if days[1] is not None:
        offices_services.office_end(
            actor=data["admin"], office=office, ended_on=day - timedelta(days=days[1])
        )


def employ(data, key, start_days: int, end_days: int | None = None, contract="fixed_term"):
    day = selectors.held_on(data["assembly"])
    member = data["members"][key]
    Job.objects.create(
        coop=member.coop,
        member=member,
        title="Accoglienza",
        contract=contract,
        fte="0.5",
        start_date=day - timedelta(days=start_days),
        end_date=day - timedelta(days=end_days) if end_days is not None else None,
        lives_in_territory=True,
    )


@pytest.mark.parametrize(
    ("bar", "office"),
    [
        (lambda data: appoint(data, 3), "is a director"),
        (lambda data: appoint(data, 3, kind="control"), "is a member of the control body"),
        (lambda data: employ(data, 3, start_days=400), "is an employee"),
    ],
    ids=["director", "control body", "employee"],
)
def test_a_proxy_to_a_director_auditor_or_employee_is_refused(convened, bar, office):
    bar(convened)
    holder = convened["members"][3]
    error = assert_refused(register, convened, 4, 3, on="holder", saying=ARTICLE, unchanged=written)
    message = error.as_dict()["holder"][0]
    assert message.startswith(f"{holder.display_name} {office}:"), message
    assert written() == (0, 0)


def test_the_bar_holds_during_the_session_too(in_session):
    appoint(in_session, 5)
    assert_refused(register, in_session, 6, 5, on="holder", saying=ARTICLE, unchanged=written)


def test_a_past_office_or_a_job_ended_before_the_assembly_does_not_bar(convened):
    appoint(convened, 3, days=(200, 30))  # out of office a month ago
    appoint(convened, 4, kind="control", days=(200, 0))  # its first day out is the assembly's
    employ(convened, 5, start_days=400, end_days=1)  # the job ended the day before
    employ(convened, 6, start_days=400, contract="collab")  # a collaborator is no employee
    for holder, grantor in ((3, 7), (4, 8), (5, "admin"), (6, "member")):
        register(convened, grantor, holder)
    assert written() == (4, 4)


def test_an_office_that_begins_after_the_assembly_does_not_bar(convened):
    appoint(convened, 3, days=(-5, None))  # appointed from five days after the assembly
    register(convened, 4, 3)
    assert Proxy.objects.filter(holder=convened["members"][3]).count() == 1
