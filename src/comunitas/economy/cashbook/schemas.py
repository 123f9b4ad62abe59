"""API shapes of the cash book. Every name starts with ``Cash``: OpenAPI components are named
after the classes and must be unique across the whole API. Numbers are only bounded to what the
database holds; the rules are the services' (a 422 naming the field)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Field, Schema

from comunitas.core.kernel.money import ZERO
from comunitas.core.shapes import Euros, Id, InputSchema, Money, Text
from comunitas.economy.models import CounterpartyKind, Direction, Flow, ImportKind

Day = Annotated[date, Field(ge=date(2000, 1, 1), le=date(2199, 12, 31))]


class CashMovementIn(InputSchema):
    on_date: Day
    category: Text = Field(..., max_length=40, description="The category's code")
    amount: Money = Field(..., description="Gross euros, VAT included; negative for a refund")
    vat: Money = ZERO
    description: Text = Field("", max_length=200)
    reference: Text = Field("", max_length=80)
    counterparty_id: Id | None = None
    resource_id: Id | None = None
    project_id: Id | None = None
    service_id: Id | None = None
    member_id: Id | None = None
    job_id: Id | None = None
    earmark_id: Id | None = None


class CashReverseIn(InputSchema):
    reason: Text = Field(..., max_length=150)
    on_date: Day | None = Field(None, description="Today when empty")


class CashMovementOut(Schema):
    id: int
    on_date: date
    direction: Direction
    amount: Euros
    vat: Euros
    category: str = Field(..., alias="category.code")
    description: str
    reference: str
    counterparty_id: int | None
    resource_id: int | None
    project_id: int | None
    service_id: int | None
    member_id: int | None
    job_id: int | None
    earmark_id: int | None
    source: str
    sale_id: int | None
    batch_id: int | None
    reverses_id: int | None
    synthetic: bool
    created_at: datetime


class CashCounterpartyIn(InputSchema):
    name: Text = Field(..., max_length=200)
    kind: CounterpartyKind
    tax_code: Text = Field("", max_length=20, description="Partita IVA or codice fiscale")
    municipality: Text = Field("", max_length=140, description="ISTAT code or 'Name (PR)'")
    member_id: Id | None = None


class CashCounterpartyPatch(InputSchema):
    name: Text = Field(None, max_length=200)
    kind: CounterpartyKind = None
    tax_code: Text = Field(None, max_length=20)
    municipality: Text = Field(None, max_length=140)
    member_id: Id | None = None


class CashCounterpartyOut(Schema):
    id: int
    name: str
    kind: CounterpartyKind
    tax_code: str
    municipality: str | None = Field(None, alias="municipality_id")
    member_id: int | None
    is_local: bool
    synthetic: bool


class CashCategoryIn(InputSchema):
    code: Text = Field(..., max_length=40, pattern=r"^[-a-z0-9_]+$")
    name: Text = Field(..., max_length=120)
    direction: Direction
    flow: Flow | None = Field(None, description="For an expense: wages, purchases or other")


class CashCategoryOut(Schema):
    id: int
    code: str
    name: str
    direction: Direction
    flow: Flow


class CashImportOut(Schema):
    rows: int
    imported: int
    duplicates: int
    written: bool
    encoding: str
    columns: dict[str, str]
    batch_id: int | None


CellValue = str | int | float | bool | None


class CashImportIn(InputSchema):
    """The import's options; with a JSON body, the rows themselves ({header: value} each)."""

    kind: ImportKind = ImportKind.BANK
    encoding: Literal["", "utf-8", "windows-1252", "latin-1"] = Field(
        "", description="For a CSV not in UTF-8"
    )
    mapping: dict[str, Text] = Field(
        default_factory=dict, description="Our field (date, amount, …) → the file's header"
    )
    rows: list[dict[str, CellValue]] | None = Field(None, max_length=100_000)
