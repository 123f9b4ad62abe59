"""API shapes of bookable units and bookings (input parsed here, rules checked by the services:
numbers are only bounded to what the database can hold, so a rule's message comes from the
service as a 422 naming the field)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated

from ninja import Field, Schema
from pydantic import PlainSerializer, WithJsonSchema

from comunitas.commons.models import BookingStatus, CustomerKind, PaymentMethod, PaymentState
from comunitas.core.shapes import Euros, InputSchema, Int32, Money, Text

# A wall-clock time of Europe/Rome as "HH:MM". JSON Schema's "time" format demands an offset,
# which opening hours do not have (they follow the local clock through summer time).
LocalTime = Annotated[
    time,
    PlainSerializer(lambda value: value.strftime("%H:%M"), return_type=str),
    WithJsonSchema(
        {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$", "examples": ["08:30"]}
    ),
]


class HoursItem(Schema):
    weekday: Annotated[int, Field(ge=0, le=6, description="0 = Monday … 6 = Sunday")]
    opens: LocalTime
    closes: LocalTime


class PriceItem(Schema):
    customer_kind: CustomerKind
    hourly: Euros


class UnitPriceIn(InputSchema):
    customer_kind: CustomerKind
    hourly: Money


class ClosedDayOut(Schema):
    id: int
    on_date: date
    reason: str


class UnitItem(Schema):
    id: int
    resource_id: int
    resource_name: str
    name: str
    description: str
    capacity: int | None
    is_active: bool
    public_booking: bool
    approval_required: bool
    slot_minutes: int
    min_minutes: int
    max_minutes: int
    lead_hours: int
    horizon_days: int
    free_cancel_hours: int
    synthetic: bool
    prices: list[PriceItem]

    @staticmethod
    def resolve_resource_name(obj) -> str:
        return obj.resource.name

    @staticmethod
    def resolve_prices(obj):
        return list(obj.prices.all())


class UnitOut(UnitItem):
    """A unit with its weekly hours and its closed days from today on."""

    hours: list[HoursItem]
    closed_days: list[ClosedDayOut]

    @staticmethod
    def resolve_hours(obj):
        return list(obj.hours.all())

    @staticmethod
    def resolve_closed_days(obj):
        return obj.upcoming_closed_days


class UnitPatch(InputSchema):
    """Only the fields sent change."""

    name: Text = Field(None, max_length=200)
    description: Text = Field(None, max_length=2000)
    capacity: Int32 | None = None
    is_active: bool = None
    public_booking: bool = None
    approval_required: bool = None
    slot_minutes: Int32 = None
    min_minutes: Int32 = None
    max_minutes: Int32 = None
    lead_hours: Int32 = None
    horizon_days: Int32 = None
    free_cancel_hours: Int32 = None


class UnitIn(InputSchema):
    name: Text = Field(..., max_length=200)
    description: Text = Field("", max_length=2000)
    capacity: Int32 | None = None
    is_active: bool = True
    public_booking: bool = False
    approval_required: bool = False
    slot_minutes: Int32 = 30
    min_minutes: Int32 = 60
    max_minutes: Int32 = 480
    lead_hours: Int32 = 0
    horizon_days: Int32 = 180
    free_cancel_hours: Int32 = 48


class HoursIn(InputSchema):
    """The whole week: replaces the hours the unit had."""

    intervals: list[HoursItem] = Field(..., max_length=100)


class UnitPricesIn(InputSchema):
    """The whole price list: a kind left out cannot book."""

    prices: list[UnitPriceIn] = Field(..., max_length=10)


class ClosedDayIn(InputSchema):
    on_date: date
    reason: Text = Field("", max_length=200)


class Span(Schema):
    start: datetime
    end: datetime


class BusyOut(Schema):
    """A busy time; who booked and what for only for staff (null otherwise)."""

    start: datetime
    end: datetime
    status: BookingStatus
    mine: bool
    booking_id: int | None
    booker: str | None
    title: str | None


class DayOut(Schema):
    date: date
    closed: bool
    reason: str
    open: list[Span]
    busy: list[BusyOut]


class AvailabilityOut(Schema):
    unit_id: int
    start: date
    end: date
    timezone: str
    days: list[DayOut]


class BookingOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    resource_id: int
    series_id: int | None
    start: datetime
    end: datetime
    status: BookingStatus
    title: str
    booker_name: str
    booker_email: str
    customer_kind: CustomerKind
    price: Euros
    payment_state: PaymentState
    payment_method: str
    paid_at: datetime | None
    reason: str
    cancelled_at: datetime | None
    late_cancellation: bool
    synthetic: bool
    created_at: datetime

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_resource_id(obj) -> int:
        return obj.unit.resource_id


class Booker(InputSchema):
    name: Text = Field(
        "", max_length=200, description="Visitors without a login, or staff booking on behalf"
    )
    email: Text = Field("", max_length=254)
    customer_kind: CustomerKind | None = Field(
        None, description="Staff booking on behalf only; otherwise the caller's own kind"
    )
    on_behalf: bool = Field(False, description="Staff book for someone else")


class BookingIn(Booker):
    start: datetime
    end: datetime
    title: Text = Field("", max_length=200)


class SeriesIn(Booker):
    first_start: datetime
    minutes: Int32
    weeks: Int32 = Field(..., description="1 to 52")
    title: Text = Field("", max_length=200)


class OccurrenceOut(Schema):
    week: int
    start: datetime
    end: datetime
    price: Euros
    free: bool
    problems: list[str]
    booking_id: int | None

    @staticmethod
    def resolve_booking_id(obj) -> int | None:
        return obj.booking.pk if obj.booking else None


class PreviewOut(Schema):
    free: int
    occurrences: list[OccurrenceOut]


class SeriesOut(Schema):
    series_id: int
    booked: int
    not_booked: int
    occurrences: list[OccurrenceOut]


class RejectIn(InputSchema):
    reason: Text = Field(..., max_length=300)


class CancelIn(InputSchema):
    reason: Text = Field("", max_length=300)


class BookingPayIn(InputSchema):
    method: PaymentMethod = Field(..., description="on_site or bank_transfer")


class BookingQuery(Schema):
    unit_id: Int32 | None = None
    status: BookingStatus | None = None
    date_from: date | None = None
    date_to: date | None = None
