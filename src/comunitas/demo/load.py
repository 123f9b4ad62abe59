"""Loading the demo: the five case-study cooperatives, their sourced facts and synthetic data.

Idempotent: every write goes through a service that changes (and audits) only what differs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from comunitas.core.cache import coop_forget
from comunitas.core.coops.services import coop_create, coop_update, role_grant
from comunitas.core.models import Cooperative, CooperativeFact, Municipality, RoleKind
from comunitas.demo.assemblies import demo_assemblies  # noqa: F401 - registers its step
from comunitas.demo.budgets import demo_budget  # noqa: F401 - registers its step
from comunitas.demo.cases import CASES, Case
from comunitas.demo.consultations import demo_consultations  # noqa: F401 - registers its step
from comunitas.demo.economy import economy_generate
from comunitas.demo.projects import demo_projects  # noqa: F401 - the step after commons_use
from comunitas.demo.synthetic import generate, synthetic_statute


@dataclass
class DemoReport:
    created: int = 0
    existing: int = 0

    def __str__(self) -> str:
        return f"{self.created} cooperatives created, {self.existing} already present (updated)."


def _profile(case: Case, seat: Municipality) -> dict:
    return {
        "name": case.name,
        "legal_form": case.legal_form,
        "founded_year": case.founded_year,
        "seat": seat,
        "locality": case.locality,
        "sector": case.sector,
        "description": case.description,
        "is_public": True,
    }


def _facts(coop: Cooperative, case: Case) -> None:
    transaction.on_commit(lambda: coop_forget(coop.slug))
    for position, fact in enumerate(case.facts):
        CooperativeFact.objects.update_or_create(
            coop=coop,
            key=fact.key,
            defaults={
                "label": fact.label,
                "value": fact.value,
                "number": fact.number,
                "unit": fact.unit,
                "year": fact.year,
                "status": fact.status,
                "source": fact.source,
                "source_url": fact.source_url,
                "position": position,
            },
        )


@transaction.atomic
def demo_load(*, seed: int, password: str, progress=None) -> DemoReport:
    """Create or refresh the five demo cooperatives; needs the territory loaded."""
    report = DemoReport()
    for done, case in enumerate(CASES, start=1):
        seat = Municipality.objects.get(pk=case.seat_istat_code)
        coop = Cooperative.objects.filter(slug=case.slug).first()
        if coop is None:
            statute = synthetic_statute(
                random.Random(f"{seed}:{case.slug}:statute"), case.share_nominal_value
            )
            coop = coop_create(
                actor=None,
                fields={"slug": case.slug, **_profile(case, seat)},
                statute=statute,
                is_demo=True,
            )
            report.created += 1
        else:
            coop = coop_update(actor=None, coop=coop, fields=_profile(case, seat))
            report.existing += 1
        _facts(coop, case)
        generate(coop, seed=seed, password=password)
        if progress:
            progress("cooperatives", done, len(CASES))
        # The economy closes its years with the annual assembly the decisions' steps held.
        economy_generate(coop, random.Random(f"{seed}:{coop.slug}:economy"))
        if progress:
            progress("economy", done, len(CASES))
    return report


@transaction.atomic
def demo_admin_ensure(*, username: str, password: str):
    """The demo's administrator: operator of the site and board member of every demo coop."""
    user, _ = get_user_model().objects.get_or_create(
        username=username, defaults={"email": f"{username}@example.org", "first_name": "Demo"}
    )
    user.is_staff = user.is_superuser = True
    user.set_password(password)
    user.save()
    for coop in Cooperative.objects.filter(is_demo=True):
        role_grant(actor=None, coop=coop, user=user, kind=RoleKind.ADMIN)
    return user
