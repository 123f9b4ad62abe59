"""API shapes of jobs, volunteering and budgets (input parsed here, rules checked by the
services: numbers are only bounded to what the database holds, so a rule's message comes from
the service as a 422 naming the field).

Personal data (a worker's name, age band, previous unemployment; a volunteer's name) is only in
``JobOut`` and ``VolunteerEntryOut``, which staff read; the summaries members read carry
counts and totals, never a name. Names start with ``Job``, ``Volunteer`` or ``WorkBudget``:
OpenAPI components are named after the classes and must not collide with another app's."""

# No ``from __future__ import annotations`` here: ninja reads the Query[...] annotations.

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema

from comunitas.core.shapes import Id, InputSchema, Money, Text
from comunitas.economy.models import AgeBand, ContractType, VolunteerStatus
from comunitas.economy.work.checks import FIRST_YEAR, LAST_YEAR
from comunitas.economy.work.services import REASON_MAX

Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)]
# Bounded to what the columns hold; the service says what is allowed (0 < FTE <= 1, 0 < h <= 24).
Share = Annotated[Decimal, Field(max_digits=6, decimal_places=4, allow_inf_nan=False)]
Hours = Annotated[Decimal, Field(max_digits=6, decimal_places=4, allow_inf_nan=False)]


# --- jobs ---------------------------------------------------------------------------------------
class JobIn(InputSchema):
    member_id: Id | None = Field(None, description="A member of the cooperative, or null")
    person_name: Text = Field("", max_length=200, description="When the worker is not a member")
    title: Text = Field(..., max_length=120)
    contract: ContractType
    fte: Share = Field(..., description="Share of a full-time job: 1, 0.5 …")
    start_date: date
    end_date: date | None = Field(None, description="First day without the job (half-open)")
    municipality: Text | None = Field(
        None, max_length=140, description="ISTAT code (or name) of the worker's municipality"
    )
    lives_in_territory: bool | None = Field(
        None, description="Follows from the municipality when one is given"
    )
    age_band: AgeBand | None = None
    previously_unemployed: bool | None = Field(None, description="Only with the consent date")
    unemployment_consent_on: date | None = None
    resource_id: Id | None = None
    project_id: Id | None = None


class JobPatch(InputSchema):
    member_id: Id | None = None
    person_name: Text = Field(None, max_length=200)
    title: Text = Field(None, max_length=120)
    contract: ContractType = None
    fte: Share = None
    start_date: date = None
    end_date: date | None = None
    municipality: Text | None = Field(None, max_length=140)
    lives_in_territory: bool | None = None
    age_band: AgeBand | None = None
    previously_unemployed: bool | None = None
    unemployment_consent_on: date | None = None
    resource_id: Id | None = None
    project_id: Id | None = None


class JobEndIn(InputSchema):
    end_date: date = Field(..., description="First day without the job")


class JobOut(Schema):
    id: int
    member_id: int | None
    person: str
    title: str
    contract: str
    fte: Decimal
    start_date: date
    end_date: date | None
    municipality: str | None
    municipality_name: str | None
    lives_in_territory: bool
    age_band: str
    previously_unemployed: bool | None
    unemployment_consent_on: date | None
    resource_id: int | None
    project_id: int | None
    synthetic: bool

    @staticmethod
    def resolve_person(obj) -> str:
        return obj.member.display_name if obj.member_id else obj.person_name

    @staticmethod
    def resolve_municipality(obj) -> str | None:
        return obj.municipality_id

    @staticmethod
    def resolve_municipality_name(obj) -> str | None:
        return obj.municipality.name if obj.municipality_id else None


class JobQuery(Schema):
    year: Year | None = None


class JobsGroupOut(Schema):
    key: str
    label: str
    positions: int
    created: int
    fte_years: Decimal


class JobsSummaryOut(Schema):
    """Aggregates only: no position, no name."""

    year: int
    positions: int
    created: int
    ended: int
    fte_years: Decimal
    local_positions: int
    local_fte_years: Decimal
    local_share_headcount: Decimal | None
    local_share_fte: Decimal | None
    by_resource: list[JobsGroupOut]
    by_project: list[JobsGroupOut]
    by_contract: list[JobsGroupOut]
    by_age_band: list[JobsGroupOut]


class JobsYearOut(Schema):
    year: int
    positions: int
    created: int
    ended: int
    fte_years: Decimal
    local_fte_years: Decimal


class JobsSummaryQuery(Schema):
    year: Year | None = Field(None, description="This year when not given")


# --- volunteering -------------------------------------------------------------------------------
class VolunteerDeclareIn(InputSchema):
    activity: Text = Field(..., max_length=200)
    on_date: date
    hours: Hours
    project_id: Id | None = None
    resource_id: Id | None = None


class VolunteerEntryIn(VolunteerDeclareIn):
    member_id: Id | None = None
    person_name: Text = Field("", max_length=200)


class VolunteerEntryOut(Schema):
    id: int
    member_id: int | None
    person: str
    declared: bool
    activity: str
    on_date: date
    hours: Decimal
    project_id: int | None
    resource_id: int | None
    status: VolunteerStatus
    confirmed_at: datetime | None
    synthetic: bool

    @staticmethod
    def resolve_person(obj) -> str:
        if obj.member_id:
            return obj.member.display_name
        if obj.person_name:
            return obj.person_name
        return obj.user.get_full_name() or obj.user.get_username()

    @staticmethod
    def resolve_declared(obj) -> bool:
        return obj.user_id is not None


class VolunteerOwnOut(Schema):
    """One of the caller's own entries, with why it was not confirmed if it was not."""

    id: int
    activity: str
    on_date: date
    hours: Decimal
    project_id: int | None
    resource_id: int | None
    status: VolunteerStatus
    reason: str

    @staticmethod
    def resolve_reason(obj) -> str:
        return obj.rejection_reason or ""


class VolunteerQuery(Schema):
    year: Year | None = None
    status: VolunteerStatus | None = None
    project_id: Id | None = None
    resource_id: Id | None = None


class VolunteerRejectIn(InputSchema):
    reason: Text = Field(..., max_length=REASON_MAX)


class VolunteerRateIn(InputSchema):
    valid_from: date
    hourly_value: Money = Field(..., description="Euros for one hour, to the cent")
    source: Text = Field(..., max_length=200, description="Where the value comes from")


class VolunteerRateOut(Schema):
    id: int
    valid_from: date
    hourly_value: Decimal
    source: str


class VolunteerHoursOut(Schema):
    key: str
    label: str
    hours: Decimal


class VolunteerSummaryOut(Schema):
    """Aggregates only: how many people, not who."""

    year: int
    hours: Decimal
    entries: int
    people: int
    valued: Decimal
    unvalued_hours: Decimal
    pending_entries: int
    pending_hours: Decimal
    by_activity: list[VolunteerHoursOut]
    by_project: list[VolunteerHoursOut]
    by_resource: list[VolunteerHoursOut]


# --- budgets ------------------------------------------------------------------------------------
class WorkBudgetQuery(Schema):
    year: Year | None = Field(None, description="This year when not given")
    project_id: Id | None = None
    resource_id: Id | None = None


class WorkBudgetLinesIn(InputSchema):
    year: Year
    project_id: Id | None = None
    resource_id: Id | None = None
    amounts: dict[Annotated[str, Field(max_length=40)], Money] = Field(
        ..., description="{category code: planned euros}; the subject's other lines are removed"
    )


class WorkBudgetLinesOut(Schema):
    year: int
    project_id: int | None
    resource_id: int | None
    amounts: dict[str, Decimal]


class WorkBudgetRowOut(Schema):
    category: str
    name: str
    direction: str
    planned: Decimal
    actual: Decimal
    variance: Decimal
    percent_used: Decimal | None


class WorkBudgetTotalsOut(Schema):
    planned: Decimal
    actual: Decimal
    variance: Decimal
    percent_used: Decimal | None


class WorkBudgetComparisonOut(Schema):
    year: int
    project_id: int | None
    resource_id: int | None
    rows: list[WorkBudgetRowOut]
    income: WorkBudgetTotalsOut
    expense: WorkBudgetTotalsOut
    result: WorkBudgetTotalsOut
