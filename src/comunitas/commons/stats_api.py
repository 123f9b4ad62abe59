"""API of the commons' sales and use statistics (staff and the board: VIEW_SALES).

- ``GET /coops/{slug}/commons/sales``: sales and refunds, newest first, paginated, with the
  filters of the web page (year or date range, resource, service, customer kind, kind);
- ``GET /coops/{slug}/commons/sales/totals``: count, sales, refunds and net for the same filters;
- ``GET /coops/{slug}/commons/stats?year=&resource=``: occupancy of bookable units per month,
  tickets and visitors, revenue by service, resource, customer kind and month.

Amounts are decimal strings in euros; hours are decimal numbers of hours; occupancy is a per
cent with one decimal, null when a unit was never open."""

# No ``from __future__ import annotations`` here: ninja reads the Query[...] annotations.

from datetime import date, datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from comunitas.commons import stats_selectors as stats
from comunitas.commons.models import (
    CommonResource,
    CustomerKind,
    Sale,
    SaleKind,
)
from comunitas.commons.schemas import Euros
from comunitas.core.api import Pagination, answers
from comunitas.core.permissions import Action, coop_for

router = Router(tags=["commons"])
BASE = "/coops/{slug}/commons"


class SaleQuery(Schema):
    year: int | None = Field(None, ge=stats.FIRST_YEAR, le=stats.LAST_YEAR)
    date_from: date | None = None
    date_to: date | None = Field(None, description="Included.")
    resource: int | None = Field(None, ge=1, le=2**63 - 1)
    service: int | None = Field(None, ge=1, le=2**63 - 1)
    customer_kind: CustomerKind | None = None
    kind: SaleKind | None = None

    def filters(self) -> stats.SaleFilters:
        values = self.dict()
        for key in ("customer_kind", "kind"):
            values[key] = values[key].value if values[key] else None
        return stats.SaleFilters(**values)


class SaleOut(Schema):
    id: int
    kind: SaleKind
    on_date: date
    amount: Euros
    quantity: int
    resource_id: int | None
    resource: str | None
    service_id: int | None
    service: str | None
    booking_id: int | None
    unit: str | None
    order_line_id: int | None
    order: str | None
    event_starts_at: datetime | None
    customer_kind: CustomerKind
    member_id: int | None
    payment_method: str
    synthetic: bool

    @staticmethod
    def resolve_resource(obj) -> str | None:
        return obj.resource.name if obj.resource else None

    @staticmethod
    def resolve_service(obj) -> str | None:
        return obj.service.name if obj.service else None

    @staticmethod
    def resolve_unit(obj) -> str | None:
        return obj.booking.unit.name if obj.booking else None

    @staticmethod
    def resolve_order(obj) -> str | None:
        return obj.order_line.order.code if obj.order_line else None

    @staticmethod
    def resolve_event_starts_at(obj) -> datetime | None:
        line = obj.order_line
        return line.event.starts_at if line and line.event else None


class TotalsOut(Schema):
    count: int
    sales: Euros
    refunds: Euros
    net: Euros


class MonthUseOut(Schema):
    month: int
    open_hours: Decimal
    booked_hours: Decimal
    occupancy: Decimal | None


class UnitUseOut(Schema):
    unit_id: int
    unit: str
    resource_id: int
    resource: str
    open_hours: Decimal
    booked_hours: Decimal
    occupancy: Decimal | None
    months: list[MonthUseOut]


class TicketsOut(Schema):
    service_id: int
    service: str
    events: int
    seats: int
    sold: int
    checked_in: int
    fill: Decimal | None


class TicketsMonthOut(Schema):
    month: int
    sold: int
    checked_in: int


class RevenueOut(Schema):
    sales: Euros
    refunds: Euros
    net: Euros
    quantity: int


class RevenueNamedOut(RevenueOut):
    id: int | None
    name: str | None


class RevenueKindOut(RevenueOut):
    customer_kind: CustomerKind


class RevenueMonthOut(RevenueOut):
    month: int


class StatsOut(Schema):
    year: int
    resource_id: int | None
    open_hours: Decimal
    booked_hours: Decimal
    occupancy: Decimal | None
    tickets_sold: int
    visitors: int
    revenue: RevenueOut
    units: list[UnitUseOut]
    occupancy_by_month: list[MonthUseOut]
    tickets: list[TicketsOut]
    tickets_by_month: list[TicketsMonthOut]
    revenue_by_service: list[RevenueNamedOut]
    revenue_by_resource: list[RevenueNamedOut]
    revenue_by_customer_kind: list[RevenueKindOut]
    revenue_by_month: list[RevenueMonthOut]


class StatsQuery(Schema):
    year: int | None = Field(None, ge=stats.FIRST_YEAR, le=stats.LAST_YEAR)
    resource: int | None = Field(None, ge=1, le=2**63 - 1)


@router.get(f"{BASE}/sales", response=answers(200, list[SaleOut]))
@paginate(Pagination)
def sale_list(request, slug: str, filters: Query[SaleQuery]) -> QuerySet[Sale]:
    """Sales and refunds of the commons, newest first."""
    coop = coop_for(request.auth, slug, Action.VIEW_SALES)
    return stats.sale_list(coop=coop, filters=filters.filters())


@router.get(f"{BASE}/sales/totals", response=answers(200, TotalsOut))
def sale_totals(request, slug: str, filters: Query[SaleQuery]):
    coop = coop_for(request.auth, slug, Action.VIEW_SALES)
    return stats.sale_totals(coop=coop, filters=filters.filters())


@router.get(f"{BASE}/stats", response=answers(200, StatsOut))
def commons_stats(request, slug: str, query: Query[StatsQuery]):
    """Use statistics of a year (the current one by default), of one resource or of all."""
    coop = coop_for(request.auth, slug, Action.VIEW_SALES)
    resource = None
    if query.resource is not None:
        resource = get_object_or_404(CommonResource, coop=coop, pk=query.resource)
    data = stats.commons_stats(
        coop=coop, year=query.year or timezone.localdate().year, resource=resource
    )
    return {
        "year": data.year,
        "resource_id": resource.pk if resource else None,
        "open_hours": data.open_hours,
        "booked_hours": data.booked_hours,
        "occupancy": data.occupancy,
        "tickets_sold": data.tickets_sold,
        "visitors": data.visitors,
        "revenue": data.revenue,
        "units": [
            {
                "unit_id": u.unit_id,
                "unit": u.unit,
                "resource_id": u.resource_id,
                "resource": u.resource,
                "open_hours": u.open_hours,
                "booked_hours": u.booked_hours,
                "occupancy": u.occupancy,
                "months": u.months,
            }
            for u in data.units
        ],
        "occupancy_by_month": data.use_by_month,
        "tickets": data.tickets,
        "tickets_by_month": data.tickets_by_month,
        "revenue_by_service": data.revenue_by_service,
        "revenue_by_resource": data.revenue_by_resource,
        "revenue_by_customer_kind": data.revenue_by_customer_kind,
        "revenue_by_month": data.revenue_by_month,
    }
