"""Every write of a booking: create (confirmed at once or awaiting approval), approve, refuse,
cancel under the cooperative's policy, and record its payment (which writes the sale).

No overlap ever. Each booking write locks the unit row (``units.lock_unit``) and checks the
holding bookings (``HOLDING``) under that lock, so two concurrent requests for the same time
queue and the second one sees the first. On SQLite the lock is the database's write lock (the
settings open every transaction with ``BEGIN IMMEDIATE``); on PostgreSQL the row lock, with the
exclusion constraint of migration 0003 as the last line, whose refusal becomes the same
``ValidationError`` as the service's own check."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from comunitas.commons.bookings.customers import Customer
from comunitas.commons.bookings.rules import (
    EARLIEST,
    LATEST,
    UnitRules,
    aware,
    local,
    overlap_message,
    price_for,
    rule_problems,
    shown,
    shown_range,
)
from comunitas.commons.bookings.units import lock_unit
from comunitas.commons.models import (
    HOLDING,
    BookableUnit,
    Booking,
    BookingSeries,
    BookingStatus,
    CustomerKind,
    PaymentMethod,
    PaymentState,
)
from comunitas.commons.stats import sales
from comunitas.core.audit import audit_record, snapshot
from comunitas.core.errors import FieldError, ValidationError
from comunitas.core.kernel.types import Actor, user_of
from comunitas.core.notify import notify
from comunitas.core.permissions import Action, can, role_in

# The e-mails a booker gets (templates ``<name>.txt`` and ``<name>_subject.txt``).
EMAIL_REQUESTED = "commons/bookings/email/booking_requested"
EMAIL_CONFIRMED = "commons/bookings/email/booking_confirmed"
EMAIL_REJECTED = "commons/bookings/email/booking_rejected"
EMAIL_CANCELLED = "commons/bookings/email/booking_cancelled"
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


def is_manager(actor: Actor, coop) -> bool:
    return actor is not None and can(actor, coop, Action.MANAGE_BOOKINGS)


def _lock_booking(pk: int) -> Booking:
    booking = Booking.objects.select_related("unit").get(pk=pk)
    lock_unit(booking.unit_id)
    return Booking.objects.select_related("unit__resource", "coop").get(pk=pk)


def overlapping(unit: BookableUnit, start: datetime, end: datetime):
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


def request_for(
    *, actor: Actor, unit: BookableUnit, customer: Customer, on_behalf: bool
) -> Request:
    coop = unit.resource.coop
    manager = is_manager(actor, coop)
    signed_in = user_of(actor) is not None
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


def locked_request(
    *, actor: Actor, unit: BookableUnit, customer: Customer, on_behalf: bool
) -> tuple[BookableUnit, Request]:
    """The unit locked, as the first statement of the transaction (the queue, see the module's
    docstring), and who books it."""
    unit = lock_unit(unit.pk)
    return unit, request_for(actor=actor, unit=unit, customer=customer, on_behalf=on_behalf)


def unit_usable(rules: UnitRules, kind: str) -> Decimal:
    if not rules.unit.is_active:
        raise ValidationError(_("This unit cannot be booked at the moment."), field="unit")
    if kind not in rules.prices:
        raise ValidationError(
            _("This unit has no price for %(kind)s: it cannot be booked at that price.")
            % {"kind": CustomerKind(kind).label},
            field="customer_kind",
        )
    return rules.prices[kind]


def booking_insert(booking: Booking, *, manager: bool) -> None:
    """Insert; PostgreSQL's exclusion constraint refusing it is the same overlap message."""
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError as exc:
        if "booking_no_overlap" not in str(exc):
            raise
        other = overlapping(booking.unit, booking.start, booking.end).first()
        message = (
            overlap_message(other, manager=manager)
            if other
            else _("The time overlaps another booking.")
        )
        raise ValidationError(message, field="start") from None


def new_booking(
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


def booking_audit_create(actor: Actor, booking: Booking) -> None:
    audit_record(
        actor=actor,
        action="booking.create",
        obj=booking,
        coop=booking.coop,
        after=snapshot(booking, ["unit", "series", *BOOKING_FIELDS]),
    )


def booking_notify_new(booking: Booking, **extra) -> None:
    """Tell the booker that the booking is confirmed, or that the request is received."""
    requested = booking.status == BookingStatus.REQUESTED
    booking_notify(booking, EMAIL_REQUESTED if requested else EMAIL_CONFIRMED, **extra)


def booking_notify(booking: Booking, template: str, **extra) -> None:
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
            "how_to_pay": booking.coop.payment_instructions,
            "number": booking.pk,
            "reason": booking.reason,
            "hours": booking.unit.free_cancel_hours,
            "site": settings.SITE_URL,
            "ical_path": reverse("commons:ical_booking", args=[booking.ical_token])
            if booking.ical_token
            else "",
            **extra,
        },
    )


def clean_title(title: str) -> str:
    title = (title or "").strip()
    if len(title) > 200:
        raise ValidationError(_("At most 200 characters."), field="title")
    return title


def booking_create(
    *,
    actor: Actor,
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
    title = clean_title(title)
    with transaction.atomic():
        unit, req = locked_request(actor=actor, unit=unit, customer=customer, on_behalf=on_behalf)
        day = local(start).date() if EARLIEST <= start < LATEST else date(2000, 1, 1)
        rules = UnitRules.read(unit, day, day)
        hourly = unit_usable(rules, req.customer.kind)
        now = now or timezone.now()
        problems = rule_problems(rules, start, end, now=now, manager=req.manager)
        if problems:
            raise ValidationError(errors=problems)
        other = overlapping(unit, start, end).first()
        if other is not None:
            raise ValidationError(overlap_message(other, manager=req.manager), field="start")
        booking = new_booking(req, unit, start, end, hourly, title, synthetic=synthetic)
        booking_insert(booking, manager=req.manager)
        booking_audit_create(actor, booking)
        booking_notify_new(booking)
    return booking


# --- decisions, cancellation, payment -----------------------------------------------------------
def _changed(actor: Actor, booking: Booking, action: str, before: dict) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=booking,
        coop=booking.coop,
        before=before,
        after=snapshot(booking, BOOKING_FIELDS),
    )


def _refund(booking: Booking) -> None:
    """Give back a paid booking's price (a negative sale, through ``commons.stats.sales``)."""
    sales.booking_sold(booking, refund=True)
    booking.payment_state = PaymentState.REFUNDED


def _release_payment(booking: Booking) -> None:
    """Nothing is owed any more: a payment made is refunded, one still due is dropped."""
    if booking.payment_state == PaymentState.PAID:
        _refund(booking)
    elif booking.payment_state == PaymentState.TO_PAY:
        booking.payment_state = PaymentState.NOTHING_DUE


def _awaiting_decision(booking: Booking, refused: str) -> tuple[Booking, dict]:
    """The booking locked and still awaiting approval (``refused`` otherwise), with its
    audited fields before the decision."""
    booking = _lock_booking(booking.pk)
    if booking.status != BookingStatus.REQUESTED:
        raise ValidationError(refused)
    return booking, snapshot(booking, BOOKING_FIELDS)


def booking_approve(*, actor: Actor, booking: Booking) -> Booking:
    """Staff confirm a booking awaiting approval."""
    with transaction.atomic():
        booking, before = _awaiting_decision(
            booking, _("Only a booking awaiting approval can be approved.")
        )
        booking.status = BookingStatus.CONFIRMED
        booking.decided_by = actor
        booking.save(update_fields=["status", "decided_by"])
        _changed(actor, booking, "booking.approve", before)
        booking_notify(booking, EMAIL_CONFIRMED)
    return booking


def booking_reject(*, actor: Actor, booking: Booking, reason: str) -> Booking:
    """Staff refuse a booking awaiting approval, saying why; its time is free again and a
    payment already made is refunded."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the booking is refused."), field="reason")
    if len(reason) > 300:
        raise ValidationError(_("At most 300 characters."), field="reason")
    with transaction.atomic():
        booking, before = _awaiting_decision(
            booking, _("Only a booking awaiting approval can be refused.")
        )
        booking.status = BookingStatus.REJECTED
        booking.reason = reason
        booking.decided_by = actor
        _release_payment(booking)
        booking.save(update_fields=["status", "reason", "decided_by", "payment_state"])
        _changed(actor, booking, "booking.reject", before)
        booking_notify(booking, EMAIL_REJECTED)
    return booking


def booking_cancel(
    *, actor: Actor, booking: Booking, reason: str = "", now: datetime | None = None
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
        user = user_of(actor)
        own = user is not None and booking.user_id is not None and booking.user_id == user.pk
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
            _release_payment(booking)
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
        booking_notify(booking, EMAIL_CANCELLED, late=booking.late_cancellation)
    return booking


def booking_pay(
    *, actor: Actor, booking: Booking, method: str, now: datetime | None = None
) -> Booking:
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
