"""The seeded synthetic generator: plausible data around the public facts of the case studies.

Each step gets its own random stream, seeded by (seed, cooperative, step), so adding a step in a
later issue never changes what earlier steps produce, and the same seed always gives the same
data. Steps must be idempotent: loading twice changes nothing. Later issues register their
steps (resources, projects, money) with ``@synthetic_step``; the member book is in
``member_book``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth import get_user_model

from comunitas.core.coops.services import role_grant
from comunitas.core.models import Cooperative, RoleKind

SyntheticStep = Callable[[Cooperative, random.Random, str], None]  # (coop, rng, password)
STEPS: list[tuple[str, SyntheticStep]] = []

FIRST_NAMES = [
    "Giulia",
    "Marco",
    "Francesca",
    "Luca",
    "Chiara",
    "Matteo",
    "Sara",
    "Andrea",
    "Elena",
    "Giuseppe",
    "Anna",
    "Antonio",
    "Martina",
    "Paolo",
    "Rosa",
    "Salvatore",
    "Laura",
    "Davide",
]
LAST_NAMES = [
    "Rossi",
    "Esposito",
    "Bianchi",
    "Romano",
    "Colombo",
    "Ricci",
    "Marino",
    "Greco",
    "Bruno",
    "Gallo",
    "Conti",
    "De Luca",
    "Mancini",
    "Costa",
    "Giordano",
    "Rizzo",
    "Lombardi",
    "Moretti",
]
DEMO_ROLES = (
    ("presidente", RoleKind.ADMIN),
    ("staff", RoleKind.STAFF),
    ("socio", RoleKind.MEMBER),
    ("residente", RoleKind.RESIDENT),
)


def synthetic_step(name: str) -> Callable[[SyntheticStep], SyntheticStep]:
    def register(step: SyntheticStep) -> SyntheticStep:
        if any(existing == name for existing, _ in STEPS):
            raise ValueError(f"synthetic step {name!r} registered twice")
        STEPS.append((name, step))
        return step

    return register


def generate(coop: Cooperative, *, seed: int, password: str) -> None:
    for name, step in STEPS:
        step(coop, random.Random(f"{seed}:{coop.slug}:{name}"), password)


def synthetic_statute(rng: random.Random, share_value: Decimal | None) -> dict:
    """Statute parameters a small community cooperative might adopt (within the law)."""
    return {
        "share_nominal_value": share_value or Decimal(rng.choice([25, 50, 100, 250])),
        "max_proxies_per_member": rng.choice([1, 2, 3, 5]),
        "legal_person_max_votes": rng.choice([1, 2, 3, 5]),
        "notice_days": rng.choice([8, 10, 15]),
        "decision_reference": "Statuto (dati sintetici)",
    }


@synthetic_step("people")
def demo_people(coop: Cooperative, rng: random.Random, password: str) -> None:
    """One login per role, so each role's view of the cooperative can be tried."""
    users = get_user_model().objects
    for suffix, kind in DEMO_ROLES:
        username = f"{coop.slug}.{suffix}"
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        user, created = users.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"},
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
        role_grant(actor=None, coop=coop, user=user, kind=kind)


@synthetic_step("members")
def demo_members(coop: Cooperative, rng: random.Random, password: str) -> None:
    """A member book of plausible size and mix, the demo logins among its members."""
    from comunitas.demo.member_book import member_book_generate

    member_book_generate(coop, rng)


@synthetic_step("commons")
def demo_commons(coop: Cooperative, rng: random.Random, password: str) -> None:
    """The cooperative's real common resources, with synthetic legal bases and obligations."""
    from comunitas.demo.commons import commons_generate

    commons_generate(coop, rng)


@synthetic_step("commons_use")
def demo_commons_use(coop: Cooperative, rng: random.Random, password: str) -> None:
    """Units and their bookings, services, events, tickets and sales of the commons."""
    from comunitas.demo.commons_use import commons_use_generate

    commons_use_generate(coop, rng)
