"""The rules a booking is checked against, and the local time they are read in.

Times are half-open ``[start, end)``, aware, and read in Europe/Rome local time for the opening
hours, the slots and the closed days. ``UnitRules.read`` reads a unit's hours, closed days and
prices once (the one database read here); the checks themselves (``rule_problems``), the price
of a span (``price_for``, the one rounding) and the message naming an overlapping booking are
pure functions of what was read. ``price`` reads a price as the units and the catalogue take
it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

from comunitas.commons.local_time import ROME
from comunitas.commons.models import (
    WEEKDAYS,
    BookableUnit,
    Booking,
)
from comunitas.core.errors import FieldError, ValidationError
from comunitas.core.kernel.money import CENT, MAX_MONEY, money

DASH = "\u2013"  # the en dash between two times
EARLIEST = datetime(2000, 1, 1, tzinfo=ROME)
LATEST = datetime(2200, 1, 1, tzinfo=ROME)


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


def price(value: Any, *, field: str, unclear: str, high: Decimal = MAX_MONEY) -> Decimal:
    """A price in euros to the cent, not negative, at most ``high`` (``core.kernel.money``).
    Any refusal but a negative price is worded ``unclear``: the words the units' and the
    catalogue's price forms have always shown."""
    negative = _("A price cannot be negative.")
    try:
        return money(value, field=field, high=high, below=negative)
    except ValidationError as exc:
        if exc.errors[0].message == negative:
            raise
        raise ValidationError(unclear, field=field) from None


def price_for(hourly: Decimal, start: datetime, end: datetime) -> Decimal:
    """Price per hour times hours booked, rounded to the cent (half to even, the one rounding)."""
    minutes = Decimal(int((end - start).total_seconds()) // 60)
    return (hourly * minutes / Decimal(60)).quantize(CENT, rounding=ROUND_HALF_EVEN)


def rule_problems(
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


def overlap_message(other: Booking | tuple, *, manager: bool) -> str:
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
