"""Every write of bookable units and bookings: units with their opening hours, closed days and
prices; bookings (single and weekly recurring), their approval, cancellation and payment.

No overlap ever. Each booking write locks the unit row (``select_for_update``) and checks the
holding bookings (``HOLDING``) under that lock, so two concurrent requests for the same time
queue and the second one sees the first. On SQLite the lock is the database's write lock (the
settings open every transaction with ``BEGIN IMMEDIATE``); on PostgreSQL the row lock, with the
exclusion constraint of migration 0003 as the last line, whose refusal becomes the same
``ValidationError`` as the service's own check.

Times are half-open ``[start, end)``, aware, and read in Europe/Rome local time for the opening
hours, the slots and the closed days (a weekly series keeps its local wall-clock time across the
change to and from summer time)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

from comunitas.commons import sales
from comunitas.commons.customers import Customer
from comunitas.commons.models import (
    HOLDING,
    WEEKDAYS,
    BookableUnit,
    Booking,
    BookingSeries,
    BookingStatus,
    ClosedDay,
    CommonResource,
    CustomerKind,
    OpeningHours,
    PaymentMethod,
    PaymentState,
    UnitPrice,
)
from comunitas.core.audit import audit_record, snapshot
from comunitas.core.errors import FieldError, ValidationError
from comunitas.core.kernel.edits import assign, validated
from comunitas.core.kernel.money import CENT
from comunitas.core.notify import notify
from comunitas.core.permissions import Action, can, role_in

ROME = ZoneInfo("Europe/Rome")
DASH = "\u2013"  # the en dash between two times
MAX_WEEKS = 52
EARLIEST = datetime(2000, 1, 1, tzinfo=ROME)
LATEST = datetime(2200, 1, 1, tzinfo=ROME)
UNIT_FIELDS = [
    "name",
    "description",
    "capacity",
    "is_active",
    "public_booking",
    "approval_required",
    "slot_minutes",
    "min_minutes",
    "max_minutes",
    "lead_hours",
    "horizon_days",
    "free_cancel_hours",
]
# Upper bounds that keep the numbers meaningful (and inside the database's integers).
UNIT_LIMITS = {
    "slot_minutes": (5, 1440),
    "min_minutes": (5, 1440),
    "max_minutes": (5, 1440),
    "lead_hours": (0, 24 * 365),
    "horizon_days": (1, 3650),
    "free_cancel_hours": (0, 24 * 365),
    "capacity": (0, 1_000_000),
}
BOOKER_KINDS = {CustomerKind.MEMBER, CustomerKind.RESIDENT, CustomerKind.PUBLIC}
STAFF_METHODS = {PaymentMethod.ON_SITE, PaymentMethod.BANK_TRANSFER}
BOOKING_FIELDS = [
    "status",
    "start",
    "end",
    "title",
    "customer_kind",
    "price",
    "payment_state",
    "payment_method",
    "late_cancellation",
    "reason",
]


# --- helpers ------------------------------------------------------------------------------------
def local(moment: datetime) -> datetime:
    return moment.astimezone(ROME)


def aware(moment: datetime) -> datetime:
    """A datetime without a zone is Europe/Rome local time."""
    if timezone.is_naive(moment):
        return moment.replace(tzinfo=ROME)
    return moment


def shown(moment: datetime) -> str:
    """A moment as people read it in messages: day and local time."""
    moment = local(moment)
    return f"{date_format(moment.date(), 'SHORT_DATE_FORMAT')} {time_format(moment.time(), 'H:i')}"


def shown_range(start: datetime, end: datetime) -> str:
    start, end = local(start), local(end)
    if start.date() == end.date():
        return f"{shown(start)}{DASH}{time_format(end.time(), 'H:i')}"
    return f"{shown(start)} {DASH} {shown(end)}"


def is_manager(actor, coop) -> bool:
    return actor is not None and can(actor, coop, Action.MANAGE_BOOKINGS)


def _lock_unit(pk: int) -> BookableUnit:
    # The queue every booking of a unit waits in (see the module's docstring); of=("self",)
    # so the resource and cooperative rows joined for reading stay unlocked. Every write of the
    # unit passes here, so here its version moves on (cached availabilities are then stale).
    unit = (
        BookableUnit.objects.select_for_update(of=("self",))
        .select_related("resource__coop")
        .get(pk=pk)
    )
    BookableUnit.objects.filter(pk=pk).update(version=F("version") + 1)
    unit.version += 1
    return unit


def _lock_booking(pk: int) -> Booking:
    booking = Booking.objects.select_related("unit").get(pk=pk)
    _lock_unit(booking.unit_id)
    return Booking.objects.select_related("unit__resource", "coop").get(pk=pk)


def _int_in(value: Any, name: str, low: int, high: int, *, required: bool = True) -> None:
    if value is None and not required:
        return
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValidationError(
            _("Give a whole number from %(low)s to %(high)s.") % {"low": low, "high": high},
            field=name,
        )


def _money(value: Any, name: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("Give an amount in euros, e.g. 12.50."), field=name) from None
    if not amount.is_finite() or abs(amount) >= Decimal("1e12"):
        raise ValidationError(_("Give an amount in euros, e.g. 12.50."), field=name)
    if amount < 0:
        raise ValidationError(_("A price cannot be negative."), field=name)
    if amount != amount.quantize(CENT):
        raise ValidationError(_("Give the price in euros and cents."), field=name)
    return amount.quantize(CENT)


# --- units --------------------------------------------------------------------------------------
def _check_unit(unit: BookableUnit) -> None:
    unit.name = (unit.name or "").strip()
    unit.description = (unit.description or "").strip()
    if not unit.name:
        raise ValidationError(_("Give the unit a name."), field="name")
    for name, (low, high) in UNIT_LIMITS.items():
        _int_in(getattr(unit, name), name, low, high, required=name != "capacity")
    for name in ("is_active", "public_booking", "approval_required"):
        if not isinstance(getattr(unit, name), bool):
            raise ValidationError(_("Give true or false."), field=name)
    if unit.min_minutes < unit.slot_minutes:
        raise ValidationError(
            _("The shortest booking cannot be shorter than a slot."), field="min_minutes"
        )
    if unit.max_minutes < unit.min_minutes:
        raise ValidationError(
            _("The longest booking cannot be shorter than the shortest."), field="max_minutes"
        )
    for name in ("min_minutes", "max_minutes"):
        if getattr(unit, name) % unit.slot_minutes:
            raise ValidationError(
                _("Give a multiple of the slot (%(n)s minutes).") % {"n": unit.slot_minutes},
                field=name,
            )
    validated(unit, exclude=["resource"])


@transaction.atomic
def unit_create(*, actor, resource: CommonResource, fields: dict[str, Any]) -> BookableUnit:
    """A part of a resource people book by the hour (a room, a screen, a pitch)."""
    resource = CommonResource.objects.select_for_update().get(pk=resource.pk)
    unit = BookableUnit(resource=resource)
    assign(unit, fields, [*UNIT_FIELDS, "synthetic"])
    _check_unit(unit)
    unit.save()
    audit_record(
        actor=actor,
        action="unit.create",
        obj=unit,
        coop=resource.coop,
        after=snapshot(unit, UNIT_FIELDS),
    )
    return unit


@transaction.atomic
def unit_update(*, actor, unit: BookableUnit, fields: dict[str, Any]) -> BookableUnit:
    """Change a unit's data and rules; the bookings already made keep their terms."""
    unit = _lock_unit(unit.pk)
    before = snapshot(unit, UNIT_FIELDS)
    assign(unit, fields, UNIT_FIELDS)
    _check_unit(unit)
    unit.save()
    audit_record(
        actor=actor,
        action="unit.update",
        obj=unit,
        coop=unit.resource.coop,
        before=before,
        after=snapshot(unit, UNIT_FIELDS),
    )
    return unit


def _hours_text(rows: Iterable[tuple[int, time, time]]) -> list[str]:
    return [f"{day} {opens:%H:%M}-{closes:%H:%M}" for day, opens, closes in sorted(rows)]


@transaction.atomic
def unit_hours_set(
    *, actor, unit: BookableUnit, intervals: Iterable[tuple[int, time, time]]
) -> list[OpeningHours]:
    """Replace the unit's weekly opening hours: (weekday 0=Monday…6, opens, closes) intervals,
    several a day when there is a break; intervals of a day may not overlap."""
    unit = _lock_unit(unit.pk)
    rows = sorted((int(day), opens, closes) for day, opens, closes in intervals)
    for day, opens, closes in rows:
        if not 0 <= day <= 6:
            raise ValidationError(_("A weekday is a number from 0 (Monday) to 6."), field="hours")
        if closes <= opens:
            raise ValidationError(
                _("%(day)s: the closing time must come after the opening time.")
                % {"day": WEEKDAYS[day][1]},
                field="hours",
            )
    for (day, _o, closes), (next_day, next_opens, _c) in pairwise(rows):
        if day == next_day and next_opens < closes:
            raise ValidationError(
                _("%(day)s: two intervals overlap.") % {"day": WEEKDAYS[day][1]}, field="hours"
            )
    before = _hours_text(unit.hours.values_list("weekday", "opens", "closes"))
    unit.hours.all().delete()
    created = OpeningHours.objects.bulk_create(
        OpeningHours(unit=unit, weekday=day, opens=opens, closes=closes)
        for day, opens, closes in rows
    )
    audit_record(
        actor=actor,
        action="unit.hours",
        obj=unit,
        coop=unit.resource.coop,
        before={"opening_hours": before},
        after={"opening_hours": _hours_text(rows)},
    )
    return created


@transaction.atomic
def closed_day_add(*, actor, unit: BookableUnit, on_date: date, reason: str = "") -> ClosedDay:
    """Close the unit on a day its hours would open it (a holiday, works). Bookings already
    made on that day stay: staff cancel them if they must."""
    unit = _lock_unit(unit.pk)
    reason = (reason or "").strip()
    if on_date is None:
        raise ValidationError(_("Give the date."), field="on_date")
    if not EARLIEST.date() <= on_date < LATEST.date():
        raise ValidationError(_("Give a date between 2000 and 2199."), field="on_date")
    if unit.closed_days.filter(on_date=on_date).exists():
        raise ValidationError(_("This day is already closed."), field="on_date")
    closed = ClosedDay(unit=unit, on_date=on_date, reason=reason)
    validated(closed, exclude=["unit"])
    closed.save()
    audit_record(
        actor=actor,
        action="unit.closed_day_add",
        obj=unit,
        coop=unit.resource.coop,
        after={"closed_day": on_date.isoformat(), "reason": reason},
    )
    return closed


@transaction.atomic
def closed_day_remove(*, actor, closed: ClosedDay) -> None:
    """Open again a day that was closed by mistake."""
    unit = _lock_unit(closed.unit_id)
    closed = ClosedDay.objects.get(pk=closed.pk)
    audit_record(
        actor=actor,
        action="unit.closed_day_remove",
        obj=unit,
        coop=unit.resource.coop,
        before={"closed_day": closed.on_date.isoformat(), "reason": closed.reason},
    )
    closed.delete()


@transaction.atomic
def unit_prices_set(*, actor, unit: BookableUnit, prices: dict[str, Any]) -> dict[str, Decimal]:
    """Replace the unit's hourly price list: {customer kind: price per hour}. A kind left out
    (or None) cannot book; the free kind always costs 0."""
    unit = _lock_unit(unit.pk)
    wanted: dict[str, Decimal] = {}
    for kind, value in prices.items():
        if kind not in CustomerKind.values:
            raise ValidationError(_("Unknown kind of booker."), field="prices")
        if value is None or value == "":
            continue
        amount = _money(value, f"prices.{kind}")
        if kind == CustomerKind.FREE and amount != 0:
            raise ValidationError(_("The free price is 0."), field=f"prices.{kind}")
        wanted[kind] = amount
    before = {k: str(v) for k, v in unit.prices.values_list("customer_kind", "hourly")}
    unit.prices.all().delete()
    UnitPrice.objects.bulk_create(
        UnitPrice(unit=unit, customer_kind=kind, hourly=amount) for kind, amount in wanted.items()
    )
    audit_record(
        actor=actor,
        action="unit.prices",
        obj=unit,
        coop=unit.resource.coop,
        before={f"price.{k}": v for k, v in before.items()},
        after={f"price.{k}": str(v) for k, v in wanted.items()},
    )
    return wanted


# --- the rules of a booking ---------------------------------------------------------------------
@dataclass
class UnitRules:
    """What a unit's bookings are checked against, read once (a series checks 52 occurrences
    against the same rows)."""

    unit: BookableUnit
    hours: dict[int, list[tuple[time, time]]]  # weekday -> merged intervals
    closed: dict[date, str]
    prices: dict[str, Decimal]

    @classmethod
    def read(cls, unit: BookableUnit, first: date, last: date) -> UnitRules:
        hours: dict[int, list[tuple[time, time]]] = {}
        for day, opens, closes in unit.hours.order_by("weekday", "opens").values_list(
            "weekday", "opens", "closes"
        ):
            merged = hours.setdefault(day, [])
            if merged and opens <= merged[-1][1]:  # touching intervals make one (9-13, 13-18)
                merged[-1] = (merged[-1][0], max(merged[-1][1], closes))
            else:
                merged.append((opens, closes))
        closed = dict(
            unit.closed_days.filter(on_date__gte=first, on_date__lte=last).values_list(
                "on_date", "reason"
            )
        )
        prices = dict(unit.prices.values_list("customer_kind", "hourly"))
        return cls(unit, hours, closed, prices)


def price_for(hourly: Decimal, start: datetime, end: datetime) -> Decimal:
    """Price per hour times hours booked, rounded to the cent (half to even, the one rounding)."""
    minutes = Decimal(int((end - start).total_seconds()) // 60)
    return (hourly * minutes / Decimal(60)).quantize(CENT, rounding=ROUND_HALF_EVEN)


def _rule_problems(
    rules: UnitRules, start: datetime, end: datetime, *, now: datetime, manager: bool
) -> list[FieldError]:
    """Everything wrong with [start, end) for this unit except an overlap, one message each."""
    unit = rules.unit
    if not (EARLIEST <= start < LATEST and EARLIEST <= end < LATEST):
        return [FieldError("start", _("Give a time between 2000 and 2199."))]
    if end <= start:
        return [FieldError("end", _("The end must come after the start."))]
    problems: list[FieldError] = []
    first, last = local(start), local(end)
    minutes = (end - start).total_seconds() / 60
    slot = unit.slot_minutes
    for name, moment in (("start", first), ("end", last)):
        if moment.second or moment.microsecond or (moment.hour * 60 + moment.minute) % slot:
            problems.append(
                FieldError(
                    name,
                    _("Choose a time on the unit's %(n)s-minute slots (counted from midnight).")
                    % {"n": slot},
                )
            )
    if minutes < unit.min_minutes:
        problems.append(
            FieldError(
                "end", _("A booking lasts at least %(n)s minutes.") % {"n": unit.min_minutes}
            )
        )
    elif minutes > unit.max_minutes:
        problems.append(
            FieldError("end", _("A booking lasts at most %(n)s minutes.") % {"n": unit.max_minutes})
        )
    day = first.date()
    if day in rules.closed:
        reason = rules.closed[day]
        message = _("The unit is closed on %(day)s.") % {
            "day": date_format(day, "SHORT_DATE_FORMAT")
        }
        problems.append(FieldError("start", f"{message} {reason}".strip()))
    else:
        intervals = rules.hours.get(day.weekday(), [])
        inside = last.date() == day and any(
            opens <= first.time() and last.time() <= closes for opens, closes in intervals
        )
        if not inside:
            weekday = WEEKDAYS[day.weekday()][1]
            if intervals:
                opening = ", ".join(f"{o:%H:%M}{DASH}{c:%H:%M}" for o, c in intervals)
                message = _("Outside the opening hours: on %(weekday)s the unit is open %(hours)s.")
                message %= {"weekday": weekday, "hours": opening}
            else:
                message = _("Outside the opening hours: the unit is closed on %(weekday)s.")
                message %= {"weekday": weekday}
            problems.append(FieldError("start", message))
    if start < now:
        problems.append(FieldError("start", _("This time is in the past.")))
    elif not manager:
        # Staff arrange the calendar (a call for tomorrow, next year's festival): the lead time
        # and the horizon bind the bookers only.
        if start < now + timedelta(hours=unit.lead_hours):
            problems.append(
                FieldError(
                    "start",
                    _("Book at least %(n)s hours ahead.") % {"n": unit.lead_hours},
                )
            )
        elif start > now + timedelta(days=unit.horizon_days):
            problems.append(
                FieldError(
                    "start",
                    _("Bookings open at most %(n)s days ahead.") % {"n": unit.horizon_days},
                )
            )
    return problems


def _overlap_message(other: Booking | tuple, *, manager: bool) -> str:
    """Which booking is in the way: its time for everyone, whose and what for staff only."""
    if isinstance(other, Booking):
        start, end, pk, name, title = (
            other.start,
            other.end,
            other.pk,
            other.booker_name,
            other.title,
        )
    else:
        start, end, pk, name, title = other
    message = _("The time overlaps another booking (%(when)s).") % {"when": shown_range(start, end)}
    if manager:
        message += " " + _("Booking no. %(pk)s by %(name)s%(title)s.") % {
            "pk": pk,
            "name": name,
            "title": f": {title}" if title else "",
        }
    return message


def _holding(unit: BookableUnit, start: datetime, end: datetime):
    return Booking.objects.filter(
        unit=unit, status__in=HOLDING, start__lt=end, end__gt=start
    ).order_by("start")


@dataclass
class Request:
    """Who books, worked out once: the price kind, the status the booking gets, the login."""

    manager: bool
    visitor: bool  # no role in the cooperative: a request through the public page
    user: Any
    customer: Customer


def _request(*, actor, unit: BookableUnit, customer: Customer, on_behalf: bool) -> Request:
    coop = unit.resource.coop
    manager = is_manager(actor, coop)
    signed_in = actor is not None and actor.is_authenticated
    visitor = not signed_in or role_in(actor, coop) is None
    if on_behalf and not manager:
        raise PermissionDenied(_("Only staff book for someone else."))
    if customer.kind not in CustomerKind.values:
        raise ValidationError(_("Unknown kind of booker."), field="customer_kind")
    if not manager and customer.kind not in BOOKER_KINDS:
        raise ValidationError(
            _("The association and free prices are granted by the staff."), field="customer_kind"
        )
    name = (customer.name or "").strip()
    email = (customer.email or "").strip()
    errors = []
    if not name:
        errors.append(FieldError("name", _("Give the name of who books.")))
    if not email and not (on_behalf or signed_in):
        errors.append(FieldError("email", _("Give an e-mail address to hear back from us.")))
    if errors:
        raise ValidationError(errors=errors)
    if visitor and not unit.public_booking:
        raise ValidationError(_("This unit is not open to public booking."), field="unit")
    customer = Customer(customer.kind, customer.member, name[:200], email[:254])
    return Request(manager, visitor, actor if signed_in and not on_behalf else None, customer)


def _unit_usable(rules: UnitRules, kind: str) -> Decimal:
    if not rules.unit.is_active:
        raise ValidationError(_("This unit cannot be booked at the moment."), field="unit")
    if kind not in rules.prices:
        raise ValidationError(
            _("This unit has no price for %(kind)s: it cannot be booked at that price.")
            % {"kind": CustomerKind(kind).label},
            field="customer_kind",
        )
    return rules.prices[kind]


def _save(booking: Booking, *, manager: bool) -> None:
    """Insert; PostgreSQL's exclusion constraint refusing it is the same overlap message."""
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError as exc:
        if "booking_no_overlap" not in str(exc):
            raise
        other = _holding(booking.unit, booking.start, booking.end).first()
        message = (
            _overlap_message(other, manager=manager)
            if other
            else _("The time overlaps another booking.")
        )
        raise ValidationError(message, field="start") from None


def _new_booking(
    req: Request,
    unit: BookableUnit,
    start: datetime,
    end: datetime,
    hourly: Decimal,
    title: str,
    *,
    series: BookingSeries | None = None,
    synthetic: bool = False,
) -> Booking:
    approval = unit.approval_required or req.visitor
    price = price_for(hourly, start, end)
    return Booking(
        coop=unit.resource.coop,
        unit=unit,
        series=series,
        start=start,
        end=end,
        status=BookingStatus.REQUESTED if approval and not req.manager else BookingStatus.CONFIRMED,
        title=title,
        user=req.user,
        member=req.customer.member,
        booker_name=req.customer.name,
        booker_email=req.customer.email,
        customer_kind=req.customer.kind,
        price=price,
        payment_state=PaymentState.TO_PAY if price else PaymentState.NOTHING_DUE,
        ical_token=secrets.token_urlsafe(24),
        synthetic=synthetic,
    )


def _after_create(actor, booking: Booking) -> None:
    audit_record(
        actor=actor,
        action="booking.create",
        obj=booking,
        coop=booking.coop,
        after=snapshot(booking, ["unit", "series", *BOOKING_FIELDS]),
    )
    template = (
        "commons/email/booking_requested"
        if booking.status == BookingStatus.REQUESTED
        else "commons/email/booking_confirmed"
    )
    _notify(booking, template)


def _notify(booking: Booking, template: str, **extra) -> None:
    start, end = local(booking.start), local(booking.end)
    notify(
        to=booking.booker_email,
        template=template,
        context={
            "name": booking.booker_name,
            "coop": booking.coop.name,
            "unit": booking.unit.name,
            "resource": booking.unit.resource.name,
            "when": shown_range(start, end),
            "price": booking.price,
            "number": booking.pk,
            "reason": booking.reason,
            "hours": booking.unit.free_cancel_hours,
            "site": settings.SITE_URL,
            "ical_path": reverse("ical_booking", args=[booking.ical_token])
            if booking.ical_token
            else "",
            **extra,
        },
    )


def _clean_title(title: str) -> str:
    title = (title or "").strip()
    if len(title) > 200:
        raise ValidationError(_("At most 200 characters."), field="title")
    return title


def booking_create(
    *,
    actor,
    unit: BookableUnit,
    start: datetime,
    end: datetime,
    customer: Customer,
    title: str = "",
    on_behalf: bool = False,
    synthetic: bool = False,
    now: datetime | None = None,
) -> Booking:
    """Book [start, end) of ``unit`` for ``customer`` (``customers.customer_for`` for a
    signed-in booker; a name and e-mail for a visitor; any kind when staff book ``on_behalf``
    of someone else). Confirmed at once, or awaiting approval when the unit asks for it or the
    booker is a visitor without a role; the price is the hourly price of the customer's kind."""
    start, end = aware(start), aware(end)
    title = _clean_title(title)
    with transaction.atomic():
        unit = _lock_unit(unit.pk)  # first statement: the queue (see the module's docstring)
        req = _request(actor=actor, unit=unit, customer=customer, on_behalf=on_behalf)
        day = local(start).date() if EARLIEST <= start < LATEST else date(2000, 1, 1)
        rules = UnitRules.read(unit, day, day)
        hourly = _unit_usable(rules, req.customer.kind)
        now = now or timezone.now()
        problems = _rule_problems(rules, start, end, now=now, manager=req.manager)
        if problems:
            raise ValidationError(errors=problems)
        other = _holding(unit, start, end).first()
        if other is not None:
            raise ValidationError(_overlap_message(other, manager=req.manager), field="start")
        booking = _new_booking(req, unit, start, end, hourly, title, synthetic=synthetic)
        _save(booking, manager=req.manager)
        _after_create(actor, booking)
    return booking


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
    hourly = _unit_usable(rules, req.customer.kind)
    taken = list(
        _holding(unit, slots[0][0], slots[-1][1]).values_list(
            "start", "end", "pk", "booker_name", "title"
        )
    )
    plan = []
    for week, (start, end) in enumerate(slots, start=1):
        problems = [
            p.message for p in _rule_problems(rules, start, end, now=now, manager=req.manager)
        ]
        problems += [
            _overlap_message(other, manager=req.manager)
            for other in taken
            if other[0] < end and other[1] > start
        ]
        price = price_for(hourly, start, end) if end > start else Decimal("0.00")
        plan.append(Occurrence(week, start, end, price, problems))
    return plan


@transaction.atomic
def series_preview(
    *,
    actor,
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
    req = _request(actor=actor, unit=unit, customer=customer, on_behalf=on_behalf)
    _check_series(first_start, minutes, weeks)
    return _plan(unit, req, first_start, minutes, weeks, now or timezone.now())


def series_create(
    *,
    actor,
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
    title = _clean_title(title)
    with transaction.atomic():
        unit = _lock_unit(unit.pk)
        req = _request(actor=actor, unit=unit, customer=customer, on_behalf=on_behalf)
        _check_series(first_start, minutes, weeks)
        plan = _plan(unit, req, first_start, minutes, weeks, now or timezone.now())
        free = [o for o in plan if o.free]
        if not free:
            raise ValidationError(
                _("No occurrence of the series is free: nothing was booked."), field="first_start"
            )
        series = BookingSeries.objects.create(
            unit=unit,
            created_by=actor if actor is not None and actor.is_authenticated else None,
            first_start=plan[0].start,
            minutes=minutes,
            weeks=weeks,
        )
        hourly = _unit_usable(
            UnitRules(unit, {}, {}, dict(unit.prices.values_list("customer_kind", "hourly"))),
            req.customer.kind,
        )
        for occurrence in free:
            booking = _new_booking(
                req,
                unit,
                occurrence.start,
                occurrence.end,
                hourly,
                title,
                series=series,
                synthetic=synthetic,
            )
            _save(booking, manager=req.manager)
            occurrence.booking = booking
            audit_record(
                actor=actor,
                action="booking.create",
                obj=booking,
                coop=booking.coop,
                after=snapshot(booking, ["unit", "series", *BOOKING_FIELDS]),
            )
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
        first = free[0].booking
        _notify(
            first,
            "commons/email/booking_requested"
            if first.status == BookingStatus.REQUESTED
            else "commons/email/booking_confirmed",
            weeks=len(free),
        )
    return series, plan


# --- decisions, cancellation, payment -----------------------------------------------------------
def _changed(actor, booking: Booking, action: str, before: dict) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=booking,
        coop=booking.coop,
        before=before,
        after=snapshot(booking, BOOKING_FIELDS),
    )


def _refund(booking: Booking) -> None:
    """Give back a paid booking's price (a negative sale, through ``commons.sales``)."""
    sales.booking_sold(booking, refund=True)
    booking.payment_state = PaymentState.REFUNDED


def booking_approve(*, actor, booking: Booking) -> Booking:
    """Staff confirm a booking awaiting approval."""
    with transaction.atomic():
        booking = _lock_booking(booking.pk)
        if booking.status != BookingStatus.REQUESTED:
            raise ValidationError(_("Only a booking awaiting approval can be approved."))
        before = snapshot(booking, BOOKING_FIELDS)
        booking.status = BookingStatus.CONFIRMED
        booking.decided_by = actor
        booking.save(update_fields=["status", "decided_by"])
        _changed(actor, booking, "booking.approve", before)
        _notify(booking, "commons/email/booking_confirmed")
    return booking


def booking_reject(*, actor, booking: Booking, reason: str) -> Booking:
    """Staff refuse a booking awaiting approval, saying why; its time is free again and a
    payment already made is refunded."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the booking is refused."), field="reason")
    if len(reason) > 300:
        raise ValidationError(_("At most 300 characters."), field="reason")
    with transaction.atomic():
        booking = _lock_booking(booking.pk)
        if booking.status != BookingStatus.REQUESTED:
            raise ValidationError(_("Only a booking awaiting approval can be refused."))
        before = snapshot(booking, BOOKING_FIELDS)
        booking.status = BookingStatus.REJECTED
        booking.reason = reason
        booking.decided_by = actor
        if booking.payment_state == PaymentState.PAID:
            _refund(booking)
        elif booking.payment_state == PaymentState.TO_PAY:
            booking.payment_state = PaymentState.NOTHING_DUE
        booking.save(update_fields=["status", "reason", "decided_by", "payment_state"])
        _changed(actor, booking, "booking.reject", before)
        _notify(booking, "commons/email/booking_rejected")
    return booking


def booking_cancel(
    *, actor, booking: Booking, reason: str = "", now: datetime | None = None
) -> Booking:
    """Cancel under the cooperative's policy: the booker may cancel free of charge until the
    unit's ``free_cancel_hours`` before the start (a request not yet approved, until its start);
    later only staff can cancel, and the price stays due (``late_cancellation``). A paid booking
    cancelled in the free window is refunded."""
    reason = (reason or "").strip()
    if len(reason) > 300:
        raise ValidationError(_("At most 300 characters."), field="reason")
    now = now or timezone.now()
    with transaction.atomic():
        booking = _lock_booking(booking.pk)
        manager = is_manager(actor, booking.coop)
        own = (
            actor is not None
            and actor.is_authenticated
            and booking.user_id is not None
            and booking.user_id == actor.pk
        )
        if not (manager or own):
            raise PermissionDenied(_("Only the booker or the staff can cancel a booking."))
        if booking.status not in HOLDING:
            raise ValidationError(_("This booking is already cancelled or refused."))
        hours = booking.unit.free_cancel_hours
        free_until = booking.start - timedelta(hours=hours)
        # A request never confirmed owes nothing whenever it is withdrawn before it starts.
        free = now <= free_until or (
            booking.status == BookingStatus.REQUESTED and now < booking.start
        )
        if not free and not manager:
            if now >= booking.start:
                raise ValidationError(_("A booking that has started cannot be cancelled."))
            raise ValidationError(
                _(
                    "Bookings can be cancelled free of charge until %(hours)s hours before the "
                    "start (the cooperative's policy): the time for that ended on %(when)s. "
                    "Ask the staff, who can cancel it with the price still due."
                )
                % {"hours": hours, "when": shown(free_until)}
            )
        before = snapshot(booking, BOOKING_FIELDS)
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at = now
        booking.reason = reason
        if free:
            if booking.payment_state == PaymentState.PAID:
                _refund(booking)
            elif booking.payment_state == PaymentState.TO_PAY:
                booking.payment_state = PaymentState.NOTHING_DUE
        else:
            booking.late_cancellation = bool(booking.price)
        booking.save(
            update_fields=[
                "status",
                "cancelled_at",
                "reason",
                "payment_state",
                "late_cancellation",
            ]
        )
        _changed(actor, booking, "booking.cancel", before)
        _notify(booking, "commons/email/booking_cancelled", late=booking.late_cancellation)
    return booking


def booking_pay(*, actor, booking: Booking, method: str, now: datetime | None = None) -> Booking:
    """Staff record that a booking was paid (on site or by bank transfer); the sale is
    written in the same transaction. A booking awaiting approval may be paid in advance (it is
    refunded if refused); a late cancellation still owes its price."""
    if method not in STAFF_METHODS:
        raise ValidationError(_("Choose on site or bank transfer."), field="method")
    with transaction.atomic():
        booking = _lock_booking(booking.pk)
        if booking.payment_state == PaymentState.PAID:
            raise ValidationError(_("This booking is already paid."))
        owes = booking.status in HOLDING or booking.late_cancellation
        if booking.payment_state != PaymentState.TO_PAY or not owes or not booking.price:
            raise ValidationError(_("Nothing is due for this booking."))
        before = snapshot(booking, BOOKING_FIELDS)
        booking.payment_state = PaymentState.PAID
        booking.payment_method = method
        booking.paid_at = now or timezone.now()
        booking.save(update_fields=["payment_state", "payment_method", "paid_at"])
        sales.booking_sold(booking)
        _changed(actor, booking, "booking.pay", before)
    return booking
