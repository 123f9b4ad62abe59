"""Every write of a bookable unit: its data and booking rules, its weekly opening hours, its closed
days and its hourly prices.

``lock_unit`` is the queue every write of a unit and of its bookings waits in: it locks the unit
row and moves its version on, so a cached availability knows it is stale. One transaction each,
an audit row for every change."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time
from decimal import Decimal
from itertools import pairwise
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from comunitas.commons.bookings.rules import EARLIEST, LATEST, price
from comunitas.commons.models import (
    WEEKDAYS,
    BookableUnit,
    ClosedDay,
    CommonResource,
    CustomerKind,
    OpeningHours,
    UnitPrice,
)
from comunitas.core.audit import audit_record
from comunitas.core.errors import ValidationError
from comunitas.core.kernel.edits import edit, locked, validated
from comunitas.core.kernel.types import Actor

# The booking rules of a unit, each with a default (so a short form may leave them out).
UNIT_RULES = [
    "slot_minutes",
    "min_minutes",
    "max_minutes",
    "lead_hours",
    "horizon_days",
    "free_cancel_hours",
]
UNIT_FIELDS = [
    "name",
    "description",
    "capacity",
    "is_active",
    "public_booking",
    "approval_required",
    *UNIT_RULES,
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


def lock_unit(pk: int) -> BookableUnit:
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


def _int_in(value: Any, name: str, low: int, high: int, *, required: bool = True) -> None:
    if value is None and not required:
        return
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValidationError(
            _("Give a whole number from %(low)s to %(high)s.") % {"low": low, "high": high},
            field=name,
        )


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
def unit_create(
    *,
    actor: Actor,
    resource: CommonResource,
    name: str = "",
    description: str = "",
    capacity: int | None = None,
    is_active: bool = True,
    public_booking: bool = False,
    approval_required: bool = False,
    slot_minutes: int = 30,
    min_minutes: int = 60,
    max_minutes: int = 480,
    lead_hours: int = 0,
    horizon_days: int = 180,
    free_cancel_hours: int = 48,
    synthetic: bool = False,
) -> BookableUnit:
    """A part of a resource people book by the hour (a room, a screen, a pitch)."""
    resource = locked(resource)
    return edit(
        BookableUnit(resource=resource),
        actor=actor,
        action="unit.create",
        changes={
            "name": name,
            "description": description,
            "capacity": capacity,
            "is_active": is_active,
            "public_booking": public_booking,
            "approval_required": approval_required,
            "slot_minutes": slot_minutes,
            "min_minutes": min_minutes,
            "max_minutes": max_minutes,
            "lead_hours": lead_hours,
            "horizon_days": horizon_days,
            "free_cancel_hours": free_cancel_hours,
            "synthetic": synthetic,
        },
        allowed=[*UNIT_FIELDS, "synthetic"],
        audited=UNIT_FIELDS,
        check=_check_unit,
        coop=resource.coop,
    )


@transaction.atomic
def unit_update(*, actor: Actor, unit: BookableUnit, fields: dict[str, Any]) -> BookableUnit:
    """Change a unit's data and rules; the bookings already made keep their terms."""
    unit = lock_unit(unit.pk)
    return edit(
        unit,
        actor=actor,
        action="unit.update",
        changes=fields,
        allowed=UNIT_FIELDS,
        audited=UNIT_FIELDS,
        check=_check_unit,
        coop=unit.resource.coop,
    )


def _hours_text(rows: Iterable[tuple[int, time, time]]) -> list[str]:
    return [f"{day} {opens:%H:%M}-{closes:%H:%M}" for day, opens, closes in sorted(rows)]


@transaction.atomic
def unit_hours_set(
    *, actor: Actor, unit: BookableUnit, intervals: Iterable[tuple[int, time, time]]
) -> list[OpeningHours]:
    """Replace the unit's weekly opening hours: (weekday 0=Monday…6, opens, closes) intervals,
    several a day when there is a break; intervals of a day may not overlap."""
    unit = lock_unit(unit.pk)
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
def closed_day_add(
    *, actor: Actor, unit: BookableUnit, on_date: date, reason: str = ""
) -> ClosedDay:
    """Close the unit on a day its hours would open it (a holiday, works). Bookings already
    made on that day stay: staff cancel them if they must."""
    unit = lock_unit(unit.pk)
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
def closed_day_remove(*, actor: Actor, closed: ClosedDay) -> None:
    """Open again a day that was closed by mistake."""
    unit = lock_unit(closed.unit_id)
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
def unit_prices_set(
    *, actor: Actor, unit: BookableUnit, prices: dict[str, Any]
) -> dict[str, Decimal]:
    """Replace the unit's hourly price list: {customer kind: price per hour}. A kind left out
    (or None) cannot book; the free kind always costs 0."""
    unit = lock_unit(unit.pk)
    wanted: dict[str, Decimal] = {}
    for kind, value in prices.items():
        if kind not in CustomerKind.values:
            raise ValidationError(_("Unknown kind of booker."), field="prices")
        if value is None or value == "":
            continue
        amount = price(
            value, field=f"prices.{kind}", unclear=_("Give the price in euros and cents.")
        )
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
