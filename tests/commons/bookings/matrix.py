"""Bookable units' and bookings' rows of the permission matrix
(tests/core/coops/test_permissions.py), and the helpers the booking tests share.

``ids`` makes, in "alpha": a unit open to public booking (``unit_id``, with a closed day,
``closed_day_id``) and, on a second unit whose bookings staff approve, member1's request
(``booking_id``, to pay). Every POST body is valid for every allowed caller, visitors included
(they give a name and an e-mail). Object level: a booking is its booker's and the staff's, so
anyone else gets 404 (a stranger learns nothing of another's booking, on a public cooperative as
on a private one, where they get 404 anyway)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

from comunitas.commons.bookings import services as bookings_services
from comunitas.commons.bookings import units as bookings_units
from comunitas.commons.bookings.customers import customer_for
from comunitas.commons.bookings.rules import ROME
from comunitas.core.permissions import Action
from tests.helpers import make_resource

PATH_IDS = ["unit_id", "booking_id", "closed_day_id", "resource_id"]
OPEN_ALL_WEEK = [(day, "08:00", "22:00") for day in range(7)]
PRICES = {"member": "10.00", "resident": "12.00", "public": "20.00", "free": "0"}


def day_ahead(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """``day`` at hour:minute, Europe/Rome local time."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ROME)


def make_unit(resource, actor=None, *, hours=OPEN_ALL_WEEK, prices=PRICES, **fields):
    """A unit open 08:00-22:00 every day, 30-minute slots, 1 to 8 hours, no lead time."""
    values = {"name": "Sala", "lead_hours": 0, "public_booking": True, **fields}
    unit = bookings_units.unit_create(actor=actor, resource=resource, **values)
    bookings_units.unit_hours_set(
        actor=actor,
        unit=unit,
        intervals=[
            (day, datetime.strptime(o, "%H:%M").time(), datetime.strptime(c, "%H:%M").time())
            for day, o, c in hours
        ],
    )
    bookings_units.unit_prices_set(actor=actor, unit=unit, prices=dict(prices))
    unit.refresh_from_db()
    return unit


def book(unit, user, start, end, **extra):
    """A booking by ``user`` at their own price kind."""
    return bookings_services.booking_create(
        actor=user,
        unit=unit,
        start=start,
        end=end,
        customer=customer_for(user, unit.resource.coop),
        **extra,
    )


DAY = day_ahead(7)  # a day within every unit's horizon and beyond every lead time used here
DAY_ISO = DAY.isoformat()
VISITOR = {"name": "Vera Visitor", "email": "vera@example.org"}
BOOKING_FORM = {"day": DAY_ISO, "start_time": "10:00", "end_time": "12:00", "title": "Choir"}
SERIES_FORM = {**BOOKING_FORM, "weeks": "2", "step": "commit"}
UNIT_FORM = {
    "name": "Sala grande",
    "description": "",
    "capacity": "40",
    "is_active": "on",
    "public_booking": "on",
    "slot_minutes": "30",
    "min_minutes": "60",
    "max_minutes": "240",
    "lead_hours": "0",
    "horizon_days": "90",
    "free_cancel_hours": "24",
}
HOURS_FORM = {f"hours-day_{day}": "09:00-13:00, 14:00-18:00" for day in range(5)}
PRICES_FORM = {"price-member": "8.00", "price-resident": "10.00", "price-public": "15.00"}
CLOSED_FORM = {"closed-on_date": day_ahead(40).isoformat(), "closed-reason": "Festa patronale"}

# The object-level answers: a booking is its booker's (member1) and the staff's.
NOT_THEIRS = {"anonymous": 404, "stranger": 404, "resident": 404}

W = "/c/{slug}/bookings"
WEB = [
    ("get", f"{W}/", None, Action.BOOK),
    ("get", f"{W}/mine/", None, Action.BOOK),
    ("get", f"{W}/manage/", None, Action.MANAGE_BOOKINGS),
    ("get", f"{W}/units/{{unit_id}}/", None, Action.BOOK),
    ("post", f"{W}/units/{{unit_id}}/book/", {**BOOKING_FORM, **VISITOR}, Action.BOOK),
    ("get", f"{W}/units/{{unit_id}}/series/", None, Action.BOOK),
    ("post", f"{W}/units/{{unit_id}}/series/", {**SERIES_FORM, **VISITOR}, Action.BOOK),
    ("get", f"{W}/units/{{unit_id}}/settings/", None, Action.MANAGE_COMMONS),
    ("post", f"{W}/units/{{unit_id}}/settings/", UNIT_FORM, Action.MANAGE_COMMONS),
    ("post", f"{W}/units/{{unit_id}}/hours/", HOURS_FORM, Action.MANAGE_COMMONS),
    ("post", f"{W}/units/{{unit_id}}/prices/", PRICES_FORM, Action.MANAGE_COMMONS),
    ("post", f"{W}/units/{{unit_id}}/closed-days/", CLOSED_FORM, Action.MANAGE_COMMONS),
    (
        "post",
        f"{W}/units/{{unit_id}}/closed-days/{{closed_day_id}}/delete/",
        {},
        Action.MANAGE_COMMONS,
    ),
    ("get", "/c/{slug}/commons/{resource_id}/units/new/", None, Action.MANAGE_COMMONS),
    (
        "post",
        "/c/{slug}/commons/{resource_id}/units/new/",
        {"name": "Saletta"},
        Action.MANAGE_COMMONS,
    ),
    ("get", f"{W}/{{booking_id}}/", None, Action.BOOK),
    ("post", f"{W}/{{booking_id}}/cancel/", {"reason": "Changed plans"}, Action.BOOK),
    ("post", f"{W}/{{booking_id}}/decide/", {"decision": "approve"}, Action.MANAGE_BOOKINGS),
    ("post", f"{W}/{{booking_id}}/pay/", {"method": "on_site"}, Action.MANAGE_BOOKINGS),
]
WEB_EXCEPTIONS = {
    ("get", f"{W}/{{booking_id}}/"): NOT_THEIRS,
    ("post", f"{W}/{{booking_id}}/cancel/"): NOT_THEIRS,
}

A = "/api/v1/coops/{slug}"
API_BOOKING = {
    "start": f"{DAY_ISO}T10:00:00",  # no offset: Europe/Rome local time
    "end": f"{DAY_ISO}T12:00:00",
    "title": "Choir",
    **VISITOR,
}
API_SERIES = {"first_start": f"{DAY_ISO}T10:00:00", "minutes": 120, "weeks": 2, **VISITOR}
API_UNIT = {"name": "Saletta", "capacity": 12, "public_booking": True}
API = [
    ("get", f"{A}/units", None, Action.BOOK),
    ("post", f"{A}/commons/{{resource_id}}/units", API_UNIT, Action.MANAGE_COMMONS),
    ("get", f"{A}/units/{{unit_id}}", None, Action.BOOK),
    ("patch", f"{A}/units/{{unit_id}}", {"capacity": 30}, Action.MANAGE_COMMONS),
    (
        "put",
        f"{A}/units/{{unit_id}}/hours",
        {"intervals": [{"weekday": 0, "opens": "09:00", "closes": "13:00"}]},
        Action.MANAGE_COMMONS,
    ),
    (
        "put",
        f"{A}/units/{{unit_id}}/prices",
        {"prices": [{"customer_kind": "member", "hourly": "5.00"}]},
        Action.MANAGE_COMMONS,
    ),
    (
        "post",
        f"{A}/units/{{unit_id}}/closed-days",
        {"on_date": day_ahead(41).isoformat(), "reason": "Works"},
        Action.MANAGE_COMMONS,
    ),
    (
        "delete",
        f"{A}/units/{{unit_id}}/closed-days/{{closed_day_id}}",
        None,
        Action.MANAGE_COMMONS,
    ),
    ("get", f"{A}/units/{{unit_id}}/availability", None, Action.BOOK),
    ("post", f"{A}/units/{{unit_id}}/bookings", API_BOOKING, Action.BOOK),
    ("post", f"{A}/units/{{unit_id}}/series/preview", API_SERIES, Action.BOOK),
    ("post", f"{A}/units/{{unit_id}}/series", API_SERIES, Action.BOOK),
    ("get", f"{A}/bookings", None, Action.BOOK),
    ("get", f"{A}/bookings/{{booking_id}}", None, Action.BOOK),
    ("post", f"{A}/bookings/{{booking_id}}/approve", {}, Action.MANAGE_BOOKINGS),
    (
        "post",
        f"{A}/bookings/{{booking_id}}/reject",
        {"reason": "Room needed for the assembly"},
        Action.MANAGE_BOOKINGS,
    ),
    ("post", f"{A}/bookings/{{booking_id}}/cancel", {}, Action.BOOK),
    (
        "post",
        f"{A}/bookings/{{booking_id}}/pay",
        {"method": "bank_transfer"},
        Action.MANAGE_BOOKINGS,
    ),
]
API_EXCEPTIONS = {
    ("get", f"{A}/bookings/{{booking_id}}"): NOT_THEIRS,
    ("post", f"{A}/bookings/{{booking_id}}/cancel"): NOT_THEIRS,
}


def ids(people) -> dict[str, int]:
    coop, admin = people["coop"], people["admin"]
    resource = make_resource(coop, admin, is_public=True, name="Casa del popolo")
    unit = make_unit(resource, admin, name="Sala", max_minutes=240)
    closed = bookings_units.closed_day_add(
        actor=admin, unit=unit, on_date=day_ahead(30), reason="Fiera"
    )
    approved = make_unit(resource, admin, name="Teatro", approval_required=True)
    request = book(approved, people["member"], at(day_ahead(10), 18), at(day_ahead(10), 20))
    return {"unit_id": unit.pk, "closed_day_id": closed.pk, "booking_id": request.pk}
