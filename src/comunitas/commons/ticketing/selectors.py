"""Reads of the catalogue and the box office, each a constant number of queries whatever the
number of services, events, orders and tickets."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from comunitas.commons.bookings.customers import Customer
from comunitas.commons.models import Event, Order, OrderLine, Service, ServicePrice, Ticket
from comunitas.core.errors import ValidationError
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, can
from comunitas.members.book.selectors import current_member_by_number


def _prices() -> Prefetch:
    return Prefetch("prices", queryset=ServicePrice.objects.order_by("customer_kind"))


def service_list(
    *, coop: Cooperative, public_only: bool, on_sale_only: bool = False
) -> QuerySet[Service]:
    """The catalogue with each service's resource and prices (two queries). Visitors without a
    role see only what is on sale to them: active services sold to visitors."""
    found = Service.objects.filter(coop=coop)
    if public_only:
        found = found.filter(is_public=True, is_active=True)
    elif on_sale_only:
        found = found.filter(is_active=True)
    return found.select_related("resource").prefetch_related(_prices()).order_by("name", "id")


def service_get(*, coop: Cooperative, pk: int, public_only: bool) -> Service:
    """DoesNotExist for another cooperative's service or, for a visitor, one not on sale."""
    return service_list(coop=coop, public_only=public_only).get(pk=pk)


def items_on_sale(*, coop: Cooperative, public_only: bool) -> QuerySet[Service]:
    """Services sold without a date (shop items, repairs): active, with no event at all."""
    return service_list(coop=coop, public_only=public_only, on_sale_only=True).filter(
        events__isnull=True
    )


@dataclass(frozen=True)
class EventFilters:
    service: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    upcoming: bool = False
    include_cancelled: bool = True


def event_list(
    *,
    coop: Cooperative,
    public_only: bool = False,
    filters: EventFilters | None = None,
    now: datetime | None = None,
) -> QuerySet[Event]:
    """Events with their service joined in (one query per page, however many events). Visitors
    see events of public services on sale, not cancelled."""
    filters = filters or EventFilters()
    found = Event.objects.filter(service__coop=coop).select_related("service")
    if public_only:
        found = found.filter(service__is_public=True, service__is_active=True, is_cancelled=False)
    if filters.upcoming:
        found = found.filter(starts_at__gt=now or timezone.now())
    if not filters.include_cancelled:
        found = found.filter(is_cancelled=False)
    if filters.service:
        found = found.filter(service_id=filters.service)
    if filters.date_from:
        found = found.filter(starts_at__date__gte=filters.date_from)
    if filters.date_to:
        found = found.filter(starts_at__date__lte=filters.date_to)
    return found.order_by("starts_at", "id")


def upcoming_events(
    *, coop: Cooperative, public_only: bool, now: datetime | None = None
) -> QuerySet[Event]:
    """What is on: events still to start, not cancelled, of services on sale."""
    return event_list(
        coop=coop,
        public_only=public_only,
        filters=EventFilters(upcoming=True, include_cancelled=False),
        now=now,
    ).filter(service__is_active=True)


def event_get(*, coop: Cooperative, pk: int, public_only: bool = False) -> Event:
    return event_list(coop=coop, public_only=public_only).get(pk=pk)


def attendance(*, event: Event) -> dict[str, int]:
    """Sold, checked in and void tickets of an event (one query)."""
    return Ticket.objects.filter(event=event).aggregate(
        sold=Count("pk", filter=Q(is_void=False)),
        checked_in=Count("pk", filter=Q(is_void=False, checked_in_at__isnull=False)),
        void=Count("pk", filter=Q(is_void=True)),
    )


def event_tickets(*, event: Event) -> QuerySet[Ticket]:
    """An event's tickets with their order (the buyer), for the door list."""
    return (
        Ticket.objects.filter(event=event)
        .select_related("line__order", "checked_in_by")
        .order_by("line__order__customer_name", "id")
    )


def _lines() -> Prefetch:
    return Prefetch(
        "lines",
        queryset=OrderLine.objects.select_related("service", "event__service").prefetch_related(
            Prefetch("tickets", queryset=Ticket.objects.order_by("id"))
        ),
    )


@dataclass(frozen=True)
class OrderFilters:
    q: str = ""  # order code, name or e-mail
    status: str = ""
    payment_state: str = ""
    event: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def order_list(*, coop: Cooperative, filters: OrderFilters | None = None) -> QuerySet[Order]:
    """Orders newest first, with their lines, services, events and tickets: four queries per
    page whatever the page holds."""
    filters = filters or OrderFilters()
    found = Order.objects.filter(coop=coop)
    if filters.q:
        q = filters.q.strip()
        found = found.filter(
            Q(code__iexact=q.replace(" ", ""))
            | Q(customer_name__icontains=q)
            | Q(customer_email__iexact=q)
        )
    if filters.status:
        found = found.filter(status=filters.status)
    if filters.payment_state:
        found = found.filter(payment_state=filters.payment_state)
    if filters.event:
        found = found.filter(
            pk__in=OrderLine.objects.filter(event_id=filters.event).values("order")
        )
    if filters.date_from:
        found = found.filter(created_at__date__gte=filters.date_from)
    if filters.date_to:
        found = found.filter(created_at__date__lte=filters.date_to)
    return found.select_related("member").prefetch_related(_lines()).order_by("-created_at", "-id")


def orders_of(*, coop: Cooperative, user) -> QuerySet[Order]:
    """A signed-in customer's own orders with their tickets."""
    if not user.is_authenticated:
        return Order.objects.none()
    return (
        Order.objects.filter(coop=coop, user=user)
        .prefetch_related(_lines())
        .order_by("-created_at", "-id")
    )


def order_get(*, coop: Cooperative, pk: int) -> Order:
    return (
        Order.objects.filter(coop=coop)
        .select_related("coop", "member", "created_by")
        .prefetch_related(_lines())
        .get(pk=pk)
    )


def order_for(*, coop: Cooperative, pk: int, user, placed_here: Collection[int] = ()) -> Order:
    """An order its viewer may see: staff any of the cooperative's, a buyer their own, by
    login or by the browser that placed it (``placed_here``: the ids its session remembers,
    ``access.placed_here``). DoesNotExist for anyone else, as for an order of another
    cooperative."""
    order = order_get(coop=coop, pk=pk)
    if can(user, coop, Action.MANAGE_SERVICES):
        return order
    if user.is_authenticated and order.user_id == user.pk:
        return order
    if order.pk in placed_here:
        return order
    raise Order.DoesNotExist


def desk_customer(
    coop: Cooperative, *, kind: str, member_number: int | None, name: str, email: str
) -> Customer:
    """The customer staff sell to: a member by register number (member price), or anyone at
    the price kind staff choose (association, free of charge…)."""
    if member_number is not None:
        try:
            member = current_member_by_number(coop=coop, number=member_number, field="member")
        except ValidationError:
            raise ValidationError(
                _("No current member has register number %(n)s.") % {"n": member_number},
                field="member_number",
            ) from None
        return Customer("member", member, name or member.display_name, email or member.email or "")
    return Customer(kind, None, name, email)
