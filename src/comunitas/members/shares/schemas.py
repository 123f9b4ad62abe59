"""API shapes of share capital: classes, transfers, subscriptions, payments, exits, reversals."""

from __future__ import annotations

from datetime import date
from typing import Literal

from ninja import Field, Schema

from comunitas.core.shapes import Euros, InputSchema, Money, Text
from comunitas.members.book.schemas import Code, Count, Day, PersonBrief
from comunitas.members.models import ExitKind


class ShareClassOut(Schema):
    code: str
    name: str
    nominal_value: Euros
    valid_from: date
    valid_until: date | None
    min_shares_for_admission: int
    for_financing: bool


class TransferOut(Schema):
    id: int
    seller: PersonBrief
    buyer: PersonBrief
    share_class: str = Field(..., alias="share_class.code")
    shares: int
    requested_on: date
    status: str
    decided_on: date | None
    decision_reference: str
    rejection_reason: str


class CapitalClassOut(Schema):
    code: str
    name: str
    nominal_value: Euros
    shares: int
    subscribed: Euros
    paid: Euros


class CapitalOut(Schema):
    on_date: date
    shares: int
    subscribed: Euros
    paid: Euros
    to_pay: Euros
    by_class: list[CapitalClassOut]


class TransferQuery(Schema):
    status: Literal["pending", "approved", "rejected"] | None = None


class SubscriptionIn(InputSchema):
    share_class: Code
    shares: Count
    on_date: Day | None = None
    reference: Text = Field("", max_length=200)


class PaymentIn(InputSchema):
    share_class: Code
    amount: Money = Field(..., gt=0, description="Euros: '50.00' or 50")
    on_date: Day | None = None
    reference: Text = Field("", max_length=200)


class TransferIn(InputSchema):
    buyer_number: int = Field(..., ge=1, le=2**31 - 1, description="The buyer's register number")
    share_class: Code
    shares: Count
    on_date: Day | None = None


class ExitIn(InputSchema):
    kind: ExitKind
    on_date: Day | None = None
    reason: Text = Field("", max_length=2000, description="Required for an exclusion")
    decision_reference: Text = Field("", max_length=200, description="Required for an exclusion")
    redemption_amount: Money | None = Field(
        None, ge=0, description="What the member gets back; the paid capital when left out"
    )
    due_on: Day | None = None


class RedemptionPaymentIn(InputSchema):
    paid_on: Day | None = None
    reference: Text = Field("", max_length=200)


class ReversalIn(InputSchema):
    reason: Text = Field(..., max_length=200, description="Why the movement was wrong")


class ShareClassIn(InputSchema):
    code: Code
    name: Text = Field(..., max_length=80)
    nominal_value: Money
    valid_from: Day
    valid_until: Day | None = None
    min_shares_for_admission: int = Field(1, ge=0, le=1_000_000)
    for_financing: bool = False
