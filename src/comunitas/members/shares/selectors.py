"""Every non-trivial read of share capital: holdings, movements, share classes, transfers and the
capital summary on a date."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from comunitas.core.kernel.money import ZERO
from comunitas.core.models import Cents, Cooperative
from comunitas.members.models import Member, ShareClass, ShareMovement, ShareTransfer


def _ledger_sum(column: str, on_date: date | None, output) -> Coalesce | Cents:
    """SUM(column) of a member's share movements (up to ``on_date``), as a correlated subquery:
    one query for a whole page of members, whatever the size of the ledger."""
    rows = ShareMovement.objects.filter(member=OuterRef("pk"))
    if on_date is not None:
        rows = rows.filter(on_date__lte=on_date)
    total = rows.order_by().values("member").annotate(total=Sum(column)).values("total")
    found = Coalesce(Subquery(total, output_field=output), Value(0, output_field=output))
    return Cents(found) if isinstance(output, DecimalField) else found


def with_holdings(members: QuerySet[Member], on_date: date | None = None) -> QuerySet[Member]:
    money = DecimalField(max_digits=14, decimal_places=2)
    return members.annotate(
        shares_held=_ledger_sum("shares", on_date, IntegerField()),
        capital_subscribed=_ledger_sum("subscribed", on_date, money),
        capital_paid=_ledger_sum("paid", on_date, money),
    )


@dataclass(frozen=True)
class Holding:
    share_class: ShareClass
    shares: int
    subscribed: Decimal
    paid: Decimal

    @property
    def to_pay(self) -> Decimal:
        return self.subscribed - self.paid


def holdings(*, member: Member, on_date: date | None = None) -> list[Holding]:
    """A member's holdings per class of shares (classes never held are left out)."""
    rows = ShareMovement.objects.filter(member=member)
    if on_date:
        rows = rows.filter(on_date__lte=on_date)
    sums = rows.values("share_class").annotate(
        shares=Sum("shares"), subscribed=Cents(Sum("subscribed")), paid=Cents(Sum("paid"))
    )
    classes = ShareClass.objects.in_bulk([row["share_class"] for row in sums])
    return [
        Holding(classes[row["share_class"]], row["shares"], row["subscribed"], row["paid"])
        for row in sums
        if row["shares"] or row["subscribed"] or row["paid"]
    ]


def movement_list(*, member: Member) -> QuerySet[ShareMovement]:
    return ShareMovement.objects.filter(member=member).select_related("share_class", "reversed_by")


def share_classes(*, coop: Cooperative) -> QuerySet[ShareClass]:
    return ShareClass.objects.filter(coop=coop)


def transfer_list(*, coop: Cooperative, status: str = "") -> QuerySet[ShareTransfer]:
    found = ShareTransfer.objects.filter(coop=coop).select_related("seller", "buyer", "share_class")
    return found.filter(status=status) if status else found


# --- capital ------------------------------------------------------------------------------------
@dataclass
class CapitalSummary:
    on_date: date
    shares: int = 0
    subscribed: Decimal = ZERO
    paid: Decimal = ZERO
    by_class: list[dict[str, Any]] = field(default_factory=list)

    @property
    def to_pay(self) -> Decimal:
        return self.subscribed - self.paid


def capital_summary(*, coop: Cooperative, on_date: date | None = None) -> CapitalSummary:
    """Share capital on a date: one aggregate query over the ledger."""
    day = on_date or timezone.localdate()
    rows = (
        ShareMovement.objects.filter(coop=coop, on_date__lte=day)
        .values("share_class__code", "share_class__name", "share_class__nominal_value")
        .annotate(
            shares=Sum("shares"), subscribed=Cents(Sum("subscribed")), paid=Cents(Sum("paid"))
        )
        .order_by("share_class__code")
    )
    summary = CapitalSummary(on_date=day)
    for row in rows:
        summary.shares += row["shares"]
        summary.subscribed += row["subscribed"]
        summary.paid += row["paid"]
        summary.by_class.append(
            {
                "code": row["share_class__code"],
                "name": row["share_class__name"],
                "nominal_value": row["share_class__nominal_value"],
                "shares": row["shares"],
                "subscribed": row["subscribed"],
                "paid": row["paid"],
            }
        )
    return summary
