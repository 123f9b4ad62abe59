"""No double booking under real concurrency: threads with their own database connections book
the same unit at once. The service locks the unit row before it checks (PostgreSQL: a row lock,
with the exclusion constraint behind it; SQLite: BEGIN IMMEDIATE), so exactly one of them gets
a slot and the others a clear ValidationError. Runs on SQLite and on PostgreSQL
(DATABASE_URL=postgres://…)."""

from __future__ import annotations

from itertools import combinations

import pytest
from django.contrib.auth import get_user_model

from comunitas.commons.models import HOLDING, Booking
from comunitas.core.errors import ValidationError
from tests.commons.bookings.matrix import at, book, day_ahead, make_unit
from tests.helpers import make_resource, run_together

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def unit(people):
    resource = make_resource(people["coop"], people["admin"])
    return make_unit(resource, people["admin"], max_minutes=240)


def booker(username: str, unit, start, end):
    def job():
        user = get_user_model().objects.get(username=username)  # this thread's own object
        return book(unit, user, start, end)

    return job


def test_twenty_threads_for_one_slot_exactly_one_wins(people, unit):
    day = day_ahead(5)
    names = ["resident1", "member1", "staff1", "admin1"]
    jobs = [booker(names[i % 4], unit, at(day, 10), at(day, 12)) for i in range(20)]
    results = run_together(jobs)
    won = [r for r in results if isinstance(r, Booking)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(won) == 1, results
    assert len(refused) == 19, results
    assert all("overlaps another booking" in str(r) for r in refused)
    assert Booking.objects.filter(unit=unit).count() == 1


def test_overlapping_requests_at_once_never_overlap_in_the_book(people, unit):
    day = day_ahead(6)
    # Twelve ranges each overlapping its neighbours: 08-10, 09-11, 10-12, …
    jobs = [
        booker(["resident1", "member1"][i % 2], unit, at(day, 8 + i), at(day, 10 + i))
        for i in range(12)
    ]
    results = run_together(jobs)
    assert all(isinstance(r, Booking | ValidationError) for r in results), results
    held = list(Booking.objects.filter(unit=unit, status__in=HOLDING))
    assert held, results
    for a, b in combinations(held, 2):
        assert a.end <= b.start or b.end <= a.start, (a, b)
    assert len(held) == sum(isinstance(r, Booking) for r in results)
