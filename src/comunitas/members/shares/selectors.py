"""Reads of share capital's own pages: transfers between members, reimbursements owed to former
members, a movement to reverse.

What the member book shows of each member's shares (holdings, the ledger, the capital on a
date, the share classes) is read in ``book.selectors``, below this capability; the names are
imported here too for the callers that know them from here (economy's closing, the demo's
tests)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Case, Count, Q, QuerySet, Sum, Value, When

from comunitas.core.kernel.money import ZERO
from comunitas.core.models import Cents, Cooperative
from comunitas.members.book.selectors import (  # noqa: F401 (re-exported)
    CapitalSummary,
    Holding,
    capital_summary,
    holdings,
    movement_list,
    share_classes,
    with_holdings,
)
from comunitas.members.models import Redemption, ShareMovement, ShareTransfer


def movement_get(*, coop: Cooperative, pk: int) -> ShareMovement:
    found = ShareMovement.objects.select_related("member", "share_class")
    return found.get(coop=coop, pk=pk)


def transfer_list(*, coop: Cooperative, status: str = "") -> QuerySet[ShareTransfer]:
    found = ShareTransfer.objects.filter(coop=coop).select_related("seller", "buyer", "share_class")
    return found.filter(status=status) if status else found


def transfer_get(*, coop: Cooperative, pk: int) -> ShareTransfer:
    return ShareTransfer.objects.get(coop=coop, pk=pk)


# --- reimbursements -----------------------------------------------------------------------------
def redemption_list(*, coop: Cooperative) -> QuerySet[Redemption]:
    """Reimbursements owed to former members: unpaid first (by due date), then paid."""
    return (
        Redemption.objects.filter(member__coop=coop)
        .select_related("member")
        .annotate(unpaid=Case(When(paid_on__isnull=True, then=Value(0)), default=Value(1)))
        .order_by("unpaid", "due_on", "-paid_on", "id")
    )


def redemption_get(*, coop: Cooperative, pk: int) -> Redemption:
    return Redemption.objects.select_related("member").get(member__coop=coop, pk=pk)


@dataclass(frozen=True)
class RedemptionTotals:
    unpaid: Decimal
    overdue: Decimal
    overdue_count: int


def redemption_totals(*, coop: Cooperative, today: date) -> RedemptionTotals:
    """What the cooperative still owes and how much of it is late: one aggregate query."""
    unpaid = Q(paid_on__isnull=True)
    late = unpaid & Q(due_on__lt=today)
    sums = Redemption.objects.filter(member__coop=coop).aggregate(
        unpaid=Cents(Sum("amount", filter=unpaid)),
        overdue=Cents(Sum("amount", filter=late)),
        overdue_count=Count("id", filter=late),
    )
    return RedemptionTotals(sums["unpaid"] or ZERO, sums["overdue"] or ZERO, sums["overdue_count"])
