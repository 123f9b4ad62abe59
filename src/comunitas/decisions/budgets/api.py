"""API of participatory budgets: budgets and their phases, proposing and reviewing projects,
the caller's ballot, the results of both rules and the follow-up of funded projects.

Same rules as the pages: anyone reads a public cooperative's budgets, projects and results; any
role proposes projects (while collecting) and votes when the audience includes them (the
service says); staff and the board set budgets up, review, move phases and link follow-ups.
Objects are always fetched within the cooperative and the budget (another's id answers 404, in
a body 422). Parsing here, rules in ``services``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from comunitas.core.endpoints import PUBLIC, Pagination, answers, plain_values
from comunitas.core.errors import ValidationError
from comunitas.core.lookups import or_404
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, can, coop_for
from comunitas.decisions.budgets import selectors, services
from comunitas.decisions.budgets.schemas import (
    BudgetBallotIn,
    BudgetBallotOut,
    BudgetFollowUpIn,
    BudgetPhaseIn,
    BudgetProjectIn,
    BudgetProjectOut,
    BudgetResultsOut,
    BudgetReviewIn,
    ParticipatoryBudgetIn,
    ParticipatoryBudgetItem,
    ParticipatoryBudgetOut,
    ParticipatoryBudgetPatch,
)
from comunitas.decisions.models.budgets import (
    PHASE_TRANSITIONS,
    BudgetPhase,
    BudgetProject,
    ParticipatoryBudget,
)
from comunitas.projects.models import Need, Project, Proposal

router = Router()
BUDGETS = "/coops/{slug}/budgets"
BUDGET = f"{BUDGETS}/{{int:budget_id}}"
PROJECTS = f"{BUDGET}/projects"
PROJECT = f"{PROJECTS}/{{int:budget_project_id}}"
TAGS = ["participatory budgets"]


def _of_coop(model, coop: Cooperative, pk: int | None, field: str, message: str):
    """An object of this cooperative named in a body; another's or none: the same 422."""
    if pk is None:
        return None
    found = model.objects.filter(coop=coop, pk=pk).first()
    if found is None:
        raise ValidationError(message, field=field)
    return found


# --- budgets ------------------------------------------------------------------------------------
def budget_out(request, budget: ParticipatoryBudget) -> dict[str, Any]:
    counts = budget.projects.values_list("status", flat=True)
    statuses = list(counts)
    manage = can(request.auth, budget.coop, Action.MANAGE_BUDGETS)
    blockers = None
    if manage and budget.phase == BudgetPhase.REVIEW:
        blockers = [p.message for p in services.voting_blockers(budget)]
    return {
        **{
            name: getattr(budget, name)
            for name in (
                "id",
                *services.BUDGET_FIELDS,
                "phase",
                "ballot_count",
                "phase_changed_at",
                "counted_at",
                "synthetic",
                "created_at",
            )
        },
        "project_count": len(statuses),
        "feasible_count": statuses.count("feasible"),
        "next_phases": sorted(PHASE_TRANSITIONS[budget.phase]) if manage else [],
        "voting_blockers": blockers,
    }


@router.get(
    BUDGETS, response=answers(200, list[ParticipatoryBudgetItem]), tags=TAGS, openapi_extra=PUBLIC
)
@paginate(Pagination)
def budget_list(request, slug: str):
    """The cooperative's participatory budgets, newest first, with their project counts."""
    return selectors.budget_list(coop=coop_for(request.auth, slug, Action.VIEW_BUDGETS))


@router.post(BUDGETS, response=answers(201, ParticipatoryBudgetOut), tags=TAGS)
def budget_create(request, slug: str, payload: ParticipatoryBudgetIn):
    """Set up a participatory budget of the reinvestment fund (staff and the board)."""
    coop = coop_for(request.auth, slug, Action.MANAGE_BUDGETS)
    budget = services.budget_create(actor=request.auth, coop=coop, **plain_values(payload.dict()))
    return Status(201, budget_out(request, selectors.budget_get(coop=coop, pk=budget.pk)))


@router.get(BUDGET, response=answers(200, ParticipatoryBudgetOut), tags=TAGS, openapi_extra=PUBLIC)
def budget_get(request, slug: str, budget_id: int):
    coop = coop_for(request.auth, slug, Action.VIEW_BUDGETS)
    return budget_out(request, or_404(selectors.budget_get, coop=coop, pk=budget_id))


@router.patch(BUDGET, response=answers(200, ParticipatoryBudgetOut), tags=TAGS)
def budget_update(request, slug: str, budget_id: int, payload: ParticipatoryBudgetPatch):
    """Change a budget: its texts at any time, its rules until the vote is prepared."""
    coop = coop_for(request.auth, slug, Action.MANAGE_BUDGETS)
    budget = services.budget_update(
        actor=request.auth,
        budget=or_404(selectors.budget_get, coop=coop, pk=budget_id),
        fields=plain_values(payload.dict(exclude_unset=True)),
    )
    return budget_out(request, selectors.budget_get(coop=coop, pk=budget.pk))


@router.post(f"{BUDGET}/phase", response=answers(200, ParticipatoryBudgetOut), tags=TAGS)
def budget_phase(request, slug: str, budget_id: int, payload: BudgetPhaseIn):
    """Move the budget to a next phase; to ``results`` the vote closes (now, if it had not) and
    the ballots are counted by both rules."""
    coop = coop_for(request.auth, slug, Action.MANAGE_BUDGETS)
    budget = services.budget_phase_set(
        actor=request.auth,
        budget=or_404(selectors.budget_get, coop=coop, pk=budget_id),
        phase=payload.phase.value,
    )
    return budget_out(request, selectors.budget_get(coop=coop, pk=budget.pk))


# --- projects -----------------------------------------------------------------------------------
def _link(obj) -> dict | None:
    return {"id": obj.pk, "title": obj.title} if obj is not None else None


def project_out(request, project: BudgetProject) -> dict[str, Any]:
    user = request.auth
    counted = project.budget.tally is not None
    return {
        "id": project.pk,
        "title": project.title,
        "description": project.description,
        "estimated_cost": project.estimated_cost,
        "reviewed_cost": project.reviewed_cost,
        "status": project.status,
        "review_reason": project.review_reason,
        "proposal": _link(project.proposal),
        "need": _link(project.need),
        "votes": project.votes if counted else None,
        "funded": project.funded,
        "follow_up": _link(project.follow_up),
        "mine": user.is_authenticated and project.proposed_by_id == user.pk,
        "synthetic": project.synthetic,
        "created_at": project.created_at,
    }


class _Projects:
    """A budget's projects as ``paginate`` wants them: sliced, then shaped for the caller."""

    def __init__(self, request, budget: ParticipatoryBudget) -> None:
        self.request, self.budget = request, budget
        self.queryset = selectors.budget_projects(budget=budget)

    def __getitem__(self, page: slice) -> list:
        found = list(self.queryset[page])
        for project in found:
            project.budget = self.budget  # one budget for the page: no query per project
        return [project_out(self.request, p) for p in found]

    def all(self):
        return self.queryset


@router.get(
    PROJECTS, response=answers(200, list[BudgetProjectOut]), tags=TAGS, openapi_extra=PUBLIC
)
@paginate(Pagination)
def budget_project_list(request, slug: str, budget_id: int):
    """The budget's projects in the order they were proposed, with their review and, once
    counted, their votes and whether they were funded."""
    coop = coop_for(request.auth, slug, Action.VIEW_BUDGETS)
    return _Projects(request, or_404(selectors.budget_get, coop=coop, pk=budget_id))


@router.post(PROJECTS, response=answers(201, BudgetProjectOut), tags=TAGS)
def budget_project_create(request, slug: str, budget_id: int, payload: BudgetProjectIn):
    """Propose a project (any role) while the budget collects them."""
    coop = coop_for(request.auth, slug, Action.PARTICIPATE)
    budget = or_404(selectors.budget_get, coop=coop, pk=budget_id)
    proposal = _of_coop(
        Proposal,
        coop,
        payload.proposal_id,
        "proposal_id",
        _("Choose a proposal of this cooperative."),
    )
    need = _of_coop(Need, coop, payload.need_id, "need_id", _("Choose a need of this cooperative."))
    project = services.budget_project_propose(
        actor=request.auth,
        budget=budget,
        **payload.dict(exclude={"proposal_id", "need_id"}),
        proposal=proposal,
        need=need,
    )
    project = selectors.budget_project_get(budget=budget, pk=project.pk)
    return Status(201, project_out(request, project))


@router.get(PROJECT, response=answers(200, BudgetProjectOut), tags=TAGS, openapi_extra=PUBLIC)
def budget_project_get(request, slug: str, budget_id: int, budget_project_id: int):
    coop = coop_for(request.auth, slug, Action.VIEW_BUDGETS)
    budget = or_404(selectors.budget_get, coop=coop, pk=budget_id)
    project = or_404(selectors.budget_project_get, budget=budget, pk=budget_project_id)
    return project_out(request, project)


@router.post(f"{PROJECT}/review", response=answers(200, BudgetProjectOut), tags=TAGS)
def budget_project_review(
    request, slug: str, budget_id: int, budget_project_id: int, payload: BudgetReviewIn
):
    """Feasible at a reviewed cost (at most the budget), or not feasible with a public reason."""
    coop = coop_for(request.auth, slug, Action.MANAGE_BUDGETS)
    budget = or_404(selectors.budget_get, coop=coop, pk=budget_id)
    project = or_404(selectors.budget_project_get, budget=budget, pk=budget_project_id)
    services.budget_project_review(
        actor=request.auth,
        project=project,
        status=payload.status.value,
        reason=payload.review_reason,
        reviewed_cost=payload.reviewed_cost,
    )
    return project_out(request, selectors.budget_project_get(budget=budget, pk=project.pk))


@router.post(f"{PROJECT}/follow-up", response=answers(200, BudgetProjectOut), tags=TAGS)
def budget_project_follow_up(
    request, slug: str, budget_id: int, budget_project_id: int, payload: BudgetFollowUpIn
):
    """Link a funded project to the cooperative's project that carries it out (null: unlink)."""
    coop = coop_for(request.auth, slug, Action.MANAGE_BUDGETS)
    budget = or_404(selectors.budget_get, coop=coop, pk=budget_id)
    follow_up = _of_coop(
        Project, coop, payload.project_id, "project_id", _("Choose a project of this cooperative.")
    )
    project = or_404(selectors.budget_project_get, budget=budget, pk=budget_project_id)
    services.budget_project_follow_up(actor=request.auth, project=project, follow_up=follow_up)
    return project_out(request, selectors.budget_project_get(budget=budget, pk=project.pk))


# --- the caller's ballot ------------------------------------------------------------------------
def ballot_out(request, budget: ParticipatoryBudget) -> dict[str, Any]:
    ballot = selectors.ballot_of(user=request.auth, budget=budget)
    on_ballot = selectors.budget_projects(budget=budget, feasible_only=True)
    refusal = None if ballot else services.vote_refusal(request.auth, budget)
    return {
        "voted": ballot is not None,
        "cast_at": ballot.cast_at if ballot else None,
        "projects": [c.project for c in ballot.choices.all()] if ballot else [],
        "total_cost": ballot.total_cost if ballot else None,
        "may_vote": ballot is None and refusal is None,
        "refusal": refusal if ballot is None else _("You have already voted in this budget."),
        "ballot": list(on_ballot),
    }


@router.get(f"{BUDGET}/ballot", response=answers(200, BudgetBallotOut), tags=TAGS)
def ballot_get(request, slug: str, budget_id: int):
    """The caller's ballot in this budget, or whether and why they may not vote now, with the
    projects on the ballot and their costs."""
    coop = coop_for(request.auth, slug, Action.VOTE)
    return ballot_out(request, or_404(selectors.budget_get, coop=coop, pk=budget_id))


@router.post(f"{BUDGET}/ballot", response=answers(201, BudgetBallotOut), tags=TAGS)
def budget_ballot_cast(request, slug: str, budget_id: int, payload: BudgetBallotIn):
    """Cast the caller's ballot: once, while the vote is open, in the budget's audience; a
    knapsack ballot's projects must fit in the budget, an approval ballot stay within its
    maximum. Anything wrong: 422 on ``projects`` (or on the whole request) and nothing saved."""
    coop = coop_for(request.auth, slug, Action.VOTE)
    budget = or_404(selectors.budget_get, coop=coop, pk=budget_id)
    services.budget_vote(actor=request.auth, budget=budget, project_ids=payload.projects)
    return Status(201, ballot_out(request, budget))


# --- results ------------------------------------------------------------------------------------
@router.get(
    f"{BUDGET}/results", response=answers(200, BudgetResultsOut), tags=TAGS, openapi_extra=PUBLIC
)
def budget_results(request, slug: str, budget_id: int):
    """Both rules' outcomes, each project's reason under each, and their comparison; before the
    vote is counted, ``published`` is false and the rest empty."""
    coop = coop_for(request.auth, slug, Action.VIEW_BUDGETS)
    budget = or_404(selectors.budget_get, coop=coop, pk=budget_id)
    results = selectors.budget_results(budget=budget)
    if not results.counted:
        return {
            "published": False,
            "official_rule": budget.official_rule,
            "voters": 0,
            "share": None,
            "share_used": None,
            "rules": {},
            "projects": [],
            "only_greedy": [],
            "only_equal_shares": [],
        }
    return {
        "published": True,
        "official_rule": budget.official_rule,
        "voters": results.voters,
        "share": results.share,
        "share_used": results.share_used,
        "rules": {
            key: {
                "funded": [p.pk for p in rule.funded],
                "spent": rule.spent,
                "left": rule.left,
                "satisfied_voters": rule.satisfied,
                "projects_per_voter": rule.projects_per_voter,
                "euros_per_voter": rule.euros_per_voter,
                "official": rule.official,
            }
            for key, rule in results.rules.items()
        },
        "projects": [
            {
                "id": row.project.pk,
                "title": row.project.title,
                "cost": row.cost,
                "votes": row.votes,
                "greedy": {
                    "funded": row.greedy_funded,
                    "outcome": row.greedy["outcome"],
                    "rank": row.greedy["rank"],
                    "reason": row.greedy_reason,
                },
                "equal_shares": {
                    "funded": row.mes_funded,
                    "outcome": row.mes["outcome"],
                    "round": row.mes.get("round"),
                    "reason": row.mes_reason,
                },
            }
            for row in results.rows
        ],
        "only_greedy": [p.pk for p in results.only_greedy],
        "only_equal_shares": [p.pk for p in results.only_mes],
    }
