"""Ristorni (art. 2545-sexies c.c.): each member's exchange with the cooperative in a year and
the split of the amount the assembly decides in proportion to it.

The split is by the largest-remainder method in whole cents: everyone gets the floor of their
exact share, and the cents left over go one each to the largest remainders (ties to the lower
member id), so the lines add up to the amount exactly and the rule can be explained."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction

from django.db.models import Sum

from comunitas.commons.models import Sale
from comunitas.core.kernel.money import CENT
from comunitas.core.models import Cooperative
from comunitas.economy.models import Job, RistornoBasis


def _year(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year + 1, 1, 1)


def work_exchange(*, coop: Cooperative, year: int) -> dict[int, Decimal]:
    """Full-time-equivalent days of each member's jobs within the year (half-open ranges)."""
    start, end = _year(year)
    jobs = (
        Job.objects.filter(coop=coop, member__isnull=False, start_date__lt=end)
        .exclude(end_date__lte=start)
        .values_list("member_id", "fte", "start_date", "end_date")
    )
    days: dict[int, Decimal] = {}
    for member_id, fte, job_start, job_end in jobs:
        span = (min(job_end or end, end) - max(job_start, start)).days
        if span > 0:
            days[member_id] = days.get(member_id, Decimal(0)) + fte * span
    return days


def sales_exchange(*, coop: Cooperative, year: int, field: str) -> dict[int, Decimal]:
    """Σ of a Sale field (amount or quantity) by member in the year; refunds are negative rows,
    so they subtract."""
    start, end = _year(year)
    rows = (
        Sale.objects.filter(coop=coop, member__isnull=False, on_date__gte=start, on_date__lt=end)
        .values_list("member_id")
        .annotate(total=Sum(field))
        .order_by()
    )
    return {member_id: Decimal(total) for member_id, total in rows if total}


def exchanges(*, coop: Cooperative, year: int, basis: str) -> dict[int, Decimal]:
    """{member id: exchange > 0} by the basis; members with none (or a net refund) are left out."""
    if basis == RistornoBasis.WORK:
        found = work_exchange(coop=coop, year=year)
    elif basis == RistornoBasis.PURCHASES:
        found = sales_exchange(coop=coop, year=year, field="amount")
    else:
        found = sales_exchange(coop=coop, year=year, field="quantity")
    return {member: value for member, value in found.items() if value > 0}


def split_largest_remainder(amount: Decimal, weights: dict[int, Decimal]) -> dict[int, Decimal]:
    """``amount`` (≥ 0, to the cent) in proportion to positive ``weights``, in cents adding up
    exactly to ``amount``."""
    total = sum(weights.values(), Decimal(0))
    if not weights or total <= 0:
        return {}
    pool = int((amount / CENT).to_integral_value(rounding=ROUND_FLOOR))
    exact = {key: Fraction(pool) * Fraction(w) / Fraction(total) for key, w in weights.items()}
    floors = {key: int(value) for key, value in exact.items()}  # Fractions ≥ 0: int() floors
    left = pool - sum(floors.values())
    order = sorted(exact, key=lambda key: (-(exact[key] - floors[key]), key))
    for key in order[:left]:
        floors[key] += 1
    return {key: Decimal(c) * CENT for key, c in floors.items()}


def shares_part(amount: Decimal, shares_percent: Decimal) -> Decimal:
    """The part of a ristorno meant as new shares, rounded down (the cash part takes the rest)."""
    return (amount * shares_percent / 100).quantize(CENT, rounding=ROUND_FLOOR)
