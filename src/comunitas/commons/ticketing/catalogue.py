"""Every write of the catalogue: services (a tour, a screening, a product) with their price for
each kind of customer, and their timed events with seats (scheduled, moved, resized: never below
the seats already sold). Cancelling an event cancels its orders: that is in
``ticketing.services``. One transaction each, an audit row for every change."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comunitas.commons.bookings.rules import price
from comunitas.commons.models import (
    CommonResource,
    CustomerKind,
    Event,
    Service,
    ServicePrice,
)
from comunitas.core.audit import audit_record, snapshot
from comunitas.core.errors import FieldError, ValidationError
from comunitas.core.kernel.edits import assign, edit, validated
from comunitas.core.kernel.types import Actor
from comunitas.core.models import Cooperative

SERVICE_FIELDS = ["name", "kind", "description", "resource", "is_active", "is_public"]
EVENT_FIELDS = ["starts_at", "ends_at", "seats"]
MAX_SEATS = 100_000
MAX_PRICE = Decimal("100000.00")
HORIZON = timedelta(days=5 * 366)  # events are scheduled at most five years ahead


# --- the catalogue ------------------------------------------------------------------------------
def _check_service(service: Service) -> None:
    service.name = (service.name or "").strip()
    service.description = (service.description or "").strip()
    if not service.name:
        raise ValidationError(_("Give the service a name."), field="name")
    resource_id = service.resource_id
    if (
        resource_id is not None
        and not CommonResource.objects.filter(pk=resource_id, coop_id=service.coop_id).exists()
    ):
        raise ValidationError(_("Choose a common resource of this cooperative."), field="resource")
    validated(service, exclude=["coop", "resource"])


def parse_price(value: Any, field: str) -> Decimal:
    """A price of the catalogue (``bookings.rules.price``; a comma reads as the decimal point),
    at most 100,000 euros."""
    if isinstance(value, str):
        value = value.strip().replace(",", ".")
    amount = price(value, field=field, unclear=_("Give the price in euros, e.g. 7.50."))
    if amount > MAX_PRICE:
        raise ValidationError(_("A price cannot exceed 100,000 euros."), field=field)
    return amount


def _prices_write(service: Service, prices: dict[str, Any]) -> dict[str, str]:
    """Replace the service's price list: a kind missing or None is not sold to."""
    errors, parsed = [], {}
    for kind, value in prices.items():
        if kind not in CustomerKind.values:
            errors.append(FieldError(f"prices.{kind}", _("Unknown kind of customer.")))
            continue
        if value is None or str(value).strip() == "":
            continue
        try:
            parsed[kind] = parse_price(value, f"prices.{kind}")
        except ValidationError as exc:
            errors.extend(exc.errors)
    if errors:
        raise ValidationError(errors=errors)
    ServicePrice.objects.filter(service=service).exclude(customer_kind__in=parsed).delete()
    for kind, amount in parsed.items():
        ServicePrice.objects.update_or_create(
            service=service, customer_kind=kind, defaults={"price": amount}
        )
    return {kind: str(parsed[kind]) for kind in sorted(parsed)}


def _price_snapshot(service: Service) -> dict[str, str]:
    return {
        f"price.{kind}": str(price)
        for kind, price in ServicePrice.objects.filter(service=service).values_list(
            "customer_kind", "price"
        )
    }


def _service_write(
    service: Service,
    *,
    actor: Actor,
    action: str,
    fields: dict[str, Any],
    allowed: list[str],
    prices: dict[str, Any] | None,
) -> Service:
    """Assign, check and save a new or locked service, then its price list when given; the
    audit row holds the fields and the prices before and after."""
    before = (
        {**snapshot(service, SERVICE_FIELDS), **_price_snapshot(service)} if service.pk else None
    )
    assign(service, fields, allowed)
    _check_service(service)
    service.save()
    if prices is not None:
        _prices_write(service, prices)
    audit_record(
        actor=actor,
        action=action,
        obj=service,
        coop=service.coop,
        before=before,
        after={**snapshot(service, SERVICE_FIELDS), **_price_snapshot(service)},
    )
    return service


@transaction.atomic
def service_create(
    *,
    actor: Actor,
    coop: Cooperative,
    name: str = "",
    kind: str = "",
    description: str = "",
    resource: CommonResource | None = None,
    is_active: bool = True,
    is_public: bool = False,
    synthetic: bool = False,
    prices: dict[str, Any] | None = None,
) -> Service:
    """Add a service or product to the catalogue with its price for each kind of customer
    (a kind without a price cannot buy it)."""
    return _service_write(
        Service(coop=coop),
        actor=actor,
        action="service.create",
        fields={
            "name": name,
            "kind": kind,
            "description": description,
            "resource": resource,
            "is_active": is_active,
            "is_public": is_public,
            "synthetic": synthetic,
        },
        allowed=[*SERVICE_FIELDS, "synthetic"],
        prices=prices or None,
    )


def _locked_service(service: Service) -> Service:
    return Service.objects.select_for_update().select_related("coop").get(pk=service.pk)


@transaction.atomic
def service_update(
    *,
    actor: Actor,
    service: Service,
    fields: dict[str, Any],
    prices: dict[str, Any] | None = None,
) -> Service:
    """Change a service; only the fields given change, and the price list when given."""
    return _service_write(
        _locked_service(service),
        actor=actor,
        action="service.update",
        fields=fields,
        allowed=SERVICE_FIELDS,
        prices=prices,
    )


@transaction.atomic
def service_prices_set(*, actor: Actor, service: Service, prices: dict[str, Any]) -> Service:
    """Replace the price list of a service (orders already placed keep their price)."""
    service = _locked_service(service)
    before = _price_snapshot(service)
    _prices_write(service, prices)
    audit_record(
        actor=actor,
        action="service.prices",
        obj=service,
        coop=service.coop,
        before=before,
        after=_price_snapshot(service),
    )
    return service


# --- events -------------------------------------------------------------------------------------
def _aware(value: datetime | None) -> datetime | None:
    # A time without an offset (an API client's "2026-05-01T21:00") is Italian time.
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _check_event(event: Event, *, now: datetime, moved: bool) -> None:
    event.starts_at, event.ends_at = _aware(event.starts_at), _aware(event.ends_at)
    if event.starts_at is None:
        raise ValidationError(_("Give the date and time the event starts."), field="starts_at")
    if moved and event.starts_at <= now:
        raise ValidationError(_("An event cannot start in the past."), field="starts_at")
    if event.starts_at > now + HORIZON:
        raise ValidationError(
            _("An event is scheduled at most five years ahead."), field="starts_at"
        )
    if event.ends_at is not None and event.ends_at <= event.starts_at:
        raise ValidationError(_("The end must come after the start."), field="ends_at")
    if event.ends_at is not None and event.ends_at > event.starts_at + timedelta(days=31):
        raise ValidationError(_("An event lasts at most 31 days."), field="ends_at")
    if event.seats is None or not 1 <= event.seats <= MAX_SEATS:
        raise ValidationError(
            _("Give between 1 and %(max)s seats.") % {"max": f"{MAX_SEATS:,}"}, field="seats"
        )
    if event.seats < event.seats_taken:
        raise ValidationError(
            ngettext(
                "%(n)s seat is already sold: the event cannot have fewer.",
                "%(n)s seats are already sold: the event cannot have fewer.",
                event.seats_taken,
            )
            % {"n": event.seats_taken},
            field="seats",
        )


@transaction.atomic
def event_create(
    *,
    actor: Actor,
    service: Service,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    seats: int | None = None,
    synthetic: bool = False,
    now: datetime | None = None,
) -> Event:
    """Schedule a timed occurrence of a service with its seats (a screening, a tour)."""
    service = _locked_service(service)
    return edit(
        Event(service=service),
        actor=actor,
        action="event.create",
        changes={
            "starts_at": starts_at,
            "ends_at": ends_at,
            "seats": seats,
            "synthetic": synthetic,
        },
        allowed=[*EVENT_FIELDS, "synthetic"],
        audited=["service", *EVENT_FIELDS],
        check=lambda event: _check_event(event, now=now or timezone.now(), moved=True),
        coop=service.coop,
    )


def locked_event(event: Event) -> Event:
    # Holding the row keeps buyers' conditional UPDATEs waiting until this change commits.
    return Event.objects.select_for_update().select_related("service__coop").get(pk=event.pk)


@transaction.atomic
def event_update(
    *, actor: Actor, event: Event, fields: dict[str, Any], now: datetime | None = None
) -> Event:
    """Move an event or change its seats: never below the seats already sold."""
    event = locked_event(event)
    if event.is_cancelled:
        raise ValidationError(_("This event is cancelled."))
    old_start = event.starts_at
    return edit(
        event,
        actor=actor,
        action="event.update",
        changes=fields,
        allowed=EVENT_FIELDS,
        audited=EVENT_FIELDS,
        check=lambda event: _check_event(
            event, now=now or timezone.now(), moved=event.starts_at != old_start
        ),
        coop=event.service.coop,
    )
