"""Every write of motions: drafting one (or an election and its candidates), putting it to the vote
when the assembly is quorate, each ballot (cast by the voter, by the holder of their proxy, or
recorded by staff in an open ballot), and closing the vote with its result.

Each voter votes once: a unique constraint holds it however requests interleave. A secret
ballot's choice is sealed in the ballot box and only moves the per-option counters, in shuffled
batches (``mixing``); its vote row and its audit row say who voted, never what. The majority itself
is a rule (``rules``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comunitas.core.audit import audit_record, snapshot
from comunitas.core.errors import FieldError, ValidationError
from comunitas.core.kernel.edits import assign, locked, validated
from comunitas.core.kernel.types import Actor, user_of
from comunitas.core.tasks import defer
from comunitas.decisions.assemblies import selectors
from comunitas.decisions.assemblies.mixing import mix_votes, motion_mix, sealed_vote
from comunitas.decisions.assemblies.rules import majority_base_units, motion_passes
from comunitas.decisions.assemblies.services import assembly_locked, require_status
from comunitas.decisions.models import (
    AgendaItem,
    Assembly,
    AssemblyStatus,
    BallotKind,
    Candidate,
    Choice,
    Majority,
    MajorityBase,
    Motion,
    MotionKind,
    MotionStatus,
    Proxy,
    RollEntry,
    Vote,
)
from comunitas.decisions.moments import at_or_now
from comunitas.members.models import Member

# What a motion says and how it is voted; its fields are these and the agenda item it is under.
MOTION_TERMS = [
    "title",
    "text",
    "kind",
    "ballot",
    "majority",
    "majority_base",
    "qualified_numerator",
    "qualified_denominator",
    "seats",
]
MOTION_FIELDS = [*MOTION_TERMS, "agenda_item"]
MAX_CANDIDATES = 100


# --- motions ------------------------------------------------------------------------------------
def _check_motion(assembly: Assembly, motion: Motion, candidates: list[str] | None) -> None:
    errors = []
    if not motion.title.strip():
        errors.append(FieldError("title", _("This field cannot be blank.")))
    if motion.agenda_item is not None and motion.agenda_item.assembly_id != assembly.pk:
        errors.append(FieldError("agenda_item", _("Choose an item of this assembly's agenda.")))
    if motion.majority == Majority.QUALIFIED and not (
        1 <= motion.qualified_numerator <= motion.qualified_denominator
        and motion.qualified_numerator * 2 > motion.qualified_denominator
    ):
        errors.append(
            FieldError(
                "qualified_numerator",
                _("A qualified majority is a fraction over one half and up to 1, e.g. 2/3."),
            )
        )
    if motion.kind == MotionKind.ELECTION:
        names = candidates or []
        if len(names) < 1:
            errors.append(FieldError("candidates", _("An election needs at least one candidate.")))
        if len(names) > MAX_CANDIDATES:
            errors.append(
                FieldError("candidates", _("At most %(n)s candidates.") % {"n": MAX_CANDIDATES})
            )
        if len({n.casefold() for n in names}) != len(names):
            errors.append(FieldError("candidates", _("Each candidate is named once.")))
        if any(not n or len(n) > 160 for n in names):
            errors.append(
                FieldError("candidates", _("Give each candidate a name (160 characters at most)."))
            )
        if not 1 <= motion.seats <= max(len(names), 1):
            errors.append(FieldError("seats", _("Elect from 1 to as many as the candidates.")))
    elif candidates:
        errors.append(FieldError("candidates", _("Only an election has candidates.")))
    if errors:
        raise ValidationError(errors=errors)


def _set_candidates(motion: Motion, names: list[str]) -> None:
    motion.candidates.all().delete()
    Candidate.objects.bulk_create(
        [Candidate(motion=motion, name=name, position=i) for i, name in enumerate(names, start=1)]
    )


def _clean_names(candidates: list[str] | None) -> list[str] | None:
    if candidates is None:
        return None
    return [" ".join(str(n).split()) for n in candidates if str(n).strip()]


@transaction.atomic
def motion_create(
    *,
    actor: Actor,
    assembly: Assembly,
    title: str,
    text: str = "",
    kind: str = MotionKind.RESOLUTION,
    ballot: str = BallotKind.OPEN,
    majority: str = Majority.SIMPLE,
    majority_base: str = MajorityBase.CAST,
    qualified_numerator: int = 2,
    qualified_denominator: int = 3,
    seats: int = 1,
    agenda_item: AgendaItem | None = None,
    candidates: list[str] | None = None,
) -> Motion:
    """Draft a motion (or an election and its candidates) on the assembly's agenda."""
    assembly = assembly_locked(assembly)
    require_status(
        assembly,
        AssemblyStatus.DRAFT,
        AssemblyStatus.CONVENED,
        AssemblyStatus.OPEN,
        message=_("The assembly is over: no more motions."),
    )
    last = assembly.motions.aggregate(n=Max("position"))["n"] or 0
    motion = Motion(assembly=assembly, position=last + 1)
    changes = {
        "title": title,
        "text": text,
        "kind": kind,
        "ballot": ballot,
        "majority": majority,
        "majority_base": majority_base,
        "qualified_numerator": qualified_numerator,
        "qualified_denominator": qualified_denominator,
        "seats": seats,
        "agenda_item": agenda_item,
    }
    assign(motion, changes, MOTION_FIELDS)
    names = _clean_names(candidates)
    _check_motion(assembly, motion, names)
    validated(motion, exclude=["assembly", "agenda_item"])
    motion.save()
    if motion.kind == MotionKind.ELECTION:
        _set_candidates(motion, names or [])
    audit_record(
        actor=actor,
        action="motion.create",
        obj=motion,
        coop=assembly.coop,
        after={**snapshot(motion, MOTION_FIELDS), "candidates": names or []},
    )
    return motion


@transaction.atomic
def motion_update(
    *, actor: Actor, motion: Motion, fields: dict[str, Any], candidates: list[str] | None = None
) -> Motion:
    assembly = assembly_locked(motion.assembly)
    motion = Motion.objects.get(pk=motion.pk)
    if motion.status != MotionStatus.DRAFT:
        raise ValidationError(_("This motion has been put to the vote: it can no longer change."))
    before = {
        **snapshot(motion, MOTION_FIELDS),
        "candidates": list(motion.candidates.values_list("name", flat=True)),
    }
    assign(motion, fields, MOTION_FIELDS)
    names = _clean_names(candidates) if candidates is not None else before["candidates"]
    _check_motion(assembly, motion, names if motion.kind == MotionKind.ELECTION else candidates)
    validated(motion, exclude=["assembly", "agenda_item"])
    motion.save()
    if motion.kind == MotionKind.ELECTION:
        if names != before["candidates"]:
            _set_candidates(motion, names)
    else:
        motion.candidates.all().delete()
        names = []
    audit_record(
        actor=actor,
        action="motion.update",
        obj=motion,
        coop=assembly.coop,
        before=before,
        after={**snapshot(motion, MOTION_FIELDS), "candidates": names},
    )
    return motion


def _locked_motion(motion: Motion) -> tuple[Assembly, Motion]:
    assembly = assembly_locked(motion.assembly)
    return assembly, locked(motion)


@transaction.atomic
def motion_open(*, actor: Actor, motion: Motion, at: datetime | None = None) -> Motion:
    """Put a motion to the vote: only in session and when the assembly is quorate."""
    assembly, motion = _locked_motion(motion)
    require_status(assembly, AssemblyStatus.OPEN, message=_("The assembly is not in session."))
    if motion.status != MotionStatus.DRAFT:
        raise ValidationError(_("This motion has already been put to the vote."))
    quorum = selectors.quorum(assembly=assembly)
    if not quorum.met:
        raise ValidationError(
            _(
                "The assembly is not quorate: %(present)s votes present, more than "
                "%(needed)s needed at the %(call)s."
            )
            % {
                "present": quorum.present_display,
                "needed": quorum.threshold_display,
                "call": assembly.get_call_display().lower(),
            }
        )
    motion.status = MotionStatus.OPEN
    motion.opened_at = at_or_now(at)
    motion.present_units_at_open = quorum.present_units
    motion.save(update_fields=["status", "opened_at", "present_units_at_open"])
    audit_record(
        actor=actor,
        action="motion.open",
        obj=motion,
        coop=assembly.coop,
        after={"status": motion.status, "present_units": quorum.present_units},
    )
    return motion


def _ballot_choice(motion: Motion, choice: str, candidate_ids: list[int] | None) -> list[int]:
    """The candidates chosen (elections) after checking the choice; [] for a resolution."""
    if motion.kind == MotionKind.RESOLUTION:
        if choice not in Choice.values:
            raise ValidationError(_("Vote for, against or abstain."), field="choice")
        if candidate_ids:
            raise ValidationError(_("This motion has no candidates."), field="candidates")
        return []
    if choice:
        raise ValidationError(
            _("An election is voted by choosing candidates (none for a blank ballot)."),
            field="choice",
        )
    ids = list(candidate_ids or [])
    if len(set(ids)) != len(ids):
        raise ValidationError(_("Choose each candidate once."), field="candidates")
    if len(ids) > motion.seats:
        raise ValidationError(
            ngettext(
                "Choose at most %(n)s candidate.", "Choose at most %(n)s candidates.", motion.seats
            )
            % {"n": motion.seats},
            field="candidates",
        )
    known = set(motion.candidates.filter(pk__in=ids).values_list("pk", flat=True))
    if known != set(ids):
        raise ValidationError(_("Choose among this election's candidates."), field="candidates")
    return ids


def _proxy_holder(
    *, actor: Actor, motion: Motion, voter: Member, recorded_by_staff: bool
) -> Member | None:
    """Who casts ``voter``'s ballot for them: the holder of their proxy, or None when the voter
    casts it (or, present, has it recorded by staff); refused when the one who casts it may not.
    """
    assembly = motion.assembly
    if recorded_by_staff:
        if motion.ballot == BallotKind.SECRET:
            raise ValidationError(_("In a secret ballot every member casts their own vote."))
        if selectors.is_present(assembly=assembly, member=voter):
            return None
        # A member represented votes through the holder of their proxy, who is present.
        proxy = (
            Proxy.objects.filter(assembly=assembly, grantor=voter, revoked_at__isnull=True)
            .select_related("holder")
            .first()
        )
        if proxy is None or not selectors.is_present(assembly=assembly, member=proxy.holder):
            raise ValidationError(
                _("%(who)s is neither present nor represented by a member present.")
                % {"who": voter.audit_label},
                field="voter",
            )
        return proxy.holder
    caster = selectors.member_for(coop=assembly.coop, user=actor)
    if caster is None:
        raise ValidationError(_("Only members of the cooperative vote in its assembly."))
    holder = None
    if caster.pk != voter.pk:
        holder = caster
        if not Proxy.objects.filter(
            assembly=assembly, grantor=voter, holder=caster, revoked_at__isnull=True
        ).exists():
            raise ValidationError(
                _("You hold no proxy of %(who)s.") % {"who": voter.audit_label}, field="voter"
            )
    if not selectors.is_present(assembly=assembly, member=caster):
        raise ValidationError(_("Register your presence (in person or online) before voting."))
    return holder


def _roll_entry(assembly: Assembly, voter: Member) -> RollEntry:
    entry = RollEntry.objects.filter(assembly=assembly, member=voter).first()
    if entry is None:
        raise ValidationError(
            selectors.voting_problem(assembly=assembly, member=voter)
            or _("%(who)s is not on the voters' roll.") % {"who": voter.audit_label},
            field="voter",
        )
    return entry


def _vote_record(motion: Motion, voter: Member, choice: str, **recorded: Any) -> Vote:
    """The vote's row: the unique (motion, voter) refuses a second one, whoever sent it first.
    A secret ballot's row keeps no choice."""
    secret = motion.ballot == BallotKind.SECRET
    try:
        with transaction.atomic():
            return Vote.objects.create(
                motion=motion,
                voter=voter,
                choice="" if secret else choice if motion.kind == MotionKind.RESOLUTION else "",
                **recorded,
            )
    except IntegrityError:
        raise ValidationError(
            _("%(who)s has already voted on this motion.") % {"who": voter.audit_label},
            field="voter",
        ) from None


def _vote_count(motion: Motion, vote: Vote, choice: str, chosen: list[int]) -> None:
    """Move the motion's counters (and the candidates') by the vote's units; a secret vote moves
    the number of voters and goes sealed into the ballot box."""
    # The tally moves only while the motion is open: this UPDATE waits for a closing in
    # progress, and finds nothing to update once the motion is closed.
    counter = {"voters": F("voters") + 1}
    if motion.ballot == BallotKind.SECRET:
        if not Motion.objects.filter(pk=motion.pk, status=MotionStatus.OPEN).update(**counter):
            raise ValidationError(_("This vote is not open."))
        sealed_vote(motion, units=vote.units, choice=choice, chosen=chosen)
        defer(motion_mix, motion.pk)
        return
    if motion.kind == MotionKind.RESOLUTION:
        counter[f"{choice}_units"] = F(f"{choice}_units") + vote.units
    elif not chosen:
        counter["abstain_units"] = F("abstain_units") + vote.units  # a blank ballot
    if not Motion.objects.filter(pk=motion.pk, status=MotionStatus.OPEN).update(**counter):
        raise ValidationError(_("This vote is not open."))
    if chosen:
        Candidate.objects.filter(pk__in=chosen).update(units=F("units") + vote.units)
        vote.candidates.set(chosen)


def _vote_trail(vote: Vote, choice: str, chosen: list[int]) -> dict[str, Any]:
    motion = vote.motion
    after: dict[str, Any] = {"motion": motion.pk, "voter": vote.voter.audit_label}
    if vote.by_proxy is not None:
        after["proxy_holder"] = vote.by_proxy.audit_label
    if motion.ballot != BallotKind.SECRET:  # a secret ballot's trail says who voted, never what
        after["choice"] = choice if motion.kind == MotionKind.RESOLUTION else sorted(chosen)
    return after


@transaction.atomic
def ballot_cast(
    *,
    actor: Actor,
    motion: Motion,
    voter: Member,
    choice: str = "",
    candidates: list[int] | None = None,
    recorded_by_staff: bool = False,
    at: datetime | None = None,
) -> Vote:
    """One vote of ``voter`` on ``motion``: cast by the voter (``actor`` is their login), by the
    holder of their proxy (``actor`` is the holder's login), or, in an open ballot, recorded by
    staff for a member present. Each voter votes once: a unique constraint, so a second request
    at the same moment fails on the database however the requests interleave. A secret vote
    stores who voted, never what: its choice only moves the per-option totals."""
    motion = Motion.objects.select_related("assembly__coop").get(pk=motion.pk)
    assembly = motion.assembly
    if assembly.status != AssemblyStatus.OPEN or motion.status != MotionStatus.OPEN:
        raise ValidationError(_("This vote is not open."))
    chosen = _ballot_choice(motion, choice, candidates)
    now = at_or_now(at)
    holder = _proxy_holder(
        actor=actor, motion=motion, voter=voter, recorded_by_staff=recorded_by_staff
    )
    entry = _roll_entry(assembly, voter)
    vote = _vote_record(
        motion,
        voter,
        choice,
        by_proxy=holder,
        recorded_by=user_of(actor) if recorded_by_staff else None,
        units=entry.units,
        cast_at=now,
    )
    _vote_count(motion, vote, choice, chosen)
    after = _vote_trail(vote, choice, chosen)
    audit_record(actor=actor, action="vote.cast", obj=vote, coop=assembly.coop, after=after)
    return vote


@transaction.atomic
def motion_close(*, actor: Actor, motion: Motion, at: datetime | None = None) -> Motion:
    """Close the vote and fix its result: the quorum still met at its close, the majority on
    its base; in an election the candidates with most votes fill the seats (a tie for the
    last seat elects nobody to it: the chair calls a new vote)."""
    assembly, motion = _locked_motion(motion)
    if motion.status != MotionStatus.OPEN:
        raise ValidationError(_("This vote is not open."))
    if motion.ballot == BallotKind.SECRET and mix_votes(motion, closing=True):
        motion.refresh_from_db()
    quorum = selectors.quorum(assembly=assembly)
    motion.status = MotionStatus.CLOSED
    motion.closed_at = at_or_now(at)
    motion.present_units_at_close = quorum.present_units
    motion.quorum_met = quorum.met
    if motion.kind == MotionKind.ELECTION:
        ranked = list(motion.candidates.order_by("-units", "position"))
        cutoff = ranked[motion.seats - 1].units if len(ranked) >= motion.seats else 0
        beyond = ranked[motion.seats].units if len(ranked) > motion.seats else -1
        for candidate in ranked:
            if not quorum.met or candidate.units == 0 or candidate.units < cutoff:
                candidate.elected = False
            elif candidate.units == cutoff and cutoff == beyond:
                candidate.elected = None  # tied for the last seat
            else:
                candidate.elected = True
        Candidate.objects.bulk_update(ranked, ["elected"])
        motion.passed = quorum.met and any(c.elected for c in ranked)
    else:
        motion.passed = quorum.met and motion_passes(motion, majority_base_units(motion, assembly))
    motion.save(
        update_fields=["status", "closed_at", "present_units_at_close", "quorum_met", "passed"]
    )
    audit_record(
        actor=actor,
        action="motion.close",
        obj=motion,
        coop=assembly.coop,
        after={
            "status": motion.status,
            "voters": motion.voters,
            "for": motion.for_units,
            "against": motion.against_units,
            "abstain": motion.abstain_units,
            "quorum_met": motion.quorum_met,
            "passed": motion.passed,
        },
    )
    return motion
