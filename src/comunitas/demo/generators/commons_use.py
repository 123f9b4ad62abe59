"""How the case-study cooperatives' commons are used (issue 4): bookable units with their hours
and prices, bookings, the catalogue of services, events with tickets, and the sales they made.

What each cooperative offers follows what it actually does (screenings at the Modernissimo,
guided tours of the catacombs, nights at the refuge and the adventure park, repairs at
Ri-maflow, the village shop and bar of Anversa: the cases' ``[use]`` in ``demo/data``); every
price, booking, ticket and sale is synthetic and marked so. Dates run from two months before the
load to a month after, so the calendars, the door check-in and the statistics all have something
to show. Rows are written in bulk and in one transaction; a cooperative that already has units or
services is left alone."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from comunitas.commons.models import (
    BookableUnit,
    Booking,
    BookingStatus,
    ClosedDay,
    CommonResource,
    CustomerKind,
    Event,
    OpeningHours,
    Order,
    OrderLine,
    PaymentMethod,
    PaymentState,
    Sale,
    Service,
    ServicePrice,
    Ticket,
    UnitPrice,
)
from comunitas.core.audit import audit_record
from comunitas.core.kernel.money import CENT
from comunitas.core.models import Cooperative
from comunitas.demo.plans import CASE_PLANS, COMMON, ServicePlan, UnitPlan
from comunitas.members.models import Member, MemberStatus

DAYS_BEFORE, DAYS_AFTER = 60, 30
FIRST_NAMES, LAST_NAMES = COMMON.names.first, COMMON.names.last
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread at the door
PLANS: dict[str, tuple[list[UnitPlan], list[ServicePlan]]] = {
    slug: (plan.use.units, plan.use.services) for slug, plan in CASE_PLANS.items() if plan.use
}


def _at(day: date, hhmm: str) -> datetime:
    hours, minutes = (int(part) for part in hhmm.split(":"))
    return timezone.make_aware(datetime.combine(day, time(hours, minutes)))


def _days(today: date) -> Iterator[date]:
    for offset in range(-DAYS_BEFORE, DAYS_AFTER + 1):
        yield today + timedelta(days=offset)


class Writer:
    """Plans every row in memory, then writes them in bulk."""

    def __init__(self, coop: Cooperative, rng: random.Random, today: date) -> None:
        self.coop, self.rng, self.today = coop, rng, today
        self.now = timezone.now()
        self.codes: set[str] = set()
        self.members = list(
            Member.objects.filter(coop=coop, status=MemberStatus.ACTIVE, kind="person")
            .exclude(first_name="")
            .values("id", "first_name", "last_name")[:300]
        )
        self.resources = {r.name: r for r in CommonResource.objects.filter(coop=coop)}
        # The demo logins book and buy now and then, so their own pages have something to show.
        logins = get_user_model().objects.filter(username__startswith=f"{coop.slug}.")
        self.logins = {u.username.split(".", 1)[1]: u for u in logins}
        self.login_member = (
            Member.objects.filter(coop=coop, user__username=f"{coop.slug}.socio")
            .values("id", "first_name", "last_name")
            .first()
        )

    def code(self) -> str:
        while True:
            code = "".join(self.rng.choices(CODE_ALPHABET, k=10))
            if code not in self.codes:
                self.codes.add(code)
                return code

    def customer(self, kinds: dict[str, Decimal]) -> tuple[str, dict | None, str, int | None]:
        """(kind, member row or None, name, login id or None) of a plausible customer among the
        priced kinds; one in twenty is a demo login."""
        if self.rng.random() < 0.05:
            if "member" in kinds and self.login_member and "socio" in self.logins:
                member, user = self.login_member, self.logins["socio"]
                return "member", member, user.get_full_name() or user.username, user.pk
            if "resident" in kinds and "residente" in self.logins:
                user = self.logins["residente"]
                return "resident", None, user.get_full_name() or user.username, user.pk
        kind, member, name = self._anyone(kinds)
        return kind, member, name, None

    def _anyone(self, kinds: dict[str, Decimal]) -> tuple[str, dict | None, str]:
        weights = {"member": 3, "resident": 4, "association": 1, "public": 4, "free": 0.2}
        choices = [k for k in kinds if k in weights]
        kind = self.rng.choices(choices, [weights[k] for k in choices])[0]
        if kind == CustomerKind.MEMBER and self.members:
            member = self.rng.choice(self.members)
            return kind, member, f"{member['first_name']} {member['last_name']}"
        if kind == CustomerKind.MEMBER:
            kind = CustomerKind.RESIDENT
        if kind == CustomerKind.ASSOCIATION:
            return kind, None, self.rng.choice(["Pro Loco", "Associazione culturale", "Scout"])
        return kind, None, f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def method(self) -> str:
        return self.rng.choice([PaymentMethod.ON_SITE, PaymentMethod.ON_SITE, "bank_transfer"])

    # -- units and bookings ------------------------------------------------------------------

    def units(self, plans: list[UnitPlan]) -> tuple[int, int]:
        bookings: list[Booking] = []
        sales: list[Sale] = []
        for plan in plans:
            unit = BookableUnit.objects.create(
                resource=self.resources[plan.resource],
                name=plan.name,
                description=plan.description,
                capacity=plan.capacity,
                public_booking=plan.public_booking,
                approval_required=plan.approval_required,
                slot_minutes=30,
                min_minutes=min(plan.lengths),
                max_minutes=max(max(plan.lengths), 240),
                lead_hours=12,
                horizon_days=120,
                free_cancel_hours=48,
                synthetic=True,
            )
            OpeningHours.objects.bulk_create(
                OpeningHours(
                    unit=unit,
                    weekday=day,
                    opens=_at(self.today, o).time(),
                    closes=_at(self.today, c).time(),
                )
                for days, o, c in plan.hours
                for day in days
            )
            UnitPrice.objects.bulk_create(
                UnitPrice(unit=unit, customer_kind=kind, hourly=price)
                for kind, price in plan.prices.items()
            )
            closed = {self.today + timedelta(days=self.rng.randrange(5, DAYS_AFTER))}
            ClosedDay.objects.bulk_create(
                ClosedDay(unit=unit, on_date=day, reason="Manutenzione (sintetico)")
                for day in closed
            )
            for day in _days(self.today):
                if day in closed:
                    continue
                for days, opens, closes in plan.hours:
                    if day.weekday() in days and self.rng.random() < plan.busy:
                        booking = self.booking(unit, plan, day, opens, closes)
                        if booking is not None:
                            bookings.append(booking)
        Booking.objects.bulk_create(bookings)
        for booking in bookings:
            if booking.payment_state == PaymentState.PAID:
                sales.append(
                    Sale(
                        coop=self.coop,
                        on_date=timezone.localdate(booking.paid_at),
                        amount=booking.price,
                        resource_id=booking.unit.resource_id,
                        booking=booking,
                        customer_kind=booking.customer_kind,
                        member_id=booking.member_id,
                        payment_method=booking.payment_method,
                        synthetic=True,
                    )
                )
        Sale.objects.bulk_create(sales)
        return len(bookings), len(sales)

    def booking(self, unit, plan: UnitPlan, day: date, opens: str, closes: str) -> Booking | None:
        """One booking inside an opening interval (at most one per interval, so none overlap)."""
        first, last = _at(day, opens), _at(day, closes)
        minutes = self.rng.choice(plan.lengths)
        room = int((last - first).total_seconds() // 60) - minutes
        if room < 0:
            return None
        start = first + timedelta(minutes=30 * self.rng.randrange(0, room // 30 + 1))
        end = start + timedelta(minutes=minutes)
        kind, member, name, user_id = self.customer(plan.prices)
        price = (plan.prices[kind] * minutes / 60).quantize(CENT)
        past = end <= self.now
        status = BookingStatus.CONFIRMED
        if not past and plan.approval_required and self.rng.random() < 0.3:
            status = BookingStatus.REQUESTED
        if self.rng.random() < 0.06:
            status = BookingStatus.CANCELLED
        paid = status == BookingStatus.CONFIRMED and price > 0 and (past or self.rng.random() < 0.3)
        return Booking(
            coop=self.coop,
            unit=unit,
            start=start,
            end=end,
            status=status,
            title=self.rng.choice(plan.purposes),
            user_id=user_id,
            member_id=member["id"] if member else None,
            booker_name=name,
            customer_kind=kind,
            price=price,
            payment_state=(
                PaymentState.NOTHING_DUE
                if price == 0
                else PaymentState.PAID
                if paid
                else PaymentState.TO_PAY
            ),
            payment_method=self.method() if paid else "",
            paid_at=min(start, self.now) if paid else None,
            cancelled_at=min(start, self.now) - timedelta(days=3)
            if status == BookingStatus.CANCELLED
            else None,
            synthetic=True,
        )

    # -- services, events, orders ------------------------------------------------------------

    def services(self, plans: list[ServicePlan]) -> tuple[int, int]:
        orders: list[tuple[Order, list[tuple[OrderLine, Event | None, bool]]]] = []
        for plan in plans:
            service = Service.objects.create(
                coop=self.coop,
                resource=self.resources.get(plan.resource) if plan.resource else None,
                name=plan.name,
                kind=plan.kind,
                description=plan.description,
                is_public=True,
                synthetic=True,
            )
            ServicePrice.objects.bulk_create(
                ServicePrice(service=service, customer_kind=kind, price=price)
                for kind, price in plan.prices.items()
            )
            events = [
                Event(
                    service=service,
                    starts_at=_at(day, start),
                    ends_at=_at(day, start) + timedelta(minutes=minutes),
                    seats=seats,
                    synthetic=True,
                )
                for day in _days(self.today)
                for days, start, minutes, seats in plan.schedule
                if day.weekday() in days
            ]
            Event.objects.bulk_create(events)
            for event in events:
                orders.extend(self.event_orders(service, plan, event))
            for day in _days(self.today):
                if plan.per_day and day <= self.today:
                    for _ in range(self._how_many(plan.per_day)):
                        orders.append(self.order(service, plan, None, self.rng.randint(1, 3), day))
        return self.write_orders(orders)

    def _how_many(self, mean: float) -> int:
        """A count around ``mean`` (binomial over ten tries): a day's sales of an item."""
        return sum(self.rng.random() < mean / 10 for _ in range(10))

    def event_orders(self, service: Service, plan: ServicePlan, event: Event):
        past = event.starts_at <= self.now
        low, high = plan.fill
        share = self.rng.uniform(low, high) * (1 if past else self.rng.uniform(0.1, 0.6))
        left = int(event.seats * share)
        while left > 0:
            quantity = min(left, self.rng.choice([1, 2, 2, 3, 4]))
            left -= quantity
            sold_on = timezone.localdate(event.starts_at) - timedelta(days=self.rng.randint(0, 6))
            yield self.order(service, plan, event, quantity, min(sold_on, self.today))

    def order(self, service, plan: ServicePlan, event: Event | None, quantity: int, day: date):
        kind, member, name, user_id = self.customer(plan.prices)
        price = plan.prices[kind]
        amount = price * quantity
        past = event is None or event.starts_at <= self.now
        paid = amount > 0 and (past or self.rng.random() < 0.6)
        method = self.method() if paid else ""
        order = Order(
            coop=self.coop,
            code=self.code(),
            user_id=user_id,
            member_id=member["id"] if member else None,
            customer_name=name,
            customer_kind=kind,
            total=amount,
            payment_state=(
                PaymentState.NOTHING_DUE
                if amount == 0
                else PaymentState.PAID
                if paid
                else PaymentState.TO_PAY
            ),
            payment_method=method,
            payment_provider="manual" if paid else "",
            paid_at=_at(day, "12:00") if paid else None,
            synthetic=True,
        )
        line = OrderLine(
            service=service, event=event, quantity=quantity, unit_price=price, amount=amount
        )
        checked_in = event is not None and event.starts_at <= self.now
        return order, [(line, event, checked_in)]

    def write_orders(self, orders) -> tuple[int, int]:
        Order.objects.bulk_create([order for order, _ in orders])
        lines = []
        for order, planned in orders:
            for line, _event, _checked in planned:
                line.order = order
                lines.append(line)
        OrderLine.objects.bulk_create(lines)
        tickets, sales, taken = [], [], {}
        for order, planned in orders:
            for line, event, checked_in in planned:
                if event is not None:
                    taken[event.pk] = taken.get(event.pk, 0) + line.quantity
                    for _ in range(line.quantity):
                        tickets.append(
                            Ticket(
                                line=line,
                                event=event,
                                code=self.code(),
                                checked_in_at=event.starts_at - timedelta(minutes=10)
                                if checked_in and self.rng.random() < 0.92
                                else None,
                            )
                        )
                if order.payment_state == PaymentState.PAID:
                    sales.append(
                        Sale(
                            coop=self.coop,
                            on_date=timezone.localdate(order.paid_at),
                            amount=line.amount,
                            resource_id=line.service.resource_id,
                            service_id=line.service_id,
                            order_line=line,
                            customer_kind=order.customer_kind,
                            member_id=order.member_id,
                            quantity=line.quantity,
                            payment_method=order.payment_method,
                            synthetic=True,
                        )
                    )
        Ticket.objects.bulk_create(tickets, batch_size=2000)
        Sale.objects.bulk_create(sales, batch_size=2000)
        for event_id, seats in taken.items():
            Event.objects.filter(pk=event_id).update(seats_taken=seats)
        return len(orders), len(tickets)


@transaction.atomic
def commons_use_generate(coop: Cooperative, rng: random.Random, today: date | None = None) -> dict:
    """Give the cooperative's resources units, bookings, services and sales (once)."""
    units, services = PLANS.get(coop.slug, ([], []))
    already = (
        BookableUnit.objects.filter(resource__coop=coop).exists()
        or Service.objects.filter(coop=coop).exists()
    )
    if already or not (units or services):
        return {}
    writer = Writer(coop, rng, today or timezone.localdate())
    bookings, booking_sales = writer.units(units)
    orders, tickets = writer.services(services)
    written = {
        "units": len(units),
        "bookings": bookings,
        "paid_bookings": booking_sales,
        "services": len(services),
        "orders": orders,
        "tickets": tickets,
    }
    audit_record(
        actor=None,
        action="commons.synthetic_use",
        obj=coop,
        coop=coop,
        after={**written, "synthetic": True},
    )
    return written


def demo_commons_use(coop: Cooperative, rng: random.Random, password: str) -> None:
    """The demo step: units and their bookings, services, events, tickets and sales of the
    commons."""
    commons_use_generate(coop, rng)
