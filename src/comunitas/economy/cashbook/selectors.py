"""Reads of the cash book: the filtered list of movements with its totals, one movement with
its reversal, counterparties with whether each is local, the categories.

A counterparty is *local* when its municipality is one the cooperative serves: the same test
as a member's ``in_territory`` (members.book.selectors.with_territory), against the cooperative's
territory (its seat is always part of it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypeVar

from django.db.models import Model, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from comunitas.core.errors import ValidationError
from comunitas.core.kernel.money import ZERO
from comunitas.core.models import Cooperative
from comunitas.economy.cashbook import ledger
from comunitas.economy.cashbook.chart import chart_ensure
from comunitas.economy.models import Category, Counterparty, Direction, Movement

TEXT_MAX = 100
M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class MovementFilters:
    year: int | None = None
    month: int | None = None
    direction: str = ""
    category: str = ""  # a category code
    resource: int | None = None
    project: int | None = None
    counterparty: int | None = None
    q: str = ""


@dataclass(frozen=True)
class Totals:
    income: Decimal
    expense: Decimal

    @property
    def net(self) -> Decimal:
        return self.income - self.expense


def movements(*, coop: Cooperative, filters: MovementFilters | None = None) -> QuerySet[Movement]:
    """The cooperative's movements, newest first, with what a row of the list shows."""
    found = Movement.objects.filter(coop=coop)
    f = filters or MovementFilters()
    if f.year:
        if f.month:
            start = date(f.year, f.month, 1)
            end = date(f.year + (f.month == 12), f.month % 12 + 1, 1)
        else:
            start, end = date(f.year, 1, 1), date(f.year + 1, 1, 1)
        found = found.filter(on_date__gte=start, on_date__lt=end)
    if f.direction:
        found = found.filter(direction=f.direction)
    if f.category:
        found = found.filter(category__code=f.category)
    for name in ("resource", "project", "counterparty"):
        if getattr(f, name):
            found = found.filter(**{f"{name}_id": getattr(f, name)})
    if f.q:
        text = f.q.strip()[:TEXT_MAX]
        found = found.filter(
            Q(description__icontains=text)
            | Q(reference__icontains=text)
            | Q(counterparty__name__icontains=text)
        )
    return found.select_related("category", "counterparty", "resource", "project").order_by(
        "-on_date", "-id"
    )


def totals(found: QuerySet[Movement]) -> Totals:
    """Income, expenses (reversals included with their sign) of a filtered list: one query."""
    field = Movement._meta.get_field("amount")
    sums = found.order_by().aggregate(
        **{
            direction: Coalesce(
                Sum("amount", filter=Q(direction=direction)), Value(ZERO), output_field=field
            )
            for direction in Direction.values
        }
    )
    return Totals(income=sums["income"], expense=sums["expense"])


def movement_get(*, coop: Cooperative, pk: int) -> Movement:
    """One movement with its links, what it reverses and what reversed it."""
    movement = (
        Movement.objects.select_related(
            "category",
            "counterparty",
            "resource",
            "project",
            "service",
            "member",
            "job",
            "earmark",
            "reverses",
            "sale",
            "batch",
            "recorded_by",
        )
        .filter(coop=coop)
        .get(pk=pk)
    )
    return movement


def reversal_of(movement: Movement) -> Movement | None:
    return Movement.objects.filter(reverses=movement).first()


def with_locality(found: QuerySet[Counterparty], coop: Cooperative) -> QuerySet[Counterparty]:
    """``is_local``: the counterparty's municipality is one the cooperative serves."""
    return found.annotate(is_local=ledger.served_by(coop, "municipality_id"))


def with_counterparty_locality(found: QuerySet[Movement], coop: Cooperative) -> QuerySet[Movement]:
    """``counterparty_is_local`` on movements (the money-flow diagram and LM3 sum what was
    paid to local suppliers): False without a counterparty or its municipality."""
    return found.annotate(
        counterparty_is_local=ledger.served_by(coop, "counterparty__municipality_id")
    )


def counterparty_is_local(counterparty: Counterparty) -> bool:
    """Whether money paid to (or received from) this counterparty stays in the territory."""
    return ledger.serves(coop_id=counterparty.coop_id, municipality_id=counterparty.municipality_id)


def counterparties(*, coop: Cooperative, q: str = "") -> QuerySet[Counterparty]:
    found = Counterparty.objects.filter(coop=coop)
    if q:
        found = found.filter(name__icontains=q.strip()[:TEXT_MAX])
    return with_locality(found.select_related("municipality"), coop).order_by("name", "id")


def counterparty_get(*, coop: Cooperative, pk: int) -> Counterparty:
    return counterparties(coop=coop).get(pk=pk)


def categories(*, coop: Cooperative) -> list[Category]:
    """The chart of accounts, income first (installing the default chart the first time): one
    query."""
    chart = chart_ensure(coop=coop).values()
    return sorted(chart, key=lambda c: (c.direction != Direction.INCOME, c.position, c.id))


def owned(
    model: type[M], *, coop: Cooperative, pk: int | None, field: str, message: str
) -> M | None:
    """The object of this cooperative an API body names by id (None when it names none);
    another cooperative's, or none at all, is the same ``ValidationError`` on ``field``. The
    work and fund APIs use it too: the cash book is the economy's lowest part."""
    if pk is None:
        return None
    found = model.objects.filter(coop=coop, pk=pk).first()
    if found is None:
        raise ValidationError(message, field=field)
    return found
