"""The box office's pages: what visitors see and buy, one's tickets, the staff's catalogue,
events with attendance, orders, the desk and the door; the forms' errors; query counts."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from comunitas.commons.models import Event, Order, Sale, Service, Ticket
from comunitas.commons.ticketing import services as ticketing_services
from comunitas.members.book.services import book_setup
from tests.commons.ticketing.matrix import buy, make_event, make_service
from tests.helpers import admit, person

pytestmark = pytest.mark.django_db


def visitor() -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    return client


def codes_in(page: str) -> list[str]:
    return re.findall(r'<code class="ticket-code">([A-Z0-9]+)</code>', page)


def test_a_visitor_buys_a_ticket_and_sees_its_code(
    client, coop, screening, mailoutbox, django_capture_on_commit_callbacks
):
    event = make_event(screening, seats=10)
    make_service(coop, name="Members' night", is_public=False)
    home = client.get("/c/alpha/events/").content.decode()
    assert "Cinema Paradiso" in home and "Members&#x27; night" not in home
    assert f"/c/alpha/events/buy/{screening.pk}/?event={event.pk}" in home
    page = client.get(f"/c/alpha/events/buy/{screening.pk}/?event={event.pk}").content.decode()
    assert "Price: €8.00 each (Public price)." in page and "Your e-mail" in page
    form = {
        "event": event.pk,
        "quantity": 2,
        "payment_method": "bank_transfer",
        "name": "Vera Visitor",
        "email": "vera@example.org",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/c/alpha/events/buy/{screening.pk}/", form)
    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/c/alpha/events/orders/{order.pk}/"
    page = client.get(response["Location"]).content.decode()
    codes = sorted(Ticket.objects.filter(line__order=order).values_list("code", flat=True))
    assert sorted(codes_in(page)) == codes and len(codes) == 2
    assert "Thank you: your order is placed." in page
    assert f"Reference to quote: <code>{order.code}</code>" in page
    assert (order.customer_kind, order.total, order.user) == ("public", Decimal("16.00"), None)
    assert mailoutbox[0].to == ["vera@example.org"] and codes[0] in mailoutbox[0].body
    # Another browser does not see the order.
    assert visitor().get(response["Location"]).status_code == 404


def test_a_resident_buys_and_finds_the_tickets_among_their_orders(client, people, screening):
    event = make_event(screening)
    client.force_login(people["resident"])
    page = client.get(f"/c/alpha/events/buy/{screening.pk}/").content.decode()
    assert "(Resident price)" in page and "Your e-mail" not in page
    form = {"event": event.pk, "quantity": 1, "payment_method": "on_site"}
    assert client.post(f"/c/alpha/events/buy/{screening.pk}/", form).status_code == 302
    order = Order.objects.get()
    assert (order.user, order.customer_name) == (people["resident"], "resident1")
    page = client.get("/c/alpha/events/mine/").content.decode()
    assert codes_in(page) == [Ticket.objects.get().code]
    assert "Pay at the desk" not in page  # instructions are on the order's own page
    client.force_login(people["member"])
    assert codes_in(client.get("/c/alpha/events/mine/").content.decode()) == []
    assert client.get(f"/c/alpha/events/orders/{order.pk}/").status_code == 404
    anonymous = visitor().get("/c/alpha/events/mine/").content.decode()
    assert "Log in to see the orders" in anonymous


def test_buying_beyond_the_seats_shows_why_and_saves_nothing(client, people, screening):
    event = make_event(screening, seats=3)
    buy(people["coop"], people["member"], [(screening, event, 2)])
    client.force_login(people["resident"])
    form = {"event": event.pk, "quantity": 2, "payment_method": "on_site"}
    page = client.post(f"/c/alpha/events/buy/{screening.pk}/", form)
    assert page.status_code == 200
    assert "Only 1 seat left for Cinema Paradiso" in page.content.decode()
    for bad in ({"quantity": 0}, {"quantity": 51}, {"quantity": "x"}, {"payment_method": "gold"}):
        page = client.post(f"/c/alpha/events/buy/{screening.pk}/", {**form, **bad})
        assert page.status_code == 200 and b"errorlist" in page.content, bad
    assert Order.objects.count() == 1
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - timedelta(minutes=1))
    page = client.get(f"/c/alpha/events/buy/{screening.pk}/").content.decode()
    assert "No date of this service is on sale at the moment." in page


def test_visitors_cannot_buy_hidden_services_and_are_throttled(client, coop, screening, settings):
    hidden = make_service(coop, name="Members' night", is_public=False)
    assert client.get(f"/c/alpha/events/buy/{hidden.pk}/").status_code == 404
    settings.ORDERS_PER_HOUR = 2
    event = make_event(screening)
    form = {
        "event": event.pk,
        "quantity": 1,
        "payment_method": "on_site",
        "name": "Vera",
        "email": "vera@example.org",
    }
    for _i in range(2):
        assert client.post(f"/c/alpha/events/buy/{screening.pk}/", form).status_code == 302
    page = client.post(f"/c/alpha/events/buy/{screening.pk}/", form).content.decode()
    assert "Too many orders from your connection: try again later." in page
    assert Order.objects.count() == 2


def test_staff_keep_the_catalogue_and_schedule_events(client, people, coop):
    client.force_login(people["staff"])
    form = {
        "name": "<b>Catacombs</b> tour",
        "kind": "tour",
        "is_active": "on",
        "is_public": "on",
        "price_public": "-5",
        "price_member": "9.00",
    }
    page = client.post("/c/alpha/events/services/new/", form).content.decode()
    assert "A price cannot be negative." in page and not Service.objects.exists()
    response = client.post("/c/alpha/events/services/new/", {**form, "price_public": "12,50"})
    service = Service.objects.get()
    assert response["Location"] == f"/c/alpha/events/services/{service.pk}/"
    assert dict(service.prices.values_list("customer_kind", "price")) == {
        "public": Decimal("12.50"),
        "member": Decimal("9.00"),
    }
    page = client.get(response["Location"]).content.decode()
    assert "&lt;b&gt;Catacombs&lt;/b&gt; tour" in page and "<b>Catacombs" not in page
    start = (timezone.localtime() + timedelta(days=2)).replace(hour=10, minute=30)
    event_form = {"starts_at": start.strftime("%Y-%m-%dT%H:%M"), "seats": "25"}
    url = f"/c/alpha/events/services/{service.pk}/events/"
    past = {**event_form, "starts_at": "2020-01-01T10:00"}
    assert "An event cannot start in the past." in client.post(url, past).content.decode()
    response = client.post(url, event_form)
    event = Event.objects.get()
    assert response["Location"] == f"/c/alpha/events/{event.pk}/"
    assert timezone.localtime(event.starts_at).strftime("%H:%M") == "10:30"
    buy(coop, people["stranger"], [(service, event, 3)])
    edit = f"/c/alpha/events/{event.pk}/edit/"
    page = client.post(edit, {**event_form, "seats": "2"}).content.decode()
    assert "3 seats are already sold: the event cannot have fewer." in page
    assert client.post(edit, {**event_form, "seats": "30"}).status_code == 302
    assert Event.objects.get().seats == 30


def test_the_event_page_shows_attendance_and_the_door_admits_once(client, people, coop, screening):
    event, other = make_event(screening, seats=10), make_event(screening, days=5)
    order = buy(coop, people["resident"], [(screening, event, 3)])
    first, second, third = Ticket.objects.filter(line__order=order)
    client.force_login(people["staff"])
    htmx = {"HTTP_HX_REQUEST": "true"}
    page = client.post("/c/alpha/events/check-in/", {"code": first.code.lower()}, **htmx)
    assert "Valid: welcome!" in page.content.decode()
    assert "Still to pay: €18.00" in page.content.decode()
    assert "<html" not in page.content.decode()  # only the answer box
    page = client.post("/c/alpha/events/check-in/", {"code": first.code}, **htmx).content.decode()
    at = timezone.localtime(Ticket.objects.get(pk=first.pk).checked_in_at).strftime("%H:%M")
    assert f"Already checked in at {at}." in page
    page = client.post(
        "/c/alpha/events/check-in/", {"code": second.code, "event": other.pk}, **htmx
    ).content.decode()
    assert "This ticket is for another event" in page
    page = client.post("/c/alpha/events/check-in/", {"code": "NOPE"}, **htmx).content.decode()
    assert "Unknown code" in page
    # Without htmx the answer comes back as a message on the page.
    response = client.post("/c/alpha/events/check-in/", {"code": third.code}, follow=True)
    assert "Valid: welcome!" in response.content.decode()
    page = client.get(f"/c/alpha/events/{event.pk}/").content.decode()
    kpis = re.findall(r'<span class="value">(\d+)</span><span class="label">([a-z ]+)</span>', page)
    assert kpis == [
        ("10", "seats"),
        ("3", "tickets sold"),
        ("2", "checked in"),
        ("7", "seats left"),
    ]
    assert page.count("checked in at") == 2


def test_staff_take_payments_and_cancel(client, people, coop, screening):
    event = make_event(screening, seats=4)
    order = buy(coop, people["resident"], [(screening, event, 2)])
    client.force_login(people["staff"])
    base = f"/c/alpha/events/orders/{order.pk}"
    page = client.get(f"{base}/").content.decode()
    assert "Mark paid" in page and "Cancel the order" in page
    response = client.post(f"{base}/pay/", {"reference": "receipt 7"}, follow=True)
    assert "The payment is recorded." in response.content.decode()
    assert Sale.objects.get().amount == Decimal("12.00")
    response = client.post(f"{base}/pay/", {}, follow=True)
    assert "This order is not waiting for a payment (Paid)." in response.content.decode()
    response = client.post(f"{base}/cancel/", {"reason": "ill"}, follow=True)
    assert "its seats are back on sale" in response.content.decode()
    assert (
        Event.objects.get().seats_taken == 0
        and sum(Sale.objects.values_list("amount", flat=True)) == 0
    )
    response = client.post(f"/c/alpha/events/{event.pk}/cancel/", {"reason": "storm"}, follow=True)
    assert "The event is cancelled" in response.content.decode()
    assert Event.objects.get().is_cancelled


def test_the_desk_sells_to_a_member_by_register_number(client, people, coop, screening):
    book_setup(coop=coop)
    member = admit(coop, person(1))
    event = make_event(screening)
    client.force_login(people["staff"])
    form = {
        "event": event.pk,
        "quantity": 2,
        "customer_kind": "public",
        "member_number": 99,
        "payment_method": "on_site",
        "paid": "on",
    }
    page = client.post("/c/alpha/events/desk/", form).content.decode()
    assert "No current member has register number 99." in page and not Order.objects.exists()
    page = client.post("/c/alpha/events/desk/", {**form, "event": "", "service": ""})
    assert "Choose an event or an item." in page.content.decode()
    response = client.post("/c/alpha/events/desk/", {**form, "member_number": member.number})
    order = Order.objects.get()
    assert response["Location"] == f"/c/alpha/events/orders/{order.pk}/"
    assert (order.member, order.customer_kind, order.total, order.payment_state) == (
        member,
        "member",
        Decimal("10.00"),
        "paid",
    )
    assert Sale.objects.get().member == member
    form = {**form, "member_number": "", "customer_kind": "association", "name": "Pro Loco"}
    assert client.post("/c/alpha/events/desk/", form).status_code == 302
    assert Order.objects.filter(customer_kind="association", total=Decimal("8.00")).exists()


def test_the_order_list_filters(client, people, coop, screening):
    event = make_event(screening, seats=40)
    paid = buy(coop, people["resident"], [(screening, event, 1)])
    ticketing_services.order_pay(actor=None, order=paid)
    buy(coop, people["member"], [(screening, event, 2)])
    client.force_login(people["admin"])
    assert client.get("/c/alpha/events/orders/").content.decode().count("1 \u00d7 Cinema") == 1
    page = client.get("/c/alpha/events/orders/", {"payment_state": "paid"}).content.decode()
    assert "1 order" in page and paid.code in page
    page = client.get("/c/alpha/events/orders/", {"q": paid.code.lower()}).content.decode()
    assert "1 order" in page and paid.code in page
    page = client.get("/c/alpha/events/orders/", {"q": "member1"}).content.decode()
    assert "1 order" in page and paid.code not in page


# --- query counts -------------------------------------------------------------------------------
def _orders(coop, people, screening, n):
    events = [make_event(screening, seats=50, days=2 + i) for i in range(3)]
    shop = make_service(coop, name="Honey", kind="product")
    for i in range(n):
        buy(coop, people["resident"], [(screening, events[i % 3], 2), (shop, None, 1)])


@pytest.mark.parametrize("n", [2, 12])
def test_order_pages_are_a_constant_number_of_queries(
    client, people, coop, screening, n, django_assert_num_queries
):
    _orders(coop, people, screening, n)
    client.force_login(people["staff"])
    # session, user, coop, roles; count, orders with their member, lines with service and
    # event, tickets
    with django_assert_num_queries(8):
        page = client.get("/c/alpha/events/orders/").content.decode()
    assert page.count("1 \u00d7 Honey") == n
    client.force_login(people["resident"])
    # session, user, coop, roles; count, orders, lines with service and event, tickets
    with django_assert_num_queries(8):
        page = client.get("/c/alpha/events/mine/").content.decode()
    assert len(codes_in(page)) == 2 * n


@pytest.mark.parametrize("n", [3, 5000])
def test_event_pages_are_a_constant_number_of_queries(
    client, people, coop, screening, n, django_assert_num_queries
):
    make_service(coop, name="Honey", kind="product")  # sold without a date
    start = timezone.now() + timedelta(days=1)
    Event.objects.bulk_create(
        Event(service=screening, starts_at=start + timedelta(hours=i), seats=100) for i in range(n)
    )
    client.force_login(people["staff"])
    # session, user, coop, roles; count, one page of events with their service
    with django_assert_num_queries(6):
        page = client.get("/c/alpha/events/all/").content.decode()
    assert page.count("<td>Cinema Paradiso</td>") == min(n, 50)
    # session, user, coop, roles; count, a page of events with their service, items on sale
    # with their resource, their prices
    with django_assert_num_queries(8):
        page = client.get("/c/alpha/events/").content.decode()
    assert page.count("Buy tickets</a>") == min(n, 50) and "Honey" in page
