"""A secret budget's ballots reach ``BudgetChoice`` from the ballot box (``decisions.ballot_box``):
each voter's set of projects is sealed in their transaction and written in shuffled batches, each
set under a new random key, in no voter's transaction."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction

from comunitas.decisions import ballot_box
from comunitas.decisions.models.budgets import BudgetChoice, BudgetPhase, ParticipatoryBudget


def _write_choices(sets: list[dict[str, Any]]) -> None:
    BudgetChoice.objects.bulk_create(
        BudgetChoice(mixed=key, project_id=pk)
        for key, chosen in ((uuid.uuid4(), ballot["projects"]) for ballot in sets)
        for pk in chosen
    )


def mix_ballots(budget: ParticipatoryBudget, *, closing: bool) -> int:
    """Write a batch of a secret budget's sealed ballots (``ballot_box.mix``); the caller holds
    the budget's lock."""
    return ballot_box.mix(budget, _write_choices, closing=closing, coop=budget.coop)


@transaction.atomic
def budget_mix(budget_id: int) -> int:
    """After a secret ballot commits: write a batch once enough ballots are sealed."""
    budget = (
        ParticipatoryBudget.objects.select_for_update().select_related("coop").get(pk=budget_id)
    )
    if budget.phase != BudgetPhase.VOTING:
        return 0  # the close wrote them all
    return mix_ballots(budget, closing=False)
