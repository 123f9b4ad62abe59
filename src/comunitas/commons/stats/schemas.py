"""API shapes of the commons' sales and use statistics: the filters of the sales list and the
figures of a year. Deliberately without the future-annotations import: ninja reads the
Query[...] annotations."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from comunitas.commons.models import CustomerKind, SaleKind
from comunitas.commons.stats import selectors
from comunitas.core.shapes import Euros


class SaleQuery(Schema):
    year: int | None = Field(None, ge=selectors.FIRST_YEAR, le=selectors.LAST_YEAR)
    date_from: date | None = None
    date_to: date | None = Field(None, description="Included.")
    resource: int | None = Field(None, ge=1, le=2**63 - 1)
    service: int | None = Field(None, ge=1, le=2**63 - 1)
    customer_kind: CustomerKind | None = None
    kind: SaleKind | None = None

    def filters(self) -> selectors.SaleFilters:
        values = self.dict()
        for key in ("customer_kind", "kind"):
            values[key] = values[key].value if values[key] else None
        return selectors.SaleFilters(**values)


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
    year: int | None = Field(None, ge=selectors.FIRST_YEAR, le=selectors.LAST_YEAR)
    resource: int | None = Field(None, ge=1, le=2**63 - 1)
