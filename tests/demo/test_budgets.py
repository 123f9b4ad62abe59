"""Post-modernissimo's synthetic participatory budget (demo/generators/budgets.py): complete
from its set-up to its follow-up, consistent with the rules the services keep, marked synthetic,
deterministic with the seed and written once; the other case studies get none."""

import random

import pytest
from django.core import mail

from comunitas.core.models import AuditEntry, Cooperative
from comunitas.decisions.models.budgets import (
    BudgetBallot,
    BudgetChoice,
    BudgetProject,
    ParticipatoryBudget,
)
from comunitas.demo.generators.budgets import BUDGETS, demo_budget
from tests.demo.conftest import PASSWORD, SEED

pytestmark = pytest.mark.django_db
((SLUG, PLAN),) = BUDGETS.items()  # the one case with a budget: Post-modernissimo
VOTERS = PLAN.voters


def state(budget) -> list:
    return [
        budget.tally,
        list(
            BudgetProject.objects.filter(budget=budget)
            .order_by("id")
            .values_list("title", "status", "reviewed_cost", "votes", "funded", "follow_up__title")
        ),
    ]


def test_post_modernissimo_gets_a_complete_synthetic_budget_once(
    demo_loaded, client, django_capture_on_commit_callbacks
):
    """One budget, complete to its follow-up and within the rules; the step again writes
    nothing, the same seed writes the same budget; nobody is told anything."""
    # The shared load ran its on-commit work (tests/demo/conftest.py); the step again, too.
    with django_capture_on_commit_callbacks(execute=True):
        for coop in Cooperative.objects.filter(is_demo=True):
            demo_budget(coop, random.Random(f"{SEED}:{coop.slug}:budgets"), PASSWORD)
    assert demo_loaded.outbox == mail.outbox == []  # synthetic voters are told nothing
    assert ParticipatoryBudget.objects.count() == 1  # one case study only
    budget = ParticipatoryBudget.objects.get(coop__slug=SLUG)
    assert budget.synthetic and budget.phase == "follow_up" and budget.method == "knapsack"
    projects = BudgetProject.objects.filter(budget=budget)
    assert projects.count() == 9 and not projects.filter(synthetic=False).exists()
    refused = projects.filter(status="not_feasible")
    assert refused.count() == 2 and not refused.filter(review_reason="").exists()
    assert projects.filter(need__isnull=False).exists()
    assert projects.filter(proposal__isnull=False).exists()
    # 50 to 150 ballots, each one voter's, each within the fund (knapsack).
    ballots = BudgetBallot.objects.filter(budget=budget)
    assert 50 <= ballots.count() <= 150 and ballots.count() >= VOTERS
    assert budget.ballot_count == ballots.count() == budget.tally["voters"]
    assert all(b.total_cost <= budget.amount for b in ballots)
    assert not BudgetChoice.objects.filter(ballot__budget=budget, project__status="not_feasible")
    assert all(budget.voting_opens_at <= b.cast_at < budget.voting_closes_at for b in ballots)
    # Counted, funded within the fund, at least one funded project followed up.
    funded = projects.filter(funded=True)
    assert funded.exists()
    assert sum(p.reviewed_cost for p in funded) <= budget.amount
    assert funded.filter(follow_up__isnull=False).exists()
    assert budget.counted_at == budget.voting_closes_at
    assert AuditEntry.objects.filter(action="budget.vote", coop=budget.coop).count() == (
        ballots.count()
    )
    assert AuditEntry.objects.get(action="budget.synthetic").changes["synthetic"]["after"]
    # Its pages read well.
    page = client.get(f"/c/{SLUG}/budgets/{budget.pk}/results/").content.decode()
    assert "Rampa e posti per carrozzine in sala 2" in page and "<svg" in page
    # Loading again writes nothing.
    first = state(budget)
    demo_budget(budget.coop, random.Random(f"{SEED}:{SLUG}:budgets"), PASSWORD)
    assert ParticipatoryBudget.objects.count() == 1 and state(budget) == first
    # The same seed gives the same budget.
    coop = budget.coop
    BudgetChoice.objects.all().delete()  # a choice protects its project: never deleted in use
    ParticipatoryBudget.objects.all().delete()
    demo_budget(coop, random.Random(f"{SEED}:{SLUG}:budgets"), PASSWORD)
    again = ParticipatoryBudget.objects.get()
    assert state(again)[1] == first[1]
