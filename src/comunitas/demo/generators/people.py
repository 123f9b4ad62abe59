"""The cooperative's founding pieces a demo needs first: a statute of plausible values and one
login per role, so each role's view of the cooperative can be tried. Synthetic and marked so."""

from __future__ import annotations

import random
from decimal import Decimal

from django.contrib.auth import get_user_model

from comunitas.core.coops.services import role_grant
from comunitas.core.models import Cooperative, RoleKind
from comunitas.demo.plans import COMMON

FIRST_NAMES = COMMON.names.first
LAST_NAMES = COMMON.names.last
DEMO_ROLES = (
    ("presidente", RoleKind.ADMIN),
    ("staff", RoleKind.STAFF),
    ("socio", RoleKind.MEMBER),
    ("residente", RoleKind.RESIDENT),
)


def synthetic_statute(rng: random.Random, share_value: Decimal | None) -> dict:
    """Statute parameters a small community cooperative might adopt (within the law)."""
    return {
        "share_nominal_value": share_value or Decimal(rng.choice([25, 50, 100, 250])),
        "max_proxies_per_member": rng.choice([1, 2, 3, 5]),
        "legal_person_max_votes": rng.choice([1, 2, 3, 5]),
        # Financing members' votes by capital paid in (L. 59/1992 art. 4); drawn from no random
        # number, so the rest of the demo stays as it was.
        "financing_votes_scale": [(Decimal("1000.00"), 2), (Decimal("5000.00"), 3)],
        "notice_days": rng.choice([8, 10, 15]),
        "decision_reference": "Statuto (dati sintetici)",
    }


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
