"""The participatory budgets' rows of the permission matrix (tests/core/coops/test_permissions.py),
and the budgets every budget test makes (through the services, as staff and voters would).

``ids`` makes, in "alpha":

* ``budget_id``: a budget in its vote (approval ballots, members and residents vote), with two
feasible projects (``budget_project_id`` is the first) and a refused one. Every route is in the
matrix with it: voting, the results (not yet published), the edit of its texts and closing the
vote succeed; proposing and reviewing (the vote is prepared) and the follow-up (nothing is
counted yet) are refused: the pages show the form again with the error (200) or send back with a
message (302), the API answers 422 (``*_EXCEPTIONS``). * ``collecting_budget_id`` with
``collecting_project_id``: a budget collecting projects, where proposing and reviewing succeed.
* ``counted_budget_id`` with ``counted_project_id``: a budget counted (member1 voted for that
project, which is funded), where the follow-up link succeeds, to the project at
``FOLLOW_UP_ID``."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from comunitas.core.permissions import Action
from comunitas.decisions.budgets import services
from comunitas.decisions.models.budgets import BudgetProject
from comunitas.projects.models import Project

PATH_IDS = [
    "budget_id",
    "budget_project_id",
    "collecting_budget_id",
    "collecting_project_id",
    "counted_budget_id",
    "counted_project_id",
]
# Fixed ids, since the bodies name them: the project the ballots choose, the follow-up project.
ON_BALLOT_ID, FOLLOW_UP_ID = 953_011, 953_001

BUDGET_FIELDS = {
    "title": "Bilancio partecipativo 2026",
    "description": "Una parte del fondo di reinvestimento decisa da soci e residenti.",
    "amount": Decimal("10000.00"),
    "earmark_reference": "Assemblea dei soci del 27/04/2026, delibera n. 3",
    "method": "approval",
    "audience": "both",
    "official_rule": "equal_shares",
}
PROJECT_FIELDS = {
    "title": "Nuove sedute in sala piccola",
    "description": "Sostituire le 54 poltrone della sala 2, rotte da anni.",
    "estimated_cost": Decimal("4000.00"),
}


def make_budget(coop, actor, **fields):
    return services.budget_create(actor=actor, coop=coop, **{**BUDGET_FIELDS, **fields})


def propose(budget, actor, title: str = PROJECT_FIELDS["title"], cost="4000.00", **extra):
    fields = {**PROJECT_FIELDS, "title": title, "estimated_cost": Decimal(cost)}
    return services.budget_project_propose(actor=actor, budget=budget, **fields, **extra)


def feasible(project, actor, cost=None):
    return services.budget_project_review(
        actor=actor,
        project=project,
        status="feasible",
        reviewed_cost=Decimal(cost) if cost is not None else project.estimated_cost,
    )


def refuse(project, actor, reason="Il locale non lo permette."):
    return services.budget_project_review(
        actor=actor, project=project, status="not_feasible", reason=reason
    )


def open_vote(budget, actor, *, opens=None, closes=None):
    """Collecting → review → voting, open from an hour ago (or ``opens``) for a week."""
    now = timezone.now()
    budget = services.budget_update(
        actor=actor,
        budget=budget,
        fields={
            "voting_opens_at": opens or now - timedelta(hours=1),
            "voting_closes_at": closes or now + timedelta(days=7),
        },
    )
    budget = services.budget_phase_set(actor=actor, budget=budget, phase="review")
    return services.budget_phase_set(actor=actor, budget=budget, phase="voting")


def voting_budget(coop, actor, costs=("1000.00", "2000.00"), **fields):
    """A budget in its vote with one feasible project per cost, in that order."""
    budget = make_budget(coop, actor, **fields)
    projects = []
    for n, cost in enumerate(costs, start=1):
        project = propose(budget, actor, f"Progetto {n}", cost)
        projects.append(feasible(project, actor))
    return open_vote(budget, actor), projects


def vote(budget, user, projects):
    return services.budget_vote(actor=user, budget=budget, project_ids=[p.pk for p in projects])


def count(budget, actor):
    return services.budget_phase_set(actor=actor, budget=budget, phase="results")


BUDGET_FORM = {
    "title": "Bilancio partecipativo 2027",
    "description": "",
    "amount": "8000.00",
    "earmark_reference": "Consiglio di amministrazione, verbale del 12/01/2027",
    "method": "knapsack",
    "max_choices": "",
    "audience": "members",
    "official_rule": "greedy",
    "voting_opens_at": "",
    "voting_closes_at": "",
}
EDIT_FORM = {
    "title": "Bilancio partecipativo 2026",
    "description": "Testo aggiornato.",
    "earmark_reference": "Assemblea dei soci del 27/04/2026, delibera n. 3",
}
PROJECT_FORM = {
    "title": "Sottotitoli per chi non sente",
    "description": "Un impianto per i sottotitoli in sala grande.",
    "estimated_cost": "2500.00",
    "proposal": "",
    "need": "",
}
REVIEW_FORM = {
    "review-status": "feasible",
    "review-reviewed_cost": "2400.00",
    "review-review_reason": "",
}
API_BUDGET = {
    "title": "Bilancio 2027",
    "amount": "8000.00",
    "earmark_reference": "Assemblea del 12/01/2027",
    "method": "knapsack",
}
API_PROJECT = {
    "title": "Sottotitoli",
    "description": "Un impianto per i sottotitoli.",
    "estimated_cost": "2500.00",
}
API_REVIEW = {"status": "feasible", "reviewed_cost": "2400.00"}

B = "/c/{slug}/budgets"
BUDGET = f"{B}/{{budget_id}}"
PROJECT = f"{BUDGET}/projects/{{budget_project_id}}"
COLLECTING = f"{B}/{{collecting_budget_id}}"
COUNTED = f"{B}/{{counted_budget_id}}"
WEB = [
    ("get", f"{B}/", None, Action.VIEW_BUDGETS),
    ("get", f"{B}/new/", None, Action.MANAGE_BUDGETS),
    ("post", f"{B}/new/", BUDGET_FORM, Action.MANAGE_BUDGETS),
    ("get", f"{BUDGET}/", None, Action.VIEW_BUDGETS),
    ("get", f"{BUDGET}/edit/", None, Action.MANAGE_BUDGETS),
    ("post", f"{BUDGET}/edit/", EDIT_FORM, Action.MANAGE_BUDGETS),
    ("post", f"{BUDGET}/phase/", {"phase": "results"}, Action.MANAGE_BUDGETS),
    ("get", f"{BUDGET}/projects/new/", None, Action.PARTICIPATE),
    ("post", f"{BUDGET}/projects/new/", PROJECT_FORM, Action.PARTICIPATE),
    ("post", f"{COLLECTING}/projects/new/", PROJECT_FORM, Action.PARTICIPATE),
    ("get", f"{PROJECT}/", None, Action.VIEW_BUDGETS),
    ("get", f"{PROJECT}/review/", None, Action.MANAGE_BUDGETS),
    ("post", f"{PROJECT}/review/", REVIEW_FORM, Action.MANAGE_BUDGETS),
    (
        "post",
        f"{COLLECTING}/projects/{{collecting_project_id}}/review/",
        REVIEW_FORM,
        Action.MANAGE_BUDGETS,
    ),
    ("post", f"{PROJECT}/follow-up/", {"follow-follow_up": ""}, Action.MANAGE_BUDGETS),
    (
        "post",
        f"{COUNTED}/projects/{{counted_project_id}}/follow-up/",
        {"follow-follow_up": FOLLOW_UP_ID},
        Action.MANAGE_BUDGETS,
    ),
    ("get", f"{BUDGET}/vote/", None, Action.VOTE),
    ("post", f"{BUDGET}/vote/", {"projects": [ON_BALLOT_ID]}, Action.VOTE),
    ("get", f"{BUDGET}/results/", None, Action.VIEW_BUDGETS),
    ("get", f"{COUNTED}/results/", None, Action.VIEW_BUDGETS),
]
# The vote is prepared: the proposal and review forms come back with the error (200).
REFUSED_FORM = {"resident": 200, "member": 200, "staff": 200, "admin": 200}
WEB_EXCEPTIONS = {
    ("post", f"{BUDGET}/projects/new/"): REFUSED_FORM,
    ("post", f"{PROJECT}/review/"): {"staff": 200, "admin": 200},
}

A = "/api/v1/coops/{slug}/budgets"
API_BUDGET_PATH = f"{A}/{{budget_id}}"
API_PROJECT_PATH = f"{API_BUDGET_PATH}/projects/{{budget_project_id}}"
API_COLLECTING = f"{A}/{{collecting_budget_id}}"
API_COUNTED = f"{A}/{{counted_budget_id}}"
API = [
    ("get", A, None, Action.VIEW_BUDGETS),
    ("post", A, API_BUDGET, Action.MANAGE_BUDGETS),
    ("get", API_BUDGET_PATH, None, Action.VIEW_BUDGETS),
    ("patch", API_BUDGET_PATH, {"description": "x"}, Action.MANAGE_BUDGETS),
    ("post", f"{API_BUDGET_PATH}/phase", {"phase": "results"}, Action.MANAGE_BUDGETS),
    ("get", f"{API_BUDGET_PATH}/projects", None, Action.VIEW_BUDGETS),
    ("post", f"{API_BUDGET_PATH}/projects", API_PROJECT, Action.PARTICIPATE),
    ("post", f"{API_COLLECTING}/projects", API_PROJECT, Action.PARTICIPATE),
    ("get", API_PROJECT_PATH, None, Action.VIEW_BUDGETS),
    ("post", f"{API_PROJECT_PATH}/review", API_REVIEW, Action.MANAGE_BUDGETS),
    (
        "post",
        f"{API_COLLECTING}/projects/{{collecting_project_id}}/review",
        API_REVIEW,
        Action.MANAGE_BUDGETS,
    ),
    ("post", f"{API_PROJECT_PATH}/follow-up", {"project_id": None}, Action.MANAGE_BUDGETS),
    (
        "post",
        f"{API_COUNTED}/projects/{{counted_project_id}}/follow-up",
        {"project_id": FOLLOW_UP_ID},
        Action.MANAGE_BUDGETS,
    ),
    ("get", f"{API_BUDGET_PATH}/ballot", None, Action.VOTE),
    ("post", f"{API_BUDGET_PATH}/ballot", {"projects": [ON_BALLOT_ID]}, Action.VOTE),
    ("get", f"{API_BUDGET_PATH}/results", None, Action.VIEW_BUDGETS),
    ("get", f"{API_COUNTED}/results", None, Action.VIEW_BUDGETS),
]
EVERY_ROLE_422 = {"resident": 422, "member": 422, "staff": 422, "admin": 422}
STAFF_422 = {"staff": 422, "admin": 422}
API_EXCEPTIONS = {
    ("post", f"{API_BUDGET_PATH}/projects"): EVERY_ROLE_422,  # no longer collecting
    ("post", f"{API_PROJECT_PATH}/review"): STAFF_422,  # the vote is prepared
    ("post", f"{API_PROJECT_PATH}/follow-up"): STAFF_422,  # not counted yet
}


def ids(people) -> dict[str, int]:
    coop, staff = people["coop"], people["staff"]
    budget, (first, _second) = voting_budget(coop, staff)
    BudgetProject.objects.filter(pk=first.pk).update(id=ON_BALLOT_ID)  # nothing points at it yet
    collecting = make_budget(coop, staff, title="Bilancio partecipativo 2027")
    project = propose(collecting, people["resident"], "Un proiettore per l'aperto")
    counted, (funded, _other) = voting_budget(coop, staff, title="Bilancio 2025")
    vote(counted, people["member"], [funded])
    counted = count(counted, staff)
    Project.objects.create(pk=FOLLOW_UP_ID, coop=coop, title="Sala 2 rinnovata", summary="x")
    return {
        "budget_id": budget.pk,
        "budget_project_id": ON_BALLOT_ID,
        "collecting_budget_id": collecting.pk,
        "collecting_project_id": project.pk,
        "counted_budget_id": counted.pk,
        "counted_project_id": funded.pk,
    }
