"""Every write of consultations but the answers: setting one up with its options, opening it,
closing it and stating its outcome (the answers are in ``answer_services``, which shares the row
lock defined here).

One transaction each, audited. A closing records the size of the audience it had (``audience``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comunitas.core.audit import audit_record, snapshot
from comunitas.core.errors import ValidationError
from comunitas.core.kernel.edits import assign, edit, validated
from comunitas.core.kernel.types import Actor, user_of
from comunitas.core.models import Cooperative
from comunitas.decisions.consultations.audience import audience_size
from comunitas.decisions.consultations.mixing import mix_answers
from comunitas.decisions.models.consultations import (
    Consultation,
    ConsultationAudience,
    ConsultationKind,
    ConsultationOption,
    ConsultationPosition,
    ConsultationStatus,
)
from comunitas.decisions.moments import at_or_now
from comunitas.projects.models import Need, Project, Proposal

CONSULTATION_FIELDS = [
    "title",
    "description",
    "kind",
    "audience",
    "anonymous",
    "results_hidden",
    "closes_at",
    "min_choices",
    "max_choices",
    "dots",
    "need",
    "proposal",
    "project",
]
# What may still change once people are answering: the words and a later closing time.
OPEN_FIELDS = ["title", "description", "closes_at"]
OPTION_FIELDS = ["label", "description", "starts_at", "ends_at"]
OPTION_AUDITED = ["consultation", *OPTION_FIELDS]
OUTCOME_FIELDS = ["outcome", "outcome_on", "outcome_by"]
AUDITED = [f for f in CONSULTATION_FIELDS]
# The related rows a service sets itself (or checks by hand), not from the fields.
SET_BY_SERVICES = ["coop", "need", "proposal", "project", "created_by", "opened_by", "closed_by"]
MAX_OPTIONS = 100
MAX_DOTS = 1000
# Kinds whose options are plain labels (a kind change among them keeps the options).
PLAIN_KINDS = {
    ConsultationKind.SINGLE,
    ConsultationKind.MULTIPLE,
    ConsultationKind.SCORE,
    ConsultationKind.RANKED,
    ConsultationKind.DOTS,
}
EARLIEST, LATEST = date(2000, 1, 1), date(2200, 12, 31)


def consultation_locked(consultation: Consultation) -> Consultation:
    """The consultation, re-read under its row lock: its writes take turns."""
    return Consultation.objects.select_for_update().select_related("coop").get(pk=consultation.pk)


# --- setting up ---------------------------------------------------------------------------------
def _check_time(value: Any, field: str) -> None:
    if value is None:
        raise ValidationError(_("Give a date and a time."), field=field)
    if not isinstance(value, datetime) or timezone.is_naive(value):
        raise ValidationError(_("Give a date and a time."), field=field)
    if not EARLIEST <= value.date() <= LATEST:
        raise ValidationError(
            _("Give a date between %(first)s and %(last)s.")
            % {"first": EARLIEST.year, "last": LATEST.year},
            field=field,
        )


def _check_attachment(consultation: Consultation) -> None:
    """What a consultation is about belongs to its cooperative, and is one thing at most."""
    coop_id = consultation.coop_id
    attached = []
    for field, model, message in (
        ("need", Need, _("Choose a need of this cooperative.")),
        ("proposal", Proposal, _("Choose a proposal of this cooperative.")),
        ("project", Project, _("Choose a project of this cooperative.")),
    ):
        value = getattr(consultation, field)
        if value is None:
            continue
        if not isinstance(value, model) or value.coop_id != coop_id:
            raise ValidationError(message, field=field)
        attached.append(field)
    if len(attached) > 1:
        raise ValidationError(
            _("Attach it to one thing only: a need, a proposal or a project."), field=attached[1]
        )


def _check_consultation(consultation: Consultation) -> None:
    consultation.title = (consultation.title or "").strip()
    if not consultation.title:
        raise ValidationError(_("This field cannot be blank."), field="title")
    if consultation.kind not in ConsultationKind.values:
        raise ValidationError(_("Choose a kind of consultation."), field="kind")
    if consultation.audience not in ConsultationAudience.values:
        raise ValidationError(_("Choose who may answer."), field="audience")
    _check_time(consultation.closes_at, "closes_at")
    if not 1 <= (consultation.min_choices or 0) <= MAX_OPTIONS:
        raise ValidationError(
            _("Give a number from 1 to %(n)s.") % {"n": MAX_OPTIONS}, field="min_choices"
        )
    if consultation.max_choices is not None and not (
        consultation.min_choices <= consultation.max_choices <= MAX_OPTIONS
    ):
        raise ValidationError(
            _("Give a number from the minimum (%(min)s) to %(n)s, or leave it empty.")
            % {"min": consultation.min_choices, "n": MAX_OPTIONS},
            field="max_choices",
        )
    if not 1 <= (consultation.dots or 0) <= MAX_DOTS:
        raise ValidationError(_("Give a number from 1 to %(n)s.") % {"n": MAX_DOTS}, field="dots")
    _check_attachment(consultation)
    validated(consultation, exclude=SET_BY_SERVICES)


def _positions(consultation: Consultation) -> None:
    """The four answers of a proposal, in Loomio's order."""
    ConsultationOption.objects.bulk_create(
        ConsultationOption(consultation=consultation, position=i, code=code)
        for i, code in enumerate(ConsultationPosition.values)
    )


def _check_option(consultation: Consultation, option: ConsultationOption) -> None:
    option.label = (option.label or "").strip()
    option.description = (option.description or "").strip()
    if consultation.kind == ConsultationKind.PROPOSAL:
        raise ValidationError(_("A proposal's answers are fixed: agree, abstain, disagree, block."))
    if consultation.kind == ConsultationKind.MEETING:
        _check_time(option.starts_at, "starts_at")
        _check_time(option.ends_at, "ends_at")
        if option.ends_at <= option.starts_at:
            raise ValidationError(_("A time slot must end after it starts."), field="ends_at")
    else:
        for name in ("starts_at", "ends_at"):
            if getattr(option, name) is not None:
                raise ValidationError(_("Only a meeting-time poll has time slots."), field=name)
        if not option.label:
            raise ValidationError(_("This field cannot be blank."), field="label")
        same = consultation.options.filter(label__iexact=option.label).exclude(pk=option.pk)
        if same.exists():
            raise ValidationError(_("Another option has this name."), field="label")
    validated(option, exclude=["consultation"])


def _require_draft(consultation: Consultation) -> None:
    if consultation.status != ConsultationStatus.DRAFT:
        raise ValidationError(_("Options change only while the consultation is being prepared."))


def _new_option(consultation: Consultation) -> ConsultationOption:
    """An option after the last one (not saved yet), while there is room for it."""
    if consultation.options.count() >= MAX_OPTIONS:
        raise ValidationError(_("A consultation has at most %(n)s options.") % {"n": MAX_OPTIONS})
    last = consultation.options.order_by("-position").values_list("position", flat=True).first()
    return ConsultationOption(consultation=consultation, position=0 if last is None else last + 1)


def _add_option(consultation: Consultation, fields: dict[str, Any]) -> ConsultationOption:
    option = _new_option(consultation)
    assign(option, fields, OPTION_FIELDS)
    _check_option(consultation, option)
    option.save()
    return option


def _edit_option(option: ConsultationOption, **change: Any) -> ConsultationOption:
    """``edit`` an option (``actor=``, ``action=``, ``changes=``) of its consultation."""
    consultation = option.consultation
    check = partial(_check_option, consultation)
    return edit(
        option,
        allowed=OPTION_FIELDS,
        audited=OPTION_AUDITED,
        check=check,
        coop=consultation.coop,
        **change,
    )


@transaction.atomic
def consultation_create(
    *,
    actor: Actor,
    coop: Cooperative,
    title: str,
    kind: str,
    closes_at: datetime,
    description: str = "",
    audience: str = ConsultationAudience.BOTH,
    anonymous: bool = False,
    results_hidden: bool = False,
    min_choices: int = 1,
    max_choices: int | None = None,
    dots: int = 10,
    need: Need | None = None,
    proposal: Proposal | None = None,
    project: Project | None = None,
    options: Sequence[dict[str, Any]] = (),
    synthetic: bool = False,
) -> Consultation:
    """A draft consultation; a proposal gets its four answers, other kinds the ``options``
    given, each the fields of an option (more can be added while it is a draft)."""
    consultation = Consultation(coop=coop, synthetic=synthetic, created_by=user_of(actor))
    changes = {
        "title": title,
        "description": description,
        "kind": kind,
        "audience": audience,
        "anonymous": anonymous,
        "results_hidden": results_hidden,
        "closes_at": closes_at,
        "min_choices": min_choices,
        "max_choices": max_choices,
        "dots": dots,
        "need": need,
        "proposal": proposal,
        "project": project,
    }
    assign(consultation, changes, CONSULTATION_FIELDS)
    _check_consultation(consultation)
    consultation.save()
    if consultation.kind == ConsultationKind.PROPOSAL:
        if options:
            raise ValidationError(
                _("A proposal's answers are fixed: agree, abstain, disagree, block."),
                field="options",
            )
        _positions(consultation)
    for values in options:
        _add_option(consultation, values)
    audit_record(
        actor=actor,
        action="consultation.create",
        obj=consultation,
        coop=coop,
        after={
            **snapshot(consultation, AUDITED),
            "options": [str(o) for o in consultation.options.all()],
        },
    )
    return consultation


@transaction.atomic
def consultation_update(
    *, actor: Actor, consultation: Consultation, fields: dict[str, Any], at: datetime | None = None
) -> Consultation:
    """Change a draft; once open, only its words and a later closing time change (who may
    answer, how, and whether results show must stay what the first people to answer saw)."""
    consultation = consultation_locked(consultation)
    now = at_or_now(at)
    status = consultation.status_at(now)
    if status == ConsultationStatus.CLOSED:
        raise ValidationError(_("A closed consultation no longer changes."))
    if status == ConsultationStatus.OPEN:
        refused = sorted(set(fields) - set(OPEN_FIELDS))
        if refused:
            raise ValidationError(
                _("This changes only while the consultation is being prepared."), field=refused[0]
            )
    old_kind = consultation.kind

    def check(consultation: Consultation) -> None:
        _check_consultation(consultation)
        if status == ConsultationStatus.OPEN and consultation.closes_at <= now:
            raise ValidationError(
                _("The closing time must be in the future: to close it now, use “Close”."),
                field="closes_at",
            )

    edit(
        consultation,
        actor=actor,
        action="consultation.update",
        changes=fields,
        allowed=CONSULTATION_FIELDS,
        audited=AUDITED,
        check=check,
    )
    if consultation.kind != old_kind and not (
        old_kind in PLAIN_KINDS and consultation.kind in PLAIN_KINDS
    ):
        consultation.options.all().delete()  # a draft: nobody has answered
        if consultation.kind == ConsultationKind.PROPOSAL:
            _positions(consultation)
    return consultation


@transaction.atomic
def option_add(
    *,
    actor: Actor,
    consultation: Consultation,
    label: str = "",
    description: str = "",
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
) -> ConsultationOption:
    """An option (a time slot for a meeting-time poll, whose label may stay empty) of a draft
    consultation."""
    consultation = consultation_locked(consultation)
    _require_draft(consultation)
    option = _new_option(consultation)
    changes = {
        "label": label,
        "description": description,
        "starts_at": starts_at,
        "ends_at": ends_at,
    }
    return _edit_option(option, actor=actor, action="consultation.option_add", changes=changes)


def _draft_option(option: ConsultationOption) -> ConsultationOption:
    """The option read again under its consultation's lock, while the consultation is a draft."""
    consultation = consultation_locked(option.consultation)
    _require_draft(consultation)
    option = ConsultationOption.objects.get(pk=option.pk)
    option.consultation = consultation
    return option


@transaction.atomic
def option_update(
    *, actor: Actor, option: ConsultationOption, fields: dict[str, Any]
) -> ConsultationOption:
    option = _draft_option(option)
    return _edit_option(option, actor=actor, action="consultation.option_update", changes=fields)


@transaction.atomic
def option_remove(*, actor: Actor, option: ConsultationOption) -> None:
    option = _draft_option(option)
    if option.code:
        raise ValidationError(_("A proposal's answers are fixed: agree, abstain, disagree, block."))
    audit_record(
        actor=actor,
        action="consultation.option_remove",
        obj=option,
        coop=option.consultation.coop,
        before=snapshot(option, OPTION_AUDITED),
    )
    option.delete()


# --- opening and closing ------------------------------------------------------------------------
@transaction.atomic
def consultation_open(
    *, actor: Actor, consultation: Consultation, at: datetime | None = None
) -> Consultation:
    """Open a draft to answers, until its closing time."""
    consultation = consultation_locked(consultation)
    now = at_or_now(at)
    if consultation.status != ConsultationStatus.DRAFT:
        raise ValidationError(_("This consultation is already open or closed."))
    count = consultation.options.count()
    if consultation.kind == ConsultationKind.MEETING and count < 1:
        raise ValidationError(_("Add at least one time slot first."), field="options")
    if consultation.kind != ConsultationKind.MEETING and count < 2:
        raise ValidationError(_("Add at least two options first."), field="options")
    if consultation.kind == ConsultationKind.MULTIPLE:
        if consultation.min_choices > count:
            raise ValidationError(
                _("It asks for at least %(min)s choices but has %(n)s options.")
                % {"min": consultation.min_choices, "n": count},
                field="min_choices",
            )
        if consultation.max_choices is not None and consultation.max_choices > count:
            raise ValidationError(
                _("It allows up to %(max)s choices but has %(n)s options.")
                % {"max": consultation.max_choices, "n": count},
                field="max_choices",
            )
    if consultation.closes_at <= now:
        raise ValidationError(
            _("The closing time has passed: set a later one first."), field="closes_at"
        )
    consultation.status = ConsultationStatus.OPEN
    consultation.opened_at, consultation.opened_by = now, user_of(actor)
    consultation.save(update_fields=["status", "opened_at", "opened_by"])
    audit_record(
        actor=actor,
        action="consultation.open",
        obj=consultation,
        coop=consultation.coop,
        after={"status": consultation.status, "closes_at": consultation.closes_at.isoformat()},
    )
    return consultation


def _settle(actor: Actor, consultation: Consultation, now: datetime, *, by_hand: bool) -> None:
    """Record the closing: now (closing early) or at its closing time (already past), with the
    size of the audience it had. The answers still sealed are counted first."""
    if consultation.anonymous:
        mix_answers(consultation, closing=True)
    consultation.status = ConsultationStatus.CLOSED
    consultation.closed_at = min(now, consultation.closes_at)
    consultation.closed_by = user_of(actor) if by_hand else None
    consultation.audience_size = audience_size(consultation)
    consultation.save(update_fields=["status", "closed_at", "closed_by", "audience_size"])
    audit_record(
        actor=actor,
        action="consultation.close",
        obj=consultation,
        coop=consultation.coop,
        after={
            "status": consultation.status,
            "closed_at": consultation.closed_at.isoformat(),
            "audience_size": consultation.audience_size,
        },
    )


@transaction.atomic
def consultation_close(
    *, actor: Actor, consultation: Consultation, at: datetime | None = None
) -> Consultation:
    """Close an open consultation: early, or, past its closing time, to record it."""
    consultation = consultation_locked(consultation)
    if consultation.status == ConsultationStatus.DRAFT:
        raise ValidationError(_("A consultation being prepared cannot be closed: open it first."))
    if consultation.status == ConsultationStatus.CLOSED:
        raise ValidationError(_("This consultation is already closed."))
    _settle(actor, consultation, at_or_now(at), by_hand=True)
    return consultation


# --- the outcome --------------------------------------------------------------------------------
@transaction.atomic
def consultation_outcome(
    *,
    actor: Actor,
    consultation: Consultation,
    text: str,
    on_date: date | None = None,
    at: datetime | None = None,
) -> Consultation:
    """What the board makes of a closed consultation (it binds nobody: it says what will be
    done with it). Stated again, it replaces the previous statement; the trail keeps both."""
    consultation = consultation_locked(consultation)
    now = at_or_now(at)
    if consultation.status_at(now) != ConsultationStatus.CLOSED:
        raise ValidationError(_("The outcome is stated once the consultation has closed."))
    if consultation.status != ConsultationStatus.CLOSED:
        _settle(None, consultation, now, by_hand=False)  # past its time: record the closing
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("This field cannot be blank."), field="outcome")
    today = timezone.localdate(now)
    day = on_date or today
    closed_on = timezone.localdate(consultation.closed_at)
    if not closed_on <= day <= today:
        raise ValidationError(
            _("Give a day from the closing (%(day)s) to today.") % {"day": closed_on.isoformat()},
            field="outcome_on",
        )
    return edit(
        consultation,
        actor=actor,
        action="consultation.outcome",
        changes={"outcome": text, "outcome_on": day, "outcome_by": user_of(actor)},
        allowed=OUTCOME_FIELDS,
        audited=OUTCOME_FIELDS,
        check=partial(validated, exclude=SET_BY_SERVICES),
    )
