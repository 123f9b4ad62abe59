"""The case studies' board (synthetic): a president and two directors among the members, in the
register of offices, so that the demo shows the register and its assemblies keep art. 2372
c.c. (their proxies go to members who hold no office). The president is the member the
"presidente" login belongs to; the two directors are the next members by register number who
are natural persons, hold no demo login and are not worker members (who will have jobs).

Through the offices' service, marked synthetic in the appointing decision's reference; once."""

from __future__ import annotations

import random

from django.contrib.auth import get_user_model

from comunitas.core.models import Cooperative
from comunitas.members.models import Member, MemberKind, MemberStatus, Office, OfficeKind
from comunitas.members.offices.services import office_appoint

DIRECTORS = 2
TITLES = ("Presidente", "Vicepresidente", "Consigliere")


def _board(coop: Cooperative) -> list[Member]:
    """The president first, then the directors, in the order of the book."""
    president = Member.objects.filter(
        coop=coop, user__username=f"{coop.slug}.presidente", status=MemberStatus.ACTIVE
    ).first()
    logins = get_user_model().objects.filter(username__startswith=f"{coop.slug}.")
    others = (
        Member.objects.filter(coop=coop, kind=MemberKind.PERSON, status=MemberStatus.ACTIVE)
        .exclude(user__in=logins)
        .exclude(category__code="lavoratore")
        .order_by("number")[:DIRECTORS]
    )
    return [m for m in (president, *others) if m is not None]


def demo_offices(coop: Cooperative, rng: random.Random, password: str) -> None:
    """The board appointed together, on the day its last member was admitted (or the
    founding): the register's first rows. Nothing when the cooperative has offices already."""
    if Office.objects.filter(coop=coop).exists():
        return
    board = _board(coop)
    if not board:
        return
    day = max(m.admitted_on for m in board)
    reference = f"Assemblea dei soci del {day:%d/%m/%Y} (dati sintetici)"
    for member, title in zip(board, TITLES, strict=False):
        office_appoint(
            actor=None,
            coop=coop,
            member=member,
            kind=OfficeKind.DIRECTOR,
            title=title,
            started_on=day,
            reference=reference,
        )
