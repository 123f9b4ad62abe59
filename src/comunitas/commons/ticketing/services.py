"""Every write of the box office: orders with their tickets, payments, cancellations, and the
cancellation of an event with its orders.

No event is ever oversold: seats are taken by one conditional UPDATE (``seats_taken <= seats -
n``) that the database evaluates against the committed row, so two buyers of the last seat
cannot both pass, on PostgreSQL (the second UPDATE waits for the first and re-reads the row) or
SQLite (transactions take the write lock when they begin); the check constraint
``event_never_oversold`` is the last line. Paid orders become sales through
``commons.stats.sales`` inside the same transaction; every change leaves an audit row."""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import ParamSpec, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comunitas.commons.bookings.customers import Customer
from comunitas.commons.models import (
    CustomerKind,
    Event,
    Order,
    OrderLine,
    OrderStatus,
    PaymentState,
    Service,
    ServicePrice,
    Ticket,
)
from comunitas.commons.stats import sales
from comunitas.commons.ticketing.catalogue import locked_event
from comunitas.commons.ticketing.payments import (
    DEFAULT_PROVIDER,
    PROVIDERS,
    PaymentProvider,
    provider_for,
)
from comunitas.core.audit import audit_record, snapshot
from comunitas.core.errors import FieldError, ValidationError
from comunitas.core.kernel.money import ZERO
from comunitas.core.kernel.types import Actor, user_of
from comunitas.core.models import Cooperative
from comunitas.core.notify import notify

MAX_PER_LINE = 50  # tickets or items of one line: a family or a school class, not a script
MAX_LINES = 20
# Codes people read aloud and type at the door: no 0/O or 1/I/L to confuse.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
ORDER_CODE_LENGTH = 12  # 59 bits: the code in the e-mail is the buyer's proof of purchase
TICKET_CODE_LENGTH = 10  # 49 bits, unguessable at the rate a door can try them
P = ParamSpec("P")
T = TypeVar("T")


def new_code(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(length))


@transaction.atomic
def event_cancel(*, actor: Actor, event: Event, reason: str = "") -> Event:
    """Cancel an event: the orders holding its tickets are cancelled (their tickets void,
    their seats freed, a refund recorded for what was paid) and the buyers are told."""
    event = locked_event(event)
    if event.is_cancelled:
        raise ValidationError(_("This event is already cancelled."))
    if Ticket.objects.filter(event=event, checked_in_at__isnull=False).exists():
        raise ValidationError(
            _("Tickets of this event were already checked in: it has taken place.")
        )
    reason = (reason or "").strip()[:300]
    orders = Order.objects.filter(lines__event=event, status=OrderStatus.OPEN).distinct()
    for order in orders:
        _cancel(actor=actor, order=order, reason=reason or _("The event was cancelled."))
    event.is_cancelled = True
    event.save(update_fields=["is_cancelled"])
    audit_record(
        actor=actor,
        action="event.cancel",
        obj=event,
        coop=event.service.coop,
        before={"is_cancelled": False},
        after={"is_cancelled": True, "reason": reason},
    )
    return event


# --- orders -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LineRequest:
    service: Service
    event: Event | None
    quantity: int


class BoxOfficeBusy(ValidationError):
    """The database did not give the write lock in time (SQLite under a rush)."""


def _line_errors(
    coop: Cooperative, customer: Customer, lines, *, public_only: bool, now: datetime
) -> tuple[list[FieldError], list[tuple[LineRequest, Decimal]]]:
    errors: list[FieldError] = []
    priced: list[tuple[LineRequest, Decimal]] = []
    services = [line[0] for line in lines if line[0] is not None]
    price_of = {
        (p.service_id, p.customer_kind): p.price
        for p in ServicePrice.objects.filter(
            service__in=[s.pk for s in services], customer_kind=customer.kind
        )
    }
    with_events = set(
        Event.objects.filter(service__in=[s.pk for s in services])
        .values_list("service_id", flat=True)
        .distinct()
    )
    # The events as they are now, not as the caller read them a moment ago.
    fresh = Event.objects.select_related("service").in_bulk(
        [line[1].pk for line in lines if line[1] is not None]
    )
    for i, (service, event, quantity) in enumerate(lines):
        where = f"lines.{i}"
        event = fresh.get(event.pk, event) if event is not None else None
        if service is None or service.coop_id != coop.pk or (public_only and not service.is_public):
            errors.append(FieldError(f"{where}.service_id", _("No such service on sale here.")))
            continue
        if not service.is_active:
            errors.append(
                FieldError(f"{where}.service_id", _("%(s)s is not on sale.") % {"s": service})
            )
            continue
        if not isinstance(quantity, int) or not 1 <= quantity <= MAX_PER_LINE:
            errors.append(
                FieldError(
                    f"{where}.quantity",
                    _("Buy between 1 and %(max)s at a time.") % {"max": MAX_PER_LINE},
                )
            )
            continue
        if event is None and service.pk in with_events:
            errors.append(FieldError(f"{where}.event_id", _("Choose the date and time.")))
            continue
        if event is not None:
            if event.service_id != service.pk:
                errors.append(
                    FieldError(f"{where}.event_id", _("This event is not of that service."))
                )
                continue
            if event.is_cancelled:
                errors.append(FieldError(f"{where}.event_id", _("This event is cancelled.")))
                continue
            if event.starts_at <= now:
                errors.append(
                    FieldError(
                        f"{where}.event_id", _("This event has started: tickets are closed.")
                    )
                )
                continue
        price = price_of.get((service.pk, customer.kind))
        if price is None:
            errors.append(
                FieldError(
                    f"{where}.service_id",
                    _("%(s)s is not sold to this kind of customer (%(kind)s).")
                    % {"s": service, "kind": CustomerKind(customer.kind).label},
                )
            )
            continue
        priced.append((LineRequest(service, event, quantity), price))
    return errors, priced


def _check_customer(customer: Customer, *, email_required: bool) -> tuple[str, str]:
    name = (customer.name or "").strip()
    email = (customer.email or "").strip()
    errors = []
    if not name:
        errors.append(FieldError("name", _("Give the buyer's name.")))
    elif len(name) > 200:
        errors.append(FieldError("name", _("The name is too long (200 characters at most).")))
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            errors.append(FieldError("email", _("Give a valid e-mail address.")))
        if len(email) > 254:
            errors.append(FieldError("email", _("Give a valid e-mail address.")))
    elif email_required:
        errors.append(FieldError("email", _("Give an e-mail address: the tickets go there.")))
    if customer.kind not in CustomerKind.values:
        errors.append(FieldError("customer_kind", _("Unknown kind of customer.")))
    if errors:
        raise ValidationError(errors=errors)
    return name, email


def event_label(event: Event) -> str:
    """An event as people read it: the service and the local date and time."""
    when = date_format(timezone.localtime(event.starts_at), "SHORT_DATETIME_FORMAT")
    return f"{event.service.name}, {when}"


def _take_seats(event: Event, quantity: int, field: str) -> None:
    taken = Event.objects.filter(
        pk=event.pk, is_cancelled=False, seats_taken__lte=F("seats") - quantity
    ).update(seats_taken=F("seats_taken") + quantity)
    if taken == 1:
        return
    current = Event.objects.filter(pk=event.pk).values("seats", "seats_taken", "is_cancelled")[0]
    if current["is_cancelled"]:
        raise ValidationError(_("This event is cancelled."), field=field)
    left = current["seats"] - current["seats_taken"]
    if left <= 0:
        message = _("Sold out: no seats left for %(event)s.") % {"event": event_label(event)}
    else:
        message = ngettext(
            "Only %(n)s seat left for %(event)s: you asked for %(q)s.",
            "Only %(n)s seats left for %(event)s: you asked for %(q)s.",
            left,
        ) % {
            "n": left,
            "event": event_label(event),
            "q": quantity,
        }
    raise ValidationError(message, field=field)


def when_busy_try_again(write: Callable[P, T]) -> Callable[P, T]:
    """Run ``write`` (a transaction of the box office); when the database does not give the
    write lock in time, the buyer is told to try again. SQLite gives up waiting after its
    timeout ("database is locked"); the transaction was rolled back, so nothing was taken."""

    @functools.wraps(write)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return write(*args, **kwargs)
        except OperationalError as exc:
            raise BoxOfficeBusy(_("The box office is busy: try again in a moment.")) from exc

    return run


def _check_order(
    customer: Customer,
    lines: list,
    *,
    payment_method: str,
    email_required: bool,
    at_desk: bool,
    paid: bool,
) -> tuple[str, str, PaymentProvider]:
    """The order as a whole: the buyer's name and e-mail, the number of lines, the way to pay
    and what only staff may grant; the provider that takes the payment."""
    name, email = _check_customer(customer, email_required=email_required)
    if not lines:
        raise ValidationError(_("The order is empty: choose what to buy."), field="lines")
    if len(lines) > MAX_LINES:
        raise ValidationError(
            _("An order holds at most %(n)s lines.") % {"n": MAX_LINES}, field="lines"
        )
    provider = PROVIDERS[DEFAULT_PROVIDER]
    if payment_method not in getattr(provider, "methods", ()):
        raise ValidationError(
            _("Choose payment on site or by bank transfer."), field="payment_method"
        )
    if paid and not at_desk:
        raise ValidationError(_("Only staff record a payment."), field="paid")
    if customer.kind in {CustomerKind.ASSOCIATION, CustomerKind.FREE} and not at_desk:
        raise ValidationError(
            _("Only staff grant the association or free price."), field="customer_kind"
        )
    return name, email, provider


def _take_all_seats(priced: list[tuple[LineRequest, Decimal]]) -> None:
    """The seats of every event line, in the order of the events' ids, so that two orders for
    the same two events cannot wait on each other."""
    seats: dict[int, int] = {}
    fields: dict[int, str] = {}
    for i, (request, _price) in enumerate(priced):
        if request.event is not None:
            seats[request.event.pk] = seats.get(request.event.pk, 0) + request.quantity
            fields.setdefault(request.event.pk, f"lines.{i}.quantity")
    events = {r.event.pk: r.event for r, _p in priced if r.event is not None}
    for event_id in sorted(seats):
        _take_seats(events[event_id], seats[event_id], fields[event_id])


def _lines_write(order: Order, priced: list[tuple[LineRequest, Decimal]]) -> list[Ticket]:
    """The order's lines, and a ticket with its own code for each seat of an event line."""
    tickets = []
    for request, price in priced:
        line = OrderLine.objects.create(
            order=order,
            service=request.service,
            event=request.event,
            quantity=request.quantity,
            unit_price=price,
            amount=price * request.quantity,
        )
        if request.event is not None:
            tickets += [
                Ticket(line=line, event=request.event, code=new_code(TICKET_CODE_LENGTH))
                for _i in range(request.quantity)
            ]
    try:
        with transaction.atomic():
            Ticket.objects.bulk_create(tickets)
    except IntegrityError:  # a code drawn twice (about one in 10^14): draw them all again
        for ticket in tickets:
            ticket.code = new_code(TICKET_CODE_LENGTH)
        Ticket.objects.bulk_create(tickets)
    return tickets


@when_busy_try_again
@transaction.atomic
def order_place(
    *,
    actor: Actor,
    coop: Cooperative,
    customer: Customer,
    lines: list[tuple[Service, Event | None, int]],
    payment_method: str,
    user: Actor = None,
    public_only: bool = False,
    at_desk: bool = False,
    paid: bool = False,
    payment_reference: str = "",
    synthetic: bool = False,
    now: datetime | None = None,
) -> Order:
    """Place an order at today's prices for the customer's kind: one ticket per seat of each
    event line, each with its own code. ``at_desk``: staff sell on someone's behalf (they may
    take the money at once, ``paid``). Nothing is saved when anything is refused; when the
    database is too busy to take the seats the buyer is told to try again."""
    now = now or timezone.now()
    name, email, provider = _check_order(
        customer,
        lines,
        payment_method=payment_method,
        email_required=user_of(user) is None and not at_desk,
        at_desk=at_desk,
        paid=paid,
    )
    errors, priced = _line_errors(coop, customer, lines, public_only=public_only, now=now)
    if errors:
        raise ValidationError(errors=errors)
    _take_all_seats(priced)
    total = sum((price * r.quantity for r, price in priced), ZERO)
    order = Order(
        coop=coop,
        code=new_code(ORDER_CODE_LENGTH),
        user=user_of(user),
        member=customer.member,
        customer_name=name,
        customer_email=email,
        customer_kind=customer.kind,
        total=total,
        payment_method=payment_method,
        payment_provider=provider.name,
        created_by=user_of(actor),
        synthetic=synthetic,
    )
    if total == 0:
        order.payment_state = PaymentState.NOTHING_DUE
    elif paid:
        order.payment_state = PaymentState.PAID
        order.paid_at = now
        order.payment_reference = (payment_reference or "").strip()[:100]
    order.save()
    tickets = _lines_write(order, priced)
    if order.payment_state == PaymentState.PAID:
        sales.order_sold(order)
    audit_record(
        actor=actor,
        action="order.place",
        obj=order,
        coop=coop,
        after={
            **snapshot(order, ["code", "customer_kind", "total", "payment_state", "member"]),
            "lines": [
                f"{r.quantity} x {r.service.pk}" + (f" @ {r.event.pk}" if r.event else "")
                for r, _p in priced
            ],
            "tickets": len(tickets),
        },
    )
    _tell(order, "commons/ticketing/email/order_placed")
    return order


def _tell(order: Order, template: str) -> None:
    lines = [
        {
            "quantity": line.quantity,
            "service": line.service.name,
            "event": line.event,
            "amount": line.amount,
            "codes": [t.code for t in line.tickets.all()],
        }
        for line in order.lines.select_related("service", "event").prefetch_related("tickets")
    ]
    instructions = provider_for(order).start(order)
    notify(
        to=order.customer_email,
        template=template,
        context={
            "name": order.customer_name,
            "coop": order.coop.name,
            "code": order.code,
            "total": order.total,
            "state": order.get_payment_state_display(),
            "lines": lines,
            "instructions": instructions,
        },
    )


def _locked_order(order: Order) -> Order:
    return Order.objects.select_for_update().select_related("coop").get(pk=order.pk)


@transaction.atomic
def order_pay(
    *, actor: Actor, order: Order, reference: str = "", now: datetime | None = None
) -> Order:
    """Staff confirm an order's payment (cash at the desk, a transfer seen on the statement):
    the provider confirms it and the order becomes sales."""
    order = _locked_order(order)
    if order.status != OrderStatus.OPEN:
        raise ValidationError(_("This order is cancelled."))
    if order.payment_state != PaymentState.TO_PAY:
        raise ValidationError(
            _("This order is not waiting for a payment (%(state)s).")
            % {"state": order.get_payment_state_display()}
        )
    reference = (reference or "").strip()
    if len(reference) > 100:
        raise ValidationError(_("The reference is too long (100 characters at most)."), "reference")
    if not provider_for(order).confirm(order, reference):
        raise ValidationError(_("The payment is not confirmed yet."), field="reference")
    order.payment_state = PaymentState.PAID
    order.paid_at = now or timezone.now()
    order.payment_reference = reference
    order.save(update_fields=["payment_state", "paid_at", "payment_reference"])
    sales.order_sold(order)
    audit_record(
        actor=actor,
        action="order.pay",
        obj=order,
        coop=order.coop,
        before={"payment_state": PaymentState.TO_PAY},
        after={"payment_state": PaymentState.PAID, "payment_reference": reference},
    )
    return order


def _cancel(*, actor: Actor, order: Order, reason: str) -> Order:
    order = _locked_order(order)
    if order.status != OrderStatus.OPEN:
        raise ValidationError(_("This order is already cancelled."))
    if Ticket.objects.filter(line__order=order, checked_in_at__isnull=False).exists():
        raise ValidationError(_("Tickets of this order were already used at the door."))
    freed: dict[int, int] = {}
    for event_id, quantity in order.lines.filter(event__isnull=False).values_list(
        "event_id", "quantity"
    ):
        freed[event_id] = freed.get(event_id, 0) + quantity
    for event_id in sorted(freed):
        Event.objects.filter(pk=event_id).update(seats_taken=F("seats_taken") - freed[event_id])
    Ticket.objects.filter(line__order=order).update(is_void=True)
    before = order.payment_state
    if order.payment_state == PaymentState.PAID:
        sales.order_sold(order, refund=True)
        order.payment_state = PaymentState.REFUNDED
    elif order.payment_state == PaymentState.TO_PAY:
        order.payment_state = PaymentState.NOTHING_DUE
    order.status = OrderStatus.CANCELLED
    order.save(update_fields=["status", "payment_state"])
    audit_record(
        actor=actor,
        action="order.cancel",
        obj=order,
        coop=order.coop,
        before={"status": OrderStatus.OPEN, "payment_state": before},
        after={
            "status": OrderStatus.CANCELLED,
            "payment_state": order.payment_state,
            "reason": reason,
        },
    )
    _tell(order, "commons/ticketing/email/order_cancelled")
    return order


@transaction.atomic
def order_cancel(*, actor: Actor, order: Order, reason: str = "") -> Order:
    """Cancel an order: its seats go back on sale, its tickets become void and what was paid
    is recorded as refunded."""
    reason = (reason or "").strip()
    if len(reason) > 300:
        raise ValidationError(_("The reason is too long (300 characters at most)."), "reason")
    return _cancel(actor=actor, order=order, reason=reason)
