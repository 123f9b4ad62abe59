"""Every read of the community reinvestment fund: what came in (the reinvestment lines of the
approved closings, by year), what is committed to earmarks, what was spent against each and
what is still available.

The arithmetic, in exact cents (``fund_arithmetic``): an earmark commits its amount until it is
released, or what was spent against it when that is more (spending is never hidden by a small
earmark); once released it commits only what was spent, and the rest returns to the fund.
``available = inflows - committed``.

Queries: the balance is two (the inflows by year, the earmarks with their spending summed in
one GROUP BY); an earmark's page two more (its movements, paginated, and their count)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from comunitas.core.kernel.money import ZERO
from comunitas.core.models import MONEY, Cooperative
from comunitas.economy.models import (
    AllocationKind,
    AllocationLine,
    Closing,
    ClosingStatus,
    Direction,
    Earmark,
    Movement,
)

MIN_YEAR, MAX_YEAR = 1900, 2199  # the years the pages and the API accept


def _money_sum(expression, **extra):
    from django.db.models import DecimalField

    return Coalesce(
        Sum(expression, **extra),
        Value(ZERO),
        output_field=DecimalField(**MONEY),
    )


def earmark_committed(*, amount: Decimal, spent: Decimal, released: bool) -> Decimal:
    """What one earmark holds of the fund."""
    return spent if released else max(amount, spent)


def fund_arithmetic(
    *, inflows: Decimal, earmarks: list[tuple[Decimal, Decimal, bool]]
) -> tuple[Decimal, Decimal]:
    """(committed, available) for the inflows and earmarks given as (amount, spent, released)."""
    committed = sum(
        (earmark_committed(amount=a, spent=s, released=r) for a, s, r in earmarks), ZERO
    )
    return committed, inflows - committed


def fund_inflows(*, coop: Cooperative) -> list[tuple[int, Decimal]]:
    """(year, amount) of the reinvestment line of each approved closing, oldest first."""
    rows = (
        AllocationLine.objects.filter(
            closing__coop=coop,
            closing__status=ClosingStatus.APPROVED,
            kind=AllocationKind.REINVESTMENT_FUND,
        )
        .values_list("closing__year")
        .annotate(total=Sum("amount"))
        .order_by("closing__year")
    )
    return [(year, total) for year, total in rows]


def earmark_list(*, coop: Cooperative) -> QuerySet[Earmark]:
    """The earmarks, newest first, each with ``spent`` (its expense movements summed) and the
    project, need and budget it names (one query)."""
    return (
        Earmark.objects.filter(coop=coop)
        .select_related("project", "need", "budget")
        .annotate(
            spent=_money_sum(
                "cash_movements__amount",
                filter=Q(cash_movements__direction=Direction.EXPENSE),
            )
        )
        .order_by("-on_date", "-id")
    )


def earmark_get(*, coop: Cooperative, pk: int) -> Earmark:
    return earmark_list(coop=coop).get(pk=pk)


def earmark_movements(*, earmark: Earmark) -> QuerySet[Movement]:
    """The spending against an earmark, oldest first, with who was paid (shown to operators)."""
    return (
        Movement.objects.filter(earmark=earmark, direction=Direction.EXPENSE)
        .select_related("counterparty", "category")
        .order_by("on_date", "id")
    )


@dataclass
class EarmarkRow:
    earmark: Earmark
    spent: Decimal
    committed: Decimal
    remaining: Decimal  # still to spend; zero once released or overspent
    spent_percent: int  # of the amount, for the bar (at most 100)

    @property
    def overspent(self) -> Decimal:
        return max(self.spent - self.earmark.amount, ZERO)


def earmark_row(earmark: Earmark) -> EarmarkRow:
    spent = getattr(earmark, "spent", None)
    spent = ZERO if spent is None else spent
    committed = earmark_committed(amount=earmark.amount, spent=spent, released=earmark.released)
    remaining = ZERO if earmark.released else max(earmark.amount - spent, ZERO)
    percent = int(min(spent, earmark.amount) * 100 / earmark.amount) if earmark.amount else 0
    return EarmarkRow(earmark, spent, committed, remaining, max(percent, 0))


@dataclass
class FundBalance:
    inflows_by_year: list[tuple[int, Decimal]]
    inflows: Decimal
    committed: Decimal
    spent: Decimal
    available: Decimal
    earmarks: list[EarmarkRow] = field(default_factory=list)


def fund_balance(*, coop: Cooperative) -> FundBalance:
    """The fund as it stands: inflows by year, every earmark with its spending, what is
    committed and what is available (two queries)."""
    by_year = fund_inflows(coop=coop)
    rows = [earmark_row(e) for e in earmark_list(coop=coop)]
    inflows = sum((amount for _year, amount in by_year), ZERO)
    committed, available = fund_arithmetic(
        inflows=inflows,
        earmarks=[(r.earmark.amount, r.spent, r.earmark.released) for r in rows],
    )
    return FundBalance(
        inflows_by_year=by_year,
        inflows=inflows,
        committed=committed,
        spent=sum((r.spent for r in rows), ZERO),
        available=available,
        earmarks=rows,
    )


def fund_available(*, coop: Cooperative) -> Decimal:
    return fund_balance(coop=coop).available


def project_earmarks(*, project) -> list[EarmarkRow]:
    """What the fund set aside for a project and spent on it, for its accountability page (one
    query; the include ``economy/fund/project.html`` shows it)."""
    earmarks = earmark_list(coop=project.coop_id).filter(project=project)
    return [earmark_row(e) for e in earmarks.order_by("on_date", "id")]


def flow_closing(*, coop: Cooperative, year: int) -> Closing | None:
    """The year's closing with its allocation lines (None without one): once it is approved,
    the year's money flow is public."""
    return Closing.objects.filter(coop=coop, year=year).prefetch_related("lines").first()


def dashboard_economy(*, coop: Cooperative) -> dict:
    """For the cooperative's dashboard: the last approved closing with its allocation and the
    fund as it stands, the part of the economy the cooperative shows its whole community
    (four queries)."""
    closing = (
        Closing.objects.filter(coop=coop, status=ClosingStatus.APPROVED)
        .prefetch_related("lines")
        .order_by("-year")
        .first()
    )
    lines = {line.kind: line.amount for line in closing.lines.all()} if closing else {}
    return {"closing": closing, "lines": lines, "fund": fund_balance(coop=coop)}
