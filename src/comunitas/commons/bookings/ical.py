"""iCalendar feeds of bookings (RFC 5545, written with the ``icalendar`` library).

Calendar apps subscribe to a URL and fetch it on their own: they cannot log in, so each feed
URL carries a secret, outside the ``/c/<slug>/`` pages and their role checks:

- a unit's free/busy feed (times only, no names): ``/ical/units/<id>/<token>.ics``, the token an
  HMAC of the unit id under the site's SECRET_KEY. It shows what the unit's availability page
  already shows to whoever may open it, and that page is where the link is given.
- a unit's staff feed (who booked, what for): the token is an HMAC of the staff user, the unit
  and the user's password hash, and each fetch checks that the user still manages bookings of
  the cooperative: a person who leaves the staff, or changes password, loses the feed.
- a booker's feed of their own bookings in a cooperative: an HMAC of the user, the cooperative
  and the password hash (a password change revokes it); derived, not stored, so nothing to
  migrate and nothing to leak from a database dump.
- one booking (the link in the confirmation e-mail, also for visitors without a login): the
  random ``Booking.ical_token`` (32 characters) made when the booking is.

HMACs are 128 bits, compared in constant time; rotating SECRET_KEY revokes every feed at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from comunitas.commons.models import BookableUnit, Booking, BookingStatus

PRODID = "-//Comunitas//Bookings//EN"
SALT = "comunitas.commons.ical."


def _hmac(kind: str, value: str) -> str:
    return salted_hmac(SALT + kind, value, algorithm="sha256").hexdigest()[:32]


def unit_token(unit: BookableUnit) -> str:
    return _hmac("unit", str(unit.pk))


def staff_token(user, unit: BookableUnit) -> str:
    return _hmac("staff", f"{user.pk}.{unit.pk}.{user.password}")


def booker_token(user, coop) -> str:
    return _hmac("booker", f"{user.pk}.{coop.pk}.{user.password}")


def matches(expected: str, given: str) -> bool:
    return bool(given) and constant_time_compare(expected, given)


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Rome")
    return calendar


def _event(booking: Booking, summary: str, *, description: str = "") -> Event:
    event = Event()
    event.add("uid", f"booking-{booking.pk}@comunitas")
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", booking.start.astimezone(UTC))
    event.add("dtend", booking.end.astimezone(UTC))
    event.add("summary", summary)
    if booking.status == BookingStatus.CONFIRMED:
        event.add("status", "CONFIRMED")
    elif booking.status == BookingStatus.REQUESTED:
        event.add("status", "TENTATIVE")
    else:
        event.add("status", "CANCELLED")
    if description:
        event.add("description", description)
    return event


def unit_feed(unit: BookableUnit, bookings: Iterable[Booking], *, detailed: bool) -> bytes:
    """A unit's holding bookings: "Busy" for everyone; with the booker and purpose for staff."""
    calendar = _calendar(f"{unit.resource.name} · {unit.name}")
    for booking in bookings:
        if detailed:
            summary = (
                f"{booking.booker_name}: {booking.title}" if booking.title else booking.booker_name
            )
            text = f"{booking.get_status_display()} · {booking.booker_email}".strip(" ·")
            calendar.add_component(_event(booking, summary, description=text))
        else:
            calendar.add_component(_event(booking, _("Busy")))
    return calendar.to_ical()


def booker_feed(name: str, bookings: Iterable[Booking]) -> bytes:
    """A booker's own bookings: unit, resource and purpose."""
    calendar = _calendar(name)
    for booking in bookings:
        summary = f"{booking.unit.name} ({booking.unit.resource.name})"
        if booking.title:
            summary += f": {booking.title}"
        calendar.add_component(_event(booking, summary, description=booking.coop.name))
    return calendar.to_ical()
