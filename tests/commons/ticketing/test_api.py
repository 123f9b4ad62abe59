"""The box office's API: the same rules as the pages, errors in the one shape (422 with the
field), lean paginated lists with a constant number of queries."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from comunitas.commons.models import Event, Order, Sale, Ticket
from comunitas.commons.ticketing.services import event_label
from comunitas.members.book.services import book_setup
from tests.commons.ticketing.matrix import buy, make_event, make_service
from tests.helpers import admit, make_resource, person

pytestmark = pytest.mark.django_db
API = "/api/v1/coops/alpha"


def send(client, method: str, url: str, body=None):
    return getattr(client, method)(url, json.dumps(body or {}), content_type="application/json")


def errors(response) -> dict:
    body = response.json()
    assert response.status_code in (400, 422, 429), (response.status_code, body)
    assert set(body) == {"detail", "errors"}, body
    return {e["field"]: e["message"] for e in body["errors"]}


def test_the_catalogue(client, people, coop, screening):
    hidden = make_service(coop, name="Members' night", is_public=False)
    names = [s["name"] for s in client.get(f"{API}/services").json()["items"]]
    assert names == ["Cinema Paradiso"]
    assert client.get(f"{API}/services/{hidden.pk}").status_code == 404
    client.force_login(people["staff"])
    items = client.get(f"{API}/services").json()["items"]
    assert [s["name"] for s in items] == ["Cinema Paradiso", "Members' night"]
    assert {p["customer_kind"]: p["price"] for p in items[0]["prices"]}["public"] == "8.00"

    resource = make_resource(coop)
    body = {
        "name": "Catacombs tour",
        "kind": "tour",
        "resource_id": resource.pk,
        "is_public": True,
        "prices": [
            {"customer_kind": "public", "price": "12"},
            {"customer_kind": "member", "price": -1},
        ],
    }
    response = send(client, "post", f"{API}/services", body)
    assert response.status_code == 422
    assert errors(response) == {"prices.member": "A price cannot be negative."}
    body["prices"][1]["price"] = "9.999"
    assert send(client, "post", f"{API}/services", body).status_code == 422
    other = make_resource(people["other"])
    response = send(
        client, "post", f"{API}/services", {**body, "resource_id": other.pk, "prices": []}
    )
    assert errors(response) == {"resource_id": "Choose a common resource of this cooperative."}
    response = send(client, "post", f"{API}/services", {**body, "colour": "red", "prices": []})
    assert response.status_code == 422 and "colour" in errors(response)
    body["prices"][1]["price"] = "9.50"
    response = send(client, "post", f"{API}/services", body)
    assert response.status_code == 201
    tour = response.json()
    assert (tour["resource_name"], len(tour["prices"])) == ("Rifugio", 2)
    url = f"{API}/services/{tour['id']}"
    response = send(client, "patch", url, {"is_active": False, "resource_id": None})
    assert response.json()["is_active"] is False and response.json()["resource_id"] is None
    response = send(
        client, "put", f"{url}/prices", {"prices": [{"customer_kind": "free", "price": 0}]}
    )
    assert response.json()["prices"] == [{"customer_kind": "free", "price": "0.00"}]


def test_events(client, people, coop, screening):
    client.force_login(people["staff"])
    later = timezone.now() + timedelta(days=2)
    body = {"service_id": screening.pk, "starts_at": later.isoformat(), "seats": 3}
    response = send(client, "post", f"{API}/events", {**body, "starts_at": "2020-01-01T21:00:00Z"})
    assert errors(response) == {"starts_at": "An event cannot start in the past."}
    response = send(client, "post", f"{API}/events", {**body, "seats": -4})
    assert errors(response) == {"seats": "Give between 1 and 100,000 seats."}
    theirs = make_service(people["other"])
    response = send(client, "post", f"{API}/events", {**body, "service_id": theirs.pk})
    assert errors(response) == {"service_id": "Choose a service of this cooperative."}
    response = send(client, "post", f"{API}/events", body)
    assert response.status_code == 201
    event = response.json()
    assert (event["seats_left"], event["sold"], event["checked_in"]) == (3, 0, 0)
    buy(coop, people["resident"], [(screening, Event.objects.get(pk=event["id"]), 2)])
    url = f"{API}/events/{event['id']}"
    response = send(client, "patch", url, {"seats": 1})
    assert errors(response) == {"seats": "2 seats are already sold: the event cannot have fewer."}
    assert send(client, "patch", url, {"seats": None}).status_code == 422
    assert send(client, "patch", url, {"seats": 10}).json()["seats_left"] == 8
    response = send(client, "post", f"{url}/cancel", {"reason": "Storm"})
    assert response.json()["is_cancelled"] is True
    assert Order.objects.get().payment_state == "nothing_due"
    assert errors(send(client, "post", f"{url}/cancel")) == {
        None: "This event is already cancelled."
    }
    client.logout()
    assert client.get(url).status_code == 404  # visitors see no cancelled event
    assert client.get(f"{API}/events").json()["count"] == 0


def test_orders(client, people, coop, screening, settings):
    event = make_event(screening, seats=4)
    line = {"service_id": screening.pk, "event_id": event.pk, "quantity": 2}
    body = {"lines": [line], "payment_method": "bank_transfer"}
    response = send(client, "post", f"{API}/orders", body)
    assert errors(response) == {
        "name": "Give the buyer's name.",
        "email": "Give an e-mail address: the tickets go there.",
    }
    response = send(client, "post", f"{API}/orders", {**body, "customer_kind": "free"})
    assert errors(response) == {"customer_kind": "Only staff choose the kind of customer."}
    visitor = {**body, "name": "Vera", "email": "vera@example.org"}
    response = send(client, "post", f"{API}/orders", visitor)
    assert response.status_code == 201
    order = response.json()
    assert order["total"] == "16.00" and order["payment"]["reference"] == order["code"]
    assert len(order["lines"][0]["tickets"]) == 2
    # The browser that placed it may read it back; another may not.
    assert client.get(f"{API}/orders/{order['id']}").status_code == 200
    assert Client().get(f"{API}/orders/{order['id']}").status_code == 404
    response = send(
        client, "post", f"{API}/orders", {**visitor, "lines": [{**line, "quantity": 3}]}
    )
    assert errors(response) == {
        "lines.0.quantity": f"Only 2 seats left for {event_label(event)}: you asked for 3."
    }
    theirs = make_service(people["other"])
    wrong = [{"service_id": theirs.pk, "quantity": 1}, {**line, "event_id": 10**12}]
    response = send(client, "post", f"{API}/orders", {**visitor, "lines": wrong})
    assert errors(response) == {"lines.1.event_id": "No such event here."}
    response = send(client, "post", f"{API}/orders", {**visitor, "lines": wrong[:1]})
    assert errors(response) == {"lines.0.service_id": "No such service on sale here."}
    assert send(client, "post", f"{API}/orders", {**visitor, "lines": []}).status_code == 422
    settings.ORDERS_PER_HOUR = 1
    response = send(client, "post", f"{API}/orders", visitor)
    assert response.status_code == 429 and set(response.json()) == {"detail", "errors"}

    client = Client()  # another browser: the visitor's session no longer shows their order
    client.force_login(people["resident"])
    response = send(client, "post", f"{API}/orders", {**body, "lines": [{**line, "quantity": 1}]})
    assert response.status_code == 201 and response.json()["customer_kind"] == "resident"
    mine = client.get(f"{API}/orders").json()
    assert [o["code"] for o in mine["items"]] == [response.json()["code"]]
    assert client.get(f"{API}/orders/{order['id']}").status_code == 404
    client.force_login(people["staff"])
    assert client.get(f"{API}/orders").json()["count"] == 2
    assert client.get(f"{API}/orders", {"mine": True}).json()["count"] == 0
    assert client.get(f"{API}/orders", {"q": "vera@example.org"}).json()["count"] == 1
    paid = send(client, "post", f"{API}/orders/{order['id']}/pay", {"reference": "CRO 123"})
    assert paid.json()["payment_state"] == "paid" and Sale.objects.count() == 1
    again = send(client, "post", f"{API}/orders/{order['id']}/pay")
    assert errors(again) == {None: "This order is not waiting for a payment (Paid)."}
    cancelled = send(client, "post", f"{API}/orders/{order['id']}/cancel", {"reason": "x"})
    assert cancelled.json()["payment_state"] == "refunded"
    assert sum(Sale.objects.values_list("amount", flat=True)) == 0
    assert Event.objects.get().seats_taken == 1


def test_staff_sell_on_behalf_of_a_member(client, people, coop, screening):
    book_setup(coop=coop)
    member = admit(coop, person(1))
    event = make_event(screening)
    client.force_login(people["staff"])
    body = {
        "lines": [{"service_id": screening.pk, "event_id": event.pk, "quantity": 2}],
        "payment_method": "on_site",
        "member_number": member.number,
        "paid": True,
        "payment_reference": "cash",
    }
    response = send(client, "post", f"{API}/orders", body)
    assert response.status_code == 201, response.json()
    order = response.json()
    assert (order["member_id"], order["total"], order["payment_state"]) == (
        member.pk,
        "10.00",
        "paid",
    )
    response = send(client, "post", f"{API}/orders", {**body, "member_number": 999})
    assert errors(response) == {"member_number": "No current member has register number 999."}
    response = send(
        client,
        "post",
        f"{API}/orders",
        {**body, "member_number": None, "customer_kind": "association", "name": ""},
    )
    assert errors(response) == {"name": "Give the buyer's name."}
    association = {
        **body,
        "member_number": None,
        "customer_kind": "association",
        "name": "Pro Loco",
    }
    response = send(client, "post", f"{API}/orders", association)
    assert response.status_code == 201 and response.json()["total"] == "8.00"


def test_check_in(client, people, coop, screening):
    event, other = make_event(screening), make_event(screening, days=4)
    order = buy(coop, people["resident"], [(screening, event, 1)])
    code = Ticket.objects.get(line__order=order).code
    client.force_login(people["staff"])
    url = f"{API}/tickets/check-in"
    response = send(client, "post", url, {"code": code, "event_id": other.pk})
    assert errors(response) == {"code": f"This ticket is for another event: {event_label(event)}."}
    response = send(client, "post", url, {"code": code.lower(), "event_id": event.pk})
    assert response.status_code == 200
    assert response.json()["result"] == "admitted" and response.json()["to_pay"] == "6.00"
    at = timezone.localtime(Ticket.objects.get(code=code).checked_in_at).strftime("%H:%M")
    assert errors(send(client, "post", url, {"code": code})) == {
        "code": f"Already checked in at {at}."
    }
    assert errors(send(client, "post", url, {"code": "ZZZ"})) == {
        "code": "Unknown code: no ticket of this cooperative has it."
    }
    theirs = make_event(make_service(people["other"]))
    assert errors(send(client, "post", url, {"code": code, "event_id": theirs.pk})) == {
        "event_id": "No such event here."
    }


@pytest.mark.parametrize("n", [3, 5000])
def test_the_event_list_is_lean_and_a_constant_number_of_queries(
    client, coop, screening, n, django_assert_num_queries
):
    hidden = make_service(coop, name="Members' night", is_public=False)
    start = timezone.now() + timedelta(days=1)
    Event.objects.bulk_create(
        Event(service=service, starts_at=start + timedelta(hours=i), seats=100, seats_taken=i % 7)
        for i in range(n)
        for service in (screening, hidden)
    )
    # coop; count, one page of events with the service's name (a visitor has no session)
    with django_assert_num_queries(3):
        body = client.get(f"{API}/events", {"limit": 100, "upcoming": True}).json()
    assert body["count"] == n and len(body["items"]) == min(n, 100)
    first = body["items"][1]
    assert set(first) == {
        "id",
        "service_id",
        "service_name",
        "starts_at",
        "ends_at",
        "seats",
        "seats_left",
        "is_cancelled",
    }
    assert (first["service_name"], first["seats_left"]) == ("Cinema Paradiso", 99)


def test_order_list_is_a_constant_number_of_queries(
    client, people, coop, screening, django_assert_num_queries
):
    event = make_event(screening, seats=100)
    for n in (1, 2):
        for _i in range(4):
            buy(coop, people["resident"], [(screening, event, 2)])
        client.force_login(people["staff"])
        # session, user, coop, roles; count, orders with member, lines, tickets
        with django_assert_num_queries(8):
            body = client.get(f"{API}/orders").json()
        assert body["count"] == 4 * n
