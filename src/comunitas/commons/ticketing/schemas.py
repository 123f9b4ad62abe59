"""API shapes of the catalogue and the box office (input parsed here, rules in the services)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema

from comunitas.commons.models import CustomerKind, OrderStatus, PaymentState, ServiceKind
from comunitas.core.shapes import Euros, Id, InputSchema, Money, Text

Seats = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]  # the service gives the real bounds
Quantity = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]
RegisterNumber = Annotated[int, Field(ge=1, le=2**31 - 1)]


class PriceIn(InputSchema):
    customer_kind: CustomerKind
    price: Money


class PriceOut(Schema):
    customer_kind: CustomerKind
    price: Euros


class ServiceOut(Schema):
    id: int
    name: str
    kind: ServiceKind
    description: str
    resource_id: int | None
    resource_name: str | None
    is_active: bool
    is_public: bool
    synthetic: bool
    prices: list[PriceOut]

    @staticmethod
    def resolve_resource_name(obj) -> str | None:
        return obj.resource.name if obj.resource_id else None

    @staticmethod
    def resolve_prices(obj):
        return list(obj.prices.all())


class ServiceIn(InputSchema):
    name: Text = Field(..., max_length=200)
    kind: ServiceKind
    description: Text = Field("", max_length=4000)
    resource_id: Id | None = None
    is_active: bool = True
    is_public: bool = False
    prices: list[PriceIn] = Field(
        default_factory=list,
        max_length=5,
        description="One price per kind of customer; a kind left out cannot buy the service.",
    )


class ServicePatch(InputSchema):
    """Only the fields sent change."""

    name: Text = Field(None, max_length=200)
    kind: ServiceKind = None
    description: Text = Field(None, max_length=4000)
    resource_id: Id | None = None
    is_active: bool = None
    is_public: bool = None


class PricesIn(InputSchema):
    prices: list[PriceIn] = Field(
        ..., max_length=5, description="The whole price list: a kind left out is not sold to."
    )


class EventOut(Schema):
    id: int
    service_id: int
    service_name: str
    starts_at: datetime
    ends_at: datetime | None
    seats: int
    seats_left: int
    is_cancelled: bool


class EventDetail(EventOut):
    sold: int | None = Field(None, description="Tickets sold (staff only)")
    checked_in: int | None = Field(None, description="Tickets checked in (staff only)")


class EventIn(InputSchema):
    service_id: Id
    starts_at: datetime
    ends_at: datetime | None = None
    seats: Seats


class EventPatch(InputSchema):
    starts_at: datetime = None
    ends_at: datetime | None = None
    seats: Seats = None


class ReasonIn(InputSchema):
    reason: Text = Field("", max_length=300)


class LineIn(InputSchema):
    service_id: Id
    event_id: Id | None = None
    quantity: Quantity = 1


class OrderIn(InputSchema):
    lines: list[LineIn] = Field(..., min_length=1, max_length=20)
    payment_method: Literal["on_site", "bank_transfer"]
    name: Text = Field("", max_length=200, description="Required from visitors without a login")
    email: Text = Field("", max_length=254, description="Required from visitors without a login")
    customer_kind: CustomerKind | None = Field(
        None, description="Staff selling on someone's behalf: the price kind to apply"
    )
    member_number: RegisterNumber | None = Field(
        None, description="Staff: the register number of the member buying"
    )
    paid: bool = Field(False, description="Staff: the money was taken at once")
    payment_reference: Text = Field("", max_length=100)


class TicketOut(Schema):
    code: str
    is_void: bool
    checked_in_at: datetime | None


class LineOut(Schema):
    service_id: int
    service_name: str
    event_id: int | None
    starts_at: datetime | None
    quantity: int
    unit_price: Euros
    amount: Euros
    tickets: list[TicketOut]

    @staticmethod
    def resolve_service_name(obj) -> str:
        return obj.service.name

    @staticmethod
    def resolve_starts_at(obj) -> datetime | None:
        return obj.event.starts_at if obj.event_id else None

    @staticmethod
    def resolve_tickets(obj):
        return list(obj.tickets.all())


class OrderItem(Schema):
    id: int
    code: str
    status: OrderStatus
    customer_name: str
    customer_email: str
    customer_kind: CustomerKind
    member_id: int | None
    total: Euros
    payment_state: PaymentState
    payment_method: str
    payment_reference: str
    paid_at: datetime | None
    created_at: datetime
    lines: list[LineOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())


class PaymentOut(Schema):
    text: str
    iban: str
    reference: str


class OrderOut(OrderItem):
    payment: PaymentOut


class PayIn(InputSchema):
    reference: Text = Field("", max_length=100)


class CheckInIn(InputSchema):
    code: Text = Field(..., max_length=40)
    event_id: Id | None = Field(None, description="The event this door admits to, if one")


class CheckInOut(Schema):
    result: Literal["admitted"]
    code: str
    event_id: int
    service_name: str
    starts_at: datetime
    customer_name: str
    checked_in_at: datetime
    to_pay: Decimal | None = Field(None, description="Still to pay at the door, if anything")
