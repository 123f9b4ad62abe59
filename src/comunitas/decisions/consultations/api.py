"""API of consultations: the list, one consultation, setting it up with its options, opening and
closing it, answering (and changing a named answer), the caller's answer, the results and the
outcome.

Same rules as the pages: anyone reads a public cooperative's consultations (drafts: staff and the
board only, 404 for others) and, once closed, their results; while open, the people with a role
read the results unless they are hidden until the close (403 for everyone, staff included, as on
the pages). Any role may try to answer; the consultation's audience decides (403 outside it).
Objects are always fetched within the cooperative (another's id answers 404, in a body 422).
Parsing here, rules in the services."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Status
from ninja.pagination import paginate

from comunitas.core.endpoints import PUBLIC, Pagination, Shaped, answers, plain_values
from comunitas.core.errors import ValidationError
from comunitas.core.formatting import short_name
from comunitas.core.lookups import or_404
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, coop_for
from comunitas.decisions.consultations import answer_services, selectors, services
from comunitas.decisions.consultations.schemas import (
    ConsultationAvailabilityName,
    ConsultationIn,
    ConsultationItem,
    ConsultationMyAnswerOut,
    ConsultationOptionIn,
    ConsultationOptionOut,
    ConsultationOptionPatch,
    ConsultationOut,
    ConsultationOutcomeIn,
    ConsultationPatch,
    ConsultationQuery,
    ConsultationResultsOut,
    ConsultationVoteIn,
)
from comunitas.decisions.models.consultations import Availability, Consultation, ConsultationOption
from comunitas.projects.models import Need, Project, Proposal

router = Router()
BASE = "/coops/{slug}/consultations"
ONE = f"{BASE}/{{int:consultation_id}}"
OPTION = f"{ONE}/options/{{int:option_id}}"
TAGS = ["consultations"]
AVAILABILITY = {
    ConsultationAvailabilityName.YES: Availability.YES,
    ConsultationAvailabilityName.MAYBE: Availability.MAYBE,
    ConsultationAvailabilityName.NO: Availability.NO,
}
ATTACHABLE = (
    ("need_id", "need", Need, gettext_lazy("Choose a need of this cooperative.")),
    ("proposal_id", "proposal", Proposal, gettext_lazy("Choose a proposal of this cooperative.")),
    ("project_id", "project", Project, gettext_lazy("Choose a project of this cooperative.")),
)


def _fields(coop: Cooperative, values: dict[str, Any]) -> dict[str, Any]:
    """The body's fields as the service takes them: attachments looked up in the cooperative
    (another's id, or none, is a field error: nobody learns what other cooperatives hold)."""
    fields = plain_values(values)
    for key, name, model, message in ATTACHABLE:
        if key not in fields:
            continue
        pk = fields.pop(key)
        if pk is None:
            fields[name] = None
            continue
        found = model.objects.filter(coop=coop, pk=pk).first()
        if found is None:
            raise ValidationError(str(message), field=key)
        fields[name] = found
    return fields


def _item(c: Consultation) -> dict[str, Any]:
    return {
        "id": c.pk,
        "title": c.title,
        "kind": c.kind,
        "audience": c.audience,
        "anonymous": c.anonymous,
        "results_hidden": c.results_hidden,
        "status": c.current_status,
        "closes_at": c.closes_at,
        "participants": getattr(c, "participants", 0),
        "need_id": c.need_id,
        "proposal_id": c.proposal_id,
        "project_id": c.project_id,
        "has_outcome": bool(c.outcome),
        "synthetic": c.synthetic,
        "created_at": c.created_at,
    }


def consultation_out(request, coop: Cooperative, consultation_id: int) -> dict[str, Any]:
    consultation = or_404(
        selectors.consultation_visible, coop=coop, pk=consultation_id, user=request.auth
    )
    user = request.auth
    answer = selectors.my_answer(consultation=consultation, user=user)
    return {
        **_item(consultation),
        "participants": selectors.participation_count(consultation=consultation),
        "description": consultation.description,
        "min_choices": consultation.min_choices,
        "max_choices": consultation.max_choices,
        "dots": consultation.dots,
        "opened_at": consultation.opened_at,
        "closed_at": consultation.closed_at,
        "audience_size": consultation.audience_size,
        "options": list(consultation.options.all()),
        "outcome": (
            {
                "text": consultation.outcome,
                "on": consultation.outcome_on,
                "by": short_name(consultation.outcome_by),
            }
            if consultation.outcome
            else None
        ),
        "results_visible": not selectors.results_refusal(consultation, user),
        "may_answer": not selectors.answer_refusal(consultation, user, answered=answer.answered),
    }


# --- consultations ------------------------------------------------------------------------------
@router.get(BASE, response=answers(200, list[ConsultationItem]), tags=TAGS, openapi_extra=PUBLIC)
@paginate(Pagination)
def consultation_list(request, slug: str, filters: Query[ConsultationQuery]):
    """Open consultations first (closing soonest), then the closed ones; drafts for staff and
    the board only. Filter by ``status`` (as it counts now) and ``kind``. Two queries for the
    page and its count, whatever the number of consultations."""
    coop = coop_for(request.auth, slug, Action.VIEW_CONSULTATIONS)
    found = selectors.consultation_list(
        coop=coop,
        user=request.auth,
        status=filters.status.value if filters.status else "",
        kind=filters.kind.value if filters.kind else "",
    )
    return Shaped(found, lambda page: [_item(c) for c in page])


@router.post(BASE, response=answers(201, ConsultationOut), tags=TAGS)
def consultation_create(request, slug: str, payload: ConsultationIn):
    """A draft consultation with its options (a proposal has its four answers already)."""
    coop = coop_for(request.auth, slug, Action.MANAGE_CONSULTATIONS)
    consultation = services.consultation_create(
        actor=request.auth,
        coop=coop,
        **_fields(coop, payload.dict(exclude={"options"})),
        options=[option.dict() for option in payload.options],
    )
    return Status(201, consultation_out(request, coop, consultation.pk))


@router.get(ONE, response=answers(200, ConsultationOut), tags=TAGS, openapi_extra=PUBLIC)
def consultation_get(request, slug: str, consultation_id: int):
    coop = coop_for(request.auth, slug, Action.VIEW_CONSULTATIONS)
    return consultation_out(request, coop, consultation_id)


@router.patch(ONE, response=answers(200, ConsultationOut), tags=TAGS)
def consultation_update(request, slug: str, consultation_id: int, payload: ConsultationPatch):
    """Change a draft; once open, only the title, the description and a later closing time."""
    coop = coop_for(request.auth, slug, Action.MANAGE_CONSULTATIONS)
    consultation = or_404(
        selectors.consultation_visible, coop=coop, pk=consultation_id, user=request.auth
    )
    fields = _fields(coop, payload.dict(exclude_unset=True))
    services.consultation_update(actor=request.auth, consultation=consultation, fields=fields)
    return consultation_out(request, coop, consultation_id)


# --- options ------------------------------------------------------------------------------------
def _option(request, slug: str, consultation_id: int, option_id: int) -> ConsultationOption:
    """An option to change (staff and the board)."""
    coop = coop_for(request.auth, slug, Action.MANAGE_CONSULTATIONS)
    return or_404(
        selectors.option_visible,
        coop=coop,
        consultation_id=consultation_id,
        pk=option_id,
        user=request.auth,
    )


@router.post(f"{ONE}/options", response=answers(201, ConsultationOptionOut), tags=TAGS)
def option_add(request, slug: str, consultation_id: int, payload: ConsultationOptionIn):
    """An option, or a time slot of a meeting-time poll, while the consultation is a draft."""
    coop = coop_for(request.auth, slug, Action.MANAGE_CONSULTATIONS)
    consultation = or_404(
        selectors.consultation_visible, coop=coop, pk=consultation_id, user=request.auth
    )
    option = services.option_add(actor=request.auth, consultation=consultation, **payload.dict())
    return Status(201, option)


@router.patch(OPTION, response=answers(200, ConsultationOptionOut), tags=TAGS)
def option_update(
    request, slug: str, consultation_id: int, option_id: int, payload: ConsultationOptionPatch
):
    option = _option(request, slug, consultation_id, option_id)
    return services.option_update(
        actor=request.auth, option=option, fields=payload.dict(exclude_unset=True)
    )


@router.delete(OPTION, response=answers(204, None), tags=TAGS)
def option_remove(request, slug: str, consultation_id: int, option_id: int):
    option = _option(request, slug, consultation_id, option_id)
    services.option_remove(actor=request.auth, option=option)
    return Status(204, None)


# --- opening, closing and the outcome -----------------------------------------------------------
def _managed(request, slug: str, consultation_id: int, change: Callable[..., Any], **values):
    """``change`` (a service) done by staff or the board, answered with the consultation."""
    coop = coop_for(request.auth, slug, Action.MANAGE_CONSULTATIONS)
    consultation = or_404(
        selectors.consultation_visible, coop=coop, pk=consultation_id, user=request.auth
    )
    change(actor=request.auth, consultation=consultation, **values)
    return consultation_out(request, coop, consultation_id)


@router.post(f"{ONE}/open", response=answers(200, ConsultationOut), tags=TAGS)
def consultation_open(request, slug: str, consultation_id: int):
    """Open a draft to answers until its closing time."""
    return _managed(request, slug, consultation_id, services.consultation_open)


@router.post(f"{ONE}/close", response=answers(200, ConsultationOut), tags=TAGS)
def consultation_close(request, slug: str, consultation_id: int):
    """Close it now (early), or record the closing of one past its closing time."""
    return _managed(request, slug, consultation_id, services.consultation_close)


@router.post(f"{ONE}/outcome", response=answers(200, ConsultationOut), tags=TAGS)
def consultation_outcome(request, slug: str, consultation_id: int, payload: ConsultationOutcomeIn):
    """What the board makes of a closed consultation; stated again, it replaces the last."""
    return _managed(
        request,
        slug,
        consultation_id,
        services.consultation_outcome,
        text=payload.outcome,
        on_date=payload.outcome_on,
    )


# --- answers ------------------------------------------------------------------------------------
def _my_answer(consultation: Consultation, user) -> dict[str, Any]:
    answer = selectors.my_answer(consultation=consultation, user=user)
    return {
        "answered": answer.answered,
        "changeable": answer.changeable,
        "answered_at": answer.answered_at,
        "changed_at": answer.changed_at,
        "position": answer.position,
        "reason": answer.reason,
        "values": [{"option": pk, "value": v} for pk, v in sorted(answer.values.items())],
    }


def _pairs(marks) -> list[tuple[int, int]]:
    return [(mark.option, mark.value) for mark in marks]


@router.post(f"{ONE}/vote", response=answers(200, ConsultationMyAnswerOut), tags=TAGS)
def consultation_vote(request, slug: str, consultation_id: int, payload: ConsultationVoteIn):
    """Answer (or, in a named consultation still open, change one's answer). 403 for someone
    outside the consultation's audience; 422 naming the field for an answer the kind does not
    accept, or when it is not open, or when an anonymous answer was already given."""
    coop = coop_for(request.auth, slug, Action.VOTE)
    consultation = or_404(
        selectors.consultation_visible, coop=coop, pk=consultation_id, user=request.auth
    )
    answer_services.consultation_answer(
        actor=request.auth,
        consultation=consultation,
        position=payload.position.value if payload.position else "",
        reason=payload.reason,
        choices=payload.choices,
        scores=_pairs(payload.scores),
        ranks=_pairs(payload.ranks),
        dots=_pairs(payload.dots),
        availability=[(m.option, AVAILABILITY[m.value]) for m in payload.availability],
    )
    return _my_answer(consultation, request.auth)


@router.get(f"{ONE}/my-answer", response=answers(200, ConsultationMyAnswerOut), tags=TAGS)
def consultation_my_answer(request, slug: str, consultation_id: int):
    """The caller's answer; of an anonymous one, only that it was given."""
    coop = coop_for(request.auth, slug, Action.VOTE)
    consultation = or_404(
        selectors.consultation_visible, coop=coop, pk=consultation_id, user=request.auth
    )
    return _my_answer(consultation, request.auth)


# --- results ------------------------------------------------------------------------------------
def results_out(found: selectors.Results) -> dict[str, Any]:
    return {
        "consultation_id": found.consultation.pk,
        "kind": found.consultation.kind,
        "final": found.final,
        "participants": found.participants,
        "answers": found.answers,
        "sealed": found.sealed,
        "audience_size": found.audience,
        "participation_percent": found.participation_percent,
        "options": [
            {
                "option_id": row.option.pk,
                "label": row.label,
                "count": row.count,
                "total": row.total,
                "percent": row.percent,
                "mean": row.mean,
                "distribution": row.distribution,
                "yes": row.yes,
                "maybe": row.maybe,
                "no": row.no,
                "best": row.best,
            }
            for row in found.options
        ],
        "winner_id": found.winner.pk if found.winner else None,
        "rounds": [
            {
                "number": r.number,
                "counts": [
                    {"option_id": o.pk, "count": n, "percent": share} for o, n, share in r.counts
                ],
                "exhausted": r.exhausted,
                "continuing": r.continuing,
                "winner_id": r.winner.pk if r.winner else None,
                "eliminated": [o.pk for o in r.eliminated],
                "reason": r.reason,
                "tied": [o.pk for o in r.tied],
            }
            for r in found.rounds
        ],
        "dots_given": found.dots_given,
        "reasons": [
            {"name": name or None, "position": position, "text": text}
            for name, position, text in found.reasons
        ],
        "named": [{"name": a.name, "answer": a.answer, "reason": a.reason} for a in found.named],
    }


@router.get(
    f"{ONE}/results", response=answers(200, ConsultationResultsOut), tags=TAGS, openapi_extra=PUBLIC
)
def consultation_results(request, slug: str, consultation_id: int):
    """The results as they stand (``final`` once closed); 403 while they are not to be seen."""
    coop = coop_for(request.auth, slug, Action.VIEW_CONSULTATIONS)
    consultation = or_404(
        selectors.consultation_visible, coop=coop, pk=consultation_id, user=request.auth
    )
    refusal = selectors.results_refusal(consultation, request.auth)
    if refusal:
        raise PermissionDenied(refusal)
    return results_out(selectors.results(consultation=consultation, viewer=request.auth))
