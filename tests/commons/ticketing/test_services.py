"""The box office's rules: the catalogue and its prices, events and their seats, orders that
never oversell, payments that become sales, cancellations that free seats and refund, tickets
admitted once. Every refusal says why and saves nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import event as hypothesis_event
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from comunitas.commons.bookings.customers import Customer
from comunitas.commons.models import Event, Order, PaymentState, Sale, ServicePrice, Ticket
from comunitas.commons.ticketing import catalogue as ticketing_catalogue
from comunitas.commons.ticketing import door as ticketing_door
from comunitas.commons.ticketing import services as ticketing_services
from comunitas.commons.ticketing.door import CheckIn
from comunitas.commons.ticketing.services import CODE_ALPHABET
from comunitas.core.errors import ValidationError
from comunitas.core.models import AuditEntry, Cents
from comunitas.members.book.services import book_setup
from tests.commons.ticketing.matrix import buy, make_event, make_service
from tests.helpers import admit, make_coop, make_resource, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def screening(coop):
    """A screening under the catalogue's default name (the box office's own "Cinema Paradiso"
    is for the pages and the API)."""
    return make_service(coop)


def messages_of(exc: pytest.ExceptionInfo) -> dict:
    return {e.field: e.message for e in exc.value.errors}


# --- the catalogue ------------------------------------------------------------------------------
def test_a_service_has_a_price_per_kind_of_customer(coop, people):
    resource = make_resource(coop)
    service = ticketing_catalogue.service_create(
        actor=people["staff"],
        coop=coop,
        name=" Catacombs tour ",
        kind="tour",
        resource=resource,
        prices={"public": "12.00", "member": Decimal("9"), "resident": "", "free": "0"},
    )
    assert service.name == "Catacombs tour"
    prices = dict(
        ServicePrice.objects.filter(service=service).values_list("customer_kind", "price")
    )
    assert prices == {"public": Decimal("12.00"), "member": Decimal("9.00"), "free": Decimal(0)}
    entry = AuditEntry.objects.get(action="service.create")
    assert entry.changes["price.public"]["after"] == "12.00"
    ticketing_catalogue.service_prices_set(actor=None, service=service, prices={"public": "14"})
    assert list(service.prices.values_list("customer_kind", "price")) == [
        ("public", Decimal("14.00"))
    ]
    assert AuditEntry.objects.filter(action="service.prices").count() == 1


@pytest.mark.parametrize(
    ("price", "message"),
    [
        ("-1", "A price cannot be negative."),
        ("-0.01", "A price cannot be negative."),
        ("7.555", "Give the price in euros, e.g. 7.50."),
        ("seven", "Give the price in euros, e.g. 7.50."),
        ("NaN", "Give the price in euros, e.g. 7.50."),
        ("Infinity", "Give the price in euros, e.g. 7.50."),
        ("100000.01", "A price cannot exceed 100,000 euros."),
    ],
)
def test_a_bad_price_is_refused_and_nothing_saved(coop, price, message):
    with pytest.raises(ValidationError) as exc:
        make_service(coop, prices={"public": "5", "member": price})
    assert messages_of(exc) == {"prices.member": message}
    assert not coop.services.exists()


def test_other_bad_catalogue_input(coop, people):
    with pytest.raises(ValidationError) as exc:
        make_service(coop, name="  ")
    assert messages_of(exc) == {"name": "Give the service a name."}
    other = make_resource(people["other"])
    with pytest.raises(ValidationError) as exc:
        make_service(coop, resource=other)
    assert messages_of(exc) == {"resource": "Choose a common resource of this cooperative."}
    with pytest.raises(ValidationError) as exc:
        make_service(coop, prices={"vip": "5"})
    assert messages_of(exc) == {"prices.vip": "Unknown kind of customer."}
    service = make_service(coop)
    with pytest.raises(ValidationError) as exc:
        ticketing_catalogue.service_update(
            actor=None, service=service, fields={"coop": people["other"]}
        )
    assert messages_of(exc) == {"coop": "This field cannot be changed."}
    assert coop.services.count() == 1


# --- events -------------------------------------------------------------------------------------
def test_event_rules(screening):
    now = timezone.now()
    with pytest.raises(ValidationError) as exc:
        ticketing_catalogue.event_create(
            actor=None,
            service=screening,
            starts_at=now - timedelta(hours=1),
            seats=5,
        )
    assert messages_of(exc) == {"starts_at": "An event cannot start in the past."}
    start = now + timedelta(days=1)
    for fields, field, message in [
        ({"ends_at": start}, "ends_at", "The end must come after the start."),
        ({"seats": 0}, "seats", "Give between 1 and 100,000 seats."),
        ({"seats": 100_001}, "seats", "Give between 1 and 100,000 seats."),
        ({"starts_at": now + timedelta(days=6 * 365)}, "starts_at", "An event is scheduled"),
    ]:
        with pytest.raises(ValidationError) as exc:
            ticketing_catalogue.event_create(
                actor=None, service=screening, **{"starts_at": start, "seats": 5, **fields}
            )
        assert messages_of(exc)[field].startswith(message)
    assert not Event.objects.exists()


def test_seats_cannot_drop_below_those_sold(coop, people, screening):
    event = make_event(screening, seats=10)
    buy(coop, people["resident"], [(screening, event, 4)])
    with pytest.raises(ValidationError) as exc:
        ticketing_catalogue.event_update(actor=None, event=event, fields={"seats": 3})
    assert messages_of(exc) == {"seats": "4 seats are already sold: the event cannot have fewer."}
    ticketing_catalogue.event_update(actor=people["staff"], event=event, fields={"seats": 4})
    event.refresh_from_db()
    assert (event.seats, event.seats_left) == (4, 0)
    entry = AuditEntry.objects.get(action="event.update")
    assert entry.changes == {"seats": {"before": 10, "after": 4}}


# --- orders -------------------------------------------------------------------------------------
def test_an_order_takes_seats_and_issues_one_ticket_per_seat(
    coop, people, screening, mailoutbox, django_capture_on_commit_callbacks
):
    event = make_event(screening, seats=10)
    with django_capture_on_commit_callbacks(execute=True):
        order = buy(coop, people["resident"], [(screening, event, 3)], method="bank_transfer")
    event.refresh_from_db()
    assert event.seats_taken == 3
    assert (order.customer_kind, order.total, order.payment_state) == (
        "resident",
        Decimal("18.00"),
        PaymentState.TO_PAY,
    )
    codes = list(Ticket.objects.filter(line__order=order).values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == 3
    assert all(len(c) == 10 and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert len(order.code) == 12
    assert not Sale.objects.exists()  # nothing is paid yet
    (mail,) = mailoutbox
    assert mail.to == ["resident1@example.org"]
    assert order.code in mail.subject
    assert all(code in mail.body for code in codes)
    assert "Pay by bank transfer" in mail.body and f"Reference to quote: {order.code}" in mail.body
    assert AuditEntry.objects.get(action="order.place").changes["tickets"]["after"] == 3


def test_sold_beyond_seats_is_refused_and_nothing_saved(coop, people, screening):
    event = make_event(screening, seats=5)
    buy(coop, people["resident"], [(screening, event, 2)])
    with pytest.raises(ValidationError) as exc:
        buy(coop, people["member"], [(screening, event, 4)])
    message = messages_of(exc)["lines.0.quantity"]
    assert message.startswith("Only 3 seats left for Screening") and "you asked for 4" in message
    buy(coop, people["member"], [(screening, event, 3)])
    with pytest.raises(ValidationError) as exc:
        buy(coop, people["staff"], [(screening, event, 1)])
    assert messages_of(exc)["lines.0.quantity"].startswith("Sold out: no seats left")
    event.refresh_from_db()
    assert event.seats_taken == 5 == Ticket.objects.filter(event=event).count()
    assert Order.objects.count() == 2


def test_a_refused_line_undoes_the_seats_of_the_others(coop, people, screening):
    first, second = make_event(screening, seats=5), make_event(screening, seats=1, days=4)
    with pytest.raises(ValidationError):
        buy(coop, people["resident"], [(screening, first, 2), (screening, second, 2)])
    assert list(Event.objects.values_list("seats_taken", flat=True)) == [0, 0]
    assert not Order.objects.exists() and not Ticket.objects.exists()


def test_what_cannot_be_bought(coop, people, screening):
    resident = people["resident"]
    event = make_event(screening)
    past = Event.objects.create(
        service=screening, starts_at=timezone.now() - timedelta(hours=1), seats=10
    )
    cancelled = make_event(screening, days=5)
    ticketing_services.event_cancel(actor=None, event=cancelled)
    theirs = make_service(people["other"])
    other_event = make_event(theirs)
    hidden = make_service(coop, name="Members' night", is_public=False)
    no_price = make_service(coop, name="Residents only", prices={"member": "3"})
    shop = make_service(coop, name="Honey", kind="product")
    cases = [
        ([(screening, past, 1)], "lines.0.event_id", "This event has started: tickets are closed."),
        ([(screening, cancelled, 1)], "lines.0.event_id", "This event is cancelled."),
        ([(theirs, other_event, 1)], "lines.0.service_id", "No such service on sale here."),
        ([(shop, other_event, 1)], "lines.0.event_id", "This event is not of that service."),
        ([(screening, None, 1)], "lines.0.event_id", "Choose the date and time."),
        ([(screening, event, 0)], "lines.0.quantity", "Buy between 1 and 50 at a time."),
        ([(screening, event, 51)], "lines.0.quantity", "Buy between 1 and 50 at a time."),
        (
            [(no_price, None, 1)],
            "lines.0.service_id",
            "Residents only is not sold to this kind of customer (Resident).",
        ),
        ([], "lines", "The order is empty: choose what to buy."),
    ]
    for lines, field, message in cases:
        with pytest.raises(ValidationError) as exc:
            buy(coop, resident, lines)
        assert messages_of(exc) == {field: message}, lines
    with pytest.raises(ValidationError) as exc:
        buy(coop, resident, [(hidden, None, 1)], public_only=True)
    assert messages_of(exc) == {"lines.0.service_id": "No such service on sale here."}
    with pytest.raises(ValidationError) as exc:
        buy(coop, resident, [(shop, None, 1)], method="provider")
    assert messages_of(exc) == {"payment_method": "Choose payment on site or by bank transfer."}
    with pytest.raises(ValidationError) as exc:
        buy(coop, resident, [(shop, None, 1)], paid=True)
    assert messages_of(exc) == {"paid": "Only staff record a payment."}
    assert not Order.objects.exists() and not Ticket.objects.exists()
    assert sum(Event.objects.values_list("seats_taken", flat=True)) == 0


def test_visitors_give_a_name_and_an_address(coop, people, screening):
    event = make_event(screening)
    for customer, errors in [
        (Customer("public", None, "", ""), {"name", "email"}),
        (Customer("public", None, "Vera", "not-an-address"), {"email"}),
        (Customer("association", None, "Pro Loco", "a@example.org"), {"customer_kind"}),
    ]:
        with pytest.raises(ValidationError) as exc:
            ticketing_services.order_place(
                actor=AnonymousUser(),
                coop=coop,
                customer=customer,
                lines=[(screening, event, 1)],
                payment_method="on_site",
                user=AnonymousUser(),
                public_only=True,
            )
        assert set(messages_of(exc)) == errors
    order = ticketing_services.order_place(
        actor=AnonymousUser(),
        coop=coop,
        customer=Customer("public", None, "Vera", "vera@example.org"),
        lines=[(screening, event, 2)],
        payment_method="on_site",
        user=AnonymousUser(),
        public_only=True,
    )
    assert (order.user, order.total, order.customer_email) == (
        None,
        Decimal("16.00"),
        "vera@example.org",
    )


def test_staff_sell_at_the_desk_to_a_member_and_take_the_money(coop, people, screening):
    book_setup(coop=coop)
    member = admit(coop, person(1))
    event = make_event(screening)
    order = ticketing_services.order_place(
        actor=people["staff"],
        coop=coop,
        customer=Customer("member", member, member.display_name, ""),
        lines=[(screening, event, 2)],
        payment_method="on_site",
        at_desk=True,
        paid=True,
    )
    assert (order.member, order.total, order.payment_state) == (member, Decimal("10.00"), "paid")
    sale = Sale.objects.get()
    assert (sale.amount, sale.member, sale.customer_kind, sale.quantity, sale.service) == (
        Decimal("10.00"),
        member,
        "member",
        2,
        screening,
    )
    free = ticketing_services.order_place(
        actor=people["staff"],
        coop=coop,
        customer=Customer("free", None, "School", ""),
        lines=[(make_service(coop, name="Open day", prices={"free": "0"}), None, 3)],
        payment_method="on_site",
        at_desk=True,
    )
    assert free.payment_state == PaymentState.NOTHING_DUE and Sale.objects.count() == 1


# --- payment and cancellation -------------------------------------------------------------------
def test_payment_becomes_sales_and_a_cancellation_refunds(coop, people, screening):
    event = make_event(screening, seats=10)
    shop = make_service(coop, name="Honey", kind="product")
    order = buy(coop, people["resident"], [(screening, event, 2), (shop, None, 1)])
    ticketing_services.order_pay(actor=people["staff"], order=order, reference="receipt 12")
    order.refresh_from_db()
    assert (order.payment_state, order.payment_reference) == ("paid", "receipt 12")
    assert Sale.objects.aggregate(s=Cents(Sum("amount")))["s"] == order.total == Decimal("18.00")
    with pytest.raises(ValidationError, match="not waiting for a payment"):
        ticketing_services.order_pay(actor=people["staff"], order=order)

    ticketing_services.order_cancel(actor=people["staff"], order=order, reason="Changed plans")
    order.refresh_from_db()
    event.refresh_from_db()
    assert (order.status, order.payment_state, event.seats_taken) == (
        "cancelled",
        "refunded",
        0,
    )
    assert not Ticket.objects.filter(line__order=order, is_void=False).exists()
    assert Sale.objects.aggregate(s=Cents(Sum("amount")))["s"] == 0
    assert Sale.objects.filter(kind="refund").count() == 2
    with pytest.raises(ValidationError, match="already cancelled"):
        ticketing_services.order_cancel(actor=people["staff"], order=order)
    with pytest.raises(ValidationError, match=r"This order is cancelled\."):
        ticketing_services.order_pay(actor=people["staff"], order=order)
    actions = list(
        AuditEntry.objects.filter(object_type="commons.order", object_id=str(order.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["order.place", "order.pay", "order.cancel"]


def test_an_unpaid_cancelled_order_owes_nothing_and_its_seats_go_back(coop, people, screening):
    event = make_event(screening, seats=2)
    order = buy(coop, people["resident"], [(screening, event, 2)])
    ticketing_services.order_cancel(actor=None, order=order)
    order.refresh_from_db()
    assert order.payment_state == PaymentState.NOTHING_DUE and not Sale.objects.exists()
    buy(coop, people["member"], [(screening, event, 2)])  # the seats are on sale again


def test_cancelling_an_event_cancels_its_orders(
    coop, people, screening, mailoutbox, django_capture_on_commit_callbacks
):
    event = make_event(screening, seats=10)
    paid = buy(coop, people["resident"], [(screening, event, 2)])
    ticketing_services.order_pay(actor=None, order=paid)
    unpaid = buy(coop, people["member"], [(screening, event, 1)])
    with django_capture_on_commit_callbacks(execute=True):
        ticketing_services.event_cancel(
            actor=people["staff"], event=event, reason="Projector broken"
        )
    event.refresh_from_db()
    assert event.is_cancelled and event.seats_taken == 0
    states = dict(Order.objects.values_list("pk", "payment_state"))
    assert states == {paid.pk: "refunded", unpaid.pk: "nothing_due"}
    assert Sale.objects.aggregate(s=Cents(Sum("amount")))["s"] == 0
    assert sorted(m.to[0] for m in mailoutbox) == ["member1@example.org", "resident1@example.org"]
    assert all("is cancelled" in m.subject for m in mailoutbox)
    code = Ticket.objects.filter(line__order=paid).first().code
    assert ticketing_door.ticket_check_in(actor=None, coop=coop, code=code).status == CheckIn.VOID
    with pytest.raises(ValidationError, match="already cancelled"):
        ticketing_services.event_cancel(actor=None, event=event)
    with pytest.raises(ValidationError, match=r"This event is cancelled\."):
        ticketing_catalogue.event_update(actor=None, event=event, fields={"seats": 20})


# --- the door -----------------------------------------------------------------------------------
def test_a_ticket_is_admitted_once(coop, people, screening):
    event, other = make_event(screening), make_event(screening, days=4)
    order = buy(coop, people["resident"], [(screening, event, 2)])
    first, second = Ticket.objects.filter(line__order=order)
    typed = "-".join([first.code[:5].lower(), first.code[5:]])  # as someone types it
    result = ticketing_door.ticket_check_in(
        actor=people["staff"], coop=coop, code=typed, event=event
    )
    assert result.status == CheckIn.ADMITTED and result.to_pay
    assert result.message == "Valid: welcome!"
    again = ticketing_door.ticket_check_in(actor=people["staff"], coop=coop, code=first.code)
    assert again.status == CheckIn.ALREADY
    at = timezone.localtime(result.at).strftime("%H:%M")
    assert again.message == f"Already checked in at {at}."
    wrong = ticketing_door.ticket_check_in(actor=None, coop=coop, code=second.code, event=other)
    assert wrong.status == CheckIn.WRONG_EVENT and "another event" in wrong.message
    for code in ("", "NOSUCHCODE", "x" * 100):
        assert (
            ticketing_door.ticket_check_in(actor=None, coop=coop, code=code).status
            == CheckIn.UNKNOWN
        )
    # Another cooperative's door does not know the ticket.
    assert (
        ticketing_door.ticket_check_in(actor=None, coop=people["other"], code=second.code).status
        == CheckIn.UNKNOWN
    )
    first.refresh_from_db()
    assert first.checked_in_by == people["staff"]
    assert AuditEntry.objects.filter(action="ticket.check_in").count() == 1
    with pytest.raises(ValidationError, match="already used at the door"):
        ticketing_services.order_cancel(actor=None, order=order)
    with pytest.raises(ValidationError, match="already checked in"):
        ticketing_services.event_cancel(actor=None, event=event)


# --- properties ---------------------------------------------------------------------------------
operation = st.tuples(
    st.sampled_from(["buy"] * 4 + ["pay", "pay", "cancel", "check_in", "cancel_event"]),
    st.integers(0, 2),  # which event, order or buyer
    st.integers(-1, 6),  # how many seats (refused below 1)
)


class BoxOfficeProperties(HypothesisTestCase):
    """Whatever people attempt, in any order: seats taken always equal the live tickets and never
    exceed the seats, refused operations write nothing, and the sales add up to the orders
    paid minus those refunded."""

    def setUp(self) -> None:
        self.coop = make_coop("prop")
        self.service = make_service(self.coop)
        self.events = [
            make_event(self.service, seats=seats, days=2 + i) for i, seats in enumerate((3, 5, 8))
        ]
        self.buyers = [
            Customer("public", None, "Vera", "vera@example.org"),
            Customer("resident", None, "Rino", "rino@example.org"),
            Customer("association", None, "Pro Loco", ""),
        ]

    def apply(self, kind: str, i: int, n: int) -> None:
        orders = list(Order.objects.order_by("id"))
        if kind == "buy":
            ticketing_services.order_place(
                actor=None,
                coop=self.coop,
                customer=self.buyers[i],
                lines=[(self.service, self.events[i], n)],
                payment_method="on_site",
                at_desk=True,
                paid=n % 2 == 0,
            )
        elif kind == "pay" and orders:
            ticketing_services.order_pay(actor=None, order=orders[i % len(orders)])
        elif kind == "cancel" and orders:
            ticketing_services.order_cancel(actor=None, order=orders[i % len(orders)])
        elif kind == "cancel_event":
            ticketing_services.event_cancel(actor=None, event=self.events[i])
        elif kind == "check_in":
            ticket = Ticket.objects.filter(is_void=False).order_by("id").first()
            if ticket is not None:
                ticketing_door.ticket_check_in(actor=None, coop=self.coop, code=ticket.code)

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(operation, max_size=12))
    def test_seats_and_money_stay_consistent(self, operations) -> None:
        for op in operations:
            before = (Order.objects.count(), Ticket.objects.count(), Sale.objects.count())
            try:
                self.apply(*op)
                hypothesis_event(f"{op[0]} accepted")
            except ValidationError:
                hypothesis_event(f"{op[0]} refused")
                after = (Order.objects.count(), Ticket.objects.count(), Sale.objects.count())
                self.assertEqual(after, before, op)
            for event in Event.objects.all():
                live = Ticket.objects.filter(event=event, is_void=False).count()
                self.assertEqual(event.seats_taken, live, op)
                self.assertLessEqual(event.seats_taken, event.seats, op)
            sold = Sale.objects.aggregate(s=Cents(Sum("amount")))["s"] or Decimal(0)
            paid = Order.objects.filter(payment_state="paid").aggregate(s=Cents(Sum("total")))["s"]
            self.assertEqual(sold, paid or Decimal(0), op)
