"""Pages of participatory budgets: the list, setting one up, a budget's page in each phase,
proposing a project, staff's review, the ballot (with a running total the server computes), the
results explained and compared, the phase transitions and the follow-up links.

Thin views over ``services`` and ``selectors``; every page declares its action and is in the
permission matrix (tests/decisions/budgets/matrix.py). Who may vote in a budget (its audience,
the dates, once) is the service's to say: the ballot page asks it and shows why not. Nobody's
ballot is shown to anyone else; people read only their own."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comunitas.core.kernel.money import ZERO
from comunitas.core.lookups import or_404
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, can, coop_view
from comunitas.core.submission import submit, submit_and_flash
from comunitas.decisions.budgets import selectors, services
from comunitas.decisions.budgets.forms import (
    BallotForm,
    BudgetForm,
    FollowUpForm,
    PhaseForm,
    ProjectForm,
    ReviewForm,
    budget_initial,
    chosen_ids,
)
from comunitas.decisions.models.budgets import (
    COUNTED_PHASES,
    PHASE_ORDER,
    PHASE_TRANSITIONS,
    BallotMethod,
    BudgetPhase,
    BudgetProject,
    BudgetReviewStatus,
    ParticipatoryBudget,
)

PAGE_SIZE = 30


def phase_steps(budget: ParticipatoryBudget) -> list[dict]:
    """The five phases, each done, current or to come (the page's step list)."""
    current = PHASE_ORDER.index(budget.phase)
    return [
        {"label": label, "state": "done" if i < current else "current" if i == current else ""}
        for i, (_value, label) in enumerate(BudgetPhase.choices)
    ]


# --- the list and setting a budget up -----------------------------------------------------------
@coop_view(Action.VIEW_BUDGETS)
def budget_list(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """The cooperative's budgets, newest first: a constant number of queries (the page's count
    and its rows with their project counts)."""
    page = Paginator(selectors.budget_list(coop=coop), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "coop": coop,
        "page_obj": page,
        "can_manage": can(request.user, coop, Action.MANAGE_BUDGETS),
    }
    return render(request, "decisions/budgets/list.html", context)


@coop_view(Action.MANAGE_BUDGETS)
def budget_create(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    form = BudgetForm(request.POST or None)
    budget = submit(
        request,
        form,
        lambda: services.budget_create(actor=request.user, coop=coop, **form.budget_fields()),
    )
    if budget:
        messages.success(request, _("The budget is set up: it now collects projects."))
        return redirect("decisions:budget_detail", coop.slug, budget.pk)
    return render(request, "decisions/budgets/form.html", {"coop": coop, "form": form})


@coop_view(Action.MANAGE_BUDGETS)
def budget_edit(request: HttpRequest, coop: Cooperative, budget_id: int) -> HttpResponse:
    """Change a budget; once the vote is prepared, only its texts."""
    budget = or_404(selectors.budget_get, coop=coop, pk=budget_id)
    form = BudgetForm(
        request.POST or None, initial=budget_initial(budget), locked=not budget.rules_open
    )
    saved = submit(
        request,
        form,
        lambda: services.budget_update(
            actor=request.user, budget=budget, fields=form.budget_fields()
        ),
    )
    if saved:
        messages.success(request, _("Changes saved."))
        return redirect("decisions:budget_detail", coop.slug, budget.pk)
    context = {"coop": coop, "form": form, "budget": budget}
    return render(request, "decisions/budgets/form.html", context)


# --- a budget's page and its phases --------------------------------------------------------------
@coop_view(Action.VIEW_BUDGETS)
def budget_detail(request: HttpRequest, coop: Cooperative, budget_id: int) -> HttpResponse:
    budget = or_404(selectors.budget_get, coop=coop, pk=budget_id)
    user = request.user
    projects = list(selectors.budget_projects(budget=budget))
    manage = can(user, coop, Action.MANAGE_BUDGETS)
    ballot = selectors.ballot_of(user=user, budget=budget)
    next_phases = [
        (value, label)
        for value, label in BudgetPhase.choices
        if value in PHASE_TRANSITIONS[budget.phase]
    ]
    context = {
        "coop": coop,
        "budget": budget,
        "steps": phase_steps(budget),
        "projects": projects,
        "feasible": [p for p in projects if p.status == BudgetReviewStatus.FEASIBLE],
        "not_feasible": [p for p in projects if p.status == BudgetReviewStatus.NOT_FEASIBLE],
        "waiting": [p for p in projects if p.status == BudgetReviewStatus.PROPOSED],
        "funded": [p for p in projects if p.funded],
        "counted_phase": budget.phase in COUNTED_PHASES,
        "ballot": ballot,
        "chosen": [c.project for c in ballot.choices.all()] if ballot else [],
        "refusal": None if ballot else services.vote_refusal(user, budget),
        "can_vote": can(user, coop, Action.VOTE),
        "can_propose": (
            budget.phase == BudgetPhase.COLLECTING and can(user, coop, Action.PARTICIPATE)
        ),
        "manage": manage,
        "next_phases": next_phases if manage else [],
        "blockers": (
            services.voting_blockers(budget)
            if manage and budget.phase == BudgetPhase.REVIEW
            else []
        ),
        "mine": {p.pk for p in projects if user.is_authenticated and p.proposed_by_id == user.pk},
    }
    return render(request, "decisions/budgets/detail.html", context)


@require_POST
@coop_view(Action.MANAGE_BUDGETS)
def budget_phase(request: HttpRequest, coop: Cooperative, budget_id: int) -> HttpResponse:
    """Move the budget to a next phase; to the results, the vote closes and is counted."""
    budget = or_404(selectors.budget_get, coop=coop, pk=budget_id)
    form = PhaseForm(request.POST)
    moved = submit_and_flash(
        request,
        form,
        lambda: services.budget_phase_set(
            actor=request.user, budget=budget, phase=form.cleaned_data["phase"]
        ),
        done=_("The budget moved to its next phase."),
        failed=_("The budget stays in its phase."),
    )
    if moved and moved.phase == BudgetPhase.RESULTS:
        return redirect("decisions:budget_results", coop.slug, budget.pk)
    return redirect("decisions:budget_detail", coop.slug, budget.pk)


# --- projects -----------------------------------------------------------------------------------
@coop_view(Action.PARTICIPATE)
def budget_project_create(request: HttpRequest, coop: Cooperative, budget_id: int) -> HttpResponse:
    """Propose a project for the budget while it collects them (``?proposal=`` or ``?need=``
    starts from a proposal or a need)."""
    budget = or_404(selectors.budget_get, coop=coop, pk=budget_id)
    initial = {
        key: int(value)
        for key in ("proposal", "need")
        if (value := request.GET.get(key, "")).isdigit() and len(value) < 12
    }
    form = ProjectForm(request.POST or None, coop=coop, initial=initial)
    project = submit(
        request,
        form,
        lambda: services.budget_project_propose(
            actor=request.user,
            budget=budget,
            **form.project_fields(),
            proposal=form.cleaned_data["proposal"],
            need=form.cleaned_data["need"],
        ),
    )
    if project:
        messages.success(request, _("Your project is proposed: staff will check its feasibility."))
        return redirect("decisions:budget_project_detail", coop.slug, budget.pk, project.pk)
    context = {"coop": coop, "budget": budget, "form": form}
    return render(request, "decisions/budgets/project_form.html", context)


@coop_view(Action.VIEW_BUDGETS)
def budget_project_detail(
    request: HttpRequest, coop: Cooperative, budget_id: int, budget_project_id: int
) -> HttpResponse:
    budget = or_404(selectors.budget_get, coop=coop, pk=budget_id)
    project = or_404(selectors.budget_project_get, budget=budget, pk=budget_project_id)
    manage = can(request.user, coop, Action.MANAGE_BUDGETS)
    results = None
    if budget.tally is not None:
        entry = budget.tally["projects"].get(str(project.pk))
        if entry is not None:
            cost = Decimal(entry["cost"])
            results = {
                "votes": entry["votes"],
                "greedy": selectors.greedy_reason(entry["greedy"], entry["votes"], cost),
                "mes": selectors.mes_reason(entry["equal_shares"], cost),
            }
    context = {
        "coop": coop,
        "budget": budget,
        "project": project,
        "mine": request.user.is_authenticated and project.proposed_by_id == request.user.pk,
        "results": results,
        "can_review": manage and budget.rules_open,
        "follow_up_form": (
            FollowUpForm(coop=coop, initial={"follow_up": project.follow_up_id})
            if manage and project.funded and budget.phase in COUNTED_PHASES
            else None
        ),
    }
    return render(request, "decisions/budgets/project_detail.html", context)


@coop_view(Action.MANAGE_BUDGETS)
def budget_project_review(
    request: HttpRequest, coop: Cooperative, budget_id: int, budget_project_id: int
) -> HttpResponse:
    budget = or_404(selectors.budget_get, coop=coop, pk=budget_id)
    project = or_404(selectors.budget_project_get, budget=budget, pk=budget_project_id)
    initial = {
        "status": project.status if project.status != BudgetReviewStatus.PROPOSED else "",
        "reviewed_cost": project.reviewed_cost or project.estimated_cost,
        "review_reason": project.review_reason,
    }
    form = ReviewForm(request.POST or None, initial=initial)
    reviewed = submit(
        request,
        form,
        lambda: services.budget_project_review(
            actor=request.user,
            project=project,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["review_reason"],
            reviewed_cost=form.cleaned_data["reviewed_cost"],
        ),
    )
    if reviewed:
        messages.success(request, _("The review is recorded."))
        return redirect("decisions:budget_project_detail", coop.slug, budget.pk, project.pk)
    context = {"coop": coop, "budget": budget, "project": project, "form": form}
    return render(request, "decisions/budgets/review.html", context)


@require_POST
@coop_view(Action.MANAGE_BUDGETS)
def budget_project_follow_up(
    request: HttpRequest, coop: Cooperative, budget_id: int, budget_project_id: int
) -> HttpResponse:
    budget = or_404(selectors.budget_get, coop=coop, pk=budget_id)
    project = or_404(selectors.budget_project_get, budget=budget, pk=budget_project_id)
    form = FollowUpForm(request.POST, coop=coop)
    submit_and_flash(
        request,
        form,
        lambda: services.budget_project_follow_up(
            actor=request.user, project=project, follow_up=form.cleaned_data["follow_up"]
        ),
        done=_("The follow-up is recorded."),
        failed=_("The follow-up was not recorded."),
    )
    return redirect("decisions:budget_project_detail", coop.slug, budget.pk, project.pk)


# --- the ballot ---------------------------------------------------------------------------------
def running_total(budget: ParticipatoryBudget, projects: list[BudgetProject], chosen: list[int]):
    """What the ticked projects cost and whether the ballot would pass (shown as one ticks;
    the service checks again when it is cast)."""
    costs = {p.pk: p.reviewed_cost for p in projects}
    ticked = [pk for pk in dict.fromkeys(chosen) if pk in costs]
    total = sum((costs[pk] for pk in ticked), ZERO)
    knapsack = budget.method == BallotMethod.KNAPSACK
    return {
        "count": len(ticked),
        "total": total,
        "left": budget.amount - total,
        "over": knapsack and total > budget.amount,
        "too_many": (
            not knapsack and budget.max_choices is not None and len(ticked) > budget.max_choices
        ),
        "knapsack": knapsack,
    }


@coop_view(Action.VOTE)
def budget_vote(request: HttpRequest, coop: Cooperative, budget_id: int) -> HttpResponse:
    """The ballot: the projects on it to tick, a running total (htmx asks this page again with
    ``?total=1`` and the ticks, and gets the total alone) and the vote. Who may not vote reads
    why; who voted reads their ballot."""
    budget = or_404(selectors.budget_get, coop=coop, pk=budget_id)
    projects = list(selectors.budget_projects(budget=budget, feasible_only=True))
    if request.method == "GET" and request.GET.get("total"):
        total = running_total(budget, projects, chosen_ids(request.GET))
        return render(
            request, "decisions/budgets/_total.html", {"budget": budget, "running": total}
        )
    ballot = selectors.ballot_of(user=request.user, budget=budget)
    refusal = None if ballot else services.vote_refusal(request.user, budget)
    # Bound on any POST: a ballot with nothing ticked sends no field at all.
    posted = request.POST if request.method == "POST" else None
    form = BallotForm(posted, projects=projects)
    cast = None
    if ballot is None and refusal is None:
        cast = submit(
            request,
            form,
            lambda: services.budget_vote(
                actor=request.user, budget=budget, project_ids=form.chosen()
            ),
        )
    elif request.method == "POST":
        messages.error(request, refusal or _("You have already voted in this budget."))
        return redirect("decisions:budget_detail", coop.slug, budget.pk)
    if cast:
        messages.success(request, _("Thank you: your ballot is cast and will be counted."))
        return redirect("decisions:budget_detail", coop.slug, budget.pk)
    chosen = chosen_ids(request.POST) if request.method == "POST" else []
    context = {
        "coop": coop,
        "budget": budget,
        "projects": projects,
        "form": form,
        "ballot": ballot,
        "chosen": [c.project for c in ballot.choices.all()] if ballot else [],
        "refusal": refusal,
        "running": running_total(budget, projects, chosen),
    }
    return render(request, "decisions/budgets/ballot.html", context)


# --- the results --------------------------------------------------------------------------------
@coop_view(Action.VIEW_BUDGETS)
def budget_results(request: HttpRequest, coop: Cooperative, budget_id: int) -> HttpResponse:
    """The two rules' outcomes explained project by project and compared (one query for the
    projects: the tally is stored on the budget)."""
    budget = or_404(selectors.budget_get, coop=coop, pk=budget_id)
    context = {
        "coop": coop,
        "budget": budget,
        "results": selectors.budget_results(budget=budget),
        "manage": can(request.user, coop, Action.MANAGE_BUDGETS),
    }
    return render(request, "decisions/budgets/results.html", context)
