"""The rules every part of the economy shares: which years are frozen and what a year's cash
result is. Kept apart so that the cash book, the jobs and the closing read one definition."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef, Sum
from django.utils.translation import gettext as _

from comunitas.core.errors import ValidationError
from comunitas.core.kernel.money import ZERO
from comunitas.core.models import Cents, Cooperative
from comunitas.economy.models import Closing, ClosingStatus, Movement


def year_frozen(*, coop: Cooperative, year: int) -> bool:
    """A year is frozen once its closing is proposed to the assembly: the result the members
    vote on must not move under them. Approval locks it for good; a proposal sent back to
    draft reopens it.

    Inside a transaction the closing's row is locked, so that a movement written while the
    closing is being proposed either commits first (and the proposal counts it) or waits and
    is refused."""
    closings = Closing.objects.filter(coop=coop, year=year)
    if transaction.get_connection().in_atomic_block:
        closings = closings.select_for_update()
    statuses = closings.values_list("status", flat=True)
    return any(status != ClosingStatus.DRAFT for status in statuses)


def ensure_open(*, coop: Cooperative, on_date: date, field: str = "on_date") -> None:
    if year_frozen(coop=coop, year=on_date.year):
        raise ValidationError(
            _("The year %(year)s is closed: its accounts can no longer change.")
            % {"year": on_date.year},
            field=field,
        )


def year_result(*, coop: Cooperative, year: int) -> Decimal:
    """Income minus expenses of the cash book for the calendar year, in exact cents.

    Reversals carry the opposite sign of what they reverse, so they simply add in."""
    totals = dict(
        Movement.objects.filter(
            coop=coop, on_date__gte=date(year, 1, 1), on_date__lt=date(year + 1, 1, 1)
        )
        .values_list("direction")
        .annotate(total=Cents(Sum("amount")))
        .order_by()
    )
    return (totals.get("income") or ZERO) - (totals.get("expense") or ZERO)


def served_by(coop: Cooperative, municipality_ref: str) -> Exists:
    """Whether the municipality at ``municipality_ref`` is one the cooperative serves (its
    territory, as ``members.book.selectors.with_territory`` reads it): what makes a worker or a
    supplier local."""
    return Exists(
        Cooperative.territory.through.objects.filter(
            cooperative_id=coop.pk, municipality_id=OuterRef(municipality_ref)
        )
    )


def serves(*, coop_id: int, municipality_id: str | None) -> bool:
    """``served_by`` for one municipality."""
    return municipality_id is not None and (
        Cooperative.territory.through.objects.filter(
            cooperative_id=coop_id, municipality_id=municipality_id
        ).exists()
    )
