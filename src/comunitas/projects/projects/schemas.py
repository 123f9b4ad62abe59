"""API shapes of projects, their objectives and measurements, milestones, budget, team, public
updates, and of the indicator catalogue (input parsed here, rules checked by the services).

A project is the cooperative's public account of what it does: anyone who may read it gets its
progress, objectives, budget and timeline; the team's names only reach staff and the board."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Schema

from comunitas.core.kernel.money import ZERO
from comunitas.core.shapes import Euros, Id, InputSchema, Money, Text
from comunitas.core.territory.schemas import MunicipalityBrief
from comunitas.projects.models import (
    REASON_MAX,
    TEXT_MAX,
    TITLE_MAX,
    BudgetKind,
    NeedCategory,
    NeedStatus,
    ObjectiveKind,
    ProjectStatus,
)
from comunitas.projects.needs.schemas import ResourceBrief

Ids = Annotated[list[Id], Field(max_length=100)]
# Indicator values, baselines and targets: two decimals, negative allowed (a change may fall);
# answered with their two decimals whatever the input had.
Number = Money
Figure = Euros
Amount = Annotated[Money, Field(gt=0)]


class ProjectQuery(Schema):
    status: ProjectStatus | None = None


class IndicatorQuery(Schema):
    kind: ObjectiveKind | None = None


# --- indicators ---------------------------------------------------------------------------------
class IndicatorOut(Schema):
    """A shared indicator is shown in the caller's language; a cooperative's own as typed."""

    id: int
    code: str
    name: str
    kind: ObjectiveKind
    unit: str
    method: str
    source: str
    shared: bool


class IndicatorIn(InputSchema):
    code: Text = Field(..., max_length=60, description="Letters, digits, - and _")
    name: Text = Field(..., max_length=200)
    kind: ObjectiveKind
    unit: Text = Field(..., max_length=40)
    method: Text = Field(..., max_length=REASON_MAX, description="How it is measured")
    source: Text = Field("", max_length=300)


# --- progress -----------------------------------------------------------------------------------
class ObjectiveProgressOut(Schema):
    objective_id: int
    kind: ObjectiveKind
    latest_value: Figure | None
    latest_on: date | None
    percent: int = Field(..., description="Share of the way from the baseline to the target")


class ProgressOut(Schema):
    """Milestones done and each objective's way to its target; the percentage is the mean of
    the two parts a project has (null when it has neither)."""

    percent: int | None
    milestones_done: int
    milestones_total: int
    milestone_percent: int | None
    objectives: list[ObjectiveProgressOut]


# --- parts of a project -------------------------------------------------------------------------
class MeasurementOut(Schema):
    id: int
    measured_on: date
    value: Figure
    note: str


class ObjectiveOut(Schema):
    id: int
    kind: ObjectiveKind
    indicator: IndicatorOut
    description: str
    unit: str
    baseline: Figure
    target: Figure
    target_date: date
    method: str
    measurements: list[MeasurementOut]


class MilestoneOut(Schema):
    id: int
    title: str
    due_on: date
    done_on: date | None


class BudgetLineOut(Schema):
    id: int
    kind: BudgetKind
    label: str
    amount: Euros


class BudgetOut(Schema):
    costs: Euros
    revenues: Euros
    lines: list[BudgetLineOut]


class TeamMemberOut(Schema):
    id: int
    name: str | None = Field(..., description="Staff and the board only; null to anyone else")
    role: str
    is_volunteer: bool


class UpdateOut(Schema):
    id: int
    text: str
    on_date: date
    created_at: datetime


class AnsweredNeed(Schema):
    id: int
    title: str
    category: NeedCategory
    status: NeedStatus
    support_count: int
    municipality: MunicipalityBrief | None


# --- projects -----------------------------------------------------------------------------------
class ProjectItem(Schema):
    id: int
    title: str
    status: ProjectStatus
    start_on: date | None
    end_on: date | None
    proposal_id: int | None
    created_at: datetime
    synthetic: bool
    progress: ProgressOut


class ProjectOut(ProjectItem):
    """The public accountability page of a project."""

    summary: str
    needs: list[AnsweredNeed]
    resources: list[ResourceBrief]
    objectives: list[ObjectiveOut]
    milestones: list[MilestoneOut]
    budget: BudgetOut
    team: list[TeamMemberOut]
    updates: list[UpdateOut]


class ProjectIn(InputSchema):
    title: Text = Field(..., max_length=TITLE_MAX)
    summary: Text = Field(..., max_length=TEXT_MAX)
    status: ProjectStatus = ProjectStatus.PLANNED
    start_on: date | None = None
    end_on: date | None = None
    needs: Ids = Field(default_factory=list, description="Ids of the needs it answers")
    resources: Ids = Field(default_factory=list, description="Ids of common resources it uses")


class ProjectPatch(InputSchema):
    """Only the fields sent change; ``needs`` and ``resources`` replace the lists."""

    title: Text = Field(None, max_length=TITLE_MAX)
    summary: Text = Field(None, max_length=TEXT_MAX)
    status: ProjectStatus = None
    start_on: date | None = None
    end_on: date | None = None
    needs: Ids = None
    resources: Ids = None


class ObjectiveIn(InputSchema):
    indicator_id: Id = Field(..., description="An indicator of the shared catalogue or the coop's")
    description: Text = Field(..., max_length=TITLE_MAX)
    unit: Text = Field(..., max_length=40)
    baseline: Number = ZERO
    target: Number
    target_date: date
    method: Text = Field(
        "", max_length=REASON_MAX, description="The indicator's method when left empty"
    )


class ObjectivePatch(InputSchema):
    """Only the fields sent change."""

    indicator_id: Id = None
    description: Text = Field(None, max_length=TITLE_MAX)
    unit: Text = Field(None, max_length=40)
    baseline: Number = None
    target: Number = None
    target_date: date = None
    method: Text = Field(None, max_length=REASON_MAX)


class MeasurementIn(InputSchema):
    measured_on: date
    value: Number
    note: Text = Field("", max_length=TITLE_MAX)


class MilestoneIn(InputSchema):
    title: Text = Field(..., max_length=TITLE_MAX)
    due_on: date
    done_on: date | None = None


class MilestonePatch(InputSchema):
    """Only the fields sent change: ``done_on`` marks it done, null marks it not done."""

    title: Text = Field(None, max_length=TITLE_MAX)
    due_on: date = None
    done_on: date | None = None


class BudgetLineIn(InputSchema):
    kind: BudgetKind
    label: Text = Field(..., max_length=TITLE_MAX)
    amount: Amount


class TeamIn(InputSchema):
    role: Text = Field(..., max_length=120)
    name: Text = Field("", max_length=160, description="Their name by default, with a user")
    user: Text = Field(
        "", max_length=254, description="Username or e-mail of someone with a role here"
    )
    is_volunteer: bool = False


class UpdateIn(InputSchema):
    text: Text = Field(..., max_length=TEXT_MAX)
    on_date: date | None = Field(None, description="Today when left out")
