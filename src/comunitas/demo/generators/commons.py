"""The common resources of each case-study cooperative (issue 4, point 8).

The resources themselves are public facts (the Modernissimo's two screens of 159 and 54 seats,
the San Gennaro and San Gaudioso catacombs, the Cà da Cardella refuge and the Parco Avventura,
the Ri-maflow factory, the AnversiAmo shop, bar and olive groves); their owners are the known
ones where public. The legal bases, fees, obligations and history are plausible guesses, all
marked ``synthetic``. Both are the cases' ``[[commons]]`` (``demo/data``). Dates are relative to
the day of the load, so the dashboard shows reminders; a cooperative that already has resources
is left as it is (loading twice changes nothing)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from comunitas.commons.models import CommonResource
from comunitas.commons.resources import services
from comunitas.core.audit import audit_record
from comunitas.core.models import Cooperative
from comunitas.core.territory.selectors import municipality_resolve
from comunitas.demo.plans import CASE_PLANS, ResourcePlan

RESOURCES: dict[str, list[ResourcePlan]] = {slug: p.commons for slug, p in CASE_PLANS.items()}


def _fee(rng: random.Random, planned: ResourcePlan) -> Decimal:
    low, high = planned.fee_range
    return Decimal(rng.randrange(low, high + 1, 100) if high else 0).quantize(Decimal("0.01"))


@transaction.atomic
def commons_generate(coop: Cooperative, rng: random.Random, today: date | None = None) -> int:
    """Register the cooperative's resources (once); returns how many were written."""
    if CommonResource.objects.filter(coop=coop).exists():
        return 0
    today = today or timezone.localdate()
    plans = RESOURCES.get(coop.slug, [])
    for planned in plans:
        resource = services.resource_create(
            actor=None,
            coop=coop,
            name=planned.name,
            kind=planned.kind,
            owner_kind=planned.owner_kind,
            owner_name=planned.owner_name,
            municipality=municipality_resolve(planned.municipality),
            address=planned.address,
            capacity=planned.capacity,
            condition=planned.condition,
            description=planned.description,
            is_public=True,
            synthetic=True,
        )
        # The right began some years ago; one in three ends within the reminders' window.
        start = today - timedelta(days=rng.randrange(365, 365 * 6))
        end = None
        if planned.years:
            end = start + timedelta(days=365 * planned.years)
            if end <= today or rng.random() < 0.34:
                end = today + timedelta(days=rng.randrange(20, 85))
        services.use_right_add(
            actor=None,
            resource=resource,
            kind=planned.right,
            granted_by=planned.granted_by,
            reference=f"Atto n. {rng.randrange(10, 400)}/{start.year} (sintetico)",
            start_on=start,
            end_on=end,
            annual_fee=_fee(rng, planned),
            synthetic=True,
        )
        for kind, description, months in planned.obligations:
            services.obligation_add(
                actor=None,
                resource=resource,
                kind=kind,
                description=description,
                due_on=today + timedelta(days=rng.randrange(-15, 200)),
                recurring_months=months,
                synthetic=True,
            )
        for n, text in enumerate(planned.history):
            services.log_add(
                actor=None,
                resource=resource,
                on_date=start + timedelta(days=60 + 200 * n + rng.randrange(0, 60)),
                text=text,
                synthetic=True,
            )
    if plans:
        audit_record(
            actor=None,
            action="commons.synthetic",
            obj=coop,
            coop=coop,
            after={"resources": len(plans), "synthetic": True},
        )
    return len(plans)


def demo_commons(coop: Cooperative, rng: random.Random, password: str) -> None:
    """The demo step: the cooperative's real common resources, with synthetic legal bases and
    obligations."""
    commons_generate(coop, rng)
