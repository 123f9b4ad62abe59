"""Reads of bookable units and bookings, each a constant number of queries whatever the number
of bookings (asserted by the tests)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from comunitas.commons.bookings.rules import ROME, local
from comunitas.commons.models import (
    HOLDING,
    BookableUnit,
    Booking,
    BookingStatus,
    ClosedDay,
    CommonResource,
    OpeningHours,
)
from comunitas.core.kernel.types import user_of
from comunitas.core.models import Cooperative

MAX_DAYS = 62


def unit_list(
    *, coop: Cooperative, public_only: bool, active_only: bool = False
) -> QuerySet[BookableUnit]:
    """The cooperative's units with their resource and prices (two queries). Visitors without a
    role see only the active units open to public booking."""
    found = BookableUnit.objects.filter(resource__coop=coop)
    if public_only:
        found = found.filter(public_booking=True, is_active=True)
    elif active_only:
        found = found.filter(is_active=True)
    return (
        found.select_related("resource")
        .prefetch_related("prices")
        .order_by("resource__name", "name", "id")
    )


def unit_get(*, coop: Cooperative, pk: int, public_only: bool) -> BookableUnit:
    """One unit with its hours, prices and the closed days from today on; DoesNotExist for
    another cooperative's unit or, for a visitor, a unit not open to public booking."""
    return (
        unit_list(coop=coop, public_only=public_only)
        .prefetch_related(
            Prefetch("hours", queryset=OpeningHours.objects.order_by("weekday", "opens")),
            Prefetch(
                "closed_days",
                queryset=ClosedDay.objects.filter(on_date__gte=timezone.localdate()),
                to_attr="upcoming_closed_days",
            ),
        )
        .get(pk=pk)
    )


@dataclass
class Busy:
    start: datetime
    end: datetime
    status: str
    mine: bool
    # Only for staff: who booked and what for.
    booking_id: int | None = None
    booker: str | None = None
    title: str | None = None


@dataclass
class Day:
    day: date
    closed: bool
    reason: str
    open: list[tuple[datetime, datetime]] = field(default_factory=list)
    busy: list[Busy] = field(default_factory=list)


def availability(
    *, unit: BookableUnit, start: date, days: int, user=None, with_people: bool = False
) -> list[Day]:
    """For each day of [start, start + days): the opening intervals (Europe/Rome), whether it
    is closed and why, and the busy intervals of holding bookings. Three queries (hours, closed
    days, bookings) whatever the number of bookings. ``with_people`` (staff) adds who booked;
    anyone else sees only busy times, and ``mine`` for their own bookings."""
    end = start + timedelta(days=days)
    hours: dict[int, list[tuple[time, time]]] = {}
    for weekday, opens, closes in (
        OpeningHours.objects.filter(unit=unit)
        .order_by("weekday", "opens")
        .values_list("weekday", "opens", "closes")
    ):
        hours.setdefault(weekday, []).append((opens, closes))
    closed = dict(
        ClosedDay.objects.filter(unit=unit, on_date__gte=start, on_date__lt=end).values_list(
            "on_date", "reason"
        )
    )
    first = datetime.combine(start, time(0), tzinfo=ROME)
    last = datetime.combine(end, time(0), tzinfo=ROME)
    columns = ["start", "end", "status", "user_id"]
    if with_people:
        columns += ["pk", "booker_name", "title"]
    rows = (
        # A booking starts and ends on one day, so one that overlaps the range started at
        # most a day before it: the lower bound lets the (unit, start) index read only the
        # range, not every earlier booking of the unit.
        Booking.objects.filter(
            unit=unit,
            status__in=HOLDING,
            start__gte=first - timedelta(days=1),
            start__lt=last,
            end__gt=first,
        )
        .order_by("start")
        .values_list(*columns)
    )
    result = []
    by_day: dict[date, Day] = {}
    for offset in range(days):
        day = start + timedelta(days=offset)
        entry = Day(day, day in closed, closed.get(day, ""))
        if not entry.closed:
            entry.open = [
                (
                    datetime.combine(day, opens, tzinfo=ROME),
                    datetime.combine(day, closes, tzinfo=ROME),
                )
                for opens, closes in hours.get(day.weekday(), [])
            ]
        result.append(entry)
        by_day[day] = entry
    signed_in = user_of(user)
    user_id = signed_in.pk if signed_in is not None else None
    for row in rows:
        busy = Busy(row[0], row[1], row[2], user_id is not None and row[3] == user_id)
        if with_people:
            busy.booking_id, busy.booker, busy.title = row[4], row[5], row[6]
        day = max(local(busy.start).date(), start)
        while day < end and datetime.combine(day, time(0), tzinfo=ROME) < busy.end:
            by_day[day].busy.append(busy)
            day += timedelta(days=1)
    return result


def public_unit_version(*, slug: str, unit_id: int) -> tuple[int, bool] | None:
    """(the unit's version, whether its cooperative is public) for a unit open to public
    booking, None for any other. One query, in SQL: it runs on every visit of the public
    booking page, and the ORM takes longer to build it than the database to answer."""
    if not 0 < unit_id < 2**63:  # no unit has it, and the database could not even compare it
        return None
    unit, resource = BookableUnit._meta.db_table, CommonResource._meta.db_table
    coop = Cooperative._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT u.version, c.is_public FROM {unit} u"  # noqa: S608 (table names only)
            f" JOIN {resource} r ON r.id = u.resource_id JOIN {coop} c ON c.id = r.coop_id"
            " WHERE u.id = %s AND c.slug = %s AND u.public_booking = %s AND u.is_active = %s",
            [unit_id, slug, True, True],
        )
        row = cursor.fetchone()
    return (row[0], bool(row[1])) if row else None


def my_bookings(*, coop: Cooperative, user, upcoming: bool = True) -> QuerySet[Booking]:
    """The caller's own bookings (upcoming first, or the past ones latest first), each with its
    unit and resource: one query (plus the count when paginated)."""
    found = Booking.objects.filter(coop=coop, user=user).select_related("unit__resource")
    now = timezone.now()
    if upcoming:
        return found.filter(end__gt=now).order_by("start", "id")
    return found.filter(end__lte=now).order_by("-start", "-id")


@dataclass
class BookingFilters:
    unit: int | None = None
    status: str | None = None
    date_from: date | None = None
    date_to: date | None = None  # included


def booking_list(*, coop: Cooperative, filters: BookingFilters | None = None) -> QuerySet[Booking]:
    """Every booking of the cooperative for staff, filtered by unit, status and a range of days
    (local dates, both included), with unit, resource and login: one query (plus the count)."""
    filters = filters or BookingFilters()
    found = Booking.objects.filter(coop=coop)
    if filters.unit:
        found = found.filter(unit_id=filters.unit)
    if filters.status:
        found = found.filter(status=filters.status)
    if filters.date_from:
        found = found.filter(end__gt=datetime.combine(filters.date_from, time(0), tzinfo=ROME))
    if filters.date_to:
        after = filters.date_to + timedelta(days=1)
        found = found.filter(start__lt=datetime.combine(after, time(0), tzinfo=ROME))
    return found.select_related("unit__resource", "user").order_by("start", "id")


def booking_get(*, coop: Cooperative, pk: int, user, staff: bool) -> Booking:
    """One booking: staff see any of the cooperative's, anyone else only their own
    (DoesNotExist otherwise, answered 404: nobody learns of another's booking)."""
    found = Booking.objects.filter(coop=coop).select_related(
        "unit__resource", "user", "decided_by", "series"
    )
    if not staff:
        if user is None or not user.is_authenticated:
            raise Booking.DoesNotExist
        found = found.filter(user=user)
    return found.get(pk=pk)


def pending_count(*, coop: Cooperative) -> int:
    return Booking.objects.filter(coop=coop, status=BookingStatus.REQUESTED).count()


def feed_bookings(*, unit: BookableUnit | None = None, coop=None, user=None, since: datetime):
    """Bookings for an iCalendar feed: a unit's holding ones, or a booker's (cancelled ones
    included so calendar apps remove them), ending after ``since``; one query."""
    found = Booking.objects.filter(end__gt=since).select_related("unit__resource", "coop")
    if unit is not None:
        found = found.filter(unit=unit, status__in=HOLDING)
    else:
        found = found.filter(coop=coop, user=user)
    return found.order_by("start", "id")[:5000]
