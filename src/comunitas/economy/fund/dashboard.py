"""The economy's aggregates, as the dashboard, its exports and the API show them: for a year,
revenue by common resource and by service, costs by category, the totals; for every year, the
result.

A constant number of queries whatever the number of movements (the tests assert it), each one
GROUP BY:

1. every year's income and expense (GROUP BY year, direction): the years, the results;
2. the year's movements GROUP BY direction, category, resource and service, with their count;
3. the names of the categories, 4. of the resources, 5. of the services named by (2).

Ids, not names, are grouped in (2): a GROUP BY over joined text columns costs more than three
look-ups of a few rows each (bench/economy.py measures it against the raw SQL)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Func, IntegerField, Sum
from django.utils.translation import gettext as _

from comunitas.commons.models import CommonResource, Service
from comunitas.core.formatting import euro
from comunitas.core.kernel.money import ZERO
from comunitas.core.models import Cooperative
from comunitas.economy.models import Category, Direction, Movement


@dataclass
class Bar:
    label: str
    value: Decimal


@dataclass
class YearResult:
    year: int
    revenue: Decimal
    costs: Decimal

    @property
    def result(self) -> Decimal:
        return self.revenue - self.costs


@dataclass
class Dashboard:
    year: int | None
    years: list[YearResult] = field(default_factory=list)
    revenue: Decimal = ZERO
    costs: Decimal = ZERO
    movements: int = 0
    by_resource: list[Bar] = field(default_factory=list)
    by_service: list[Bar] = field(default_factory=list)
    by_category: list[Bar] = field(default_factory=list)

    @property
    def result(self) -> Decimal:
        return self.revenue - self.costs

    @property
    def year_list(self) -> list[int]:
        return [y.year for y in self.years]

    def rows(self) -> list[tuple[str, str, Decimal]]:
        """(section, label, amount) lines for the exports."""
        lines: list[tuple[str, str, Decimal]] = [
            (_("Totals"), _("Revenue"), self.revenue),
            (_("Totals"), _("Costs"), self.costs),
            (_("Totals"), _("Result"), self.result),
        ]
        lines += [(_("Revenue by common resource"), b.label, b.value) for b in self.by_resource]
        lines += [(_("Revenue by service"), b.label, b.value) for b in self.by_service]
        lines += [(_("Costs by category"), b.label, b.value) for b in self.by_category]
        return lines


class CalendarYear(Func):
    """The year of a date. Django's ``ExtractYear`` on SQLite calls a Python function for each
    row (over 100,000 movements it doubles the query's time); ``strftime`` is SQLite's own."""

    output_field = IntegerField()
    template = "EXTRACT(YEAR FROM %(expressions)s)"  # standard SQL, as PostgreSQL runs it

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="CAST(strftime('%%%%Y', %(expressions)s) AS integer)"
        )


def yearly_results(*, coop: Cooperative) -> list[YearResult]:
    """Income and expense of every year with movements, oldest first (one GROUP BY)."""
    rows = (
        Movement.objects.filter(coop=coop)
        .annotate(year=CalendarYear("on_date"))
        .values_list("year", "direction")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    years: dict[int, YearResult] = {}
    for year, direction, total in rows:
        entry = years.setdefault(year, YearResult(year, ZERO, ZERO))
        if direction == Direction.INCOME:
            entry.revenue += total
        else:
            entry.costs += total
    return [years[y] for y in sorted(years)]


def year_groups(*, coop: Cooperative, year: int):
    """The year's movements summed by direction, category, resource and service (one GROUP BY)."""
    return (
        Movement.objects.filter(
            coop=coop, on_date__gte=date(year, 1, 1), on_date__lt=date(year + 1, 1, 1)
        )
        .values_list("direction", "category_id", "resource_id", "service_id")
        .annotate(total=Sum("amount"), n=Count("id"))
        .order_by()
    )


def _bars(totals: dict, names: dict, missing: str) -> list[Bar]:
    bars = [
        Bar(names.get(key, missing) if key is not None else missing, v) for key, v in totals.items()
    ]
    return sorted(bars, key=lambda b: (-b.value, b.label))


def _add(totals: dict, key, value: Decimal) -> None:
    totals[key] = totals.get(key, ZERO) + value


def dashboard(*, coop: Cooperative, year: int | None = None) -> Dashboard:
    """The dashboard of ``year`` (the latest year with movements when None)."""
    years = yearly_results(coop=coop)
    if year is None:
        year = years[-1].year if years else None
    board = Dashboard(year=year, years=years)
    if year is None:
        return board
    resources: dict = {}
    services: dict = {}
    categories: dict = {}
    for direction, category_id, resource_id, service_id, total, n in year_groups(
        coop=coop, year=year
    ):
        board.movements += n
        if direction == Direction.INCOME:
            board.revenue += total
            _add(resources, resource_id, total)
            _add(services, service_id, total)
        else:
            board.costs += total
            _add(categories, category_id, total)
    category_names = dict(
        Category.objects.filter(coop=coop, pk__in=list(categories)).values_list("id", "name")
    )
    resource_names = dict(
        CommonResource.objects.filter(coop=coop, pk__in=[k for k in resources if k]).values_list(
            "id", "name"
        )
    )
    service_names = dict(
        Service.objects.filter(coop=coop, pk__in=[k for k in services if k]).values_list(
            "id", "name"
        )
    )
    board.by_resource = _bars(resources, resource_names, _("No common resource"))
    board.by_service = _bars(services, service_names, _("No service"))
    board.by_category = _bars(categories, category_names, _("Other"))
    return board


# --- SVG bar charts -------------------------------------------------------------------------------
BAR_CHART = {"label": 220, "plot": 420, "row": 26, "bar": 16, "top": 8, "value": 130}
BAR_COLOURS = {"positive": "#1f5c45", "negative": "#a4161a", "cost": "#8a3b12"}


def bar_chart(bars: list[Bar], *, colour: str = BAR_COLOURS["positive"]) -> dict:
    """Horizontal bars, as long as their values, around a zero line when some are negative
    (SVG coordinates; the template draws them, a table next to it gives the same figures)."""
    c = BAR_CHART
    highest = max([Decimal(0), *(b.value for b in bars)])
    lowest = min([Decimal(0), *(b.value for b in bars)])
    span = (highest - lowest) or Decimal(1)
    zero_x = c["label"] + float(-lowest / span) * c["plot"]
    drawn = []
    for i, bar in enumerate(bars):
        y = c["top"] + i * c["row"]
        width = float(abs(bar.value) / span) * c["plot"]
        negative = bar.value < 0
        x = zero_x - width if negative else zero_x
        drawn.append(
            {
                "label": bar.label if len(bar.label) <= 30 else bar.label[:29] + "…",
                "title": bar.label,
                "amount": euro(bar.value),
                "x": round(x, 1),
                "y": y,
                "width": round(width, 1),
                "text_y": y + c["bar"] - 3,
                "value_x": round(c["label"] + c["plot"] + 8, 1),
                "colour": BAR_COLOURS["negative"] if negative else colour,
            }
        )
    return {
        "width": c["label"] + c["plot"] + c["value"],
        "height": c["top"] * 2 + max(len(bars), 1) * c["row"],
        "left": c["label"],
        "zero_x": round(zero_x, 1),
        "bar": c["bar"],
        "bars": drawn,
    }


def dashboard_charts(board: Dashboard) -> dict[str, dict]:
    return {
        "resource": bar_chart(board.by_resource),
        "service": bar_chart(board.by_service),
        "category": bar_chart(board.by_category, colour=BAR_COLOURS["cost"]),
        "results": bar_chart([Bar(str(y.year), y.result) for y in board.years]),
    }
