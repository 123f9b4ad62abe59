"""What a buyer may open again, shared by the pages and the API: the orders a browser placed
without a login are remembered in its session (the last twenty), so that the buyer can see them
(``selectors.order_for``), and a network address without a login places a bounded number of
orders an hour."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from comunitas.commons.models import Order

SESSION_ORDERS = "ticket_orders"  # orders this browser placed without a login


def orders_per_hour() -> int:
    return settings.ORDERS_PER_HOUR


def placed_here(request: HttpRequest) -> list[int]:
    """The ids of the orders this browser placed (none for a client without a session)."""
    session = getattr(request, "session", None)
    return session.get(SESSION_ORDERS, []) if session is not None else []


def remember_order(request: HttpRequest, order: Order) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        session[SESSION_ORDERS] = [*session.get(SESSION_ORDERS, [])[-19:], order.pk]
