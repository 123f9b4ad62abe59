"""The iCalendar feeds of bookings (``commons.bookings.ical``), outside any cooperative's pages:
calendar apps cannot log in, so the secret token in the address is the permission; anything
that does not match answers 404."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from comunitas.commons.bookings import ical, selectors
from comunitas.commons.models import BookableUnit, Booking
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, can

FEED_PAST_DAYS = 90


def _ics(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{name}.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


def _since() -> datetime:
    return timezone.now() - timedelta(days=FEED_PAST_DAYS)


@require_GET
def ical_unit(request: HttpRequest, unit_id: int, token: str) -> HttpResponse:
    """A unit's busy times, no personal data."""
    unit = get_object_or_404(BookableUnit.objects.select_related("resource"), pk=unit_id)
    if not ical.matches(ical.unit_token(unit), token):
        raise Http404
    bookings = selectors.feed_bookings(unit=unit, since=_since())
    return _ics(ical.unit_feed(unit, bookings, detailed=False), f"unit-{unit.pk}")


@require_GET
def ical_unit_staff(request: HttpRequest, unit_id: int, user_id: int, token: str) -> HttpResponse:
    """A unit's bookings with who booked and what for, for a member of the staff who still is."""
    unit = get_object_or_404(BookableUnit.objects.select_related("resource__coop"), pk=unit_id)
    user = get_object_or_404(get_user_model(), pk=user_id, is_active=True)
    if not ical.matches(ical.staff_token(user, unit), token):
        raise Http404
    if not can(user, unit.resource.coop, Action.MANAGE_BOOKINGS):
        raise Http404
    bookings = selectors.feed_bookings(unit=unit, since=_since())
    return _ics(ical.unit_feed(unit, bookings, detailed=True), f"unit-{unit.pk}-staff")


@require_GET
def ical_booker(request: HttpRequest, slug: str, user_id: int, token: str) -> HttpResponse:
    """A booker's own bookings in a cooperative (cancelled ones marked so)."""
    coop = get_object_or_404(Cooperative, slug=slug)
    user = get_object_or_404(get_user_model(), pk=user_id, is_active=True)
    if not ical.matches(ical.booker_token(user, coop), token):
        raise Http404
    bookings = selectors.feed_bookings(coop=coop, user=user, since=_since())
    name = _("%(coop)s: my bookings") % {"coop": coop.name}
    return _ics(ical.booker_feed(name, bookings), f"{coop.slug}-bookings")


@require_GET
def ical_booking(request: HttpRequest, token: str) -> HttpResponse:
    """One booking, the link of its e-mail (for visitors without a login too)."""
    if len(token) < 20:
        raise Http404
    booking = get_object_or_404(
        Booking.objects.select_related("unit__resource", "coop"), ical_token=token
    )
    return _ics(ical.booker_feed(booking.coop.name, [booking]), f"booking-{booking.pk}")
