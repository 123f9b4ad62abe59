"""API shapes of proposals, their supports, comments and the board's decision (input parsed here,
rules checked by the services). Proposers and comment authors are named only to people with a
role; ``mine`` and ``supported_by_me`` tell callers about themselves only."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ninja import Field, Schema

from comunitas.core.kernel.money import ZERO
from comunitas.core.shapes import Euros, Id, InputSchema, Int32, Money, Text
from comunitas.projects.models import (
    COMMENT_MAX,
    REASON_MAX,
    TEXT_MAX,
    TITLE_MAX,
    Decision,
    ProposalStatus,
)
from comunitas.projects.needs.schemas import ResourceBrief

NeedIds = Annotated[list[Id], Field(max_length=100)]
NonNegativeMoney = Annotated[Money, Field(ge=0)]


# --- proposals ----------------------------------------------------------------------------------
class ProposalQuery(Schema):
    status: ProposalStatus | None = None


class NeedLink(Schema):
    id: int
    title: str


class ProposalItem(Schema):
    id: int
    title: str
    status: ProposalStatus
    needs: list[NeedLink]
    resource: ResourceBrief | None
    estimated_costs: Euros
    estimated_revenues: Euros
    volunteers_needed: int
    support_count: int
    review_due_since: datetime | None
    board_reason: str
    decided_at: datetime | None
    project_id: int | None
    created_at: datetime
    synthetic: bool
    proposed_by: str | None = Field(
        ..., description="First name and initial to people with a role; null to visitors"
    )
    mine: bool = Field(..., description="The caller made this proposal")
    supported_by_me: bool


class CommentOut(Schema):
    id: int
    text: str
    created_at: datetime
    author: str | None = Field(
        ..., description="First name and initial to people with a role; null to visitors"
    )
    mine: bool


class ProposalOut(ProposalItem):
    description: str
    support_threshold: int = Field(..., description="Supports that bring it to the board")
    comments: list[CommentOut]


class ProposalIn(InputSchema):
    title: Text = Field(..., max_length=TITLE_MAX)
    description: Text = Field(..., max_length=TEXT_MAX)
    needs: NeedIds = Field(..., description="Ids of the needs of this cooperative it answers")
    resource_id: Id | None = Field(None, description="A common resource it would use")
    estimated_costs: NonNegativeMoney = ZERO
    estimated_revenues: NonNegativeMoney = ZERO
    volunteers_needed: Int32 = 0


class ProposalPatch(InputSchema):
    """Only the fields sent change (the proposer, staff or the board, while it is live)."""

    title: Text = Field(None, max_length=TITLE_MAX)
    description: Text = Field(None, max_length=TEXT_MAX)
    needs: NeedIds = None
    resource_id: Id | None = None
    estimated_costs: NonNegativeMoney = None
    estimated_revenues: NonNegativeMoney = None
    volunteers_needed: Int32 = None


class ProposalSupportOut(Schema):
    proposal_id: int
    support_count: int
    status: ProposalStatus
    supported_by_me: bool


class CommentIn(InputSchema):
    text: Text = Field(..., max_length=COMMENT_MAX)


class ProposalDecisionIn(InputSchema):
    decision: Decision
    reason: Text = Field(
        "", max_length=REASON_MAX, description="Required to ask for changes or to decline"
    )
    title: Text = Field(
        None, max_length=TITLE_MAX, description="On accepting: the project's title if not the same"
    )


class DecisionOut(Schema):
    proposal: ProposalOut
    project_id: int | None = Field(..., description="The project an accepted proposal became")
