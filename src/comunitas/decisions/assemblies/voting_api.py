"""API of motions and ballots: drafting and changing motions, opening and closing their vote,
ballots cast by members (for themselves or a proxy) or recorded by staff, results, the caller's
pending ballots and the named votes of an open ballot.

A secret ballot is never told apart by voter: receipts say who voted, results are totals, and
the named votes of an open ballot are listed only once its vote is closed. A closed result never
changes and is kept in the cache (``cache``). Parsing here, rules in ``voting_services``."""

from typing import Any

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from comunitas.core.endpoints import Pagination, Shaped, answers, plain_values
from comunitas.core.errors import ValidationError
from comunitas.core.lookups import or_404
from comunitas.core.permissions import Action, coop_for
from comunitas.core.versions import coop_access
from comunitas.decisions.assemblies import cache, selectors, voting_services
from comunitas.decisions.assemblies.api import (
    ONE,
    TAGS,
    fields_named,
    member_ref,
    motion_out,
    result_out,
    votes_out,
)
from comunitas.decisions.assemblies.forms import member_by_number
from comunitas.decisions.assemblies.schemas import (
    AssemblyBallotIn,
    AssemblyBallotReceipt,
    MotionIn,
    MotionOut,
    MotionPatch,
    MotionResultOut,
    MyBallotsOut,
    OpenVoteOut,
    RecordedVoteIn,
)
from comunitas.decisions.models import (
    Assembly,
    BallotKind,
    Motion,
    Vote,
)

router = Router()
MOTION = f"{ONE}/motions/{{int:motion_id}}"


def _motion_fields(assembly: Assembly, values: dict[str, Any]) -> dict[str, Any]:
    fields = plain_values(values)
    fields.pop("candidates", None)
    if "agenda_item_id" in fields:
        pk = fields.pop("agenda_item_id")
        item = None if pk is None else assembly.agenda.filter(pk=pk).first()
        if pk is not None and item is None:
            raise ValidationError(
                _("Choose an item of this assembly's agenda."), field="agenda_item_id"
            )
        fields["agenda_item"] = item
    return fields


def _motion(request, slug: str, action: Action, assembly_id: int, motion_id: int) -> Motion:
    """The motion the path names, for a caller allowed ``action`` (``motion_visible``)."""
    coop = coop_for(request.auth, slug, action)
    return or_404(
        selectors.motion_visible,
        coop=coop,
        assembly_id=assembly_id,
        pk=motion_id,
        user=request.auth,
    )


def _ballot(payload: AssemblyBallotIn | RecordedVoteIn) -> dict[str, Any]:
    """What the ballot says, as ``ballot_cast`` takes it."""
    return {
        "choice": payload.choice.value if payload.choice else "",
        "candidates": payload.candidates,
    }


def _receipt(vote: Vote, motion: Motion) -> dict[str, Any]:
    # Who voted and when: the choice is not echoed, whatever the ballot.
    return {
        "motion_id": motion.pk,
        "voter": member_ref(vote.voter),
        "by_proxy": member_ref(vote.by_proxy),
        "recorded_by_staff": vote.recorded_by_id is not None,
        "cast_at": vote.cast_at,
        "secret": motion.ballot == BallotKind.SECRET,
    }


# --- motions ------------------------------------------------------------------------------------
@router.get(f"{ONE}/motions", response=answers(200, list[MotionOut]), tags=TAGS)
@paginate(Pagination)
def motion_list(request, slug: str, assembly_id: int):
    """The motions in order, each with its result (hidden while its vote is open)."""
    coop = coop_for(request.auth, slug, Action.VIEW_ASSEMBLIES)
    assembly = or_404(selectors.assembly_visible, coop=coop, pk=assembly_id, user=request.auth)
    return [motion_out(m) for m in selectors.assembly_motions(assembly=assembly)]


@router.post(f"{ONE}/motions", response=answers(201, MotionOut), tags=TAGS)
def motion_create(request, slug: str, assembly_id: int, payload: MotionIn):
    """A motion (delibera) with its majority rule, or an election with its candidates."""
    coop = coop_for(request.auth, slug, Action.MANAGE_ASSEMBLIES)
    assembly = or_404(selectors.assembly_visible, coop=coop, pk=assembly_id, user=request.auth)
    with fields_named({"agenda_item": "agenda_item_id"}):
        motion = voting_services.motion_create(
            actor=request.auth,
            assembly=assembly,
            **_motion_fields(assembly, payload.dict()),
            candidates=payload.candidates,
        )
    return Status(201, motion_out(selectors.motion_get(assembly=assembly, pk=motion.pk)))


@router.get(MOTION, response=answers(200, MotionOut), tags=TAGS)
def motion_get(request, slug: str, assembly_id: int, motion_id: int):
    return motion_out(_motion(request, slug, Action.VIEW_ASSEMBLIES, assembly_id, motion_id))


@router.patch(MOTION, response=answers(200, MotionOut), tags=TAGS)
def motion_update(request, slug: str, assembly_id: int, motion_id: int, payload: MotionPatch):
    """Change a motion not yet put to the vote; ``candidates`` replaces the list."""
    motion = _motion(request, slug, Action.MANAGE_ASSEMBLIES, assembly_id, motion_id)
    sent = payload.dict(exclude_unset=True)
    with fields_named({"agenda_item": "agenda_item_id"}):
        voting_services.motion_update(
            actor=request.auth,
            motion=motion,
            fields=_motion_fields(motion.assembly, sent),
            candidates=sent.get("candidates"),
        )
    return motion_out(selectors.motion_get(assembly=motion.assembly, pk=motion.pk))


def _vote_moved(request, slug: str, assembly_id: int, motion_id: int, move) -> dict[str, Any]:
    """``move`` (the service that opens or closes the vote), answered with the motion."""
    motion = _motion(request, slug, Action.MANAGE_ASSEMBLIES, assembly_id, motion_id)
    move(actor=request.auth, motion=motion)
    return motion_out(selectors.motion_get(assembly=motion.assembly, pk=motion.pk))


@router.post(f"{MOTION}/open", response=answers(200, MotionOut), tags=TAGS)
def motion_open(request, slug: str, assembly_id: int, motion_id: int):
    """Put the motion to the vote: only in session and when the assembly is quorate."""
    return _vote_moved(request, slug, assembly_id, motion_id, voting_services.motion_open)


@router.post(f"{MOTION}/close", response=answers(200, MotionOut), tags=TAGS)
def motion_close(request, slug: str, assembly_id: int, motion_id: int):
    """Close the vote: its result is fixed and shown."""
    return _vote_moved(request, slug, assembly_id, motion_id, voting_services.motion_close)


@router.post(f"{MOTION}/ballots", response=answers(201, AssemblyBallotReceipt), tags=TAGS)
def ballot_cast(request, slug: str, assembly_id: int, motion_id: int, payload: AssemblyBallotIn):
    """Your ballot, or that of a member whose proxy you hold (``voter``: their register
    number): you must be present and they on the roll; each voter votes once. A resolution
    takes a ``choice``, an election up to ``seats`` candidate ids (none: a blank ballot). The
    receipt never repeats the choice; in a secret ballot nothing links it to you."""
    motion = _motion(request, slug, Action.VOTE, assembly_id, motion_id)
    coop = motion.assembly.coop
    if payload.voter is None:
        voter = selectors.member_for(coop=coop, user=request.auth)
        if voter is None:
            raise ValidationError(_("Only members of the cooperative vote in its assembly."))
    else:
        voter = member_by_number(coop, payload.voter, "voter")
    vote = voting_services.ballot_cast(
        actor=request.auth, motion=motion, voter=voter, **_ballot(payload)
    )
    return Status(201, _receipt(vote, motion))


@router.post(f"{MOTION}/recorded-votes", response=answers(201, AssemblyBallotReceipt), tags=TAGS)
def ballot_record(request, slug: str, assembly_id: int, motion_id: int, payload: RecordedVoteIn):
    """Staff record the vote of a member present in an open ballot (a show of hands)."""
    motion = _motion(request, slug, Action.MANAGE_ASSEMBLIES, assembly_id, motion_id)
    voter = member_by_number(motion.assembly.coop, payload.number, "number")
    with fields_named({"voter": "number"}):
        vote = voting_services.ballot_cast(
            actor=request.auth,
            motion=motion,
            voter=voter,
            recorded_by_staff=True,
            **_ballot(payload),
        )
    return Status(201, _receipt(vote, motion))


@router.get(f"{MOTION}/result", response=answers(200, MotionResultOut), tags=TAGS)
def motion_result(request, slug: str, assembly_id: int, motion_id: int):
    """The result: ``hidden`` with the turnout only while the vote is not closed. Five queries
    whatever the number of voters or candidates (the cooperative, the caller's roles, the
    assembly, the motion, its candidates): the tally is the motion's counters. A closed result
    is then answered from the cache, in one query for a caller with a token (comunitas/api.py)."""
    motion = _motion(request, slug, Action.VIEW_ASSEMBLIES, assembly_id, motion_id)
    if not motion.is_closed:
        return result_out(motion)
    # A closed result never changes: kept for every caller who may read it (``cache``).
    body = MotionResultOut.model_validate(result_out(motion)).model_dump_json().encode()
    access = coop_access(slug=slug, user_id=None, scope=cache.RESULTS)
    if access is not None:
        cache.result_keep(access, request, body)
    return HttpResponse(body, content_type="application/json")


@router.get(f"{MOTION}/my-ballots", response=answers(200, MyBallotsOut), tags=TAGS)
def my_ballots(request, slug: str, assembly_id: int, motion_id: int):
    """Whom the caller may still vote for on this motion: themselves (on the roll) and the
    members whose proxy they hold, while they are present and the vote is open."""
    motion = _motion(request, slug, Action.VOTE, assembly_id, motion_id)
    mine = selectors.my_ballots(assembly=motion.assembly, user=request.auth, motions=[motion])
    return {
        "motion_id": motion.pk,
        "member": member_ref(mine.member),
        "present": mine.present,
        "on_roll": mine.on_roll,
        "problem": mine.problem,
        "pending": [member_ref(v) for v in mine.pending(motion)],
    }


def _open_votes(votes: list[Vote], denominator: int) -> list[dict[str, Any]]:
    return [
        {
            "voter": member_ref(v.voter),
            "choice": v.choice or None,
            "candidates": [c.pk for c in v.candidates.all()],
            "votes": votes_out(v.units, denominator),
            "by_proxy": v.by_proxy_id is not None,
            "recorded_by_staff": v.recorded_by_id is not None,
        }
        for v in votes
    ]


@router.get(f"{MOTION}/votes", response=answers(200, list[OpenVoteOut]), tags=TAGS)
@paginate(Pagination)
def motion_votes(request, slug: str, assembly_id: int, motion_id: int):
    """The named votes of an open ballot, once its vote is closed, in the book's order. A
    secret ballot has none (404): its choices are kept only as totals."""
    motion = _motion(request, slug, Action.VIEW_ASSEMBLIES, assembly_id, motion_id)
    votes = selectors.open_votes(motion=motion)
    if votes is None:
        raise Http404
    d = motion.assembly.vote_denominator
    return Shaped(votes, lambda page: _open_votes(page, d))
