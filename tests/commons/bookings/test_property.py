"""Property: whatever sequence of booking attempts and cancellations people make, no two holding
bookings of a unit ever overlap, and an attempt succeeds exactly when its time is free (the
rules being met). On PostgreSQL the exclusion constraint is checked too: the database itself
refuses an overlapping row that skipped the service."""

from __future__ import annotations

from datetime import timedelta
from itertools import combinations

import pytest
from django.db import IntegrityError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comunitas.commons.bookings import services as bookings_services
from comunitas.commons.models import HOLDING, Booking, BookingStatus
from comunitas.core.errors import ValidationError
from tests.commons.bookings.matrix import at, book, day_ahead, make_unit
from tests.helpers import make_resource

pytestmark = pytest.mark.django_db

DAY = day_ahead(5)
OPENS = at(DAY, 8)

# An attempt: (who, first half-hour slot from 08:00, length in half hours) or a cancellation
# of the n-th booking made so far.
attempt = st.tuples(
    st.sampled_from(["resident", "member", "staff"]),
    st.integers(min_value=0, max_value=27),
    st.integers(min_value=2, max_value=8),
)
cancel = st.integers(min_value=0, max_value=30)
step = st.one_of(attempt.map(lambda a: ("book", a)), cancel.map(lambda n: ("cancel", n)))


@pytest.fixture
def unit(people):
    resource = make_resource(people["coop"], people["admin"])
    return make_unit(resource, people["admin"], max_minutes=240)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=1, max_size=25))
def test_holding_bookings_never_overlap(people, unit, steps):
    with transaction.atomic():  # each example starts from an empty calendar
        made: list[Booking] = []
        for kind, value in steps:
            if kind == "cancel":
                if made:
                    target = made[value % len(made)]
                    target.refresh_from_db()
                    if target.status in HOLDING:
                        bookings_services.booking_cancel(actor=people["staff"], booking=target)
                continue
            who, slot, halves = value
            start = OPENS + timedelta(minutes=30 * slot)
            end = start + timedelta(minutes=30 * halves)
            held = Booking.objects.filter(unit=unit, status__in=HOLDING)
            free = not any(b.start < end and b.end > start for b in held)
            fits = end <= at(DAY, 22)
            try:
                made.append(book(unit, people[who], start, end))
                succeeded = True
            except ValidationError:
                succeeded = False
            assert succeeded == (free and fits), (start, end, list(held.values("start", "end")))
            current = list(Booking.objects.filter(unit=unit, status__in=HOLDING))
            for a, b in combinations(current, 2):
                assert a.end <= b.start or b.end <= a.start, (a, b)
        transaction.set_rollback(True)


def test_the_database_refuses_an_overlap_that_skipped_the_service(people, unit):
    """On PostgreSQL the exclusion constraint is a last line behind the service; SQLite has
    none (there the service's check under the unit's write lock is the only line)."""
    first = book(unit, people["resident"], at(DAY, 10), at(DAY, 12))
    clash = Booking(
        coop=first.coop,
        unit=unit,
        start=at(DAY, 11),
        end=at(DAY, 13),
        status=BookingStatus.CONFIRMED,
        booker_name="Bypass",
        customer_kind="public",
        price=0,
    )
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Booking._meta.db_table)
    # Migration 0003 adds the constraint on PostgreSQL only (SQLite has no exclusion ones).
    assert ("booking_no_overlap" in constraints) == (connection.vendor == "postgresql")
    if connection.vendor != "postgresql":
        return
    with pytest.raises(IntegrityError), transaction.atomic():
        clash.save()
    # The service's last line turns the constraint's refusal into the usual message.
    clash.pk = None
    with pytest.raises(ValidationError, match="overlaps another booking"):
        bookings_services.booking_insert(clash, manager=False)
    # A cancelled row may overlap: only holding bookings hold their time.
    clash.status = BookingStatus.CANCELLED
    clash.pk = None
    clash.save()
