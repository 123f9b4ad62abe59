"""API shapes of assemblies: drafts and their agenda, the convocation, the session (the voters'
roll, attendance, proxies, the live quorum), motions with their ballots and results, and the
minutes in the minute book (input parsed here, rules checked by the services).

Votes come twice: as text (``votes``, "12" or "0.3333" in the caller's language, as the pages
show them) and as exact whole *units* with the assembly's ``vote_denominator`` (votes = units ÷
denominator), so a script can add and compare them without rounding.

No shape carries how a member voted in a secret ballot: a ballot's receipt says who voted and
when, never what; results are totals, and only once the vote is closed."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from django.utils import timezone
from ninja import Field, Schema
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from comunitas.core.shapes import Id, InputSchema, Text
from comunitas.decisions.models import (
    NARRATIVE_MAX,
    TEXT_MAX,
    TITLE_MAX,
    AssemblyKind,
    AssemblyStatus,
    AttendanceMode,
    BallotKind,
    Call,
    Choice,
    Majority,
    MajorityBase,
    MinutesStatus,
    MotionKind,
    MotionStatus,
)

EARLIEST_YEAR, LATEST_YEAR = 1900, 2999


def _moment(value: datetime) -> datetime:
    # A time without an offset ("2026-05-10T18:00") is Italian time, as on the pages; years
    # are bounded so that no conversion between time zones overflows.
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise PydanticCustomError(
            "moment_out_of_range",
            "Give a date between {first} and {last}.",
            {"first": EARLIEST_YEAR, "last": LATEST_YEAR},
        )
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


Moment = Annotated[datetime, AfterValidator(_moment)]
# Register numbers, as the member book gives them (a database integer).
Number = Annotated[int, Field(ge=1, le=2**31 - 1, description="A member's register number")]
SmallCount = Annotated[int, Field(ge=0, le=32767)]
CandidateName = Annotated[Text, Field(max_length=160)]


class AssemblyVotesOut(Schema):
    units: int = Field(..., description="Exact whole units: votes times the vote denominator")
    votes: str = Field(..., description="Votes as people read them (4 decimals when not whole)")


class AssemblyMemberRef(Schema):
    member_id: int
    number: int
    name: str


# --- assemblies ---------------------------------------------------------------------------------
class AssemblyQuery(Schema):
    status: AssemblyStatus | None = Field(None, description="Drafts are listed to operators only")


class AssemblyIn(InputSchema):
    kind: AssemblyKind = AssemblyKind.ORDINARY
    title: Text = Field(..., max_length=TITLE_MAX)
    first_call_at: Moment = Field(..., description="Italian time when no offset is given")
    second_call_at: Moment | None = Field(
        None, description="On a later day than the first, within 30 days (art. 2369 c.c.)"
    )
    place: Text = Field("", max_length=300)
    online_url: Text = Field("", max_length=200)
    notes: Text = Field("", max_length=TEXT_MAX, description="Other information for the notice")


class AssemblyPatch(InputSchema):
    """Only the fields sent change; a convened assembly cannot change (cancel it instead)."""

    kind: AssemblyKind = None
    title: Text = Field(None, max_length=TITLE_MAX)
    first_call_at: Moment = None
    second_call_at: Moment | None = None
    place: Text = Field(None, max_length=300)
    online_url: Text = Field(None, max_length=200)
    notes: Text = Field(None, max_length=TEXT_MAX)


class AssemblyCancelIn(InputSchema):
    reason: Text = Field(..., max_length=2000)


class AssemblyOpenIn(InputSchema):
    call: Call = Field(..., description="The call the assembly is held at")


class AgendaItemIn(InputSchema):
    title: Text = Field(..., max_length=TITLE_MAX)
    description: Text = Field("", max_length=TEXT_MAX)
    proposal_id: Id | None = Field(None, description="A proposal of this cooperative")
    project_id: Id | None = Field(None, description="A project of this cooperative")


class AgendaItemPatch(InputSchema):
    title: Text = Field(None, max_length=TITLE_MAX)
    description: Text = Field(None, max_length=TEXT_MAX)
    proposal_id: Id | None = None
    project_id: Id | None = None


class AgendaItemOut(Schema):
    id: int
    position: int
    title: str
    description: str
    proposal_id: int | None
    project_id: int | None


class AssemblyItem(Schema):
    id: int
    kind: AssemblyKind
    title: str
    status: AssemblyStatus
    first_call_at: datetime
    second_call_at: datetime | None
    held_at: datetime = Field(..., description="The second call's time once held at it")
    call: Call | None
    place: str
    online_url: str
    motion_count: int
    passed_count: int
    synthetic: bool

    @staticmethod
    def resolve_call(obj) -> str | None:
        # An assembly not yet opened has no call: null rather than "".
        value = obj["call"] if isinstance(obj, dict) else obj.call
        return value or None


class AssemblyQuorumOut(Schema):
    """The votes present now (members in the room or online, and those they represent by
    proxy) against the statute's quorum for the call in force."""

    call: Call | None
    percent: Decimal = Field(..., description="The votes present must exceed this % of all")
    vote_denominator: int
    total: AssemblyVotesOut
    present: AssemblyVotesOut
    in_person: AssemblyVotesOut = Field(..., description="Present themselves (room or online)")
    by_proxy: AssemblyVotesOut = Field(..., description="Members represented by a holder present")
    threshold_units: str = Field(..., description="Exact units to exceed, 'n' or 'n/d'")
    threshold_votes: str
    present_percent: Decimal
    attendees: int
    proxies: int
    met: bool


class MinutesBrief(Schema):
    status: MinutesStatus
    number: int | None


class AssemblyPendingOut(Schema):
    motion_id: int
    voters: list[AssemblyMemberRef] = Field(..., description="Self first, then the proxies held")


class AssemblyMeOut(Schema):
    """What the caller may do in the session: their membership, presence, the roll, and whom
    they may still vote for on each open motion (themselves and the members they represent)."""

    member: AssemblyMemberRef | None = Field(..., description="Null: no current member")
    present: bool
    on_roll: bool
    problem: str | None = Field(..., description="Why the caller may not vote, if so")
    represented: list[AssemblyMemberRef]
    pending: list[AssemblyPendingOut]


# --- motions ------------------------------------------------------------------------------------
class MotionFields(InputSchema):
    agenda_item_id: Id | None = Field(None, description="An item of this assembly's agenda")
    text: Text = Field("", max_length=TEXT_MAX)
    kind: MotionKind = MotionKind.RESOLUTION
    ballot: BallotKind = BallotKind.OPEN
    majority: Majority = Majority.SIMPLE
    majority_base: MajorityBase = MajorityBase.CAST
    qualified_numerator: SmallCount = 2
    qualified_denominator: SmallCount = 3
    seats: SmallCount = Field(1, description="Elections: how many candidates are elected")
    candidates: list[CandidateName] | None = Field(
        None, max_length=100, description="Elections only: the candidates' names"
    )


class MotionIn(MotionFields):
    title: Text = Field(..., max_length=TITLE_MAX)


class MotionPatch(InputSchema):
    """Only the fields sent change, while the motion is not yet put to the vote;
    ``candidates`` replaces the list."""

    title: Text = Field(None, max_length=TITLE_MAX)
    agenda_item_id: Id | None = None
    text: Text = Field(None, max_length=TEXT_MAX)
    kind: MotionKind = None
    ballot: BallotKind = None
    majority: Majority = None
    majority_base: MajorityBase = None
    qualified_numerator: SmallCount = None
    qualified_denominator: SmallCount = None
    seats: SmallCount = None
    candidates: list[CandidateName] = Field(None, max_length=100)


class MotionCandidateOut(Schema):
    """A candidate as the ballot shows it: the votes received are in the result only."""

    id: int
    name: str
    position: int


class MotionCandidateResultOut(Schema):
    id: int
    name: str
    units: int
    votes: str
    elected: bool | None = Field(..., description="Null: tied for the last seat")


class MotionResultOut(Schema):
    """A motion's result. While the vote is not closed it is ``hidden``: only the turnout
    (``voters``) is given, every other figure is null."""

    motion_id: int
    status: MotionStatus
    ballot: BallotKind
    hidden: bool
    voters: int = Field(..., description="How many have voted (themselves or by proxy)")
    vote_denominator: int
    votes_for: AssemblyVotesOut | None
    votes_against: AssemblyVotesOut | None
    votes_abstain: AssemblyVotesOut | None = Field(..., description="In elections: blank ballots")
    votes_cast: AssemblyVotesOut | None
    base: AssemblyVotesOut | None = Field(..., description="What the majority is counted on")
    present_at_open: AssemblyVotesOut | None
    present_at_close: AssemblyVotesOut | None
    quorum_met: bool | None
    passed: bool | None
    candidates: list[MotionCandidateResultOut] = Field(..., description="Most votes first")


class MotionOut(Schema):
    id: int
    position: int
    agenda_item_id: int | None
    title: str
    text: str
    kind: MotionKind
    ballot: BallotKind
    majority: Majority
    majority_base: MajorityBase
    qualified_numerator: int
    qualified_denominator: int
    seats: int
    majority_text: str
    status: MotionStatus
    opened_at: datetime | None
    closed_at: datetime | None
    candidates: list[MotionCandidateOut]
    result: MotionResultOut


class AssemblyOut(AssemblyItem):
    notes: str
    convened_at: datetime | None
    notice_days: int | None
    opened_at: datetime | None
    closed_at: datetime | None
    cancelled_reason: str
    vote_denominator: int
    total: AssemblyVotesOut = Field(..., description="All the votes of the roll, once it is fixed")
    agenda: list[AgendaItemOut]
    motions: list[MotionOut]
    quorum: AssemblyQuorumOut | None = Field(..., description="In session and after")
    minutes: MinutesBrief | None = Field(..., description="Drafts are shown to operators only")
    me: AssemblyMeOut


# --- the session --------------------------------------------------------------------------------
class RollVoterOut(Schema):
    """A voter: from the roll once it is fixed (``units`` given), before that from the member
    book on the assembly's day (``units`` null)."""

    member_id: int
    number: int
    name: str
    category: str
    votes: str
    votes_fraction: str = Field(..., description="The exact votes, 'n' or 'n/d'")
    units: int | None
    vote_denominator: int | None


class AssemblyAttendanceIn(InputSchema):
    number: Number
    mode: AttendanceMode = AttendanceMode.IN_PERSON


class AssemblyAttendanceOut(Schema):
    id: int
    member: AssemblyMemberRef
    mode: AttendanceMode
    arrived_at: datetime
    left_at: datetime | None
    present: bool
    own_votes: AssemblyVotesOut | None = Field(..., description="Null: not on the voters' roll")


class ProxyIn(InputSchema):
    grantor: Number = Field(..., description="Register number of the member represented")
    holder: Number = Field(..., description="Register number of the member holding the proxy")
    reference: Text = Field("", max_length=200, description="How the written proxy was received")


class ProxyRevokeIn(InputSchema):
    reason: Text = Field("", max_length=200)


class ProxyOut(Schema):
    id: int
    grantor: AssemblyMemberRef
    holder: AssemblyMemberRef
    reference: str
    registered_at: datetime
    active: bool
    revoked_at: datetime | None
    revoked_reason: str


# --- ballots ------------------------------------------------------------------------------------
class AssemblyBallotIn(InputSchema):
    voter: Number | None = Field(
        None, description="Whom the ballot is for: yourself (default) or a member you represent"
    )
    choice: Choice | None = Field(None, description="Resolutions: for, against or abstain")
    candidates: list[Id] = Field(
        default_factory=list, max_length=100, description="Elections: ids, none for a blank ballot"
    )


class RecordedVoteIn(InputSchema):
    number: Number = Field(..., description="Register number of a member present")
    choice: Choice | None = Field(None, description="Resolutions: for, against or abstain")
    candidates: list[Id] = Field(
        default_factory=list, max_length=100, description="Elections: the candidates' ids"
    )


class AssemblyBallotReceipt(Schema):
    """That the vote is recorded: who voted and when, never what."""

    motion_id: int
    voter: AssemblyMemberRef
    by_proxy: AssemblyMemberRef | None = Field(..., description="The holder who cast it, if any")
    recorded_by_staff: bool
    cast_at: datetime
    secret: bool


class MyBallotsOut(Schema):
    motion_id: int
    member: AssemblyMemberRef | None
    present: bool
    on_roll: bool
    problem: str | None
    pending: list[AssemblyMemberRef] = Field(..., description="Whom the caller may still vote for")


class OpenVoteOut(Schema):
    """A named vote of an open ballot, once the vote is closed."""

    voter: AssemblyMemberRef
    choice: Choice | None = Field(..., description="Resolutions")
    candidates: list[int] = Field(..., description="Elections: the candidates chosen")
    votes: AssemblyVotesOut
    by_proxy: bool
    recorded_by_staff: bool


# --- minutes ------------------------------------------------------------------------------------
class MinutesPatch(InputSchema):
    narrative: Text = Field(None, max_length=NARRATIVE_MAX)
    chair_name: Text = Field(None, max_length=160)
    chair_role: Text = Field(None, max_length=120)
    secretary_name: Text = Field(None, max_length=160)
    secretary_role: Text = Field(None, max_length=120)


class MinutesOut(Schema):
    assembly_id: int
    number: int | None = Field(..., description="In the minute book, once signed")
    status: MinutesStatus
    narrative: str
    chair_name: str
    chair_role: str
    secretary_name: str
    secretary_role: str
    signed_at: datetime | None
    record_html: str = Field(..., description="The record: frozen when signed")
    updated_at: datetime


class MinuteBookItem(Schema):
    number: int
    assembly_id: int
    title: str
    held_at: datetime
    signed_at: datetime

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.assembly.title

    @staticmethod
    def resolve_held_at(obj) -> datetime:
        return obj.assembly.held_at
