"""Every write of the commons registry: resources, their legal bases, obligations and history.

One transaction each, the resource row locked while it changes, the rules checked here (the
database constraints are the last line, so SQLite and PostgreSQL answer the same), an audit row
for every change."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comunitas.commons.models import (
    CommonResource,
    Condition,
    Obligation,
    ResourceLogEntry,
    UseRight,
    UseRightKind,
)
from comunitas.core.audit import audit_record, snapshot
from comunitas.core.errors import FieldError, ValidationError
from comunitas.core.kernel.edits import assign, edit, locked, validated
from comunitas.core.kernel.money import ZERO, money
from comunitas.core.kernel.types import Actor, user_of
from comunitas.core.models import Cooperative, Municipality

RESOURCE_FIELDS = [
    "name",
    "kind",
    "owner_kind",
    "owner_name",
    "municipality",
    "address",
    "capacity",
    "condition",
    "description",
    "is_public",
]
USE_RIGHT_FIELDS = ["kind", "granted_by", "reference", "start_on", "end_on", "annual_fee"]
OBLIGATION_FIELDS = ["kind", "description", "due_on", "done_on", "recurring_months"]
EARLIEST = date(1900, 1, 1)
LATEST = date(2200, 12, 31)


def add_months(day: date, months: int) -> date:
    """``day`` moved ``months`` later, on the last day of the month when it has fewer days
    (a yearly report due on 29 February falls on 28 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _check_dates(values: dict[str, date | None]) -> None:
    errors = [
        FieldError(
            field,
            _("Give a date between %(first)s and %(last)s.")
            % {"first": EARLIEST.year, "last": LATEST.year},
        )
        for field, value in values.items()
        if value is not None and not EARLIEST <= value <= LATEST
    ]
    if errors:
        raise ValidationError(errors=errors)


def _check_resource(resource: CommonResource) -> None:
    if resource.capacity is not None and resource.capacity < 0:
        raise ValidationError(_("The capacity cannot be negative."), field="capacity")
    resource.name = (resource.name or "").strip()
    validated(resource, exclude=["coop"])


@transaction.atomic
def resource_create(
    *,
    actor: Actor,
    coop: Cooperative,
    name: str = "",
    kind: str = "",
    owner_kind: str = "",
    owner_name: str = "",
    municipality: Municipality | None = None,
    address: str = "",
    capacity: int | None = None,
    condition: str = Condition.GOOD,
    description: str = "",
    is_public: bool = False,
    synthetic: bool = False,
) -> CommonResource:
    """Register a common resource of the cooperative."""
    return edit(
        CommonResource(coop=coop),
        actor=actor,
        action="resource.create",
        changes={
            "name": name,
            "kind": kind,
            "owner_kind": owner_kind,
            "owner_name": owner_name,
            "municipality": municipality,
            "address": address,
            "capacity": capacity,
            "condition": condition,
            "description": description,
            "is_public": is_public,
            "synthetic": synthetic,
        },
        allowed=[*RESOURCE_FIELDS, "synthetic"],
        audited=RESOURCE_FIELDS,
        check=_check_resource,
    )


@transaction.atomic
def resource_update(
    *, actor: Actor, resource: CommonResource, fields: dict[str, Any]
) -> CommonResource:
    """Correct a resource's data; only the fields given change."""
    return edit(
        locked(resource),
        actor=actor,
        action="resource.update",
        changes=fields,
        allowed=RESOURCE_FIELDS,
        audited=RESOURCE_FIELDS,
        check=_check_resource,
    )


@transaction.atomic
def use_right_add(
    *,
    actor: Actor,
    resource: CommonResource,
    kind: str = "",
    granted_by: str = "",
    reference: str = "",
    start_on: date | None = None,
    end_on: date | None = None,
    annual_fee: Decimal = ZERO,
    synthetic: bool = False,
) -> UseRight:
    """Record the legal basis (concession, comodato, pact…) on which the resource is used."""
    resource = locked(resource)
    right = UseRight(resource=resource)
    assign(
        right,
        {
            "kind": kind,
            "granted_by": granted_by,
            "reference": reference,
            "start_on": start_on,
            "end_on": end_on,
            "annual_fee": annual_fee,
            "synthetic": synthetic,
        },
        [*USE_RIGHT_FIELDS, "synthetic"],
    )
    right.granted_by = (right.granted_by or "").strip()
    right.reference = (right.reference or "").strip()
    if right.start_on is None:
        raise ValidationError(_("Give the date the right starts."), field="start_on")
    _check_dates({"start_on": right.start_on, "end_on": right.end_on})
    if right.kind == UseRightKind.OWNERSHIP and right.end_on is not None:
        raise ValidationError(_("Ownership has no end date."), field="end_on")
    if right.end_on is not None and right.end_on <= right.start_on:
        raise ValidationError(_("The end must come after the start."), field="end_on")
    right.annual_fee = money(
        right.annual_fee,
        field="annual_fee",
        required=False,
        below=_("The annual fee cannot be negative."),
    )
    validated(right, exclude=["resource"])
    right.save()
    audit_record(
        actor=actor,
        action="use_right.add",
        obj=resource,
        coop=resource.coop,
        after={f"use_right.{k}": v for k, v in snapshot(right, USE_RIGHT_FIELDS).items()},
    )
    return right


def _check_obligation(obligation: Obligation) -> None:
    if obligation.due_on is None:
        raise ValidationError(_("Give the date it is due."), field="due_on")
    _check_dates({"due_on": obligation.due_on, "done_on": obligation.done_on})
    if obligation.recurring_months is not None and not 1 <= obligation.recurring_months <= 120:
        raise ValidationError(
            _("An obligation repeats every 1 to 120 months."), field="recurring_months"
        )
    validated(obligation, exclude=["resource"])


def _obligation_record(
    actor: Actor,
    obligation: Obligation,
    *,
    kind: str,
    description: str,
    due_on: date | None,
    done_on: date | None,
    recurring_months: int | None,
    synthetic: bool,
) -> Obligation:
    def check(obligation: Obligation) -> None:
        obligation.description = (obligation.description or "").strip()
        _check_obligation(obligation)

    return edit(
        obligation,
        actor=actor,
        action="obligation.add",
        changes={
            "kind": kind,
            "description": description,
            "due_on": due_on,
            "done_on": done_on,
            "recurring_months": recurring_months,
            "synthetic": synthetic,
        },
        allowed=[*OBLIGATION_FIELDS, "synthetic"],
        audited=OBLIGATION_FIELDS,
        check=check,
        coop=obligation.resource.coop,
    )


@transaction.atomic
def obligation_add(
    *,
    actor: Actor,
    resource: CommonResource,
    kind: str = "",
    description: str = "",
    due_on: date | None = None,
    done_on: date | None = None,
    recurring_months: int | None = None,
    synthetic: bool = False,
) -> Obligation:
    """Something to do for the resource by a date, once or every few months."""
    return _obligation_record(
        actor,
        Obligation(resource=locked(resource)),
        kind=kind,
        description=description,
        due_on=due_on,
        done_on=done_on,
        recurring_months=recurring_months,
        synthetic=synthetic,
    )


@transaction.atomic
def obligation_done(
    *, actor: Actor, obligation: Obligation, done_on: date | None = None
) -> tuple[Obligation, Obligation | None]:
    """Mark an obligation done; a recurring one gets its next occurrence, due
    ``recurring_months`` after this one was due (not after it was done, so a late renewal does
    not shift the calendar). Returns the obligation and the next one, if any."""
    obligation = (
        Obligation.objects.select_for_update()
        .select_related("resource__coop")
        .get(pk=obligation.pk)
    )
    today = timezone.localdate()
    done_on = done_on or today
    if obligation.done_on is not None:
        raise ValidationError(_("This obligation is already done."), field="done_on")
    _check_dates({"done_on": done_on})
    if done_on > today:
        raise ValidationError(_("It cannot be done in the future."), field="done_on")
    obligation.done_on = done_on
    obligation.save(update_fields=["done_on"])
    coop = obligation.resource.coop
    audit_record(
        actor=actor,
        action="obligation.done",
        obj=obligation,
        coop=coop,
        before={"done_on": None},
        after={"done_on": done_on.isoformat()},
    )
    following = None
    if obligation.recurring_months:
        following = _obligation_record(
            actor,
            Obligation(resource=obligation.resource),
            kind=obligation.kind,
            description=obligation.description,
            due_on=add_months(obligation.due_on, obligation.recurring_months),
            done_on=None,
            recurring_months=obligation.recurring_months,
            synthetic=obligation.synthetic,
        )
    return obligation, following


@transaction.atomic
def log_add(
    *,
    actor: Actor,
    resource: CommonResource,
    on_date: date | None,
    text: str,
    synthetic: bool = False,
) -> ResourceLogEntry:
    """Add a line to the resource's history (never edited: a correction is a new line)."""
    resource = locked(resource)
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Say what was done."), field="text")
    on_date = on_date or timezone.localdate()
    _check_dates({"on_date": on_date})
    if on_date > timezone.localdate() + timedelta(days=1):
        raise ValidationError(_("The history records what was done, not plans."), field="on_date")
    entry = ResourceLogEntry(
        resource=resource,
        on_date=on_date,
        text=text,
        recorded_by=user_of(actor),
        synthetic=synthetic,
    )
    validated(entry, exclude=["resource", "recorded_by"])
    entry.save()
    audit_record(
        actor=actor,
        action="resource_log.add",
        obj=resource,
        coop=resource.coop,
        after={"log.on_date": on_date.isoformat(), "log.text": text[:200]},
    )
    return entry
