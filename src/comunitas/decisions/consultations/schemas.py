"""API shapes of consultations, their options, answers and results (input parsed here, rules
checked by the services: numbers are only bounded to what a request may hold, so a
rule's message — a score outside 0 to 5, a rank gap, too many dots — comes from the service as a
422 naming the field).

Shares and means are decimals (strings in JSON), never floats. Nobody's answer is published
with their name except in a named consultation, to people with a role; an anonymous answer's
key is never published."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from ninja import Field, Schema

from comunitas.core.shapes import Id, InputSchema, Text
from comunitas.decisions.models.consultations import (
    OPTION_MAX,
    OPTION_TEXT_MAX,
    OUTCOME_MAX,
    ConsultationAudience,
    ConsultationKind,
    ConsultationPosition,
    ConsultationStatus,
)
from comunitas.decisions.models.limits import REASON_MAX, TEXT_MAX, TITLE_MAX

Small = Annotated[int, Field(ge=0, le=32_767)]
# A mark's value as sent: bounded to a database integer, judged by the service.
Value = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]
MAX_ITEMS = 100


class ConsultationStatusName(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    DRAFT = "draft"


class ConsultationAvailabilityName(StrEnum):
    YES = "yes"
    MAYBE = "maybe"
    NO = "no"


class ConsultationQuery(Schema):
    status: ConsultationStatusName | None = Field(
        None, description="As it counts now: past its closing time an open consultation is closed"
    )
    kind: ConsultationKind | None = None


# --- consultations and options ------------------------------------------------------------------
class ConsultationOptionOut(Schema):
    id: int
    position: int
    code: str = Field(..., description="A proposal's answer (agree, abstain…); else empty")
    label: str
    description: str
    starts_at: datetime | None
    ends_at: datetime | None


class ConsultationOptionIn(InputSchema):
    label: Text = Field("", max_length=OPTION_MAX, description="Required but for time slots")
    description: Text = Field("", max_length=OPTION_TEXT_MAX)
    starts_at: datetime | None = Field(None, description="Meeting-time polls: the slot's start")
    ends_at: datetime | None = Field(None, description="Meeting-time polls: after the start")


class ConsultationOptionPatch(InputSchema):
    label: Text = Field(None, max_length=OPTION_MAX)
    description: Text = Field(None, max_length=OPTION_TEXT_MAX)
    starts_at: datetime | None = None
    ends_at: datetime | None = None


class ConsultationOutcomeOut(Schema):
    text: str
    on: date
    by: str


class ConsultationItem(Schema):
    id: int
    title: str
    kind: ConsultationKind
    audience: ConsultationAudience
    anonymous: bool
    results_hidden: bool
    status: ConsultationStatus = Field(..., description="As it counts now")
    closes_at: datetime
    participants: int
    need_id: int | None
    proposal_id: int | None
    project_id: int | None
    has_outcome: bool
    synthetic: bool
    created_at: datetime


class ConsultationOut(ConsultationItem):
    description: str
    min_choices: int
    max_choices: int | None
    dots: int
    opened_at: datetime | None
    closed_at: datetime | None
    audience_size: int | None = Field(..., description="Fixed when it closes; null before")
    options: list[ConsultationOptionOut]
    outcome: ConsultationOutcomeOut | None
    results_visible: bool = Field(..., description="Whether the caller may read the results")
    may_answer: bool = Field(..., description="Whether the caller may answer now")


class ConsultationIn(InputSchema):
    title: Text = Field(..., max_length=TITLE_MAX, description="The question")
    description: Text = Field("", max_length=TEXT_MAX)
    kind: ConsultationKind
    audience: ConsultationAudience = ConsultationAudience.BOTH
    anonymous: bool = False
    results_hidden: bool = False
    closes_at: datetime = Field(..., description="With its time zone")
    min_choices: Small = 1
    max_choices: Small | None = None
    dots: Small = 10
    need_id: Id | None = None
    proposal_id: Id | None = None
    project_id: Id | None = None
    options: list[ConsultationOptionIn] = Field(default_factory=list, max_length=MAX_ITEMS)


class ConsultationPatch(InputSchema):
    """Only the fields sent change; once open, only the title, the description and a later
    closing time."""

    title: Text = Field(None, max_length=TITLE_MAX)
    description: Text = Field(None, max_length=TEXT_MAX)
    kind: ConsultationKind = None
    audience: ConsultationAudience = None
    anonymous: bool = None
    results_hidden: bool = None
    closes_at: datetime = None
    min_choices: Small = None
    max_choices: Small | None = None
    dots: Small = None
    need_id: Id | None = None
    proposal_id: Id | None = None
    project_id: Id | None = None


class ConsultationOutcomeIn(InputSchema):
    outcome: Text = Field(..., max_length=OUTCOME_MAX)
    outcome_on: date | None = Field(None, description="Today when left out")


# --- answers ------------------------------------------------------------------------------------
class ConsultationMarkIn(InputSchema):
    option: Id
    value: Value


class ConsultationAvailabilityIn(InputSchema):
    option: Id
    value: ConsultationAvailabilityName


class ConsultationVoteIn(InputSchema):
    """Send the field of the consultation's kind: ``position`` (and ``reason``) for a proposal,
    ``choices`` for single and multiple choice, ``scores`` (0 to 5 for every option), ``ranks``
    (1 = first choice, no gaps), ``dots`` (within the consultation's number) or
    ``availability`` (every time slot)."""

    position: ConsultationPosition | None = None
    reason: Text = Field("", max_length=REASON_MAX)
    choices: list[Id] = Field(default_factory=list, max_length=MAX_ITEMS)
    scores: list[ConsultationMarkIn] = Field(default_factory=list, max_length=MAX_ITEMS)
    ranks: list[ConsultationMarkIn] = Field(default_factory=list, max_length=MAX_ITEMS)
    dots: list[ConsultationMarkIn] = Field(default_factory=list, max_length=MAX_ITEMS)
    availability: list[ConsultationAvailabilityIn] = Field(
        default_factory=list, max_length=MAX_ITEMS
    )


class ConsultationMarkOut(Schema):
    option: int
    value: int


class ConsultationMyAnswerOut(Schema):
    """The caller's answer; in an anonymous consultation only whether they answered."""

    answered: bool
    changeable: bool = Field(..., description="A named answer while the consultation is open")
    answered_at: datetime | None
    changed_at: datetime | None
    position: str
    reason: str
    values: list[ConsultationMarkOut] = Field(
        ...,
        description="Per option: 1 chosen, the score, the rank, the dots, or 2 yes / 1 if need "
        "be / 0 no; empty in an anonymous consultation",
    )


# --- results ------------------------------------------------------------------------------------
class ConsultationOptionResultOut(Schema):
    option_id: int
    label: str
    count: int = Field(
        ..., description="Answers choosing it, scoring it, giving it dots, or ranking it first"
    )
    total: int = Field(..., description="Sum of the scores or the dots")
    percent: Decimal | None
    mean: Decimal | None
    distribution: list[int] = Field(..., description="Score: how many gave 0, 1, … 5")
    yes: int
    maybe: int
    no: int
    best: bool


class ConsultationRoundCountOut(Schema):
    option_id: int
    count: int
    percent: Decimal | None


class ConsultationRoundOut(Schema):
    number: int
    counts: list[ConsultationRoundCountOut]
    exhausted: int
    continuing: int
    winner_id: int | None
    eliminated: list[int]
    reason: str = Field(..., description="no_votes, fewest, tie_earlier_round or tie_order")
    tied: list[int]


class ConsultationReasonOut(Schema):
    name: str | None
    position: str
    text: str


class ConsultationNamedAnswerOut(Schema):
    name: str
    answer: str
    reason: str


class ConsultationResultsOut(Schema):
    consultation_id: int
    kind: ConsultationKind
    final: bool
    participants: int
    answers: int = Field(..., description="Answers counted in the results")
    sealed: int = Field(
        ...,
        description="Anonymous answers given but still sealed in the ballot box: counted in "
        "shuffled batches while the consultation is open, and all at its close",
    )
    audience_size: int
    participation_percent: Decimal | None
    options: list[ConsultationOptionResultOut]
    winner_id: int | None
    rounds: list[ConsultationRoundOut]
    dots_given: int
    reasons: list[ConsultationReasonOut]
    named: list[ConsultationNamedAnswerOut] = Field(
        ..., description="Named consultations, people with a role"
    )
