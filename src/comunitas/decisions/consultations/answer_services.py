"""Answering a consultation (and changing a named answer): the answer checked against the rules of
its kind, one participation per person, the marks stored.

Answers lock the consultation's row and read it again, so that an answer never lands after a
closing that committed first, and the unique participation per person holds under concurrency (a
second answer at the same instant waits for the lock and then finds the first). An anonymous
answer's trail says that the person took part, never what they answered, and no row joins the
two (``models.consultations``).

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

from comunitas.core.audit import audit_record
from comunitas.core.errors import ValidationError
from comunitas.core.models import Role
from comunitas.decisions.consultations.audience import audience_refusal, may_answer
from comunitas.decisions.consultations.services import at_or_now, consultation_locked
from comunitas.decisions.models.consultations import (
    SCORE_MAX,
    SCORE_MIN,
    Availability,
    Consultation,
    ConsultationBallot,
    ConsultationKind,
    ConsultationMark,
    ConsultationOption,
    ConsultationParticipation,
    ConsultationStatus,
)

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


def _marks(
    consultation: Consultation,
    options: list[ConsultationOption],
    *,
    position: str,
    choices: Sequence[int] | None,
    values: Sequence[tuple[int, int]] | None,
) -> list[tuple[int, int]]:
    """The answer as (option id, value) pairs, every rule of the kind checked."""
    kind = consultation.kind
    by_id = {o.pk: o for o in options}
    if kind == ConsultationKind.PROPOSAL:
        chosen = [o for o in options if o.code == position]
        if not position or not chosen:
            raise ValidationError(_("Choose agree, abstain, disagree or block."), field="position")
        return [(chosen[0].pk, 1)]
    if kind in (ConsultationKind.SINGLE, ConsultationKind.MULTIPLE):
        picked = list(choices or [])
        if any(pk not in by_id for pk in picked):
            raise ValidationError(
                _("This option is not one of this consultation's."), field="choices"
            )
        if len(set(picked)) != len(picked):
            raise ValidationError(_("Choose each option once."), field="choices")
        if kind == ConsultationKind.SINGLE:
            if len(picked) != 1:
                raise ValidationError(_("Choose one option."), field="choices")
        else:
            low = consultation.min_choices
            high = consultation.max_choices or len(options)
            if len(picked) < low:
                raise ValidationError(
                    _("Choose at least %(n)s options.") % {"n": low}, field="choices"
                )
            if len(picked) > high:
                raise ValidationError(
                    _("Choose at most %(n)s options.") % {"n": high}, field="choices"
                )
        return [(pk, 1) for pk in picked]
    field = VALUE_FIELD[kind]
    pairs = list(values or [])
    if any(pk not in by_id for pk, _v in pairs):
        raise ValidationError(_("This option is not one of this consultation's."), field=field)
    if len({pk for pk, _v in pairs}) != len(pairs):
        raise ValidationError(_("Each option appears once."), field=field)
    given = dict(pairs)
    if kind == ConsultationKind.SCORE:
        if set(given) != set(by_id):
            raise ValidationError(_("Give every option a score from 0 to 5."), field=field)
        if any(not SCORE_MIN <= v <= SCORE_MAX for v in given.values()):
            raise ValidationError(_("A score goes from 0 to 5."), field=field)
        return pairs
    if kind == ConsultationKind.RANKED:
        ranks = sorted(given.values())
        if not ranks:
            raise ValidationError(_("Rank at least one option (1 = your first choice)."), field)
        if any(not 1 <= r <= len(options) for r in ranks):
            raise ValidationError(
                _("A rank goes from 1 to %(n)s.") % {"n": len(options)}, field=field
            )
        if len(set(ranks)) != len(ranks):
            raise ValidationError(_("Give each rank to one option only."), field=field)
        if ranks != list(range(1, len(ranks) + 1)):
            raise ValidationError(
                _("Ranks follow each other from 1, without gaps (1, 2, 3…)."), field=field
            )
        return pairs
    if kind == ConsultationKind.DOTS:
        if any(v < 0 for v in given.values()):
            raise ValidationError(_("Dots are whole numbers from 0."), field=field)
        total = sum(given.values())
        if total > consultation.dots:
            raise ValidationError(
                _("You placed %(used)s dots: you have %(n)s.")
                % {"used": total, "n": consultation.dots},
                field=field,
            )
        if total == 0:
            raise ValidationError(_("Place at least one dot."), field=field)
        return [(pk, v) for pk, v in pairs if v > 0]
    # A meeting-time poll: an answer for every slot.
    if set(given) != set(by_id):
        raise ValidationError(_("Answer yes, if need be or no for every time slot."), field=field)
    if any(v not in Availability.values for v in given.values()):
        raise ValidationError(_("Answer yes, if need be or no."), field=field)
    return pairs


def _audited_answer(consultation: Consultation, marks, reason: str) -> dict[str, Any]:
    after: dict[str, Any] = {"consultation": consultation.pk}
    if not consultation.anonymous:  # an anonymous answer's trail says who took part, not what
        after["answer"] = sorted([pk, value] for pk, value in marks)
        if reason:
            after["reason"] = reason
    return after


@transaction.atomic
def consultation_answer(
    *,
    actor,
    consultation: Consultation,
    position: str = "",
    reason: str = "",
    choices: Sequence[int] | None = None,
    scores: Sequence[tuple[int, int]] | None = None,
    ranks: Sequence[tuple[int, int]] | None = None,
    dots: Sequence[tuple[int, int]] | None = None,
    availability: Sequence[tuple[int, int]] | None = None,
    at: datetime | None = None,
) -> ConsultationBallot:
    """The actor's answer: ``position`` (and a ``reason``) for a proposal, ``choices`` (option
    ids) for single and multiple choice, (option id, value) pairs for a score (``scores``), a
    ranking (``ranks``: 1 = first choice), a dot vote (``dots``) or a meeting-time poll
    (``availability``: ``Availability`` values). A named answer may be given again until the
    consultation closes and replaces the previous one; an anonymous answer is final."""
    if actor is None or not actor.is_authenticated:
        raise PermissionDenied(_("Log in to answer."))
    consultation = consultation_locked(consultation)
    status = consultation.status_at(at_or_now(at))
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
    values = given.get(VALUE_FIELD.get(consultation.kind, ""))
    if len(reason) > 1000:
        raise ValidationError(
            _("Keep it within %(n)s characters (it has %(len)s).")
            % {"n": "1,000", "len": f"{len(reason):,}"},
            field="reason",
        )
    options = list(consultation.options.all())
    marks = _marks(consultation, options, position=position, choices=choices, values=values)
    now = at_or_now(at)
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
        action = "consultation.answer"
    else:
        participation = existing
        participation.changed_at = now
        participation.save(update_fields=["changed_at"])
        ConsultationBallot.objects.filter(participation=participation).delete()
        action = "consultation.answer_change"
    ballot = ConsultationBallot.objects.create(
        consultation=consultation,
        participation=None if consultation.anonymous else participation,
        reason=reason,
    )
    ConsultationMark.objects.bulk_create(
        ConsultationMark(ballot=ballot, option_id=pk, value=value) for pk, value in marks
    )
    audit_record(
        actor=actor,
        action=action,
        obj=participation,
        coop=consultation.coop,
        after=_audited_answer(consultation, marks, reason),
    )
    return ballot
