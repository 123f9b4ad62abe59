"""The box office's rows of the permission matrix (tests/core/coops/test_permissions.py).

``ids`` creates, in "alpha", a public screening with fixed ids (the order bodies name them), an
event tomorrow and the resident's order of two tickets, one with a fixed code for the door.
Every POST body is valid, so allowed callers get their 302 (web) or 200/201 (API)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from comunitas.commons.bookings.customers import customer_for
from comunitas.commons.models import Event, Service, Ticket
from comunitas.commons.ticketing import catalogue as ticketing_catalogue
from comunitas.commons.ticketing import services as ticketing_services
from comunitas.core.permissions import Action

PATH_IDS = ["service_id", "event_id", "order_id"]
SERVICE_ID, EVENT_ID = 910_001, 910_002
CODE = "MATRIXCODE"
PRICES = {"member": "5.00", "resident": "6.00", "public": "8.00", "association": "4.00"}
LATER = (timezone.localtime() + timedelta(days=3)).replace(hour=21, minute=0, microsecond=0)

BUY_FORM = {
    "event": EVENT_ID,
    "quantity": 1,
    "payment_method": "on_site",
    "name": "Vera Visitor",
    "email": "vera@example.org",
}
SERVICE_FORM = {
    "name": "Guided tour",
    "kind": "tour",
    "description": "",
    "is_active": "on",
    "is_public": "on",
    "price_public": "10.00",
    "price_member": "7.00",
}
EVENT_FORM = {"starts_at": LATER.strftime("%Y-%m-%dT%H:%M"), "seats": "40"}
DESK_FORM = {
    "event": EVENT_ID,
    "quantity": 2,
    "customer_kind": "association",
    "name": "Pro Loco",
    "payment_method": "on_site",
    "paid": "on",
}

WEB = [
    ("get", "/c/{slug}/events/", None, Action.BUY),
    ("get", "/c/{slug}/events/mine/", None, Action.BUY),
    ("get", "/c/{slug}/events/buy/{service_id}/", None, Action.BUY),
    ("post", "/c/{slug}/events/buy/{service_id}/", BUY_FORM, Action.BUY),
    ("get", "/c/{slug}/events/orders/{order_id}/", None, Action.BUY),
    ("get", "/c/{slug}/events/all/", None, Action.MANAGE_SERVICES),
    ("get", "/c/{slug}/events/desk/", None, Action.MANAGE_SERVICES),
    ("post", "/c/{slug}/events/desk/", DESK_FORM, Action.MANAGE_SERVICES),
    ("get", "/c/{slug}/events/check-in/", None, Action.MANAGE_SERVICES),
    ("post", "/c/{slug}/events/check-in/", {"code": CODE}, Action.MANAGE_SERVICES),
    ("get", "/c/{slug}/events/services/", None, Action.MANAGE_SERVICES),
    ("get", "/c/{slug}/events/services/new/", None, Action.MANAGE_SERVICES),
    ("post", "/c/{slug}/events/services/new/", SERVICE_FORM, Action.MANAGE_SERVICES),
    ("get", "/c/{slug}/events/services/{service_id}/", None, Action.MANAGE_SERVICES),
    ("get", "/c/{slug}/events/services/{service_id}/edit/", None, Action.MANAGE_SERVICES),
    (
        "post",
        "/c/{slug}/events/services/{service_id}/edit/",
        {**SERVICE_FORM, "name": "Screening"},
        Action.MANAGE_SERVICES,
    ),
    ("get", "/c/{slug}/events/services/{service_id}/events/", None, Action.MANAGE_SERVICES),
    ("post", "/c/{slug}/events/services/{service_id}/events/", EVENT_FORM, Action.MANAGE_SERVICES),
    ("get", "/c/{slug}/events/orders/", None, Action.MANAGE_SERVICES),
    (
        "post",
        "/c/{slug}/events/orders/{order_id}/pay/",
        {"reference": "cash"},
        Action.MANAGE_SERVICES,
    ),
    ("post", "/c/{slug}/events/orders/{order_id}/cancel/", {}, Action.MANAGE_SERVICES),
    ("get", "/c/{slug}/events/{event_id}/", None, Action.MANAGE_SERVICES),
    ("get", "/c/{slug}/events/{event_id}/edit/", None, Action.MANAGE_SERVICES),
    (
        "post",
        "/c/{slug}/events/{event_id}/edit/",
        {**EVENT_FORM, "seats": "60"},
        Action.MANAGE_SERVICES,
    ),
    ("post", "/c/{slug}/events/{event_id}/cancel/", {"reason": "Rain"}, Action.MANAGE_SERVICES),
]

API_ORDER = {
    "lines": [{"service_id": SERVICE_ID, "event_id": EVENT_ID, "quantity": 2}],
    "payment_method": "bank_transfer",
    "name": "Vera Visitor",
    "email": "vera@example.org",
}
API = [
    ("get", "/api/v1/coops/{slug}/services", None, Action.BUY),
    (
        "post",
        "/api/v1/coops/{slug}/services",
        {"name": "Honey", "kind": "product", "prices": [{"customer_kind": "public", "price": 9}]},
        Action.MANAGE_SERVICES,
    ),
    ("get", "/api/v1/coops/{slug}/services/{service_id}", None, Action.BUY),
    (
        "patch",
        "/api/v1/coops/{slug}/services/{service_id}",
        {"description": "In the original language"},
        Action.MANAGE_SERVICES,
    ),
    (
        "put",
        "/api/v1/coops/{slug}/services/{service_id}/prices",
        {"prices": [{"customer_kind": "public", "price": "9.00"}]},
        Action.MANAGE_SERVICES,
    ),
    ("get", "/api/v1/coops/{slug}/events", None, Action.BUY),
    (
        "post",
        "/api/v1/coops/{slug}/events",
        {"service_id": SERVICE_ID, "starts_at": LATER.isoformat(), "seats": 30},
        Action.MANAGE_SERVICES,
    ),
    ("get", "/api/v1/coops/{slug}/events/{event_id}", None, Action.BUY),
    ("patch", "/api/v1/coops/{slug}/events/{event_id}", {"seats": 70}, Action.MANAGE_SERVICES),
    ("post", "/api/v1/coops/{slug}/events/{event_id}/cancel", {}, Action.MANAGE_SERVICES),
    ("get", "/api/v1/coops/{slug}/orders", None, Action.BUY),
    ("post", "/api/v1/coops/{slug}/orders", API_ORDER, Action.BUY),
    ("get", "/api/v1/coops/{slug}/orders/{order_id}", None, Action.BUY),
    ("post", "/api/v1/coops/{slug}/orders/{order_id}/pay", {}, Action.MANAGE_SERVICES),
    ("post", "/api/v1/coops/{slug}/orders/{order_id}/cancel", {}, Action.MANAGE_SERVICES),
    ("post", "/api/v1/coops/{slug}/tickets/check-in", {"code": CODE}, Action.MANAGE_SERVICES),
]

# The resident's order is theirs and staff's: anyone else meets a 404, as for a missing one.
NOT_YOURS = {"anonymous": 404, "stranger": 404, "member": 404}
WEB_EXCEPTIONS = {("get", "/c/{slug}/events/orders/{order_id}/"): NOT_YOURS}
API_EXCEPTIONS = {("get", "/api/v1/coops/{slug}/orders/{order_id}"): NOT_YOURS}


def ids(people) -> dict[str, int]:
    coop = people["coop"]
    # Fixed ids: the order bodies above name them.
    service = Service.objects.create(
        pk=SERVICE_ID, coop=coop, name="Screening", kind="screening", is_public=True
    )
    ticketing_catalogue.service_prices_set(actor=people["admin"], service=service, prices=PRICES)
    event = Event.objects.create(pk=EVENT_ID, service=service, starts_at=LATER, seats=50)
    resident = people["resident"]
    order = ticketing_services.order_place(
        actor=resident,
        coop=coop,
        customer=customer_for(resident, coop),
        lines=[(service, event, 2)],
        payment_method="on_site",
        user=resident,
    )
    Ticket.objects.filter(pk=order.lines.get().tickets.first().pk).update(code=CODE)
    return {"service_id": SERVICE_ID, "event_id": EVENT_ID, "order_id": order.pk}


# --- helpers shared by the box office's tests ---------------------------------------------------
def make_service(coop, *, name="Screening", kind="screening", prices=None, **fields):
    return ticketing_catalogue.service_create(
        actor=None,
        coop=coop,
        **{"name": name, "kind": kind, "is_public": True, **fields},
        prices=PRICES if prices is None else prices,
    )


def make_event(service, *, seats=50, days=3, **fields):
    starts = (timezone.localtime() + timedelta(days=days)).replace(
        hour=21, minute=0, second=0, microsecond=0
    )
    return ticketing_catalogue.event_create(
        actor=None, service=service, **{"starts_at": starts, "seats": seats, **fields}
    )


def buy(coop, user, lines, *, method="on_site", **extra):
    customer = customer_for(user, coop)
    if not user.is_authenticated:
        customer = type(customer)(customer.kind, None, "Vera Visitor", "vera@example.org")
    return ticketing_services.order_place(
        actor=user,
        coop=coop,
        customer=customer,
        lines=lines,
        payment_method=method,
        user=user,
        **extra,
    )
