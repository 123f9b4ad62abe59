"""API of bookable units and bookings: units (hours, closed days, prices), availability,
bookings (single and weekly series), approve, reject, cancel, pay.

Same rules as the pages: visitors of a public cooperative see and request only the active
units open to public booking (another id answers 404); members see and cancel their own
bookings only (another's answers 404); staff manage everything. Parsing here, rules in
``commons.bookings.services``, ``units`` and ``series``."""

import json
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from comunitas.commons.bookings import selectors, services, units
from comunitas.commons.bookings import series as bookings_series
from comunitas.commons.bookings.customers import Customer, customer_for
from comunitas.commons.bookings.schemas import (
    AvailabilityOut,
    BookingIn,
    BookingOut,
    BookingPayIn,
    BookingQuery,
    CancelIn,
    ClosedDayIn,
    ClosedDayOut,
    HoursIn,
    PreviewOut,
    RejectIn,
    SeriesIn,
    SeriesOut,
    UnitIn,
    UnitItem,
    UnitOut,
    UnitPatch,
    UnitPricesIn,
)
from comunitas.commons.models import BookableUnit, Booking, ClosedDay, CommonResource
from comunitas.core import throttle
from comunitas.core.endpoints import PUBLIC, Pagination, answers
from comunitas.core.errors import ValidationError
from comunitas.core.lookups import or_404
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, can, check_slug, coop_for, role_in

router = Router()
BASE = "/coops/{slug}"
UNITS = f"{BASE}/units"
BOOKINGS = f"{BASE}/bookings"
REQUESTS_PER_HOUR = settings.BOOKING_REQUESTS_PER_HOUR
AVAILABILITY_CACHE_SECONDS = 300


def _staff(request, coop: Cooperative) -> bool:
    return can(request.auth, coop, Action.MANAGE_BOOKINGS)


def _unit(request, coop: Cooperative, unit_id: int) -> BookableUnit:
    public_only = role_in(request.auth, coop) is None
    return or_404(selectors.unit_get, coop=coop, pk=unit_id, public_only=public_only)


def _booking(request, coop: Cooperative, booking_id: int) -> Booking:
    staff = _staff(request, coop)
    return or_404(selectors.booking_get, coop=coop, pk=booking_id, user=request.auth, staff=staff)


def _customer(request, coop: Cooperative, payload) -> Customer:
    if payload.on_behalf:
        kind = payload.customer_kind.value if payload.customer_kind else "public"
        return Customer(kind, None, payload.name, payload.email)
    if payload.customer_kind is not None:
        raise ValidationError(
            _("Only staff booking for someone else choose the price."), field="customer_kind"
        )
    if not request.auth.is_authenticated:
        return Customer("public", None, payload.name, payload.email)
    return customer_for(request.auth, coop)


# --- units --------------------------------------------------------------------------------------
@router.get(UNITS, response=answers(200, list[UnitItem]), tags=["bookings"], openapi_extra=PUBLIC)
@paginate(Pagination)
def unit_list(request, slug: str) -> QuerySet[BookableUnit]:
    """Units the caller may book: visitors the ones open to public booking, people with a role
    the active ones, staff all."""
    coop = coop_for(request.auth, slug, Action.BOOK)
    return selectors.unit_list(
        coop=coop,
        public_only=role_in(request.auth, coop) is None,
        active_only=not _staff(request, coop),
    )


@router.post(
    f"{BASE}/commons/{{int:resource_id}}/units", response=answers(201, UnitOut), tags=["bookings"]
)
def unit_create(request, slug: str, resource_id: int, payload: UnitIn):
    """Add a bookable unit to a resource; then set its hours and prices."""
    coop = coop_for(request.auth, slug, Action.MANAGE_COMMONS)
    resource = get_object_or_404(CommonResource, coop=coop, pk=resource_id)
    unit = units.unit_create(actor=request.auth, resource=resource, **payload.dict())
    return Status(201, selectors.unit_get(coop=coop, pk=unit.pk, public_only=False))


@router.get(
    f"{UNITS}/{{int:unit_id}}",
    response=answers(200, UnitOut),
    tags=["bookings"],
    openapi_extra=PUBLIC,
)
def unit_get(request, slug: str, unit_id: int):
    coop = coop_for(request.auth, slug, Action.BOOK)
    return _unit(request, coop, unit_id)


def _managed(coop: Cooperative, unit_id: int) -> BookableUnit:
    return get_object_or_404(BookableUnit, resource__coop=coop, pk=unit_id)


@router.patch(f"{UNITS}/{{int:unit_id}}", response=answers(200, UnitOut), tags=["bookings"])
def unit_update(request, slug: str, unit_id: int, payload: UnitPatch):
    """Change a unit's data and rules; only the fields sent change."""
    coop = coop_for(request.auth, slug, Action.MANAGE_COMMONS)
    units.unit_update(
        actor=request.auth,
        unit=_managed(coop, unit_id),
        fields=payload.dict(exclude_unset=True),
    )
    return selectors.unit_get(coop=coop, pk=unit_id, public_only=False)


@router.put(f"{UNITS}/{{int:unit_id}}/hours", response=answers(200, UnitOut), tags=["bookings"])
def unit_hours(request, slug: str, unit_id: int, payload: HoursIn):
    """Replace the weekly opening hours (several intervals a day allowed)."""
    coop = coop_for(request.auth, slug, Action.MANAGE_COMMONS)
    units.unit_hours_set(
        actor=request.auth,
        unit=_managed(coop, unit_id),
        intervals=[(i.weekday, i.opens, i.closes) for i in payload.intervals],
    )
    return selectors.unit_get(coop=coop, pk=unit_id, public_only=False)


@router.put(f"{UNITS}/{{int:unit_id}}/prices", response=answers(200, UnitOut), tags=["bookings"])
def unit_prices(request, slug: str, unit_id: int, payload: UnitPricesIn):
    """Replace the hourly price list; a kind left out cannot book, the free kind costs 0."""
    coop = coop_for(request.auth, slug, Action.MANAGE_COMMONS)
    prices = {}
    for item in payload.prices:
        if item.customer_kind.value in prices:
            raise ValidationError(_("Each kind of booker once."), field="prices")
        prices[item.customer_kind.value] = item.hourly
    units.unit_prices_set(actor=request.auth, unit=_managed(coop, unit_id), prices=prices)
    return selectors.unit_get(coop=coop, pk=unit_id, public_only=False)


@router.post(
    f"{UNITS}/{{int:unit_id}}/closed-days",
    response=answers(201, ClosedDayOut),
    tags=["bookings"],
)
def closed_day_add(request, slug: str, unit_id: int, payload: ClosedDayIn):
    coop = coop_for(request.auth, slug, Action.MANAGE_COMMONS)
    closed = units.closed_day_add(
        actor=request.auth,
        unit=_managed(coop, unit_id),
        on_date=payload.on_date,
        reason=payload.reason,
    )
    return Status(201, closed)


@router.delete(
    f"{UNITS}/{{int:unit_id}}/closed-days/{{int:closed_day_id}}",
    response=answers(204, None),
    tags=["bookings"],
)
def closed_day_remove(request, slug: str, unit_id: int, closed_day_id: int):
    coop = coop_for(request.auth, slug, Action.MANAGE_COMMONS)
    closed = get_object_or_404(
        ClosedDay, pk=closed_day_id, unit_id=unit_id, unit__resource__coop=coop
    )
    units.closed_day_remove(actor=request.auth, closed=closed)
    return Status(204, None)


@router.get(
    f"{UNITS}/{{int:unit_id}}/availability",
    response=answers(200, AvailabilityOut),
    tags=["bookings"],
    openapi_extra=PUBLIC,
)
def availability(request, slug: str, unit_id: int, start: date | None = None, days: int = 7):
    """Opening intervals, closed days and busy times (Europe/Rome) of ``days`` days (1 to 62)
    from ``start`` (today when left out): who booked only for staff. A constant number of
    queries whatever the number of bookings."""
    start = start or timezone.localdate()
    if not request.auth.is_authenticated:
        body = _cached_for_visitor(slug, unit_id, start, days)
        if body is not None:
            return HttpResponse(body, content_type="application/json")
    coop = coop_for(request.auth, slug, Action.BOOK)
    _check_range(start, days)
    found = BookableUnit.objects.filter(resource__coop=coop, pk=unit_id)
    if role_in(request.auth, coop) is None:
        found = found.filter(public_booking=True, is_active=True)
    unit = found.order_by().only("id", "version").first()
    if unit is None:
        raise Http404
    staff = _staff(request, coop)
    # Who booked is shown only to staff, never cached; anyone else's answer (busy times and
    # their own bookings) is kept under the unit's version, which every write moves on.
    key = _availability_key(unit.pk, unit.version, start, days, request.auth.pk)
    body = None if staff else cache.get(key)
    if body is None:
        body = _availability_json(request, unit, start, days, staff)
        if not staff:
            cache.set(key, body, AVAILABILITY_CACHE_SECONDS)
    return HttpResponse(body, content_type="application/json")


def _check_range(start: date, days: int) -> None:
    if not 1 <= days <= selectors.MAX_DAYS:
        raise ValidationError(
            _("Give from 1 to %(n)s days.") % {"n": selectors.MAX_DAYS}, field="days"
        )
    if not date(2000, 1, 1) <= start <= date(2199, 1, 1):
        raise ValidationError(_("Give a date between 2000 and 2199."), field="start")


def _availability_key(unit_id: int, version: int, start: date, days: int, user_id) -> str:
    return f"availability:{unit_id}:{version}:{start}:{days}:{user_id or 0}"


def _cached_for_visitor(slug: str, unit_id: int, start: date, days: int) -> bytes | None:
    """The answer cached for anonymous visitors of the public booking page, found with one
    query (the unit's version, and whether its cooperative is public); None sends the request
    the long way, which also gives every refusal its proper answer."""
    check_slug(slug)
    found = selectors.public_unit_version(slug=slug, unit_id=unit_id)
    if found is None:
        return None
    version, is_public = found
    if not can(AnonymousUser(), Cooperative(is_public=is_public), Action.BOOK):
        return None
    return cache.get(_availability_key(unit_id, version, start, days, None))


def _availability_json(request, unit: BookableUnit, start: date, days: int, staff: bool) -> bytes:
    days_found = selectors.availability(
        unit=unit, start=start, days=days, user=request.auth, with_people=staff
    )
    body = {
        "unit_id": unit.pk,
        "start": start,
        "end": start + timedelta(days=days),
        "timezone": "Europe/Rome",
        "days": [
            {
                "date": day.day,
                "closed": day.closed,
                "reason": day.reason,
                "open": [{"start": o, "end": c} for o, c in day.open],
                "busy": [
                    {
                        "start": b.start,
                        "end": b.end,
                        "status": b.status,
                        "mine": b.mine,
                        "booking_id": b.booking_id,
                        "booker": b.booker,
                        "title": b.title,
                    }
                    for b in day.busy
                ],
            }
            for day in days_found
        ],
    }
    # Written directly (the shape is AvailabilityOut): this endpoint is the benchmarked one.
    return json.dumps(body, cls=DjangoJSONEncoder).encode()


# --- bookings -----------------------------------------------------------------------------------
@router.get(
    BOOKINGS, response=answers(200, list[BookingOut]), tags=["bookings"], openapi_extra=PUBLIC
)
@paginate(Pagination)
def booking_list(request, slug: str, filters: Query[BookingQuery]):
    """Staff: every booking, filtered. Anyone else: their own."""
    coop = coop_for(request.auth, slug, Action.BOOK)
    if not request.auth.is_authenticated:
        return Booking.objects.none()  # a visitor without a login has no bookings of their own
    found = selectors.booking_list(
        coop=coop,
        filters=selectors.BookingFilters(
            unit=filters.unit_id,
            status=filters.status.value if filters.status else None,
            date_from=filters.date_from,
            date_to=filters.date_to,
        ),
    )
    if not _staff(request, coop):
        found = found.filter(user=request.auth)
    return found


@router.post(
    f"{UNITS}/{{int:unit_id}}/bookings",
    response=answers(201, BookingOut),
    tags=["bookings"],
    openapi_extra=PUBLIC,
)
def booking_create(request, slug: str, unit_id: int, payload: BookingIn):
    """Book a unit: confirmed at once, or a request awaiting approval when the unit asks for
    it or the caller has no role (visitors give name and e-mail, and get the public price)."""
    coop = coop_for(request.auth, slug, Action.BOOK)
    anonymous = not request.auth.is_authenticated
    if anonymous and throttle.exhausted(request, "book", limit=REQUESTS_PER_HOUR):
        raise HttpError(429, _("Too many booking requests from your connection: try again later."))
    unit = _unit(request, coop, unit_id)
    booking = services.booking_create(
        actor=request.auth,
        unit=unit,
        start=payload.start,
        end=payload.end,
        customer=_customer(request, coop, payload),
        title=payload.title,
        on_behalf=payload.on_behalf,
    )
    if anonymous:
        throttle.count(request, "book", per_seconds=3600)
    return Status(201, booking)


def _series_arguments(request, coop: Cooperative, unit_id: int, payload: SeriesIn) -> dict:
    return {
        "actor": request.auth,
        "unit": _unit(request, coop, unit_id),
        "first_start": payload.first_start,
        "minutes": payload.minutes,
        "weeks": payload.weeks,
        "customer": _customer(request, coop, payload),
        "on_behalf": payload.on_behalf,
    }


@router.post(
    f"{UNITS}/{{int:unit_id}}/series/preview",
    response=answers(200, PreviewOut),
    tags=["bookings"],
    openapi_extra=PUBLIC,
)
def series_preview(request, slug: str, unit_id: int, payload: SeriesIn):
    """Every week of a weekly series, free or with the reasons it is not; nothing saved."""
    coop = coop_for(request.auth, slug, Action.BOOK)
    plan = bookings_series.series_preview(**_series_arguments(request, coop, unit_id, payload))
    return {"free": sum(1 for o in plan if o.free), "occurrences": plan}


@router.post(
    f"{UNITS}/{{int:unit_id}}/series",
    response=answers(201, SeriesOut),
    tags=["bookings"],
    openapi_extra=PUBLIC,
)
def series_create(request, slug: str, unit_id: int, payload: SeriesIn):
    """Book the free weeks of a series (requests for visitors, who give name and e-mail);
    the others come back with their reasons."""
    coop = coop_for(request.auth, slug, Action.BOOK)
    anonymous = not request.auth.is_authenticated
    if anonymous and throttle.exhausted(request, "book", limit=REQUESTS_PER_HOUR):
        raise HttpError(429, _("Too many booking requests from your connection: try again later."))
    series, plan = bookings_series.series_create(
        **_series_arguments(request, coop, unit_id, payload), title=payload.title
    )
    if anonymous:
        throttle.count(request, "book", per_seconds=3600)
    booked = sum(1 for o in plan if o.free)
    return Status(
        201,
        {
            "series_id": series.pk,
            "booked": booked,
            "not_booked": len(plan) - booked,
            "occurrences": plan,
        },
    )


@router.get(
    f"{BOOKINGS}/{{int:booking_id}}",
    response=answers(200, BookingOut),
    tags=["bookings"],
    openapi_extra=PUBLIC,
)
def booking_get(request, slug: str, booking_id: int):
    coop = coop_for(request.auth, slug, Action.BOOK)
    return _booking(request, coop, booking_id)


@router.post(
    f"{BOOKINGS}/{{int:booking_id}}/approve", response=answers(200, BookingOut), tags=["bookings"]
)
def booking_approve(request, slug: str, booking_id: int):
    coop = coop_for(request.auth, slug, Action.MANAGE_BOOKINGS)
    return services.booking_approve(actor=request.auth, booking=_booking(request, coop, booking_id))


@router.post(
    f"{BOOKINGS}/{{int:booking_id}}/reject", response=answers(200, BookingOut), tags=["bookings"]
)
def booking_reject(request, slug: str, booking_id: int, payload: RejectIn):
    coop = coop_for(request.auth, slug, Action.MANAGE_BOOKINGS)
    return services.booking_reject(
        actor=request.auth, booking=_booking(request, coop, booking_id), reason=payload.reason
    )


@router.post(
    f"{BOOKINGS}/{{int:booking_id}}/cancel",
    response=answers(200, BookingOut),
    tags=["bookings"],
    openapi_extra=PUBLIC,
)
def booking_cancel(request, slug: str, booking_id: int, payload: CancelIn):
    """The booker within the cooperative's cancellation policy; staff at any time."""
    coop = coop_for(request.auth, slug, Action.BOOK)
    return services.booking_cancel(
        actor=request.auth, booking=_booking(request, coop, booking_id), reason=payload.reason
    )


@router.post(
    f"{BOOKINGS}/{{int:booking_id}}/pay", response=answers(200, BookingOut), tags=["bookings"]
)
def booking_pay(request, slug: str, booking_id: int, payload: BookingPayIn):
    """Staff record a payment on site or by bank transfer (the sale is written with it)."""
    coop = coop_for(request.auth, slug, Action.MANAGE_BOOKINGS)
    return services.booking_pay(
        actor=request.auth,
        booking=_booking(request, coop, booking_id),
        method=payload.method.value,
    )
