"""API shapes of needs and coverage, and the brief shapes other answers name a need, a proposal, a
project or a common resource with (input parsed here, rules checked by the services: numbers are
only bounded to what the database holds, so a rule's message comes from the service as a 422
naming the field).

Personal data stays out of every shape visitors and members read: no submitter, supporter or
e-mail; ``mine`` and ``supported_by_me`` tell callers about themselves only. Operators get a
need's ``intake`` (how it was received, whom to tell) in its own field, null for anyone else."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from ninja import Field, Schema

from comunitas.core.shapes import Id, InputSchema, Int32, Text
from comunitas.core.territory.schemas import MunicipalityBrief
from comunitas.projects.models import (
    REASON_MAX,
    TEXT_MAX,
    TITLE_MAX,
    AgeGroup,
    Channel,
    NeedCategory,
    NeedStatus,
    ProjectStatus,
    ProposalStatus,
    Urgency,
)

Municipality = Annotated[
    Text, Field(max_length=140, description="ISTAT code or 'Name (PR)'; empty for none")
]


class NeedSort(StrEnum):  # selectors.NEED_SORTS
    SUPPORT = "support"
    NEWEST = "newest"
    OLDEST = "oldest"


# --- needs --------------------------------------------------------------------------------------
# The category as a query parameter is spelled out, not a reference to the enum: the fuzz test's
# dictionary of categories is bound to ``query.category`` and schemathesis cannot resolve a
# reference in a query parameter's schema when checking it.
CategoryName = Literal[tuple(NeedCategory.values)]


class NeedQuery(Schema):
    status: NeedStatus | None = Field(None, description="Every status but merged when left out")
    category: CategoryName | None = None
    urgency: Urgency | None = None
    municipality: Text = Field("", max_length=140, description="ISTAT code or 'Name (PR)'")
    q: Text = Field("", max_length=200, description="Words in the title or the description")
    sort: NeedSort = Field(NeedSort.SUPPORT, description="Most supported first by default")


class NeedBrief(Schema):
    """A need as lists, proposals and projects name it."""

    id: int
    title: str
    category: NeedCategory
    status: NeedStatus
    support_count: int


class NeedItem(Schema):
    """A line of the list of needs (the description is on the need's own page)."""

    id: int
    title: str
    category: NeedCategory
    urgency: Urgency
    status: NeedStatus
    municipality: MunicipalityBrief | None
    locality: str
    age_groups: list[AgeGroup]
    people_affected: int | None
    support_count: int
    created_at: datetime
    synthetic: bool
    mine: bool = Field(..., description="The caller told this need")
    supported_by_me: bool


class NeedPage(Schema):
    items: list[NeedItem]
    count: int


class StatusChangeOut(Schema):
    status: NeedStatus
    reason: str
    at: datetime


class ProposalBrief(Schema):
    id: int
    title: str
    status: ProposalStatus


class ProjectBrief(Schema):
    id: int
    title: str
    status: ProjectStatus


class NeedIntake(Schema):
    """How a need reached the cooperative and whom to tell: operators only."""

    channel: Channel
    contact_email: str


class NeedOut(NeedItem):
    description: str
    status_reason: str
    status_changed_at: datetime
    merged_into: NeedBrief | None
    history: list[StatusChangeOut]
    proposals: list[ProposalBrief]
    projects: list[ProjectBrief]
    intake: NeedIntake | None = Field(..., description="Staff and the board only; else null")


class NeedIn(InputSchema):
    title: Text = Field(..., max_length=TITLE_MAX)
    description: Text = Field(..., max_length=TEXT_MAX)
    category: NeedCategory
    municipality: Municipality = ""
    locality: Text = Field("", max_length=120)
    age_groups: list[AgeGroup] = Field(default_factory=list, max_length=len(AgeGroup))
    people_affected: Int32 | None = Field(None, description="Approximately; 1 or more")
    urgency: Urgency = Urgency.MEDIUM
    channel: Channel = Field(
        Channel.WEB, description="Staff and the board: a need taken down on paper, by phone…"
    )
    contact_email: Text = Field(
        "", max_length=254, description="Staff and the board: whom to tell about a paper need"
    )


class NeedPatch(InputSchema):
    """Only the fields sent change (staff and the board)."""

    title: Text = Field(None, max_length=TITLE_MAX)
    description: Text = Field(None, max_length=TEXT_MAX)
    category: NeedCategory = None
    municipality: Municipality = None
    locality: Text = Field(None, max_length=120)
    age_groups: list[AgeGroup] = Field(None, max_length=len(AgeGroup))
    people_affected: Int32 | None = None
    urgency: Urgency = None


class NeedStatusIn(InputSchema):
    status: NeedStatus = Field(..., description="new, under_review, answered, met or declined")
    reason: Text = Field("", max_length=REASON_MAX, description="Public; required to decline")


class NeedMergeIn(InputSchema):
    into: Id = Field(..., description="The need this one repeats")


class NeedSupportOut(Schema):
    need_id: int
    support_count: int
    supported_by_me: bool


class NeedCountsOut(Schema):
    """How many needs each status and each category would show, the other filters kept."""

    status: dict[NeedStatus, int]
    category: dict[NeedCategory, int]


# --- coverage -----------------------------------------------------------------------------------
class CoverageRow(Schema):
    category: NeedCategory | None
    label: str
    needs: int
    answered: int
    declined: int
    open: int
    supports: int
    supports_answered: int
    percent: int | None = Field(..., description="Answered needs of those not declined")


class CoveredNeed(NeedBrief):
    municipality: MunicipalityBrief | None
    projects: list[ProjectBrief]

    @staticmethod
    def resolve_projects(obj):
        return list(obj.projects.all())


class OpenNeed(NeedBrief):
    municipality: MunicipalityBrief | None


class CoverageOut(Schema):
    """Needs → projects: of the needs still in play, how many a project answers."""

    percent: int | None
    supports_percent: int | None
    total: CoverageRow
    by_category: list[CoverageRow]
    answered: list[CoveredNeed]
    still_open: list[OpenNeed]


class ResourceBrief(Schema):
    id: int
    name: str
