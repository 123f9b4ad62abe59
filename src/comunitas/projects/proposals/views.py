"""Web pages of proposals: the list, proposing an answer to needs, a proposal's page with its
supports, the threshold after which the board must review it, comments, and the board's decision
(accepting one makes it a project).

Thin views over ``proposals.services`` and ``proposals.selectors``; every page declares its
action and is in the permission matrix (tests/projects/needs/matrix.py). Object level: only the
proposer (or the operators) may change a proposal, only the proposer withdraw it. Comment
authors are named (first name and initial) to people with a role only."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comunitas.core.formatting import short_name
from comunitas.core.lookups import or_404
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, can, coop_view
from comunitas.core.submission import (
    act_and_flash,
    back_to,
    form_message,
    form_page,
    submit,
    submit_and_flash,
)
from comunitas.projects.models import Proposal, ProposalStatus
from comunitas.projects.needs.selectors import visible
from comunitas.projects.proposals import selectors, services
from comunitas.projects.proposals.forms import (
    PROPOSAL_FORM_FIELDS,
    CommentForm,
    DecisionForm,
    ProposalFilterForm,
    ProposalForm,
)

PAGE_SIZE = 50


def person_name(user, viewer) -> str:
    """How a participant is named to others with a role: first name and the initial of the
    last name, never the username or the e-mail."""
    if user is not None and viewer.is_authenticated and user.pk == viewer.pk:
        return _("you")
    return short_name(user)


def _proposal(coop: Cooperative, proposal_id: int) -> Proposal:
    """A proposal of this cooperative, for the forms (another cooperative's: not found)."""
    return or_404(selectors.proposal_row, coop=coop, pk=proposal_id)


def _is_proposer(request: HttpRequest, proposal: Proposal) -> bool:
    return request.user.is_authenticated and proposal.proposed_by_id == request.user.pk


def _may_edit(request: HttpRequest, coop: Cooperative, proposal: Proposal) -> bool:
    return _is_proposer(request, proposal) or can(request.user, coop, Action.MANAGE_NEEDS)


# --- the list -----------------------------------------------------------------------------------
@coop_view(Action.VIEW_NEEDS)
def proposal_list(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """Proposals, newest first, filtered by status: a constant number of queries (the page's
    count and rows with resource and project, their needs, which of them the user supports)."""
    form = ProposalFilterForm(request.GET or None)
    status = form.status_value() if form.is_bound else ""
    page = Paginator(selectors.proposal_list(coop=coop, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "coop": coop,
        "form": form,
        "status": status,
        "statuses": [("", _("All")), *ProposalStatus.choices],
        "page_obj": page,
        "supported": selectors.supported_proposal_ids(user=request.user, proposals=page),
        "can_participate": can(request.user, coop, Action.PARTICIPATE),
    }
    return render(request, "projects/proposals/list.html", context)


# --- proposing and changing ---------------------------------------------------------------------
@coop_view(Action.PARTICIPATE)
def proposal_create(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """Propose an answer to one or more needs (``?need=<id>`` chooses the first one)."""
    need = request.GET.get("need", "")
    initial = {"needs": [int(need)]} if need.isdigit() and len(need) < 12 else {}
    form = ProposalForm(request.POST or None, coop=coop, initial=initial)
    return form_page(
        request,
        coop,
        form,
        lambda: services.proposal_submit(
            actor=request.user, coop=coop, **form.proposal_fields(), needs=form.needs()
        ),
        done=_(
            "Your proposal is published: ask others to support it so that the board reviews it."
        ),
        detail="projects:proposal_detail",
        template="projects/proposals/form.html",
        proposal=None,
    )


@coop_view(Action.PARTICIPATE)
def proposal_edit(request: HttpRequest, coop: Cooperative, proposal_id: int) -> HttpResponse:
    """The proposer (or an operator) changes a proposal still in play."""
    proposal = _proposal(coop, proposal_id)
    if not _may_edit(request, coop, proposal):
        raise PermissionDenied
    if not proposal.is_live:
        messages.error(
            request,
            _("This proposal is “%(status)s”: it can no longer change.")
            % {"status": proposal.get_status_display()},
        )
        return redirect("projects:proposal_detail", coop.slug, proposal.pk)
    initial: dict[str, Any] = {name: getattr(proposal, name) for name in PROPOSAL_FORM_FIELDS}
    initial["resource"] = proposal.resource_id
    initial["needs"] = list(proposal.needs.values_list("pk", flat=True))
    form = ProposalForm(request.POST or None, coop=coop, proposal=proposal, initial=initial)
    return form_page(
        request,
        coop,
        form,
        lambda: services.proposal_update(
            actor=request.user, proposal=proposal, fields=form.proposal_fields(), needs=form.needs()
        ),
        done=_("Changes saved."),
        detail="projects:proposal_detail",
        template="projects/proposals/form.html",
        proposal=proposal,
    )


# --- a proposal's page --------------------------------------------------------------------------
@coop_view(Action.VIEW_NEEDS)
def proposal_detail(request: HttpRequest, coop: Cooperative, proposal_id: int) -> HttpResponse:
    proposal = or_404(selectors.proposal_get, coop=coop, pk=proposal_id)
    user, has_role = request.user, request.coop_role is not None
    live = proposal.is_live
    can_participate = can(user, coop, Action.PARTICIPATE)
    resource = proposal.resource
    context = {
        "coop": coop,
        "proposal": proposal,
        "needs": list(proposal.needs.all()),
        "resource": resource,
        # A resource kept off the public registry is not named to visitors either.
        "show_resource": visible(resource, named=has_role) is not None,
        "balance": proposal.estimated_revenues - proposal.estimated_costs,
        "threshold": services.support_threshold(coop),
        "mine": _is_proposer(request, proposal),
        "proposer": person_name(proposal.proposed_by, user) if has_role else "",
        "supports": bool(selectors.supported_proposal_ids(user=user, proposals=[proposal])),
        "comments": [
            (comment, person_name(comment.author, user) if has_role else "")
            for comment in proposal.comments.all()
        ],
        "live": live,
        "can_participate": can_participate,
        "can_edit": live and _may_edit(request, coop, proposal),
        "comment_form": CommentForm() if live and can_participate else None,
        "decision_form": (
            DecisionForm() if live and can(user, coop, Action.DECIDE_PROPOSALS) else None
        ),
    }
    if getattr(proposal, "project", None) is not None:
        context["project"] = proposal.project
    return render(request, "projects/proposals/detail.html", context)


# --- supports, comments, withdrawal -------------------------------------------------------------
def _act(request: HttpRequest, coop: Cooperative, proposal_id: int, service, done: str):
    proposal = _proposal(coop, proposal_id)
    act_and_flash(request, lambda: service(actor=request.user, proposal=proposal), done=done)
    return back_to(request, coop, "projects:proposal_detail", proposal.pk)


@require_POST
@coop_view(Action.PARTICIPATE)
def proposal_support(request: HttpRequest, coop: Cooperative, proposal_id: int) -> HttpResponse:
    return _act(
        request,
        coop,
        proposal_id,
        services.proposal_support,
        _("Thank you: your support is counted."),
    )


@require_POST
@coop_view(Action.PARTICIPATE)
def proposal_unsupport(request: HttpRequest, coop: Cooperative, proposal_id: int) -> HttpResponse:
    return _act(
        request, coop, proposal_id, services.proposal_unsupport, _("Your support is withdrawn.")
    )


@require_POST
@coop_view(Action.PARTICIPATE)
def proposal_withdraw(request: HttpRequest, coop: Cooperative, proposal_id: int) -> HttpResponse:
    """Only the proposer withdraws a proposal (the service refuses anyone else: 403)."""
    return _act(
        request, coop, proposal_id, services.proposal_withdraw, _("The proposal is withdrawn.")
    )


@require_POST
@coop_view(Action.PARTICIPATE)
def proposal_comment(request: HttpRequest, coop: Cooperative, proposal_id: int) -> HttpResponse:
    proposal = _proposal(coop, proposal_id)
    form = CommentForm(request.POST)
    submit_and_flash(
        request,
        form,
        lambda: services.proposal_comment(
            actor=request.user, proposal=proposal, text=form.cleaned_data["text"]
        ),
        done=_("Your comment is published."),
        failed=_("The comment was not published."),
    )
    return redirect("projects:proposal_detail", coop.slug, proposal.pk)


# --- the board's decision -----------------------------------------------------------------------
@require_POST
@coop_view(Action.DECIDE_PROPOSALS)
def proposal_decide(request: HttpRequest, coop: Cooperative, proposal_id: int) -> HttpResponse:
    """Accept (the proposal becomes a project: on to its page to add objectives), ask for
    changes or decline; the proposer is told by e-mail."""
    proposal = _proposal(coop, proposal_id)
    form = DecisionForm(request.POST)
    # The service returns the project, or None for changes and declines: wrapped, so that a
    # decision taken is told apart from a refused one.
    result = submit(
        request,
        form,
        lambda: (
            services.proposal_decide(
                actor=request.user,
                proposal=proposal,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            ),
        ),
    )
    if result is None:
        messages.error(request, form_message(form) or _("Nothing was decided."))
        return redirect("projects:proposal_detail", coop.slug, proposal.pk)
    (project,) = result
    if project is not None:
        messages.success(
            request,
            _("The proposal is accepted and is now a project: add its objectives and milestones."),
        )
        return redirect("projects:project_detail", coop.slug, project.pk)
    messages.success(request, _("The decision is recorded; the proposer is told by e-mail."))
    return redirect("projects:proposal_detail", coop.slug, proposal.pk)
