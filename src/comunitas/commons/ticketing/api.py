"""API of the catalogue and the box office: services and prices, events, orders, check-in.

Same rules as the pages: anyone may buy on a public cooperative (visitors only services sold to
visitors, other ids answer 404), staff and the board keep the catalogue, sell at the desk,
confirm payments and check tickets in. Parsing here, rules in
``ticketing.catalogue``, ``ticketing.services`` and ``ticketing.door``."""

import functools
from datetime import date

from django.db.models import F, QuerySet
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from comunitas.commons.bookings.customers import Customer, customer_for
from comunitas.commons.models import CommonResource, Event, Order, Service
from comunitas.commons.ticketing import catalogue, door, selectors, services
from comunitas.commons.ticketing.access import orders_per_hour, placed_here, remember_order
from comunitas.commons.ticketing.payments import provider_for
from comunitas.commons.ticketing.schemas import (
    CheckInIn,
    CheckInOut,
    EventDetail,
    EventIn,
    EventOut,
    EventPatch,
    Id,
    OrderIn,
    OrderItem,
    OrderOut,
    PayIn,
    PricesIn,
    ReasonIn,
    ServiceIn,
    ServiceOut,
    ServicePatch,
)
from comunitas.core import throttle
from comunitas.core.endpoints import PUBLIC, Pagination, answers
from comunitas.core.errors import FieldError, ValidationError
from comunitas.core.lookups import or_404
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, can, coop_for, role_in
from comunitas.core.shapes import Text

router = Router()
BASE = "/coops/{slug}"
TAGS = ["services and tickets"]


def is_visitor(user, coop: Cooperative) -> bool:
    return role_in(user, coop) is None


def _service(coop: Cooperative, service_id: int, *, public_only: bool = False) -> Service:
    return or_404(selectors.service_get, coop=coop, pk=service_id, public_only=public_only)


def _resource_of(coop: Cooperative, resource_id: int | None):
    if resource_id is None:
        return None
    resource = CommonResource.objects.filter(coop=coop, pk=resource_id).first()
    if resource is None:
        raise ValidationError(_("Choose a common resource of this cooperative."), "resource_id")
    return resource


def _prices(items) -> dict:
    return {item.customer_kind.value: item.price for item in items}


# --- services -----------------------------------------------------------------------------------
@router.get(
    f"{BASE}/services", response=answers(200, list[ServiceOut]), tags=TAGS, openapi_extra=PUBLIC
)
@paginate(Pagination)
def service_list(request, slug: str) -> QuerySet[Service]:
    """The catalogue with prices; visitors see what is on sale to them."""
    coop = coop_for(request.auth, slug, Action.BUY)
    return selectors.service_list(coop=coop, public_only=is_visitor(request.auth, coop))


@router.post(f"{BASE}/services", response=answers(201, ServiceOut), tags=TAGS)
def service_create(request, slug: str, payload: ServiceIn):
    """Add a service or product with its prices (a kind without a price cannot buy it)."""
    coop = coop_for(request.auth, slug, Action.MANAGE_SERVICES)
    fields = payload.dict(exclude={"prices", "resource_id"})
    fields["kind"] = payload.kind.value
    fields["resource"] = _resource_of(coop, payload.resource_id)
    service = catalogue.service_create(
        actor=request.auth, coop=coop, **fields, prices=_prices(payload.prices)
    )
    return Status(201, _service(coop, service.pk))


@router.get(
    f"{BASE}/services/{{int:service_id}}",
    response=answers(200, ServiceOut),
    tags=TAGS,
    openapi_extra=PUBLIC,
)
def service_get(request, slug: str, service_id: int):
    coop = coop_for(request.auth, slug, Action.BUY)
    return _service(coop, service_id, public_only=is_visitor(request.auth, coop))


@router.patch(f"{BASE}/services/{{int:service_id}}", response=answers(200, ServiceOut), tags=TAGS)
def service_patch(request, slug: str, service_id: int, payload: ServicePatch):
    """Change a service; only the fields sent change."""
    coop = coop_for(request.auth, slug, Action.MANAGE_SERVICES)
    fields = payload.dict(exclude_unset=True)
    if "kind" in fields:
        fields["kind"] = fields["kind"].value if fields["kind"] else None
    if "resource_id" in fields:
        fields["resource"] = _resource_of(coop, fields.pop("resource_id"))
    catalogue.service_update(actor=request.auth, service=_service(coop, service_id), fields=fields)
    return _service(coop, service_id)


@router.put(
    f"{BASE}/services/{{int:service_id}}/prices", response=answers(200, ServiceOut), tags=TAGS
)
def service_prices(request, slug: str, service_id: int, payload: PricesIn):
    """Replace the price list: a kind left out can no longer buy the service."""
    coop = coop_for(request.auth, slug, Action.MANAGE_SERVICES)
    catalogue.service_prices_set(
        actor=request.auth, service=_service(coop, service_id), prices=_prices(payload.prices)
    )
    return _service(coop, service_id)


# --- events -------------------------------------------------------------------------------------
class EventQuery(Schema):
    service_id: Id | None = None
    date_from: date | None = None
    date_to: date | None = None
    upcoming: bool = False


def _lean(found: QuerySet[Event]):
    return found.values(
        "id",
        "service_id",
        "starts_at",
        "ends_at",
        "seats",
        "is_cancelled",
        service_name=F("service__name"),
        seats_left=F("seats") - F("seats_taken"),
    )


@router.get(
    f"{BASE}/events", response=answers(200, list[EventOut]), tags=TAGS, openapi_extra=PUBLIC
)
@paginate(Pagination)
def event_list(request, slug: str, filters: Query[EventQuery]):
    """Events in time order (one query per page plus the count); visitors see the events of
    services on sale to them."""
    coop = coop_for(request.auth, slug, Action.BUY)
    bounded = [d for d in (filters.date_from, filters.date_to) if d is not None]
    if any(not date(1900, 1, 1) <= d <= date(2200, 12, 31) for d in bounded):
        raise ValidationError(_("Give a date between 1900 and 2200."), field="date_from")
    found = selectors.event_list(
        coop=coop,
        public_only=is_visitor(request.auth, coop),
        filters=selectors.EventFilters(
            service=filters.service_id,
            date_from=filters.date_from,
            date_to=filters.date_to,
            upcoming=filters.upcoming,
        ),
    )
    return _lean(found)


def _event(request, coop: Cooperative, event_id: int) -> Event:
    public_only = is_visitor(request.auth, coop)
    return or_404(selectors.event_get, coop=coop, pk=event_id, public_only=public_only)


def _event_out(request, coop: Cooperative, event: Event) -> dict:
    out = {
        "id": event.pk,
        "service_id": event.service_id,
        "service_name": event.service.name,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "seats": event.seats,
        "seats_left": event.seats_left,
        "is_cancelled": event.is_cancelled,
    }
    if can(request.auth, coop, Action.MANAGE_SERVICES):
        counts = selectors.attendance(event=event)
        out.update(sold=counts["sold"], checked_in=counts["checked_in"])
    return out


@router.post(f"{BASE}/events", response=answers(201, EventDetail), tags=TAGS)
def event_create(request, slug: str, payload: EventIn):
    """Schedule an event of a service with its seats."""
    coop = coop_for(request.auth, slug, Action.MANAGE_SERVICES)
    service = Service.objects.filter(coop=coop, pk=payload.service_id).first()
    if service is None:
        raise ValidationError(_("Choose a service of this cooperative."), field="service_id")
    event = catalogue.event_create(
        actor=request.auth, service=service, **payload.dict(exclude={"service_id"})
    )
    return Status(201, _event_out(request, coop, _event(request, coop, event.pk)))


@router.get(
    f"{BASE}/events/{{int:event_id}}",
    response=answers(200, EventDetail),
    tags=TAGS,
    openapi_extra=PUBLIC,
)
def event_get(request, slug: str, event_id: int):
    coop = coop_for(request.auth, slug, Action.BUY)
    return _event_out(request, coop, _event(request, coop, event_id))


@router.patch(f"{BASE}/events/{{int:event_id}}", response=answers(200, EventDetail), tags=TAGS)
def event_patch(request, slug: str, event_id: int, payload: EventPatch):
    """Move an event or change its seats (never below the seats sold)."""
    coop = coop_for(request.auth, slug, Action.MANAGE_SERVICES)
    fields = payload.dict(exclude_unset=True)
    for name in ("starts_at", "seats"):
        if name in fields and fields[name] is None:
            raise ValidationError(_("This field cannot be empty."), field=name)
    catalogue.event_update(actor=request.auth, event=_event(request, coop, event_id), fields=fields)
    return _event_out(request, coop, _event(request, coop, event_id))


@router.post(
    f"{BASE}/events/{{int:event_id}}/cancel", response=answers(200, EventDetail), tags=TAGS
)
def event_cancel(request, slug: str, event_id: int, payload: ReasonIn):
    """Cancel an event: its orders are cancelled, paid ones refunded, buyers told."""
    coop = coop_for(request.auth, slug, Action.MANAGE_SERVICES)
    services.event_cancel(
        actor=request.auth, event=_event(request, coop, event_id), reason=payload.reason
    )
    return _event_out(request, coop, _event(request, coop, event_id))


# --- orders -------------------------------------------------------------------------------------
def _order(request, coop: Cooperative, order_id: int) -> Order:
    seen = placed_here(request)
    return or_404(selectors.order_for, coop=coop, pk=order_id, user=request.auth, placed_here=seen)


def _staff_change(request, slug: str, order_id: int, change) -> Order:
    """Staff change an order (``change(actor=…, order=…)``); the order as it is now."""
    coop = coop_for(request.auth, slug, Action.MANAGE_SERVICES)
    change(actor=request.auth, order=_order(request, coop, order_id))
    return _order_out(_order(request, coop, order_id))


def _order_out(order: Order) -> Order:
    instructions = provider_for(order).start(order)
    order.payment = {
        "text": instructions.text,
        "iban": instructions.iban,
        "reference": instructions.reference,
    }
    return order


def _lines(coop: Cooperative, payload: OrderIn) -> list:
    """The requested lines as objects; an id of another cooperative is no service at all."""
    service_ids = {line.service_id for line in payload.lines}
    event_ids = {line.event_id for line in payload.lines if line.event_id}
    found = Service.objects.filter(coop=coop, pk__in=service_ids).in_bulk()
    events = Event.objects.filter(service__coop=coop, pk__in=event_ids).in_bulk()
    lines, errors = [], []
    for i, line in enumerate(payload.lines):
        if line.event_id and line.event_id not in events:
            errors.append((f"lines.{i}.event_id", _("No such event here.")))
        lines.append((found.get(line.service_id), events.get(line.event_id), line.quantity))
    if errors:
        raise ValidationError(errors=[FieldError(f, m) for f, m in errors])
    return lines


@router.post(f"{BASE}/orders", response=answers(201, OrderOut), tags=TAGS, openapi_extra=PUBLIC)
def order_place(request, slug: str, payload: OrderIn):
    """Buy tickets or items. Visitors give a name and an e-mail and buy what is sold to
    visitors; signed-in people pay their price (member, resident); staff may sell on someone's
    behalf (``customer_kind``, ``member_number``) and take the money at once (``paid``)."""
    coop = coop_for(request.auth, slug, Action.BUY)
    user = request.auth
    staff = can(user, coop, Action.MANAGE_SERVICES)
    at_desk = staff and (payload.customer_kind is not None or payload.member_number is not None)
    if not staff and (payload.customer_kind, payload.member_number) != (None, None):
        raise ValidationError(
            _("Only staff choose the kind of customer."),
            field="customer_kind" if payload.customer_kind else "member_number",
        )
    anonymous = not user.is_authenticated
    if anonymous and throttle.exhausted(request, "buy", limit=orders_per_hour()):
        raise HttpError(429, _("Too many orders from your connection: try again later."))
    if at_desk:
        customer = selectors.desk_customer(
            coop,
            kind=payload.customer_kind.value if payload.customer_kind else "public",
            member_number=payload.member_number,
            name=payload.name.strip(),
            email=payload.email.strip(),
        )
    else:
        own = customer_for(user, coop)
        customer = Customer(
            own.kind,
            own.member,
            payload.name.strip() or own.name,
            payload.email.strip() or own.email,
        )
    order = services.order_place(
        actor=user,
        coop=coop,
        customer=customer,
        lines=_lines(coop, payload),
        payment_method=payload.payment_method,
        user=None if at_desk else user,
        public_only=is_visitor(user, coop),
        at_desk=at_desk,
        paid=payload.paid,
        payment_reference=payload.payment_reference,
    )
    if anonymous:
        throttle.count(request, "buy", per_seconds=3600)
        remember_order(request, order)
    return Status(201, _order_out(selectors.order_get(coop=coop, pk=order.pk)))


class OrderQuery(Schema):
    q: Text = Field("", max_length=100)
    status: Text = Field("", max_length=20)
    payment_state: Text = Field("", max_length=20)
    event_id: Id | None = None
    mine: bool = False


@router.get(
    f"{BASE}/orders", response=answers(200, list[OrderItem]), tags=TAGS, openapi_extra=PUBLIC
)
@paginate(Pagination)
def order_list(request, slug: str, filters: Query[OrderQuery]):
    """Staff: every order (filters: code/name/e-mail ``q``, status, payment state, event);
    anyone else, or staff with ``mine``: their own orders."""
    coop = coop_for(request.auth, slug, Action.BUY)
    if filters.mine or not can(request.auth, coop, Action.MANAGE_SERVICES):
        return selectors.orders_of(coop=coop, user=request.auth)
    return selectors.order_list(
        coop=coop,
        filters=selectors.OrderFilters(
            q=filters.q,
            status=filters.status,
            payment_state=filters.payment_state,
            event=filters.event_id,
        ),
    )


@router.get(
    f"{BASE}/orders/{{int:order_id}}",
    response=answers(200, OrderOut),
    tags=TAGS,
    openapi_extra=PUBLIC,
)
def order_get(request, slug: str, order_id: int):
    """An order with its tickets: its buyer's, or any for staff."""
    coop = coop_for(request.auth, slug, Action.BUY)
    return _order_out(_order(request, coop, order_id))


@router.post(f"{BASE}/orders/{{int:order_id}}/pay", response=answers(200, OrderOut), tags=TAGS)
def order_pay(request, slug: str, order_id: int, payload: PayIn):
    """Confirm the payment of an order (cash at the desk, a transfer on the statement)."""
    pay = functools.partial(services.order_pay, reference=payload.reference)
    return _staff_change(request, slug, order_id, pay)


@router.post(f"{BASE}/orders/{{int:order_id}}/cancel", response=answers(200, OrderOut), tags=TAGS)
def order_cancel(request, slug: str, order_id: int, payload: ReasonIn):
    """Cancel an order: seats back on sale, tickets void, a refund recorded if it was paid."""
    cancel = functools.partial(services.order_cancel, reason=payload.reason)
    return _staff_change(request, slug, order_id, cancel)


# --- the door -----------------------------------------------------------------------------------
@router.post(f"{BASE}/tickets/check-in", response=answers(200, CheckInOut), tags=TAGS)
def ticket_check_in(request, slug: str, payload: CheckInIn):
    """Admit a ticket by its code. A ticket already checked in, void, for another event or
    unknown answers 422 with the reason (and the time of the first check-in)."""
    coop = coop_for(request.auth, slug, Action.MANAGE_SERVICES)
    event = None
    if payload.event_id is not None:
        event = Event.objects.filter(service__coop=coop, pk=payload.event_id).first()
        if event is None:
            raise ValidationError(_("No such event here."), field="event_id")
    result = door.ticket_check_in(actor=request.auth, coop=coop, code=payload.code, event=event)
    if not result.admitted:
        raise ValidationError(result.message, field="code")
    ticket = result.ticket
    order = ticket.line.order
    return {
        "result": result.status,
        "code": ticket.code,
        "event_id": ticket.event_id,
        "service_name": ticket.event.service.name,
        "starts_at": ticket.event.starts_at,
        "customer_name": order.customer_name,
        "checked_in_at": result.at,
        "to_pay": order.total if result.to_pay else None,
    }
