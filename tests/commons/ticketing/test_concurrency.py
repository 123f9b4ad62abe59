"""Concurrent buyers and doors with real database connections (one per thread): 100 requests
for the last 5 seats of a screening sell exactly 5, on SQLite and on PostgreSQL, and the others
are told why; a ticket scanned at two doors at once is admitted once.

Run on PostgreSQL with DATABASE_URL=postgres://…; the PostgreSQL server of a shared machine
allows 100 connections in all, so there the requests go through a pool of 40 connections, as
they would through the workers of an application server."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client

from comunitas.commons.bookings.customers import Customer
from comunitas.commons.models import Event, Order, Ticket
from comunitas.commons.ticketing import door as ticketing_door
from comunitas.commons.ticketing import services as ticketing_services
from comunitas.commons.ticketing.door import CheckIn
from comunitas.core import errors as core_errors
from comunitas.core.models import AuditEntry
from tests.commons.ticketing.matrix import buy, make_event, make_service
from tests.helpers import run_together

pytestmark = pytest.mark.django_db(transaction=True)

BUYERS = 100
LAST_SEATS = 5
SOLD_OUT = ("Sold out: no seats left", "Only ")
BUSY = "The box office is busy: try again in a moment."


def pool_size() -> int | None:
    return 40 if connection.vendor == "postgresql" else None


def test_100_concurrent_requests_for_the_last_5_seats_sell_exactly_5(people):
    coop = people["coop"]
    screening = make_service(coop)
    event = make_event(screening, seats=50)
    buy(coop, people["resident"], [(screening, event, 50 - LAST_SEATS)])
    body = json.dumps(
        {
            "lines": [{"service_id": screening.pk, "event_id": event.pk, "quantity": 1}],
            "payment_method": "on_site",
        }
    )
    clients = []
    for _i in range(BUYERS):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(people["member"])
        clients.append(client)
    connection.close()  # the threads open their own

    def request(client):
        return lambda: client.post(
            "/api/v1/coops/alpha/orders", body, content_type="application/json"
        )

    responses = run_together([request(c) for c in clients], connections=pool_size())

    crashed = [r for r in responses if isinstance(r, Exception)]
    assert not crashed, crashed[:3]
    by_status: dict[int, list] = {}
    for response in responses:
        by_status.setdefault(response.status_code, []).append(response)
    assert set(by_status) <= {201, 422}, {s: len(r) for s, r in by_status.items()}
    assert len(by_status[201]) == LAST_SEATS
    for response in by_status[422]:
        body = response.json()
        assert set(body) == {"detail", "errors"}
        (error,) = body["errors"]
        assert error["message"].startswith(SOLD_OUT) or error["message"] == BUSY, error
    sold_out = [r for r in by_status[422] if r.json()["errors"][0]["message"] != BUSY]
    assert sold_out, "no request was refused for want of seats"
    event.refresh_from_db()
    assert (event.seats_taken, event.seats_left) == (50, 0)
    assert Ticket.objects.filter(event=event, is_void=False).count() == 50
    assert Order.objects.filter(coop=coop).count() == 1 + LAST_SEATS
    assert AuditEntry.objects.filter(action="order.place").count() == 1 + LAST_SEATS


def test_100_concurrent_buyers_in_the_service_never_oversell(people):
    """The same race one layer down, with orders of 1 to 3 seats: never a seat too many."""
    coop = people["coop"]
    screening = make_service(coop)
    event = make_event(screening, seats=20)
    connection.close()

    def attempt(n):
        return lambda: ticketing_services.order_place(
            actor=None,
            coop=coop,
            customer=Customer("public", None, f"Buyer {n}", f"b{n}@example.org"),
            lines=[(screening, event, 1 + n % 3)],
            payment_method="on_site",
            at_desk=True,
        )

    results = run_together([attempt(n) for n in range(BUYERS)], connections=pool_size())
    sold = [r for r in results if isinstance(r, Order)]
    others = [r for r in results if not isinstance(r, Order)]
    assert all(isinstance(r, core_errors.ValidationError) for r in others), others[:3]
    event.refresh_from_db()
    assert event.seats_taken == sum(o.lines.get().quantity for o in sold) <= 20
    assert event.seats_taken == Ticket.objects.filter(event=event).count()
    # With 100 buyers for 20 seats, only a last seat or two (asked for in threes) can be left.
    assert event.seats_left <= 2


def test_a_ticket_scanned_at_two_doors_at_once_is_admitted_once(people):
    coop = people["coop"]
    screening = make_service(coop)
    event = make_event(screening)
    order = buy(coop, people["resident"], [(screening, event, 1)])
    code = Ticket.objects.get(line__order=order).code
    connection.close()

    def scan():
        return ticketing_door.ticket_check_in(actor=people["staff"], coop=coop, code=code).status

    results = run_together([scan] * 8)
    assert sorted(results) == [CheckIn.ADMITTED] + [CheckIn.ALREADY] * 7, results
    assert AuditEntry.objects.filter(action="ticket.check_in").count() == 1
    assert Event.objects.get(pk=event.pk).seats_taken == 1
