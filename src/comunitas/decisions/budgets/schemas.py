"""API shapes of participatory budgets (input parsed here, rules checked by the services:
numbers are only bounded to what the database holds, so a rule's message comes from the service
as a 422 naming the field).

Nobody's ballot is in any shape but the caller's own (``BudgetBallotOut``); projects carry
``mine`` for the caller, never who proposed them; results are aggregates. Every shape's name
starts with ``Budget`` or ``ParticipatoryBudget``: OpenAPI components are named after the
classes, and a name another app uses too (the projects' ``BudgetOut``) would replace its shape."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from django.utils import timezone
from ninja import Field, Schema
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from comunitas.core.shapes import Euros, Id, InputSchema, Money, Text
from comunitas.decisions.models.budgets import (
    PROJECT_TEXT_MAX,
    REFERENCE_MAX,
    BallotMethod,
    BudgetAudience,
    BudgetPhase,
    BudgetReviewStatus,
    CountingRule,
)
from comunitas.decisions.models.limits import REASON_MAX, TEXT_MAX, TITLE_MAX

PositiveMoney = Annotated[Money, Field(gt=0)]


def _moment(value: datetime) -> datetime:
    """A time the cooperative can mean: this century or the next, local time when no zone
    is given (a year such as 1 or 9999 would overflow once converted to UTC)."""
    if not 2000 <= value.year <= 2199:
        raise PydanticCustomError("moment_range", "Give a date between 2000 and 2199.")
    return timezone.make_aware(value) if timezone.is_naive(value) else value


Moment = Annotated[datetime, AfterValidator(_moment)]


class BudgetVerdict(StrEnum):
    FEASIBLE = BudgetReviewStatus.FEASIBLE.value
    NOT_FEASIBLE = BudgetReviewStatus.NOT_FEASIBLE.value


# --- budgets ------------------------------------------------------------------------------------
class ParticipatoryBudgetIn(InputSchema):
    title: Text = Field(..., max_length=TITLE_MAX)
    description: Text = Field("", max_length=TEXT_MAX)
    amount: PositiveMoney = Field(..., description="Euros of the reinvestment fund, to the cent")
    earmark_reference: Text = Field(
        ..., max_length=REFERENCE_MAX, description="The decision that earmarked the fund"
    )
    method: BallotMethod = BallotMethod.APPROVAL
    max_choices: Annotated[int, Field(ge=1, le=1000)] | None = Field(
        None, description="Approval ballots: most projects a voter may choose; null for no limit"
    )
    audience: BudgetAudience = BudgetAudience.BOTH
    official_rule: CountingRule = CountingRule.EQUAL_SHARES
    secret: bool = Field(
        False,
        description="Secret ballot: who voted is recorded, what they chose is not (ballots are "
        "sealed and written mixed with others; nobody, the voter included, reads one back)",
    )
    voting_opens_at: Moment | None = None
    voting_closes_at: Moment | None = None


class ParticipatoryBudgetPatch(InputSchema):
    """Texts change at any time; the rest only until the vote is prepared."""

    title: Text = Field(None, max_length=TITLE_MAX)
    description: Text = Field(None, max_length=TEXT_MAX)
    amount: PositiveMoney = None
    earmark_reference: Text = Field(None, max_length=REFERENCE_MAX)
    method: BallotMethod = None
    max_choices: Annotated[int, Field(ge=1, le=1000)] | None = None
    audience: BudgetAudience = None
    official_rule: CountingRule = None
    secret: bool = None
    voting_opens_at: Moment | None = None
    voting_closes_at: Moment | None = None


class BudgetPhaseIn(InputSchema):
    phase: BudgetPhase = Field(..., description="The next phase (results: close and count)")


class ParticipatoryBudgetItem(Schema):
    id: int
    title: str
    phase: BudgetPhase
    amount: Euros
    method: BallotMethod
    audience: BudgetAudience
    official_rule: CountingRule
    secret: bool
    voting_opens_at: datetime | None
    voting_closes_at: datetime | None
    ballot_count: int
    project_count: int
    feasible_count: int = Field(..., description="Projects on the ballot")
    synthetic: bool
    created_at: datetime


class ParticipatoryBudgetOut(ParticipatoryBudgetItem):
    description: str
    earmark_reference: str
    max_choices: int | None
    phase_changed_at: datetime
    counted_at: datetime | None
    next_phases: list[BudgetPhase] = Field(..., description="Where staff may move it")
    voting_blockers: list[str] | None = Field(
        ..., description="Staff and the board, under review: what keeps the vote from opening"
    )


# --- projects -----------------------------------------------------------------------------------
class BudgetProjectIn(InputSchema):
    title: Text = Field(..., max_length=TITLE_MAX)
    description: Text = Field(..., max_length=PROJECT_TEXT_MAX)
    estimated_cost: PositiveMoney
    proposal_id: Id | None = Field(None, description="A proposal of this cooperative")
    need_id: Id | None = Field(None, description="A need of this cooperative it answers")


class BudgetReviewIn(InputSchema):
    status: BudgetVerdict
    reviewed_cost: PositiveMoney | None = Field(None, description="Required when feasible")
    review_reason: Text = Field("", max_length=REASON_MAX, description="Required when not")


class BudgetFollowUpIn(InputSchema):
    project_id: Id | None = Field(..., description="The project that carries it out; null: none")


class BudgetLink(Schema):
    id: int
    title: str


class BudgetProjectOut(Schema):
    id: int
    title: str
    description: str
    estimated_cost: Euros
    reviewed_cost: Euros | None
    status: BudgetReviewStatus
    review_reason: str
    proposal: BudgetLink | None
    need: BudgetLink | None
    votes: int | None = Field(..., description="Once counted")
    funded: bool | None = Field(..., description="Under the official rule, once counted")
    follow_up: BudgetLink | None
    mine: bool = Field(..., description="The caller proposed it")
    synthetic: bool
    created_at: datetime


# --- ballots ------------------------------------------------------------------------------------
class BudgetBallotIn(InputSchema):
    projects: list[Id] = Field(..., max_length=1000, description="Ids of projects on the ballot")


class BudgetBallotProject(Schema):
    id: int
    title: str
    reviewed_cost: Euros


class BudgetBallotOut(Schema):
    """The caller's own ballot, or why they may not vote now."""

    voted: bool
    cast_at: datetime | None
    projects: list[BudgetBallotProject] = Field(
        ..., description="The projects chosen; empty for a secret ballot, which nobody reads back"
    )
    total_cost: Euros | None
    may_vote: bool
    refusal: str | None
    ballot: list[BudgetBallotProject] = Field(..., description="The projects on the ballot")


# --- results ------------------------------------------------------------------------------------
class BudgetRuleOut(Schema):
    funded: list[int]
    spent: Euros
    left: Euros
    satisfied_voters: int = Field(..., description="Voters with at least one funded choice")
    projects_per_voter: Decimal
    euros_per_voter: Euros = Field(..., description="Average cost-satisfaction")
    official: bool


class BudgetGreedyStep(Schema):
    funded: bool
    outcome: str
    rank: int
    reason: str


class BudgetSharesStep(Schema):
    funded: bool
    outcome: str
    round: int | None
    reason: str


class BudgetProjectResult(Schema):
    id: int
    title: str
    cost: Euros
    votes: int
    greedy: BudgetGreedyStep
    equal_shares: BudgetSharesStep


class BudgetResultsOut(Schema):
    published: bool = Field(..., description="False until the vote is closed and counted")
    official_rule: CountingRule
    voters: int
    share: Euros | None = Field(..., description="Each voter's equal share of the fund")
    share_used: Euros | None = Field(..., description="After the add1 completion")
    rules: dict[str, BudgetRuleOut]
    projects: list[BudgetProjectResult]
    only_greedy: list[int]
    only_equal_shares: list[int]
