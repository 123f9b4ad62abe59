"""Ballots at the same instant, on real threads with their own database connections (as
concurrent requests): a voter who submits six times at once has one ballot, many voters at once
are all counted once, and a vote racing the close is either in the count or refused. Runs on
SQLite (transactions BEGIN IMMEDIATE: they queue for the write lock) and on PostgreSQL
(DATABASE_URL=postgres://…: the budget's row lock and the unique constraint).

Transactional tests empty the tables afterwards: the territory comes back with the ``people``
fixture (``territory``)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from comunitas.core.coops.services import role_grant
from comunitas.core.errors import ValidationError
from comunitas.core.models import AuditEntry, RoleKind
from comunitas.decisions.budgets import services
from comunitas.decisions.models.budgets import BudgetBallot, BudgetChoice, ParticipatoryBudget
from tests.decisions.budgets.matrix import voting_budget
from tests.helpers import make_user, run_together

pytestmark = pytest.mark.django_db(transaction=True)


def ballot_job(username: str, budget_id: int, project_ids: list[int]):
    """A job as a request runs it: its own copy of the user and of the budget, read afresh."""

    def job():
        actor = get_user_model().objects.get(username=username)
        budget = ParticipatoryBudget.objects.get(pk=budget_id)
        return services.budget_vote(actor=actor, budget=budget, project_ids=project_ids)

    return job


def test_the_same_voter_submitting_six_times_at_once_has_one_ballot(people):
    budget, (first, second) = voting_budget(people["coop"], people["staff"])
    chosen = [first.pk, second.pk]
    results = run_together([ballot_job("member1", budget.pk, chosen) for _ in range(6)])
    cast = [r for r in results if isinstance(r, BudgetBallot)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(cast) == 1 and len(refused) == 5, results
    assert all("already voted" in str(r) for r in refused)
    assert BudgetBallot.objects.filter(budget=budget).count() == 1
    assert BudgetChoice.objects.filter(ballot__budget=budget).count() == 2
    assert AuditEntry.objects.filter(action="budget.vote").count() == 1
    budget.refresh_from_db()
    assert budget.ballot_count == 1


def test_many_voters_at_once_are_all_counted_once(people):
    budget, (first, second) = voting_budget(people["coop"], people["staff"])
    users = [make_user(f"vicino{i}") for i in range(12)]
    for user in users:
        role_grant(actor=people["admin"], coop=people["coop"], user=user, kind=RoleKind.RESIDENT)
    jobs = [
        ballot_job(u.username, budget.pk, [first.pk] if i % 2 else [first.pk, second.pk])
        for i, u in enumerate(users)
    ]
    results = run_together(jobs, connections=8)
    assert all(isinstance(r, BudgetBallot) for r in results), results
    budget.refresh_from_db()
    assert budget.ballot_count == 12 == BudgetBallot.objects.filter(budget=budget).count()
    assert BudgetChoice.objects.filter(project=first).count() == 12
    assert BudgetChoice.objects.filter(project=second).count() == 6


def test_a_ballot_racing_the_close_is_counted_or_refused_never_lost(people):
    budget, (first, _second) = voting_budget(people["coop"], people["staff"])

    def close():
        staff = get_user_model().objects.get(username="staff1")
        fresh = ParticipatoryBudget.objects.get(pk=budget.pk)
        return services.budget_phase_set(actor=staff, budget=fresh, phase="results")

    results = run_together([ballot_job("member1", budget.pk, [first.pk]), close])
    budget.refresh_from_db()
    assert budget.phase == "results" and budget.tally is not None
    ballots = BudgetBallot.objects.filter(budget=budget).count()
    if isinstance(results[0], BudgetBallot):
        assert ballots == 1 and budget.tally["voters"] == 1
    else:
        assert isinstance(results[0], ValidationError), results
        assert ballots == 0 and budget.tally["voters"] == 0
