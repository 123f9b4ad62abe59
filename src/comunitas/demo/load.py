"""Loading the demo: the five case-study cooperatives, their sourced facts and synthetic data.

Each cooperative is created (or its profile refreshed) from its case in ``demo/data``, its facts
written, then the steps of ``demo/steps.py`` run for it in their order. Idempotent: every write
goes through a service that changes (and audits) only what differs, or a step that leaves what
is there.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from comunitas.core.cache import coop_forget
from comunitas.core.coops.services import coop_create, coop_update, role_grant
from comunitas.core.models import Cooperative, CooperativeFact, Municipality, RoleKind
from comunitas.demo.generators.people import synthetic_statute
from comunitas.demo.plans import CASES, Case
from comunitas.demo.steps import PHASES, generate, stream


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


def _coop_ensure(case: Case, seed: int, report: DemoReport) -> Cooperative:
    """The case's cooperative, created with a synthetic statute or its profile refreshed."""
    seat = Municipality.objects.get(pk=case.seat_istat_code)
    coop = Cooperative.objects.filter(slug=case.slug).first()
    if coop is not None:
        report.existing += 1
        return coop_update(actor=None, coop=coop, fields=_profile(case, seat))
    statute = synthetic_statute(stream(seed, case.slug, "statute"), case.share_nominal_value)
    report.created += 1
    return coop_create(
        actor=None,
        slug=case.slug,
        **_profile(case, seat),
        statute=statute,
        is_demo=True,
    )


@transaction.atomic
def demo_load(*, seed: int, password: str, progress=None) -> DemoReport:
    """Create or refresh the five demo cooperatives; needs the territory loaded."""
    report = DemoReport()
    for done, case in enumerate(CASES, start=1):
        coop = _coop_ensure(case, seed, report)
        _facts(coop, case)
        for phase in PHASES:  # the steps in the order of STEPS (the economy's phase last)
            generate(coop, seed=seed, password=password, phase=phase)
            if progress:
                progress(phase, done, len(CASES))
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
