"""Reads of the register of offices, and what bars a member from holding proxies.

Art. 2372 c.5 c.c., applied to cooperatives by art. 2519: a proxy cannot be given to the
directors, the members of the control body or the employees of the company. Offices are in this
register; employment is known to the economy, a higher app that this one may not import: the
economy adds its lookup to ``EMPLOYMENT_LOOKUPS`` in its ``AppConfig.ready`` (the way it listens
to the commons' sales), and ``proxy_bar`` asks every lookup registered."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from comunitas.core.models import Cooperative
from comunitas.members.models import Member, Office, OfficeKind

# Each says whether a member is an employee of their cooperative on a day. Filled by the
# economy's AppConfig.ready (economy.work.selectors.employed_on); empty without it.
EmploymentLookup = Callable[[Member, date], bool]
EMPLOYMENT_LOOKUPS: list[EmploymentLookup] = []


def employment_lookup_add(lookup: EmploymentLookup) -> None:
    if lookup not in EMPLOYMENT_LOOKUPS:
        EMPLOYMENT_LOOKUPS.append(lookup)


@dataclass(frozen=True)
class OfficeRegister:
    current: list[Office]  # not ended (some may start later), directors first
    past: list[Office]  # ended, the latest first


def office_queryset(*, coop: Cooperative) -> QuerySet[Office]:
    return Office.objects.filter(coop=coop).select_related("member")


def office_get(*, coop: Cooperative, pk: int) -> Office:
    return office_queryset(coop=coop).get(pk=pk)


def office_list(*, coop: Cooperative, today: date) -> OfficeRegister:
    """Every office of the cooperative, current and past, with their members: one query."""
    current, past = [], []
    for office in office_queryset(coop=coop).order_by("-ended_on", "-started_on", "-id"):
        ended = office.ended_on is not None and office.ended_on <= today
        (past if ended else current).append(office)
    order = list(OfficeKind.values)
    current.sort(key=lambda o: (order.index(o.kind), o.started_on, o.pk))
    return OfficeRegister(current=current, past=past)


def offices_on(member: Member, day: date) -> list[Office]:
    """The offices ``member`` holds on ``day``."""
    return list(Office.objects.filter(member=member).in_force_on(day).order_by("kind", "id"))


def proxy_bar(member: Member, day: date) -> str:
    """Why ``member`` may not hold other members' proxies on ``day`` (art. 2372 c.5 c.c., via
    art. 2519), as the words that complete "X is …": "" when nothing bars them."""
    kinds = {office.kind for office in offices_on(member, day)}
    if OfficeKind.DIRECTOR in kinds:
        return _("a director")
    if OfficeKind.CONTROL in kinds:
        return _("a member of the control body")
    if any(lookup(member, day) for lookup in EMPLOYMENT_LOOKUPS):
        return _("an employee")
    return ""
