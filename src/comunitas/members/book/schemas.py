"""API shapes of the member book (input parsed here, rules checked by the services)."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from comunitas.core.shapes import Euros, InputSchema, Text
from comunitas.core.territory.schemas import MunicipalityBrief
from comunitas.members.models import Consent, MemberKind, MemberStatus, OrganisationKind, Sex

# The oldest cooperatives are from the 19th century; no date of the book lies outside this.
FIRST_DAY, LAST_DAY = date(1800, 1, 1), date(2999, 12, 31)
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value):
    # Pydantic would read 0 or "1700000000" as a Unix time: a day is written YYYY-MM-DD.
    if isinstance(value, date) or (isinstance(value, str) and ISO_DATE.fullmatch(value)):
        return value
    raise PydanticCustomError("date_format", "Give a date as YYYY-MM-DD.")


Day = Annotated[date, BeforeValidator(_iso_date), Field(ge=FIRST_DAY, le=LAST_DAY)]
# Euros and cents: "12.50" or 12.5; 0.1 + 0.2 (0.30000000000000004) is refused, not rounded.
Count = Annotated[int, Field(ge=1, le=1_000_000)]
Code = Annotated[Text, Field(max_length=40)]
# Sums over the ledger come back from SQLite as "75": always show the cents.


# --- out ----------------------------------------------------------------------------------------
class CategoryOut(Schema):
    code: str
    name: str
    is_financing: bool
    position: int


class CategoryBrief(Schema):
    code: str
    name: str


class MemberItem(Schema):
    """A line of the member list: who, which category, where, since when, how many shares."""

    id: int
    number: int | None
    kind: MemberKind
    display_name: str
    category: CategoryBrief
    status: MemberStatus
    residence: MunicipalityBrief | None
    in_territory: bool
    admitted_on: date | None
    exited_on: date | None
    shares: int = Field(..., alias="shares_held")
    subscribed: Euros = Field(..., alias="capital_subscribed")
    paid: Euros = Field(..., alias="capital_paid")


class MemberPage(Schema):
    """A page of the member list and how many lines the whole list has."""

    items: list[MemberItem]
    count: int


class ConsentOut(Schema):
    kind: str
    given: bool
    at: datetime | None


class HoldingOut(Schema):
    share_class: str = Field(..., alias="share_class.code")
    share_class_name: str = Field(..., alias="share_class.name")
    nominal_value: Euros = Field(..., alias="share_class.nominal_value")
    shares: int
    subscribed: Euros
    paid: Euros
    to_pay: Euros


class MovementOut(Schema):
    id: int
    kind: str
    on_date: date
    share_class: str = Field(..., alias="share_class.code")
    shares: int
    subscribed: Euros
    paid: Euros
    reference: str
    reverses: int | None = Field(..., alias="reverses_id")
    transfer: int | None = Field(..., alias="transfer_id")


class ApplicationBrief(Schema):
    status: str
    source: str
    share_class: str = Field(..., alias="share_class.code")
    shares_requested: int
    motivation: str
    decided_on: date | None
    decision_reference: str
    rejection_reason: str


class RedemptionOut(Schema):
    id: int
    member_id: int
    amount: Euros
    due_on: date
    paid_on: date | None
    reference: str


class MemberOut(MemberItem):
    """Everything the book holds about one member or applicant."""

    first_name: str
    last_name: str
    birth_date: date | None
    sex: str
    organisation_name: str
    organisation_kind: str
    vat_number: str
    representative_name: str
    representative_role: str
    fiscal_code: str
    address: str
    email: str
    phone: str
    applied_on: date
    admission_reference: str
    exit_kind: str
    exit_reason: str
    exit_reference: str
    erased: bool = Field(..., alias="is_erased")
    has_login: bool
    consents: list[ConsentOut]
    holdings: list[HoldingOut] = Field(..., alias="current_holdings")
    movements: list[MovementOut]
    application: ApplicationBrief | None
    redemption: RedemptionOut | None

    @staticmethod
    def resolve_has_login(obj) -> bool:
        return obj.user_id is not None

    @staticmethod
    def resolve_consents(obj) -> list[dict]:
        return consents_in_force(obj)

    @staticmethod
    def resolve_application(obj):
        return getattr(obj, "application", None)  # None when the member was never an applicant

    @staticmethod
    def resolve_redemption(obj):
        return getattr(obj, "redemption", None)


def consents_in_force(member) -> list[dict]:
    """Each kind of consent with the latest answer (not given when never asked)."""
    latest = {}
    for consent in member.consents.all():  # ordered by kind, newest first
        latest.setdefault(consent.kind, consent)
    return [
        {"kind": kind, "given": c.given, "at": c.at}
        if c
        else {"kind": kind, "given": False, "at": None}
        for kind in Consent.Kind.values
        for c in [latest.get(kind)]
    ]


class PersonBrief(Schema):
    id: int
    number: int | None
    display_name: str


class MemberItemLite(Schema):
    """The applicant as the board sees it when deciding."""

    id: int
    number: int | None
    kind: str
    display_name: str
    email: str
    category: CategoryBrief
    residence: MunicipalityBrief | None
    status: str


class ApplicationOut(Schema):
    """An application; its ``id`` is the applicant's member id (one application per record)."""

    id: int = Field(..., alias="member_id")
    applicant: MemberItemLite = Field(..., alias="member")
    share_class: str = Field(..., alias="share_class.code")
    shares_requested: int
    source: str
    motivation: str
    status: str
    applied_on: date = Field(..., alias="member.applied_on")
    decided_on: date | None
    decision_reference: str
    rejection_reason: str
    created_at: datetime


class VoterOut(Schema):
    member_id: int
    number: int
    name: str
    category: str
    votes: str = Field(..., description="Votes as a decimal (4 places when not whole)")
    votes_fraction: str = Field(..., description="The exact votes, 'n/d' or 'n'")


class NotYetOut(Schema):
    member_id: int
    number: int
    name: str
    category: str
    admitted_on: date


class EligibilityOut(Schema):
    on_date: date
    enrolled_before: date = Field(..., description="Members admitted on or before this day vote")
    voters: list[VoterOut]
    total_votes: str
    total_votes_fraction: str
    financing_scaled: bool = Field(
        ..., description="The financing members' votes were scaled down to one third"
    )
    not_yet: list[NotYetOut]


class RegisterLine(Schema):
    """An entry of the libro soci as it stood on the date asked for."""

    number: int
    id: int
    kind: str
    display_name: str
    fiscal_code: str
    category: CategoryBrief
    residence: MunicipalityBrief | None
    in_territory: bool
    admitted_on: date
    exited_on: date | None = Field(..., alias="left_by_then")
    shares: int = Field(..., alias="shares_held")
    subscribed: Euros = Field(..., alias="capital_subscribed")
    paid: Euros = Field(..., alias="capital_paid")


# --- queries ------------------------------------------------------------------------------------
class MemberQuery(Schema):
    q: Text = Field("", max_length=200, description="Name, codice fiscale, e-mail or number")
    status: MemberStatus | None = None
    category: Code = Field("", description="A category code")
    kind: MemberKind | None = None
    territory: Literal["in", "out"] | None = None


class ApplicationQuery(Schema):
    status: Literal["pending", "approved", "rejected"] | None = None


class OnDate(Schema):
    on: Day | None = Field(None, description="The day (ISO date); today when left out")


# --- in -----------------------------------------------------------------------------------------
class ConsentsIn(InputSchema):
    privacy: bool = Field(False, description="Required: processing of data for membership")
    newsletter: bool = False
    photos: bool = False


class MemberFields(InputSchema):
    """The data of a person or an organisation; which are required depends on ``kind``."""

    first_name: Text = Field("", max_length=80)
    last_name: Text = Field("", max_length=80)
    birth_date: Day | None = None
    sex: Sex | Literal[""] = ""
    organisation_name: Text = Field("", max_length=200)
    organisation_kind: OrganisationKind | Literal[""] = ""
    vat_number: Text = Field("", max_length=20)
    representative_name: Text = Field("", max_length=160)
    representative_role: Text = Field("", max_length=80)
    fiscal_code: Text = Field("", max_length=24)
    residence: Text = Field(
        "", max_length=120, description="ISTAT code, postcode or 'Name (PR)' of the municipality"
    )
    address: Text = Field("", max_length=200)
    email: Text = Field("", max_length=254)
    phone: Text = Field("", max_length=30)


class ApplicationIn(MemberFields):
    kind: MemberKind
    category: Code | None = Field(None, description="Category code; a default when left out")
    share_class: Code | None = Field(None, description="Share class code; a default when left out")
    shares: Count | None = Field(None, description="The class's minimum when left out")
    consents: ConsentsIn = Field(default_factory=ConsentsIn)
    motivation: Text = Field("", max_length=2000)
    source: Literal["online", "paper"] = Field(
        "online", description="'paper' (with applied_on) only for staff entering a paper form"
    )
    applied_on: Day | None = None


class DecisionIn(InputSchema):
    approve: bool
    decided_on: Day | None = None
    decision_reference: Text = Field("", max_length=200, description="e.g. 'CdA 12/03/2025'")
    reason: Text = Field("", max_length=2000, description="Required for a rejection")


class MemberPatch(InputSchema):
    """Only the fields sent change; null is refused except for the birth date (text fields
    are cleared with "", the residence too)."""

    category: Code = None
    first_name: Text = Field(None, max_length=80)
    last_name: Text = Field(None, max_length=80)
    birth_date: Day | None = None
    sex: Sex | Literal[""] = None
    organisation_name: Text = Field(None, max_length=200)
    organisation_kind: OrganisationKind | Literal[""] = None
    vat_number: Text = Field(None, max_length=20)
    representative_name: Text = Field(None, max_length=160)
    representative_role: Text = Field(None, max_length=80)
    fiscal_code: Text = Field(None, max_length=24)
    residence: Text = Field(None, max_length=120)
    address: Text = Field(None, max_length=200)
    email: Text = Field(None, max_length=254)
    phone: Text = Field(None, max_length=30)


class ContactsPatch(InputSchema):
    """What a member may change of their own data: contacts only."""

    residence: Text = Field(None, max_length=120)
    address: Text = Field(None, max_length=200)
    email: Text = Field(None, max_length=254)
    phone: Text = Field(None, max_length=30)


class ConsentsPatch(InputSchema):
    """The consents to give (true) or withdraw (false); those left out do not change."""

    privacy: bool = None
    newsletter: bool = None
    photos: bool = None


class CategoryIn(InputSchema):
    code: Code
    name: Text = Field(..., max_length=80)
    is_financing: bool = False
    position: int = Field(0, ge=0, le=32767)
