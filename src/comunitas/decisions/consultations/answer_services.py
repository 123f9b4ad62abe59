"""Answering a consultation (and changing a named answer): the answer checked against the rules of
its kind, one participation per person, the marks stored.

Answers lock the consultation's row and read it again, so that an answer never lands after a
closing that committed first, and the unique participation per person holds under concurrency (a
second answer at the same instant waits for the lock and then finds the first). An anonymous
answer's trail says that the person took part, never what they answered; the answer itself goes
sealed into the ballot box and reaches the ballots' table mixed with others, so no row, key,
time or transaction joins the two (``decisions.ballot_box`` has the threat model).

Who may answer is the consultation's audience (``audience``; the permission ``VOTE`` only says
that any role may try): someone outside it is refused with ``PermissionDenied`` (403 in the API
and on the pages), since the problem is who they are, not what they sent."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comunitas.core.audit import audit_record
from comunitas.core.errors import ValidationError
from comunitas.core.kernel.types import Actor
from comunitas.core.models import Role
from comunitas.core.tasks import defer
from comunitas.decisions import ballot_box
from comunitas.decisions.consultations.audience import audience_refusal, may_answer
from comunitas.decisions.consultations.mixing import mix_answers, write_ballots
from comunitas.decisions.consultations.services import consultation_locked
from comunitas.decisions.models.consultations import (
    SCORE_MAX,
    SCORE_MIN,
    Availability,
    Consultation,
    ConsultationBallot,
    ConsultationKind,
    ConsultationOption,
    ConsultationParticipation,
    ConsultationStatus,
)
from comunitas.decisions.models.limits import REASON_MAX
from comunitas.decisions.moments import at_or_now

# The input field of an answer, by kind: the errors name it.
VALUE_FIELD = {
    ConsultationKind.SCORE: "scores",
    ConsultationKind.RANKED: "ranks",
    ConsultationKind.DOTS: "dots",
    ConsultationKind.MEETING: "availability",
}


# --- answering ----------------------------------------------------------------------------------
def _refuse_other_input(kind: str, given: dict[str, bool]) -> None:
    wanted = {
        ConsultationKind.PROPOSAL: {"position", "reason"},
        ConsultationKind.SINGLE: {"choices"},
        ConsultationKind.MULTIPLE: {"choices"},
    }.get(kind, {VALUE_FIELD.get(kind, "")})
    for name, present in given.items():
        if present and name not in wanted:
            raise ValidationError(_("This consultation does not ask for this."), field=name)


Pairs = list[tuple[int, int]]  # (option id, value)
Options = list[ConsultationOption]


def _proposal_marks(options: Options, position: str) -> Pairs:
    chosen = [o for o in options if o.code == position]
    if not position or not chosen:
        raise ValidationError(_("Choose agree, abstain, disagree or block."), field="position")
    return [(chosen[0].pk, 1)]


def _choice_marks(
    consultation: Consultation, options: Options, choices: Sequence[int] | None
) -> Pairs:
    """A single choice (one option) or a multiple choice (from its minimum to its maximum)."""
    picked = list(choices or [])
    known = {o.pk for o in options}
    if any(pk not in known for pk in picked):
        raise ValidationError(_("This option is not one of this consultation's."), field="choices")
    if len(set(picked)) != len(picked):
        raise ValidationError(_("Choose each option once."), field="choices")
    if consultation.kind == ConsultationKind.SINGLE:
        if len(picked) != 1:
            raise ValidationError(_("Choose one option."), field="choices")
    else:
        low = consultation.min_choices
        high = consultation.max_choices or len(options)
        if len(picked) < low:
            least = ngettext("Choose at least %(n)s option.", "Choose at least %(n)s options.", low)
            raise ValidationError(least % {"n": low}, field="choices")
        if len(picked) > high:
            most = ngettext("Choose at most %(n)s option.", "Choose at most %(n)s options.", high)
            raise ValidationError(most % {"n": high}, field="choices")
    return [(pk, 1) for pk in picked]


def _score_marks(pairs: Pairs, given: dict[int, int], options: Options, field: str) -> Pairs:
    if set(given) != {o.pk for o in options}:
        raise ValidationError(_("Give every option a score from 0 to 5."), field=field)
    if any(not SCORE_MIN <= v <= SCORE_MAX for v in given.values()):
        raise ValidationError(_("A score goes from 0 to 5."), field=field)
    return pairs


def _ranked_marks(pairs: Pairs, given: dict[int, int], options: Options, field: str) -> Pairs:
    ranks = sorted(given.values())
    if not ranks:
        raise ValidationError(_("Rank at least one option (1 = your first choice)."), field)
    if any(not 1 <= r <= len(options) for r in ranks):
        raise ValidationError(_("A rank goes from 1 to %(n)s.") % {"n": len(options)}, field=field)
    if len(set(ranks)) != len(ranks):
        raise ValidationError(_("Give each rank to one option only."), field=field)
    if ranks != list(range(1, len(ranks) + 1)):
        raise ValidationError(
            _("Ranks follow each other from 1, without gaps (1, 2, 3…)."), field=field
        )
    return pairs


def _dots_marks(pairs: Pairs, given: dict[int, int], dots: int, field: str) -> Pairs:
    if any(v < 0 for v in given.values()):
        raise ValidationError(_("Dots are whole numbers from 0."), field=field)
    total = sum(given.values())
    if total > dots:
        raise ValidationError(
            _("You placed %(used)s dots: you have %(n)s.") % {"used": total, "n": dots},
            field=field,
        )
    if total == 0:
        raise ValidationError(_("Place at least one dot."), field=field)
    return [(pk, v) for pk, v in pairs if v > 0]


def _meeting_marks(pairs: Pairs, given: dict[int, int], options: Options, field: str) -> Pairs:
    """A meeting-time poll: an answer for every slot."""
    if set(given) != {o.pk for o in options}:
        raise ValidationError(_("Answer yes, if need be or no for every time slot."), field=field)
    if any(v not in Availability.values for v in given.values()):
        raise ValidationError(_("Answer yes, if need be or no."), field=field)
    return pairs


def _value_marks(
    consultation: Consultation,
    options: Options,
    values: Sequence[tuple[int, int]] | None,
) -> Pairs:
    """A value for options (a score, a rank, dots, an availability), each option once."""
    kind = consultation.kind
    field = VALUE_FIELD[kind]
    pairs = list(values or [])
    known = {o.pk for o in options}
    if any(pk not in known for pk, _v in pairs):
        raise ValidationError(_("This option is not one of this consultation's."), field=field)
    if len({pk for pk, _v in pairs}) != len(pairs):
        raise ValidationError(_("Each option appears once."), field=field)
    given = dict(pairs)
    if kind == ConsultationKind.SCORE:
        return _score_marks(pairs, given, options, field)
    if kind == ConsultationKind.RANKED:
        return _ranked_marks(pairs, given, options, field)
    if kind == ConsultationKind.DOTS:
        return _dots_marks(pairs, given, consultation.dots, field)
    return _meeting_marks(pairs, given, options, field)


def _marks(
    consultation: Consultation,
    options: Options,
    *,
    position: str,
    choices: Sequence[int] | None,
    values: Sequence[tuple[int, int]] | None,
) -> Pairs:
    """The answer as (option id, value) pairs, every rule of the kind checked."""
    if consultation.kind == ConsultationKind.PROPOSAL:
        return _proposal_marks(options, position)
    if consultation.kind in (ConsultationKind.SINGLE, ConsultationKind.MULTIPLE):
        return _choice_marks(consultation, options, choices)
    return _value_marks(consultation, options, values)


def _audited_answer(consultation: Consultation, marks, reason: str) -> dict[str, Any]:
    after: dict[str, Any] = {"consultation": consultation.pk}
    if not consultation.anonymous:  # an anonymous answer's trail says who took part, not what
        after["answer"] = sorted([pk, value] for pk, value in marks)
        if reason:
            after["reason"] = reason
    return after


def _answerer_role(consultation: Consultation, actor: Actor, now: datetime) -> str | None:
    """The actor's role, once the consultation takes answers now and its audience has them."""
    status = consultation.status_at(now)
    if status == ConsultationStatus.DRAFT:
        raise ValidationError(_("This consultation is not open yet."))
    if status == ConsultationStatus.CLOSED:
        raise ValidationError(_("This consultation is closed: answers are no longer taken."))
    role = (
        Role.objects.filter(coop_id=consultation.coop_id, user=actor)
        .values_list("kind", flat=True)
        .first()
    )
    if not may_answer(consultation, role):
        raise PermissionDenied(audience_refusal(consultation))
    return role


def _participation(
    consultation: Consultation, actor: Actor, role: str | None, now: datetime
) -> tuple[ConsultationParticipation, str]:
    """The actor's participation, new (``consultation.answer``) or changed, its ballot gone
    (``consultation.answer_change``); an anonymous answer is never changed."""
    existing = ConsultationParticipation.objects.filter(
        consultation=consultation, user=actor
    ).first()
    if existing is not None and consultation.anonymous:
        raise ValidationError(
            _("You have already answered: in an anonymous consultation the answer is final.")
        )
    if existing is None:
        try:
            with transaction.atomic():
                participation = ConsultationParticipation.objects.create(
                    consultation=consultation, user=actor, role=role, created_at=now
                )
        except IntegrityError:  # the lock makes this unreachable; the constraint is the last line
            raise ValidationError(_("You have already answered this consultation.")) from None
        return participation, "consultation.answer"
    existing.changed_at = now
    existing.save(update_fields=["changed_at"])
    ConsultationBallot.objects.filter(participation=existing).delete()
    return existing, "consultation.answer_change"


@transaction.atomic
def consultation_answer(
    *,
    actor: Actor,
    consultation: Consultation,
    position: str = "",
    reason: str = "",
    choices: Sequence[int] | None = None,
    scores: Sequence[tuple[int, int]] | None = None,
    ranks: Sequence[tuple[int, int]] | None = None,
    dots: Sequence[tuple[int, int]] | None = None,
    availability: Sequence[tuple[int, int]] | None = None,
    at: datetime | None = None,
) -> ConsultationParticipation:
    """The actor's answer: ``position`` (and a ``reason``) for a proposal, ``choices`` (option
    ids) for single and multiple choice, (option id, value) pairs for a score (``scores``), a
    ranking (``ranks``: 1 = first choice), a dot vote (``dots``) or a meeting-time poll
    (``availability``: ``Availability`` values). A named answer may be given again until the
    consultation closes and replaces the previous one; an anonymous answer is final, and is counted
    once mixed with others (``ballot_box``)."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("Log in to answer."))
    consultation = consultation_locked(consultation)
    now = at_or_now(at)
    role = _answerer_role(consultation, actor, now)
    reason = (reason or "").strip()
    given = {"scores": scores, "ranks": ranks, "dots": dots, "availability": availability}
    _refuse_other_input(
        consultation.kind,
        {
            "position": bool(position),
            "reason": bool(reason),
            "choices": bool(choices),
            **{name: bool(value) for name, value in given.items()},
        },
    )
    if len(reason) > REASON_MAX:
        raise ValidationError(
            _("Keep it within %(n)s characters (it has %(len)s).")
            % {"n": f"{REASON_MAX:,}", "len": f"{len(reason):,}"},
            field="reason",
        )
    options = list(consultation.options.all())
    values = given.get(VALUE_FIELD.get(consultation.kind, ""))
    marks = _marks(consultation, options, position=position, choices=choices, values=values)
    participation, action = _participation(consultation, actor, role, now)
    if consultation.anonymous:
        ballot_box.seal(consultation, {"marks": marks, "reason": reason})
        defer(consultation_mix, consultation.pk)
    else:
        write_ballots(consultation, [{"marks": marks, "reason": reason}], participation)
    audit_record(
        actor=actor,
        action=action,
        obj=participation,
        coop=consultation.coop,
        after=_audited_answer(consultation, marks, reason),
    )
    return participation


@transaction.atomic
def consultation_mix(consultation_id: int, at: datetime | None = None) -> int:
    """After an anonymous answer commits, or when its results are read: count a batch once
    enough answers are sealed (all of them once the consultation is past its closing time)."""
    consultation = consultation_locked(Consultation(pk=consultation_id))
    closed = consultation.status_at(at_or_now(at)) == ConsultationStatus.CLOSED
    return mix_answers(consultation, closing=closed)
