"""Reads of the commons' sales and use statistics, each a constant number of queries.

Figures are computed by the database (sums, counts grouped by month, unit, service, resource,
customer kind); Python only lays out what comes back, and computes the open hours of a unit
from its few rows of opening hours and closed days.

- **Occupancy** of a bookable unit in a month: hours of its CONFIRMED bookings that start in the
  month (Europe/Rome) ÷ hours it is open in the month (its weekly opening hours on each day,
  none on its closed days). A booking counts in the month it starts (the booking rules keep
  bookings inside one day's opening hours).
- **Tickets**: tickets not voided of the events (not cancelled) that start in the year; visitors
  are the tickets checked in.
- **Revenue**: ``Sale`` rows dated in the year, refunds (negative rows) netted.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from django.db.models import Count, DecimalField, F, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, ExtractMonth

from comunitas.commons.local_time import ROME
from comunitas.commons.models import (
    BookableUnit,
    Booking,
    BookingStatus,
    ClosedDay,
    CommonResource,
    Event,
    Sale,
    SaleKind,
    Ticket,
)
from comunitas.core.kernel.money import CENT, HUNDRED, ZERO
from comunitas.core.models import Cents, Cooperative

MONTHS = range(1, 13)
HOUR = Decimal(3600)
TENTH = Decimal("0.1")
FIRST_YEAR, LAST_YEAR = 2000, 2200


def _euros(expression) -> Cents:
    """A sum of amounts as the database gives it, zero when there is nothing to sum."""
    return Cents(
        Coalesce(
            expression, Value(ZERO), output_field=DecimalField(max_digits=14, decimal_places=2)
        )
    )


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """[1 January, next 1 January) at midnight in Rome, as aware datetimes."""
    return (
        datetime.combine(date(year, 1, 1), time.min, ROME),
        datetime.combine(date(year + 1, 1, 1), time.min, ROME),
    )


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part`` of ``whole`` in per cent, to one decimal (half to even); None when whole is 0."""
    if not whole:
        return None
    return (HUNDRED * part / whole).quantize(TENTH, rounding=ROUND_HALF_EVEN)


# --- sales --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SaleFilters:
    year: int | None = None
    date_from: date | None = None
    date_to: date | None = None  # inclusive, as a person reads "from … to …"
    resource: int | None = None
    service: int | None = None
    customer_kind: str | None = None
    kind: str | None = None  # sale or refund


def _filtered(coop: Cooperative, filters: SaleFilters) -> QuerySet[Sale]:
    sales = Sale.objects.filter(coop=coop)
    if filters.year:
        sales = sales.filter(
            on_date__gte=date(filters.year, 1, 1), on_date__lt=date(filters.year + 1, 1, 1)
        )
    if filters.date_from:
        sales = sales.filter(on_date__gte=filters.date_from)
    if filters.date_to:
        sales = sales.filter(on_date__lte=filters.date_to)
    if filters.resource:
        sales = sales.filter(resource_id=filters.resource)
    if filters.service:
        sales = sales.filter(service_id=filters.service)
    if filters.customer_kind:
        sales = sales.filter(customer_kind=filters.customer_kind)
    if filters.kind:
        sales = sales.filter(kind=filters.kind)
    return sales


def sale_list(*, coop: Cooperative, filters: SaleFilters | None = None) -> QuerySet[Sale]:
    """Sales and refunds, newest first, each with its resource, service, member, the booked
    unit or the event of the ticket: one query per page whatever the rows."""
    return (
        _filtered(coop, filters or SaleFilters())
        .select_related(
            "resource",
            "service",
            "member",
            "booking__unit",
            "order_line__event",
            "order_line__order",
        )
        .order_by("-on_date", "-id")
    )


def sale_totals(
    *, coop: Cooperative, filters: SaleFilters | None = None
) -> dict[str, Decimal | int]:
    """Count, gross sales, refunds (negative) and net of the filtered sales: one query."""
    return _filtered(coop, filters or SaleFilters()).aggregate(
        count=Count("id"),
        sales=_euros(Sum("amount", filter=Q(kind=SaleKind.SALE))),
        refunds=_euros(Sum("amount", filter=Q(kind=SaleKind.REFUND))),
        net=_euros(Sum("amount")),
    )


# --- occupancy ----------------------------------------------------------------------------------
@dataclass
class MonthUse:
    month: int
    open_hours: Decimal = ZERO
    booked_hours: Decimal = ZERO

    @property
    def occupancy(self) -> Decimal | None:
        return percent(self.booked_hours, self.open_hours)


@dataclass
class UnitUse:
    unit_id: int
    unit: str
    resource_id: int
    resource: str
    months: list[MonthUse]

    @property
    def open_hours(self) -> Decimal:
        return sum((m.open_hours for m in self.months), ZERO)

    @property
    def booked_hours(self) -> Decimal:
        return sum((m.booked_hours for m in self.months), ZERO)

    @property
    def occupancy(self) -> Decimal | None:
        return percent(self.booked_hours, self.open_hours)


def _hours(opens: time, closes: time) -> Decimal:
    minutes = (closes.hour * 60 + closes.minute) - (opens.hour * 60 + opens.minute)
    return Decimal(minutes) / 60


def open_hours_by_month(unit: BookableUnit, year: int) -> dict[int, Decimal]:
    """Hours the unit is open in each month of ``year``: its weekly hours (wall-clock, as the
    opening hours read) on every day that is not one of its closed days. Uses the unit's
    prefetched ``hours`` and ``closed_days``."""
    per_weekday: dict[int, Decimal] = defaultdict(Decimal)
    for row in unit.hours.all():
        per_weekday[row.weekday] += _hours(row.opens, row.closes)
    closed = {day.on_date for day in unit.closed_days.all()}
    result: dict[int, Decimal] = {}
    for month in MONTHS:
        total = Decimal(0)
        for day in range(1, calendar.monthrange(year, month)[1] + 1):
            on = date(year, month, day)
            if on not in closed:
                total += per_weekday[on.weekday()]
        result[month] = total.quantize(CENT)
    return result


def unit_use(*, coop: Cooperative, year: int, resource: int | None = None) -> list[UnitUse]:
    """Open and booked hours of every bookable unit, per month of ``year``: four queries (the
    units with their resource, their opening hours, their closed days in the year, and the
    booked time summed per unit and month by the database)."""
    start, end = year_bounds(year)
    units = BookableUnit.objects.filter(resource__coop=coop)
    bookings = Booking.objects.filter(
        coop=coop, status=BookingStatus.CONFIRMED, start__gte=start, start__lt=end
    )
    if resource:
        units = units.filter(resource_id=resource)
        bookings = bookings.filter(unit__resource_id=resource)
    units = (
        units.select_related("resource")
        .prefetch_related(
            "hours",
            Prefetch(
                "closed_days",
                queryset=ClosedDay.objects.filter(
                    on_date__gte=date(year, 1, 1), on_date__lt=date(year + 1, 1, 1)
                ),
            ),
        )
        .order_by("resource__name", "name", "id")
    )
    booked = {
        (row["unit_id"], row["month"]): row["length"]
        for row in bookings.annotate(month=ExtractMonth("start", tzinfo=ROME))
        .values("unit_id", "month")
        .annotate(length=Sum(F("end") - F("start")))
        .order_by()
    }
    result = []
    for unit in units:
        open_hours = open_hours_by_month(unit, year)
        months = []
        for month in MONTHS:
            length: timedelta = booked.get((unit.pk, month)) or timedelta(0)
            hours = (Decimal(int(length.total_seconds())) / HOUR).quantize(CENT)
            months.append(MonthUse(month, open_hours[month], hours))
        result.append(UnitUse(unit.pk, unit.name, unit.resource_id, unit.resource.name, months))
    return result


def use_by_month(units: list[UnitUse]) -> list[MonthUse]:
    """All units together, month by month."""
    return [
        MonthUse(
            month,
            sum((u.months[month - 1].open_hours for u in units), ZERO),
            sum((u.months[month - 1].booked_hours for u in units), ZERO),
        )
        for month in MONTHS
    ]


# --- tickets ------------------------------------------------------------------------------------
def _year_events(coop: Cooperative, year: int, resource: int | None, prefix: str = "") -> Q:
    start, end = year_bounds(year)
    q = Q(**{f"{prefix}service__coop": coop, f"{prefix}starts_at__gte": start})
    q &= Q(**{f"{prefix}starts_at__lt": end, f"{prefix}is_cancelled": False})
    if resource:
        q &= Q(**{f"{prefix}service__resource_id": resource})
    return q


def tickets_by_service(*, coop: Cooperative, year: int, resource: int | None = None) -> list[dict]:
    """Per service: events held, seats offered, tickets sold (not voided), checked in. Two
    queries (events with their seats, tickets with their check-ins)."""
    events = (
        Event.objects.filter(_year_events(coop, year, resource))
        .values("service_id", "service__name")
        .annotate(events=Count("id"), seats=Coalesce(Sum("seats"), 0))
        .order_by()
    )
    tickets = {
        row["event__service_id"]: row
        for row in Ticket.objects.filter(
            _year_events(coop, year, resource, "event__"), is_void=False
        )
        .values("event__service_id")
        .annotate(sold=Count("id"), checked_in=Count("id", filter=Q(checked_in_at__isnull=False)))
        .order_by()
    }
    rows = [
        {
            "service_id": row["service_id"],
            "service": row["service__name"],
            "events": row["events"],
            "seats": row["seats"],
            "sold": tickets.get(row["service_id"], {}).get("sold", 0),
            "checked_in": tickets.get(row["service_id"], {}).get("checked_in", 0),
        }
        for row in events
    ]
    for row in rows:
        row["fill"] = percent(Decimal(row["sold"]), Decimal(row["seats"]))
    return sorted(rows, key=lambda r: (-r["sold"], r["service"], r["service_id"]))


def tickets_by_month(*, coop: Cooperative, year: int, resource: int | None = None) -> list[dict]:
    """Tickets sold and checked in per month of the event (one query)."""
    found = {
        row["month"]: row
        for row in Ticket.objects.filter(
            _year_events(coop, year, resource, "event__"), is_void=False
        )
        .annotate(month=ExtractMonth("event__starts_at", tzinfo=ROME))
        .values("month")
        .annotate(sold=Count("id"), checked_in=Count("id", filter=Q(checked_in_at__isnull=False)))
        .order_by()
    }
    return [
        {
            "month": m,
            "sold": found.get(m, {}).get("sold", 0),
            "checked_in": found.get(m, {}).get("checked_in", 0),
        }
        for m in MONTHS
    ]


# --- revenue ------------------------------------------------------------------------------------
REVENUE = {
    "net": _euros(Sum("amount")),
    "sales": _euros(Sum("amount", filter=Q(kind=SaleKind.SALE))),
    "refunds": _euros(Sum("amount", filter=Q(kind=SaleKind.REFUND))),
    "quantity": Coalesce(Sum("quantity"), 0),
}


def _year_sales(coop: Cooperative, year: int, resource: int | None) -> QuerySet[Sale]:
    return _filtered(coop, SaleFilters(year=year, resource=resource))


def _grouped(sales: QuerySet[Sale], *keys: str) -> list[dict]:
    return list(sales.values(*keys).annotate(**REVENUE).order_by("-net", *keys))


def revenue_by_service(*, coop: Cooperative, year: int, resource: int | None = None) -> list[dict]:
    """Net revenue per service; bookings of units (no service) are one row with no id."""
    rows = _grouped(_year_sales(coop, year, resource), "service_id", "service__name")
    return [{"id": r.pop("service_id"), "name": r.pop("service__name"), **r} for r in rows]


def revenue_by_resource(*, coop: Cooperative, year: int, resource: int | None = None) -> list[dict]:
    rows = _grouped(_year_sales(coop, year, resource), "resource_id", "resource__name")
    return [{"id": r.pop("resource_id"), "name": r.pop("resource__name"), **r} for r in rows]


def revenue_by_customer_kind(
    *, coop: Cooperative, year: int, resource: int | None = None
) -> list[dict]:
    return _grouped(_year_sales(coop, year, resource), "customer_kind")


def revenue_by_month(*, coop: Cooperative, year: int, resource: int | None = None) -> list[dict]:
    """Net revenue, sales and refunds per month, every month present (one query)."""
    found = {
        row["month"]: row
        for row in _year_sales(coop, year, resource)
        .annotate(month=ExtractMonth("on_date"))
        .values("month")
        .annotate(**REVENUE)
        .order_by()
    }
    empty = {"net": ZERO, "sales": ZERO, "refunds": ZERO, "quantity": 0}
    return [{**empty, **found.get(m, {}), "month": m} for m in MONTHS]


# --- everything for the statistics page ---------------------------------------------------------
@dataclass
class CommonsStats:
    year: int
    resource: CommonResource | None
    units: list[UnitUse]
    use_by_month: list[MonthUse]
    tickets: list[dict]
    tickets_by_month: list[dict]
    revenue_by_service: list[dict]
    revenue_by_resource: list[dict]
    revenue_by_customer_kind: list[dict]
    revenue_by_month: list[dict]
    revenue: dict = field(default_factory=dict)

    @property
    def open_hours(self) -> Decimal:
        return sum((u.open_hours for u in self.units), ZERO)

    @property
    def booked_hours(self) -> Decimal:
        return sum((u.booked_hours for u in self.units), ZERO)

    @property
    def occupancy(self) -> Decimal | None:
        return percent(self.booked_hours, self.open_hours)

    @property
    def tickets_sold(self) -> int:
        return sum(row["sold"] for row in self.tickets)

    @property
    def visitors(self) -> int:
        return sum(row["checked_in"] for row in self.tickets)


def commons_stats(
    *, coop: Cooperative, year: int, resource: CommonResource | None = None
) -> CommonsStats:
    """The use statistics of ``year`` (of one resource, or of all): eleven queries whatever the
    number of units, bookings, events, tickets and sales: units, their hours, their closed days,
    booked time; events, tickets per service, tickets per month; revenue per service, resource,
    customer kind and month."""
    rid = resource.pk if resource else None
    units = unit_use(coop=coop, year=year, resource=rid)
    by_month = revenue_by_month(coop=coop, year=year, resource=rid)
    return CommonsStats(
        year=year,
        resource=resource,
        units=units,
        use_by_month=use_by_month(units),
        tickets=tickets_by_service(coop=coop, year=year, resource=rid),
        tickets_by_month=tickets_by_month(coop=coop, year=year, resource=rid),
        revenue_by_service=revenue_by_service(coop=coop, year=year, resource=rid),
        revenue_by_resource=revenue_by_resource(coop=coop, year=year, resource=rid),
        revenue_by_customer_kind=revenue_by_customer_kind(coop=coop, year=year, resource=rid),
        revenue_by_month=by_month,
        revenue={
            key: sum((row[key] for row in by_month), ZERO if key != "quantity" else 0)
            for key in ("net", "sales", "refunds", "quantity")
        },
    )
