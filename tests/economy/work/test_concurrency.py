"""Hours decided or declared at the same instant, on real threads with their own database
connections (as concurrent requests): of several confirmations and rejections of one entry one
applies, declarations racing for the same day never pass 24 hours, and two saves of a budget
leave one of them whole. Runs on SQLite (transactions queue for the write lock) and on
PostgreSQL (the row locks of the entry, the person and the cooperative).

Transactional tests empty the tables afterwards: the territory comes back with the ``people``
fixture (``territory``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from comunitas.core.errors import ValidationError
from comunitas.core.models import AuditEntry, Cooperative
from comunitas.economy.models import BudgetLine, VolunteerEntry, VolunteerStatus
from comunitas.economy.work import services as work_services
from tests.economy.work.matrix import declare
from tests.helpers import run_together

pytestmark = pytest.mark.django_db(transaction=True)
DAY = date(2025, 5, 4)


def decide(username: str, entry_id: int, reject: bool):
    def job():
        actor = get_user_model().objects.get(username=username)
        entry = VolunteerEntry.objects.get(pk=entry_id)  # read before the others decided
        if reject:
            return work_services.volunteer_reject(actor=actor, entry=entry, reason="No")
        return work_services.volunteer_confirm(actor=actor, entry=entry)

    return job


def test_of_decisions_at_the_same_instant_one_applies(people):
    entry = declare(people["coop"], people["member"], on_date=DAY)
    jobs = [decide(name, entry.pk, i % 2 == 1) for i, name in enumerate(["staff1", "admin1"] * 3)]
    results = run_together(jobs)
    applied = [r for r in results if isinstance(r, VolunteerEntry)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(applied) == 1 and len(refused) == 5, results
    decisions = AuditEntry.objects.filter(action__in=["volunteer.confirm", "volunteer.reject"])
    assert decisions.count() == 1
    entry.refresh_from_db()
    assert entry.status == applied[0].status != VolunteerStatus.DECLARED


def test_declarations_at_the_same_instant_keep_the_day_within_24_hours(people):
    coop_id = people["coop"].pk

    def job():
        actor = get_user_model().objects.get(username="member1")
        return declare(Cooperative.objects.get(pk=coop_id), actor, hours="10", on_date=DAY)

    results = run_together([job for _ in range(4)])
    saved = [r for r in results if isinstance(r, VolunteerEntry)]
    assert len(saved) == 2, results
    assert all(isinstance(r, ValidationError) for r in results if r not in saved)
    total = sum(e.hours for e in VolunteerEntry.objects.filter(on_date=DAY))
    assert total == Decimal("20.00")


def test_two_saves_of_a_budget_at_once_leave_one_of_them_whole(people):
    coop_id, staff_id = people["coop"].pk, people["staff"].pk
    variants = [
        {"services": Decimal("100.00"), "staff": Decimal("50.00")},
        {"rent": Decimal("7.00")},
    ]

    def save(amounts):
        def job():
            return work_services.budget_lines_set(
                actor=get_user_model().objects.get(pk=staff_id),
                coop=Cooperative.objects.get(pk=coop_id),
                year=2025,
                amounts=amounts,
            )

        return job

    results = run_together([save(v) for v in variants * 3])
    assert not [r for r in results if isinstance(r, Exception)], results
    lines = dict(BudgetLine.objects.values_list("category__code", "amount"))
    assert lines in variants
