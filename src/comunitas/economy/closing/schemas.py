"""API shapes of the annual closing (input parsed here, rules checked by the services: numbers
are only bounded to what the database holds, so a rule's message comes from the service as a
422 naming the field). Every shape's name starts with ``Closing``: OpenAPI components are named
after the classes, and a name another app uses too would replace its shape."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema

from comunitas.core.kernel.money import ZERO
from comunitas.core.shapes import Id, InputSchema, Money, Text
from comunitas.economy.models import TEXT_MAX, ResultSource, RistornoBasis

Percent = Annotated[Decimal, Field(max_digits=5, decimal_places=2, allow_inf_nan=False)]
Year = Annotated[int, Field(ge=1900, le=2199)]


RATE = (
    "The buoni postali rate for the art. 2514 c.c. dividend cap. Null: the highest rate in force "
    "on any day of the year (the law says 'massimo'). Another rate is the board's and needs "
    "postal_bond_rate_note (422 on that field otherwise)."
)
RATE_NOTE = "Why the board chose this rate and where it comes from; required with a rate of its own"


class ClosingCreateIn(InputSchema):
    year: Year
    result_source: ResultSource
    result: Money | None = Field(None, description="Only for a result from the statement")
    postal_bond_rate: Percent | None = Field(None, description=RATE)
    postal_bond_rate_note: Text = Field("", max_length=TEXT_MAX, description=RATE_NOTE)
    notes: Text = Field("", max_length=TEXT_MAX)


class ClosingPatch(InputSchema):
    result_source: ResultSource | None = None
    result: Money | None = None
    postal_bond_rate: Percent | None = Field(
        None, description=RATE + " Absent: unchanged; null: back to the highest in the year."
    )
    postal_bond_rate_note: Text | None = Field(None, max_length=TEXT_MAX, description=RATE_NOTE)
    notes: Text | None = Field(None, max_length=TEXT_MAX)


class ClosingCoverageIn(InputSchema):
    """How the assembly covers a loss: the parts add up to the year's loss and the loss brought
    forward, to the cent; a reserve gives at most what it holds."""

    indivisible: Money = Field(ZERO, description="From the indivisible reserve (art. 2545-ter)")
    legal_reserve: Money = Field(ZERO, description="From the legal reserve (art. 2545-quater)")
    carried_forward: Money = Field(ZERO, description="Carried forward to the next years")


class ClosingAllocationIn(InputSchema):
    legal_reserve_percent: Percent = Decimal(30)
    ristorni: Money = ZERO
    dividends: Money = ZERO
    reinvestment_percent: Percent = Field(..., description="Share of the rest for the fund")


class ClosingApproveIn(InputSchema):
    motion_id: Id


class ClosingRistorniIn(InputSchema):
    basis: RistornoBasis
    shares_percent: Percent = Decimal(0)


class ClosingPayIn(InputSchema):
    on_date: date
    share_class_id: Id | None = None


class ClosingLineOut(Schema):
    kind: str
    label: str
    amount: Decimal


class ClosingPlanOut(Schema):
    basis: str
    shares_percent: Decimal
    members: int
    exchange: Decimal
    amount: Decimal
    cash: Decimal
    in_shares: Decimal


class ClosingItem(Schema):
    id: int
    year: int
    status: str
    result_source: str
    result: Decimal
    approved_on: date | None
    lines: list[ClosingLineOut]
    synthetic: bool


class ClosingCeilingOut(Schema):
    basis: str = Field(description="The ristorni's basis; empty: the statute's kinds")
    kinds: list[str]
    label: str
    with_members: Decimal
    total: Decimal
    ceiling: Decimal
    explanation: str


class ClosingCoveragePartOut(Schema):
    source: str
    label: str
    amount: Decimal


class ClosingLossesOut(Schema):
    brought_forward: Decimal = Field(description="Loss carried forward by earlier closings")
    to_cover: Decimal = Field(description="This year's loss and the loss brought forward")
    covered_by_result: Decimal = Field(description="What this year's profit covers")
    coverage: list[ClosingCoveragePartOut] = Field(description="As recorded; empty: none yet")
    proposal: list[ClosingCoveragePartOut] = Field(
        description="Indivisible reserve, then legal reserve, then carried forward"
    )
    reserves: list[ClosingCoveragePartOut] = Field(
        description="Held at the start of the year, derived from the closings before"
    )
    carried_forward: Decimal = Field(description="What this closing leaves to the next years")
    capital_impaired: bool = Field(
        description="A loss carried forward is left uncovered: no dividends, no cash ristorni"
    )


class ClosingOut(ClosingItem):
    postal_bond_rate: Decimal = Field(description="The rate used for the art. 2514 c.c. cap")
    postal_bond_rate_reading: str = Field(
        description="'highest': the highest in force in the year; 'board': entered by the "
        "board; empty: not recorded (closings prepared before the reading was stored)"
    )
    postal_bond_rate_source: str = Field(description="Where the rate comes from")
    postal_bond_rate_note: str = Field(description="The board's note on a rate of its own")
    losses: ClosingLossesOut
    paid_in_capital: Decimal
    dividend_cap: Decimal
    ristorni_ceiling: ClosingCeilingOut = Field(description="Art. 2545-sexies c.c.")
    legal_minima: list[ClosingLineOut]
    allocation_matches: bool
    motion_id: int | None
    notes: str
    ristorni: ClosingPlanOut | None = Field(None, description="For staff and the board")


class ClosingPreviewOut(Schema):
    lines: list[ClosingLineOut]


class ClosingMotionOut(Schema):
    id: int
    title: str
    assembly_id: int
    assembly_title: str
    held_on: date


class ClosingRistornoOut(Schema):
    id: int
    year: int
    closing_id: int
    closing_status: str
    member_id: int
    member_number: int | None
    member_name: str
    basis: str
    exchange: Decimal
    amount: Decimal
    cash: Decimal
    in_shares: Decimal
    shares_issued: int
    cash_paid_on: date | None


class ClosingStatementOut(ClosingRistornoOut):
    total_exchange: Decimal
    total_amount: Decimal


class ClosingPaidOut(Schema):
    paid: int


class ClosingExchangeOut(Schema):
    kind: str
    label: str
    with_members: Decimal
    total: Decimal
    percent: Decimal | None


class ClosingPrevalenceOut(Schema):
    year: int
    kinds: list[ClosingExchangeOut] = Field(description="The statute's kinds of exchange")
    with_members: Decimal
    total: Decimal
    percent: Decimal | None = Field(description="Weighted mean of the kinds; null: none")
    prevalent: bool | None = Field(description="Over 50% (art. 2513 c.c.); null: no data")
    by_law: bool = Field(description="A social cooperative (art. 111-septies disp. att. c.c.)")
    previous_prevalent: bool | None
    lost: bool = Field(description="Two years in a row not prevalent (art. 2545-octies)")
    holds: bool
