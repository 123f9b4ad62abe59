"""Pages of consultations: the list (open, closed, and drafts for staff), setting one up with its
options, its page with the answer form of its kind, opening and closing it, the results with
their charts and tables (ranked choice round by round), and the board's outcome.

Thin views over ``services``, ``answer_services`` and ``selectors``; every page declares its
action and is in the permission matrix (tests/decisions/consultations/matrix.py). A change
refused because of the consultation's state (closed, not a draft any more) sends back to its
page with a message; an answer or a form the services refuse is shown again with the errors next
to the fields. Someone outside the consultation's audience who posts an answer gets 403."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comunitas.core.formatting import short_name
from comunitas.core.lookups import or_404
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, can, coop_view
from comunitas.core.submission import act_and_flash, submit, submit_and_flash
from comunitas.decisions.consultations import (
    answer_services,
    audience,
    charts,
    selectors,
    services,
)
from comunitas.decisions.consultations.forms import (
    AnswerForm,
    ConsultationFilterForm,
    ConsultationForm,
    OptionForm,
    OutcomeForm,
)
from comunitas.decisions.models.consultations import (
    Consultation,
    ConsultationKind,
    ConsultationStatus,
)

PAGE_SIZE = 30


def _back(coop: Cooperative, consultation: Consultation) -> HttpResponse:
    return redirect("decisions:consultation_detail", coop.slug, consultation.pk)


def about(consultation: Consultation) -> tuple[str, str, str] | None:
    """What the consultation is about: (kind of thing, title, address), or None."""
    slug = consultation.coop.slug
    if consultation.need_id:
        need = consultation.need
        return _("need"), need.title, reverse("projects:need_detail", args=[slug, need.pk])
    if consultation.proposal_id:
        proposal = consultation.proposal
        return (
            _("proposal"),
            proposal.title,
            reverse("projects:proposal_detail", args=[slug, proposal.pk]),
        )
    if consultation.project_id:
        project = consultation.project
        return (
            _("project"),
            project.title,
            reverse("projects:project_detail", args=[slug, project.pk]),
        )
    return None


# --- the list -----------------------------------------------------------------------------------
@coop_view(Action.VIEW_CONSULTATIONS)
def consultation_list(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """Open consultations first, then the closed; drafts for staff and the board. The page and
    its count are two queries whatever the number of consultations."""
    manager = can(request.user, coop, Action.MANAGE_CONSULTATIONS)
    form = ConsultationFilterForm(request.GET or None, drafts=manager)
    status, kind = form.values()
    found = selectors.consultation_list(coop=coop, user=request.user, status=status, kind=kind)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "coop": coop,
        "form": form,
        "status": status,
        "kind": kind,
        "statuses": form.fields["status"].choices,
        "page_obj": page,
        "can_manage": manager,
    }
    return render(request, "decisions/consultations/list.html", context)


# --- setting up ---------------------------------------------------------------------------------
def _attach_initial(request: HttpRequest) -> dict[str, int]:
    """``?need=``, ``?proposal=`` or ``?project=`` from the page of what it is about."""
    for name in ("need", "proposal", "project"):
        value = request.GET.get(name, "")
        if value.isdigit() and len(value) < 12:
            return {name: int(value)}
    return {}


@coop_view(Action.MANAGE_CONSULTATIONS)
def consultation_create(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    form = ConsultationForm(
        request.POST or None, coop=coop, creating=True, initial=_attach_initial(request)
    )
    consultation = submit(
        request,
        form,
        lambda: services.consultation_create(
            actor=request.user,
            coop=coop,
            **form.consultation_fields(),
            options=form.options(),
        ),
    )
    if consultation:
        if consultation.kind == ConsultationKind.MEETING:
            messages.success(request, _("The draft is saved: now add its time slots."))
            return redirect("decisions:consultation_edit", coop.slug, consultation.pk)
        messages.success(
            request, _("The draft is saved. Check it, then open it to answers when ready.")
        )
        return _back(coop, consultation)
    return render(
        request,
        "decisions/consultations/form.html",
        {"coop": coop, "form": form, "consultation": None},
    )


@coop_view(Action.MANAGE_CONSULTATIONS)
def consultation_edit(
    request: HttpRequest, coop: Cooperative, consultation_id: int
) -> HttpResponse:
    """A draft changes entirely, with its options; an open consultation only its question,
    background and closing time; a closed one not at all."""
    consultation = or_404(
        selectors.consultation_visible, coop=coop, pk=consultation_id, user=request.user
    )
    status = consultation.current_status
    if status == ConsultationStatus.CLOSED:
        messages.error(request, _("A closed consultation no longer changes."))
        return _back(coop, consultation)
    is_open = status == ConsultationStatus.OPEN
    form = ConsultationForm(
        request.POST or None,
        coop=coop,
        open_only=is_open,
        initial=ConsultationForm.initial_of(consultation),
    )
    saved = submit(
        request,
        form,
        lambda: services.consultation_update(
            actor=request.user, consultation=consultation, fields=form.consultation_fields()
        ),
    )
    if saved:
        messages.success(request, _("Changes saved."))
        if saved.kind == ConsultationKind.MEETING and not is_open:
            return redirect("decisions:consultation_edit", coop.slug, saved.pk)
        return _back(coop, saved)
    context = {
        "coop": coop,
        "form": form,
        "consultation": consultation,
        "is_open": is_open,
        "options": list(consultation.options.all()),
        "option_form": (
            OptionForm(prefix="option", slots=consultation.kind == ConsultationKind.MEETING)
            if not is_open and consultation.kind != ConsultationKind.PROPOSAL
            else None
        ),
    }
    return render(request, "decisions/consultations/form.html", context)


@require_POST
@coop_view(Action.MANAGE_CONSULTATIONS)
def option_add(request: HttpRequest, coop: Cooperative, consultation_id: int) -> HttpResponse:
    consultation = or_404(
        selectors.consultation_visible, coop=coop, pk=consultation_id, user=request.user
    )
    form = OptionForm(
        request.POST, prefix="option", slots=consultation.kind == ConsultationKind.MEETING
    )
    added = submit_and_flash(
        request,
        form,
        lambda: services.option_add(
            actor=request.user, consultation=consultation, **form.option_fields()
        ),
        done=_("Option added."),
        failed=_("The option was not added."),
    )
    if added or consultation.status == ConsultationStatus.DRAFT:
        return redirect("decisions:consultation_edit", coop.slug, consultation.pk)
    return _back(coop, consultation)


@require_POST
@coop_view(Action.MANAGE_CONSULTATIONS)
def option_remove(
    request: HttpRequest, coop: Cooperative, consultation_id: int, option_id: int
) -> HttpResponse:
    option = or_404(
        selectors.option_visible,
        coop=coop,
        consultation_id=consultation_id,
        pk=option_id,
        user=request.user,
    )
    consultation = option.consultation
    done = act_and_flash(
        request,
        lambda: services.option_remove(actor=request.user, option=option),
        done=_("Option removed."),
    )
    if done or consultation.status == ConsultationStatus.DRAFT:
        return redirect("decisions:consultation_edit", coop.slug, consultation.pk)
    return _back(coop, consultation)


def _moved(request, coop: Cooperative, consultation_id: int, move, *, done: str) -> HttpResponse:
    """``move`` (the service that opens or closes it), then back to the consultation's page."""
    consultation = or_404(
        selectors.consultation_visible, coop=coop, pk=consultation_id, user=request.user
    )
    act_and_flash(request, lambda: move(actor=request.user, consultation=consultation), done=done)
    return _back(coop, consultation)


@require_POST
@coop_view(Action.MANAGE_CONSULTATIONS)
def consultation_open(
    request: HttpRequest, coop: Cooperative, consultation_id: int
) -> HttpResponse:
    done = _("The consultation is open: its audience can answer until it closes.")
    return _moved(request, coop, consultation_id, services.consultation_open, done=done)


@require_POST
@coop_view(Action.MANAGE_CONSULTATIONS)
def consultation_close(
    request: HttpRequest, coop: Cooperative, consultation_id: int
) -> HttpResponse:
    done = _("The consultation is closed: its results are final.")
    return _moved(request, coop, consultation_id, services.consultation_close, done=done)


# --- a consultation's page and answers ----------------------------------------------------------
def _detail(
    request: HttpRequest, coop: Cooperative, consultation: Consultation, form=None
) -> HttpResponse:
    user = request.user
    answer = selectors.my_answer(consultation=consultation, user=user)
    refusal = selectors.answer_refusal(consultation, user, answered=answer.answered)
    options = list(consultation.options.all())
    if form is None and not refusal:
        initial = (
            AnswerForm.initial_of(consultation, answer.values, answer.position, answer.reason)
            if answer.answered
            else None
        )
        form = AnswerForm(consultation=consultation, options=options, initial=initial)
    status = consultation.current_status
    manager = can(user, coop, Action.MANAGE_CONSULTATIONS)
    context = {
        "coop": coop,
        "consultation": consultation,
        "status": status,
        "options": options,
        "about": about(consultation),
        "answer": answer,
        "answer_form": form,
        "refusal": refusal,
        "participants": selectors.participation_count(consultation=consultation),
        "audience_size": (
            consultation.audience_size
            if consultation.audience_size is not None
            else audience.audience_size(consultation)
        ),
        "results_refusal": selectors.results_refusal(consultation, user),
        "can_manage": manager,
        "outcome_by": short_name(consultation.outcome_by) if consultation.outcome else "",
        "slots": consultation.kind == ConsultationKind.MEETING,
    }
    return render(request, "decisions/consultations/detail.html", context)


@coop_view(Action.VIEW_CONSULTATIONS)
def consultation_detail(
    request: HttpRequest, coop: Cooperative, consultation_id: int
) -> HttpResponse:
    consultation = or_404(
        selectors.consultation_visible, coop=coop, pk=consultation_id, user=request.user
    )
    return _detail(request, coop, consultation)


@require_POST
@coop_view(Action.VOTE)
def consultation_vote(
    request: HttpRequest, coop: Cooperative, consultation_id: int
) -> HttpResponse:
    """Answer, or change a named answer. Not open: back with a message; outside the audience:
    403 (from the service); an answer the kind does not accept: the form again, with errors."""
    consultation = or_404(
        selectors.consultation_visible, coop=coop, pk=consultation_id, user=request.user
    )
    closed = selectors.state_refusal(consultation)
    if closed:
        messages.error(request, closed)
        return _back(coop, consultation)
    form = AnswerForm(
        request.POST, consultation=consultation, options=list(consultation.options.all())
    )
    answered_before = selectors.my_answer(consultation=consultation, user=request.user).answered
    answered = submit(
        request,
        form,
        lambda: answer_services.consultation_answer(
            actor=request.user, consultation=consultation, **form.answer()
        ),
    )
    if answered:
        if answered_before:
            thanks = _("Your answer is changed.")
        elif consultation.anonymous:
            thanks = _("Thank you: your answer is sealed, to be counted with others.")
        else:
            thanks = _("Thank you: your answer is counted.")
        messages.success(request, thanks)
        return _back(coop, consultation)
    return _detail(request, coop, consultation, form=form)


# --- results and outcome ------------------------------------------------------------------------
@coop_view(Action.VIEW_CONSULTATIONS)
def consultation_results(
    request: HttpRequest, coop: Cooperative, consultation_id: int
) -> HttpResponse:
    """The results (403 while they are not to be seen: hidden until the close, or, for
    visitors, not yet closed). A constant number of queries whatever the number of answers."""
    consultation = or_404(
        selectors.consultation_visible, coop=coop, pk=consultation_id, user=request.user
    )
    refusal = selectors.results_refusal(consultation, request.user)
    if refusal:
        raise PermissionDenied(refusal)
    found = selectors.results(consultation=consultation, viewer=request.user)
    rounds = [
        {"round": r, "chart": charts.round_chart(r), "explanation": charts.reason_text(r)}
        for r in found.rounds
    ]
    context = {
        "coop": coop,
        "consultation": consultation,
        "results": found,
        "chart": charts.results_chart(found),
        "rounds": rounds,
        "last_round": found.rounds[-1] if found.rounds else None,
        "ranked_options": [
            {
                "option": o,
                "cells": [
                    dict((opt.pk, n) for opt, n, _s in r.counts).get(o.pk) for r in found.rounds
                ],
            }
            for o in (row.option for row in found.options)
        ],
        "can_manage": can(request.user, coop, Action.MANAGE_CONSULTATIONS),
        "outcome_by": short_name(consultation.outcome_by) if consultation.outcome else "",
    }
    return render(request, "decisions/consultations/results.html", context)


@coop_view(Action.MANAGE_CONSULTATIONS)
def consultation_outcome(
    request: HttpRequest, coop: Cooperative, consultation_id: int
) -> HttpResponse:
    """The board's outcome of a closed consultation (stated again, it replaces the last)."""
    consultation = or_404(
        selectors.consultation_visible, coop=coop, pk=consultation_id, user=request.user
    )
    if consultation.current_status != ConsultationStatus.CLOSED:
        messages.error(request, _("The outcome is stated once the consultation has closed."))
        return _back(coop, consultation)
    initial = {"outcome": consultation.outcome, "outcome_on": consultation.outcome_on}
    form = OutcomeForm(request.POST or None, initial=initial)
    saved = submit(
        request,
        form,
        lambda: services.consultation_outcome(
            actor=request.user,
            consultation=consultation,
            text=form.cleaned_data["outcome"],
            on_date=form.cleaned_data["outcome_on"],
        ),
    )
    if saved:
        messages.success(request, _("The outcome is published with the results."))
        return redirect("decisions:consultation_results", coop.slug, consultation.pk)
    return render(
        request,
        "decisions/consultations/outcome.html",
        {"coop": coop, "consultation": consultation, "form": form},
    )
