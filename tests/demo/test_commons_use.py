"""The case studies' use of their commons: units, bookings, events, tickets and sales that
obey the same rules as real ones (no overlap, no oversold event, one sale per paid item)."""

from decimal import Decimal
from itertools import pairwise

import pytest
from django.db.models import Count, F, Q, Sum

from comunitas.commons.models import (
    HOLDING,
    BookableUnit,
    Booking,
    Event,
    Order,
    PaymentState,
    Sale,
    Service,
)
from comunitas.core.models import Cents

pytestmark = pytest.mark.django_db


def test_the_demo_uses_its_commons_by_the_rules(demo_loaded, db):
    assert set(Service.objects.values_list("coop__slug", flat=True)) == {
        "post-modernissimo",
        "la-paranza",
        "brigi",
        "ri-maflow",
        "anversiamo",
    }
    tours = Event.objects.filter(service__name__startswith="Visita guidata alle Catacombe")
    assert tours.filter(service__coop__slug="la-paranza").count() > 100
    assert BookableUnit.objects.filter(public_booking=True).exists()

    # No two holding bookings of a unit overlap, and every one sits in its unit's coop.
    holding = list(Booking.objects.filter(status__in=HOLDING).order_by("unit", "start"))
    assert len(holding) > 50
    for before, after in pairwise(holding):
        if before.unit_id == after.unit_id:
            assert before.end <= after.start, (before, after)
    assert not Booking.objects.exclude(coop=F("unit__resource__coop")).exists()

    # Events are never oversold and count exactly their tickets.
    for event in Event.objects.annotate(live=Count("tickets", filter=Q(tickets__is_void=False))):
        assert event.seats_taken == event.live <= event.seats, event

    # One sale per paid booking and per paid order line, adding up to what was paid.
    paid_bookings = Booking.objects.filter(payment_state=PaymentState.PAID)
    paid_orders = Order.objects.filter(payment_state=PaymentState.PAID)
    expected = (paid_bookings.aggregate(t=Cents(Sum("price")))["t"] or Decimal(0)) + (
        paid_orders.aggregate(t=Cents(Sum("total")))["t"] or Decimal(0)
    )
    assert Sale.objects.aggregate(t=Cents(Sum("amount")))["t"] == expected > 0
    assert Sale.objects.filter(booking__isnull=False).count() == paid_bookings.count()
    assert not Sale.objects.filter(synthetic=False).exists()
    assert not Booking.objects.filter(synthetic=False).exists()
    # Loading again adds nothing: test_demo.py::test_loading_twice_changes_nothing compares
    # every row of the commons' tables.
