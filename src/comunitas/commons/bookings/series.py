"""Weekly recurring bookings (the choir every Tuesday): a preview of every occurrence, free or with
its reasons, and the booking of the free ones under the unit's lock. A series keeps its local
wall-clock time across the change to and from summer time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comunitas.commons.bookings.customers import Customer
from comunitas.commons.bookings.rules import (
    EARLIEST,
    LATEST,
    ROME,
    UnitRules,
    aware,
    local,
    overlap_message,
    price_for,
    rule_problems,
)
from comunitas.commons.bookings.services import (
    Request,
    booking_audit_create,
    booking_insert,
    booking_notify_new,
    clean_title,
    locked_request,
    new_booking,
    overlapping,
    request_for,
    unit_usable,
)
from comunitas.commons.models import (
    BookableUnit,
    Booking,
    BookingSeries,
)
from comunitas.core.audit import audit_record
from comunitas.core.errors import FieldError, ValidationError
from comunitas.core.kernel.money import ZERO
from comunitas.core.kernel.types import Actor, user_of

MAX_WEEKS = 52


# --- weekly series ------------------------------------------------------------------------------
@dataclass
class Occurrence:
    """One week of a series: free to book, or why not (each reason, one by one)."""

    week: int
    start: datetime
    end: datetime
    price: Decimal
    problems: list[str] = field(default_factory=list)
    booking: Booking | None = None

    @property
    def free(self) -> bool:
        return not self.problems


def _occurrences(
    first_start: datetime, minutes: int, weeks: int
) -> list[tuple[datetime, datetime]]:
    """Each week at the same local wall-clock time (18:00 stays 18:00 after the clocks change)."""
    base = local(first_start).replace(tzinfo=None)
    found = []
    for week in range(weeks):
        start = (base + timedelta(weeks=week)).replace(tzinfo=ROME)
        found.append((start, start + timedelta(minutes=minutes)))
    return found


def _check_series(first_start: datetime, minutes: int, weeks: int) -> None:
    errors = []
    if not isinstance(weeks, int) or not 1 <= weeks <= MAX_WEEKS:
        errors.append(FieldError("weeks", _("A series has 1 to %(n)s weeks.") % {"n": MAX_WEEKS}))
    if not isinstance(minutes, int) or not 1 <= minutes <= 1440:
        errors.append(FieldError("minutes", _("Give a length from 1 to 1440 minutes.")))
    if not EARLIEST <= first_start < LATEST - timedelta(weeks=MAX_WEEKS + 1):
        errors.append(FieldError("first_start", _("Give a time between 2000 and 2199.")))
    if errors:
        raise ValidationError(errors=errors)


def _plan(
    unit: BookableUnit,
    req: Request,
    first_start: datetime,
    minutes: int,
    weeks: int,
    now: datetime,
) -> list[Occurrence]:
    """Check every occurrence: the rules once read, the holding bookings of the whole span in
    one query, so a year of weeks is a constant number of queries."""
    slots = _occurrences(first_start, minutes, weeks)
    rules = UnitRules.read(unit, local(slots[0][0]).date(), local(slots[-1][1]).date())
    hourly = unit_usable(rules, req.customer.kind)
    taken = list(
        overlapping(unit, slots[0][0], slots[-1][1]).values_list(
            "start", "end", "pk", "booker_name", "title"
        )
    )
    plan = []
    for week, (start, end) in enumerate(slots, start=1):
        problems = [
            p.message for p in rule_problems(rules, start, end, now=now, manager=req.manager)
        ]
        problems += [
            overlap_message(other, manager=req.manager)
            for other in taken
            if other[0] < end and other[1] > start
        ]
        price = price_for(hourly, start, end) if end > start else ZERO
        plan.append(Occurrence(week, start, end, price, problems))
    return plan


@transaction.atomic
def series_preview(
    *,
    actor: Actor,
    unit: BookableUnit,
    first_start: datetime,
    minutes: int,
    weeks: int,
    customer: Customer,
    on_behalf: bool = False,
    now: datetime | None = None,
) -> list[Occurrence]:
    """Every occurrence of a weekly series, each either free or with the reasons it is not
    (an overlap with which booking, a closed day, outside the hours). Nothing is saved."""
    first_start = aware(first_start)
    unit = BookableUnit.objects.select_related("resource__coop").get(pk=unit.pk)
    req = request_for(actor=actor, unit=unit, customer=customer, on_behalf=on_behalf)
    _check_series(first_start, minutes, weeks)
    return _plan(unit, req, first_start, minutes, weeks, now or timezone.now())


def _book_free(
    actor: Actor,
    req: Request,
    unit: BookableUnit,
    series: BookingSeries,
    free: list[Occurrence],
    *,
    title: str,
    synthetic: bool,
) -> None:
    """Book each free occurrence at the hourly price of the booker's kind, each audited."""
    prices = dict(unit.prices.values_list("customer_kind", "hourly"))
    hourly = unit_usable(UnitRules(unit, {}, {}, prices), req.customer.kind)
    for occurrence in free:
        booking = new_booking(
            req,
            unit,
            occurrence.start,
            occurrence.end,
            hourly,
            title,
            series=series,
            synthetic=synthetic,
        )
        booking_insert(booking, manager=req.manager)
        occurrence.booking = booking
        booking_audit_create(actor, booking)


def series_create(
    *,
    actor: Actor,
    unit: BookableUnit,
    first_start: datetime,
    minutes: int,
    weeks: int,
    customer: Customer,
    title: str = "",
    on_behalf: bool = False,
    synthetic: bool = False,
    now: datetime | None = None,
) -> tuple[BookingSeries, list[Occurrence]]:
    """Book the free occurrences of a weekly series, checked again under the unit's lock; the
    ones that are not free are returned with their reasons, never silently dropped. Nothing is
    saved when no occurrence is free."""
    first_start = aware(first_start)
    title = clean_title(title)
    with transaction.atomic():
        unit, req = locked_request(actor=actor, unit=unit, customer=customer, on_behalf=on_behalf)
        _check_series(first_start, minutes, weeks)
        plan = _plan(unit, req, first_start, minutes, weeks, now or timezone.now())
        free = [o for o in plan if o.free]
        if not free:
            raise ValidationError(
                _("No occurrence of the series is free: nothing was booked."), field="first_start"
            )
        series = BookingSeries.objects.create(
            unit=unit,
            created_by=user_of(actor),
            first_start=plan[0].start,
            minutes=minutes,
            weeks=weeks,
        )
        _book_free(actor, req, unit, series, free, title=title, synthetic=synthetic)
        audit_record(
            actor=actor,
            action="booking_series.create",
            obj=series,
            coop=unit.resource.coop,
            after={
                "unit": unit.pk,
                "first_start": plan[0].start.isoformat(),
                "minutes": minutes,
                "weeks": weeks,
                "booked": len(free),
                "not_booked": [o.start.isoformat() for o in plan if not o.free],
            },
        )
        booking_notify_new(free[0].booking, weeks=len(free))
    return series, plan
