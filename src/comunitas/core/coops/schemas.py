"""API shapes of cooperatives, their facts, statute versions, roles and audit entries."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from comunitas.core.shapes import Euros, InputSchema, Money, Text
from comunitas.core.territory.schemas import MunicipalityBrief, MunicipalityOut


class CoopSummary(Schema):
    slug: str
    name: str
    seat: MunicipalityBrief
    locality: str
    sector: str
    founded_year: int
    is_public: bool
    is_demo: bool


class FactOut(Schema):
    key: str
    label: str
    value: str
    number: Decimal | None
    unit: str
    year: int | None
    status: str
    source: str
    source_url: str


class FinancingStepIn(InputSchema):
    capital: Money = Field(..., ge=0, description="Capital contributed, in euros")
    votes: int = Field(..., description="Votes from this capital up (1 to 5, L. 59/1992 art. 4)")


class FinancingStepOut(Schema):
    capital: Euros
    votes: int


class StatuteOut(Schema):
    id: int
    valid_from: date
    share_nominal_value: Decimal
    max_proxies_per_member: int
    legal_person_max_votes: int
    financing_votes_scale: list[FinancingStepOut]
    enrolment_days_before_voting: int
    notice_days: int
    ordinary_quorum_first_call: Decimal
    ordinary_quorum_second_call: Decimal
    extraordinary_quorum_first_call: Decimal
    extraordinary_quorum_second_call: Decimal
    proposal_support_threshold: int
    mutual_sales: bool
    mutual_work: bool
    mutual_supplies: bool
    decision_reference: str
    synthetic: bool


class StatuteIn(InputSchema):
    valid_from: date
    share_nominal_value: Decimal
    max_proxies_per_member: int = Field(3, ge=0)
    legal_person_max_votes: int = Field(1, ge=0)
    financing_votes_scale: list[FinancingStepIn] = Field(
        [],
        max_length=10,
        description="Financing members' votes by capital contributed, capitals rising; a member "
        "has the votes of the highest step reached, 1 below the first; empty: 1 vote",
    )
    enrolment_days_before_voting: int = Field(90, ge=0)
    notice_days: int = Field(8, ge=0)
    ordinary_quorum_first_call: Decimal = Decimal("50")
    ordinary_quorum_second_call: Decimal = Decimal("0")
    extraordinary_quorum_first_call: Decimal = Decimal("50")
    extraordinary_quorum_second_call: Decimal = Decimal("0")
    proposal_support_threshold: int = Field(10, ge=0)
    mutual_sales: bool = Field(False, description="Mutual exchange: sales to members (A1)")
    mutual_work: bool = Field(True, description="Mutual exchange: members' work (B9)")
    mutual_supplies: bool = Field(
        False, description="Mutual exchange: goods and services from members (B6, B7)"
    )
    decision_reference: Text = Field("", max_length=200)


class CoopOut(CoopSummary):
    legal_form: str
    founded_on: date | None
    seat: MunicipalityOut
    fiscal_code: str
    vat_number: str
    albo_number: str
    regional_register: str
    description: str
    website: str
    payment_instructions: str
    territory: list[MunicipalityBrief]
    facts: list[FactOut]
    statute: StatuteOut | None

    @staticmethod
    def resolve_statute(obj):
        return obj.statute_in_force


class CoopPatch(InputSchema):
    """Only the fields sent are changed; the short name (slug) never changes. Sending null
    is refused except for the date of incorporation (text fields are cleared with "")."""

    name: Text = Field(None, max_length=200)
    legal_form: Text = None
    founded_year: int = None
    founded_on: date | None = None
    seat: Text = Field(None, description="ISTAT code of the registered seat")
    locality: Text = Field(None, max_length=120)
    fiscal_code: Text = Field(None, max_length=32)
    vat_number: Text = Field(None, max_length=32)
    albo_number: Text = Field(None, max_length=32)
    regional_register: Text = Field(None, max_length=200)
    sector: Text = None
    description: Text = Field(None, max_length=2000)
    website: Text = Field(None, max_length=200)
    payment_instructions: Text = Field(None, max_length=1000)
    is_public: bool = None
    territory: list[Text] = Field(None, description="ISTAT codes of served municipalities")


class CoopIn(InputSchema):
    name: Text = Field(..., max_length=200)
    slug: Text = Field(..., max_length=60)
    legal_form: Text
    founded_year: int
    founded_on: date | None = None
    seat: Text = Field(..., description="ISTAT code of the registered seat")
    locality: Text = Field("", max_length=120)
    fiscal_code: Text = Field("", max_length=32)
    vat_number: Text = Field("", max_length=32)
    albo_number: Text = Field("", max_length=32)
    regional_register: Text = Field("", max_length=200)
    sector: Text
    description: Text = Field("", max_length=2000)
    website: Text = Field("", max_length=200)
    payment_instructions: Text = Field(
        "", max_length=1000, description="How to pay: IBAN, at the desk, on the day"
    )
    is_public: bool = True
    territory: list[Text] = Field(default_factory=list)
    share_nominal_value: Decimal = Decimal("25.00")


class RoleOut(Schema):
    id: int
    username: str
    full_name: str
    email: str
    kind: str
    created_at: datetime

    @staticmethod
    def resolve_username(obj) -> str:
        return obj.user.username

    @staticmethod
    def resolve_full_name(obj) -> str:
        return obj.user.get_full_name()

    @staticmethod
    def resolve_email(obj) -> str:
        return obj.user.email


class RoleIn(InputSchema):
    user: Text = Field(..., max_length=254, description="username or e-mail")
    kind: Text


class RolePatch(InputSchema):
    kind: Text


class AuditOut(Schema):
    id: int
    at: datetime
    actor_name: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict


class AuditQuery(Schema):
    action: Text = ""
    object_type: Text = ""
    actor: Text = ""
    date_from: date | None = None
    date_to: date | None = None
