"""Removing a demo cooperative's economy, for the tests that wipe and generate a step again.

Nothing financial is deleted in use, so the economy protects what it names (members, jobs'
holders, projects, the assembly's motion, the commons' sales): a test that deletes those rows
removes the economy's first, in the order the protections require."""

from __future__ import annotations

from comunitas.core.models import Cooperative
from comunitas.economy.models import (
    BudgetLine,
    Category,
    Closing,
    Counterparty,
    Earmark,
    ImportBatch,
    Job,
    Movement,
    VolunteerEntry,
    VolunteerRate,
)


def economy_wipe(coop: Cooperative) -> None:
    Movement.objects.filter(coop=coop, reverses__isnull=False).delete()
    Movement.objects.filter(coop=coop).delete()
    Earmark.objects.filter(coop=coop).delete()
    Closing.objects.filter(coop=coop).delete()  # its allocation and ristorni go with it
    for model in (Job, VolunteerEntry, VolunteerRate, BudgetLine, Counterparty, ImportBatch):
        model.objects.filter(coop=coop).delete()
    Category.objects.filter(coop=coop).delete()
