"""API shapes of the economy's dashboard, the reinvestment fund and the money flow. Every name
starts with ``Fund`` or ``EconomyDashboard`` (OpenAPI components are named after the classes).

Members read aggregates only; an earmark's movements carry who was paid only for operators
(``counterparty`` is null for everyone else)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema

from comunitas.core.shapes import Euros, Id, InputSchema, Money, Text
from comunitas.economy.models import NAME_MAX, EarmarkSource

PositiveMoney = Annotated[Money, Field(gt=0)]
Day = Annotated[date, Field(ge=date(1900, 1, 1), le=date(2199, 12, 31))]


class EconomyDashboardBar(Schema):
    label: str
    value: Euros


class EconomyDashboardYear(Schema):
    year: int
    revenue: Euros
    costs: Euros
    result: Euros


class EconomyDashboardOut(Schema):
    year: int | None = Field(..., description="The year shown; null when nothing is recorded")
    revenue: Euros
    costs: Euros
    result: Euros
    movements: int
    by_resource: list[EconomyDashboardBar]
    by_service: list[EconomyDashboardBar]
    by_category: list[EconomyDashboardBar]
    years: list[EconomyDashboardYear] = Field(..., description="Every year's cash-book result")


class FundEarmarkIn(InputSchema):
    amount: PositiveMoney
    purpose: Text = Field(..., max_length=NAME_MAX)
    on_date: Day
    source: EarmarkSource
    project_id: Id | None = Field(None, description="A project of this cooperative")
    need_id: Id | None = Field(None, description="A need of this cooperative")
    decision_reference: Text = Field("", max_length=NAME_MAX, description="Required for board")
    budget_id: Id | None = Field(None, description="A counted participatory budget")


class FundFromBudgetIn(InputSchema):
    budget_id: Id


class FundEarmarkOut(Schema):
    id: int
    on_date: date
    amount: Euros
    source: EarmarkSource
    decision_reference: str
    budget_id: int | None
    project_id: int | None
    project_title: str | None
    need_id: int | None
    need_title: str | None
    purpose: str
    released: bool
    spent: Euros
    committed: Euros
    remaining: Euros
    synthetic: bool


class FundInflowOut(Schema):
    year: int
    amount: Euros


class FundBalanceOut(Schema):
    inflows: Euros
    committed: Euros
    spent: Euros
    available: Euros
    inflows_by_year: list[FundInflowOut]


class FundMovementOut(Schema):
    id: int
    on_date: date
    amount: Euros
    category: str
    counterparty: str | None = Field(..., description="Staff and the board only")


class FundEarmarkDetailOut(FundEarmarkOut):
    movements: list[FundMovementOut] = Field(..., description="The first 500 payments")


class FundFlowNode(Schema):
    id: str
    label: str
    column: int
    value: Decimal


class FundFlowLink(Schema):
    source: str
    target: str
    value: Decimal


class FundFlowOut(Schema):
    year: int
    status: str = Field(..., description="approved, draft or none (no closing yet)")
    revenue: Decimal
    costs: Decimal
    result: Decimal
    nodes: list[FundFlowNode]
    links: list[FundFlowLink]
