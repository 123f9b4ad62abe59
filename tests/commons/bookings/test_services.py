"""The booking services: units and their rules, every rule of a booking (bad input refused with
a field message, nothing saved), prices, approval, the cancellation policy, payments and sales,
weekly series with their conflicts one by one, audit and e-mails."""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from comunitas.commons.bookings import rules as bookings_rules
from comunitas.commons.bookings import series as bookings_series
from comunitas.commons.bookings import services as bookings_services
from comunitas.commons.bookings import units as bookings_units
from comunitas.commons.bookings.customers import Customer
from comunitas.commons.models import (
    BookableUnit,
    Booking,
    BookingStatus,
    PaymentState,
    Sale,
    SaleKind,
)
from comunitas.core.coops.services import coop_update
from comunitas.core.errors import ValidationError
from comunitas.core.models import AuditEntry
from comunitas.members.book import services as book_services
from tests.commons.bookings.matrix import at, book, day_ahead, make_unit
from tests.helpers import admit, assert_refused, make_resource, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit(people):
    resource = make_resource(people["coop"], people["admin"])
    return make_unit(resource, people["admin"], max_minutes=240, public_booking=False)


DAY = day_ahead(7)


def visitor(name="Vera Visitor", email="vera@example.org"):
    return Customer("public", None, name, email)


# --- units --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": "  "}, "name", "Give the unit a name."),
        ({"slot_minutes": 30, "min_minutes": 15}, "min_minutes", "shorter than a slot"),
        ({"min_minutes": 120, "max_minutes": 60}, "max_minutes", "shorter than the shortest"),
        ({"min_minutes": 45}, "min_minutes", "multiple of the slot"),
        ({"capacity": -1}, "capacity", "whole number"),
        ({"slot_minutes": 2}, "slot_minutes", "whole number from 5"),
        ({"horizon_days": 0}, "horizon_days", "whole number from 1"),
    ],
)
def test_unit_rules_are_checked(people, fields, field, message):
    resource = make_resource(people["coop"])
    with pytest.raises(ValidationError) as caught:
        bookings_units.unit_create(actor=None, resource=resource, **{"name": "Sala", **fields})
    assert caught.value.errors[0].field == field
    assert message in caught.value.errors[0].message
    assert not BookableUnit.objects.exists()


def test_an_unknown_unit_field_is_refused_by_name(people):
    resource = make_resource(people["coop"])
    with pytest.raises(TypeError, match="color"):
        bookings_units.unit_create(actor=None, resource=resource, name="Sala", color="red")
    assert not BookableUnit.objects.exists()


def test_unit_update_is_audited(people, unit):
    bookings_units.unit_update(actor=people["staff"], unit=unit, fields={"approval_required": True})
    entry = AuditEntry.objects.filter(action="unit.update").get()
    assert entry.changes == {"approval_required": {"before": False, "after": True}}
    assert entry.actor == people["staff"]


def test_hours_refuse_overlaps_and_backwards_intervals(people, unit):
    with pytest.raises(ValidationError, match="overlap"):
        bookings_units.unit_hours_set(
            actor=None,
            unit=unit,
            intervals=[(0, time(9), time(13)), (0, time(12), time(18))],
        )
    with pytest.raises(ValidationError, match="must come after"):
        bookings_units.unit_hours_set(actor=None, unit=unit, intervals=[(1, time(13), time(9))])
    with pytest.raises(ValidationError, match="weekday"):
        bookings_units.unit_hours_set(actor=None, unit=unit, intervals=[(7, time(9), time(13))])
    assert unit.hours.count() == 7  # unchanged


@pytest.mark.parametrize(
    ("prices", "field", "message"),
    [
        ({"member": "-1.00"}, "prices.member", "cannot be negative"),
        ({"free": "2.00"}, "prices.free", "free price is 0"),
        ({"member": "abc"}, "prices.member", "euros"),
        ({"member": "1.005"}, "prices.member", "cents"),
        ({"vip": "1"}, "prices", "Unknown"),
    ],
)
def test_prices_refuse_bad_amounts(unit, prices, field, message):
    with pytest.raises(ValidationError) as caught:
        bookings_units.unit_prices_set(actor=None, unit=unit, prices=prices)
    assert caught.value.errors[0].field == field
    assert message in caught.value.errors[0].message
    assert unit.prices.count() == 4  # unchanged


def test_a_kind_without_a_price_cannot_book(people, unit):
    bookings_units.unit_prices_set(actor=None, unit=unit, prices={"member": "10", "resident": None})
    messages = assert_refused(
        lambda: book(unit, people["resident"], at(DAY, 10), at(DAY, 11)),
        on="customer_kind",
        unchanged=Booking.objects.count,
    ).messages
    assert "no price for Resident" in messages[0]


# --- the rules of a booking ---------------------------------------------------------------------
def test_a_member_books_at_the_member_price_confirmed(
    people, unit, mailoutbox, django_capture_on_commit_callbacks
):
    book_services.book_setup(coop=people["coop"])
    member = admit(people["coop"], person(1), actor=people["admin"], user=people["member"])
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(unit, people["member"], at(DAY, 10), at(DAY, 11, 30), title="Choir")
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.customer_kind == "member" and booking.member == member
    assert booking.price == Decimal("15.00")  # 1.5 hours at 10.00
    assert booking.payment_state == PaymentState.TO_PAY and booking.user == people["member"]
    assert len(booking.ical_token) >= 30
    assert [m.to for m in mailoutbox] == [["member1@example.org"]]
    assert "confirmed" in mailoutbox[0].subject and "/ical/booking/" in mailoutbox[0].body
    assert "The staff will tell you how to pay." in mailoutbox[0].body
    assert AuditEntry.objects.filter(action="booking.create", object_id=str(booking.pk)).exists()


def test_the_confirmation_says_how_to_pay_as_the_cooperative_wrote_it(
    people, unit, mailoutbox, django_capture_on_commit_callbacks
):
    how = "Bonifico su IBAN IT60X0542811101000000123456, causale: numero della prenotazione."
    coop_update(actor=None, coop=people["coop"], fields={"payment_instructions": how})
    unit.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        book(unit, people["resident"], at(DAY, 10), at(DAY, 11, 30))
    assert f"How to pay: {how}" in mailoutbox[0].body


def test_a_resident_pays_the_resident_price(people, unit):
    booking = book(unit, people["resident"], at(DAY, 10), at(DAY, 11, 30))
    assert booking.customer_kind == "resident" and booking.price == Decimal("18.00")


def test_price_rounds_half_to_even_on_the_cent(people, unit):
    bookings_units.unit_prices_set(actor=None, unit=unit, prices={"resident": "10.05"})
    bookings_units.unit_update(actor=None, unit=unit, fields={"min_minutes": 30})
    booking = book(unit, people["resident"], at(DAY, 10), at(DAY, 10, 30))
    assert booking.price == Decimal("5.02")  # 5.025 to even


def test_free_price_owes_nothing(people, unit):
    customer = Customer("free", None, "Pro Loco", "proloco@example.org")
    booking = bookings_services.booking_create(
        actor=people["staff"],
        unit=unit,
        start=at(DAY, 10),
        end=at(DAY, 12),
        customer=customer,
        on_behalf=True,
    )
    assert booking.price == Decimal("0.00") and booking.payment_state == PaymentState.NOTHING_DUE
    assert booking.user is None and booking.booker_name == "Pro Loco"


def test_no_overlap_but_touching_is_fine(people, unit):
    book(unit, people["member"], at(DAY, 10), at(DAY, 12))
    messages = assert_refused(
        lambda: book(unit, people["resident"], at(DAY, 11), at(DAY, 13)),
        on="start",
        unchanged=Booking.objects.count,
    ).messages
    assert "overlaps another booking" in messages[0]
    assert "member1" not in messages[0]  # a booker does not learn who
    assert_refused(
        lambda: book(unit, people["resident"], at(DAY, 9), at(DAY, 13)),
        on="start",
        unchanged=Booking.objects.count,
    )
    assert_refused(
        lambda: book(unit, people["resident"], at(DAY, 10), at(DAY, 12)),
        on="start",
        unchanged=Booking.objects.count,
    )
    # Half-open ranges: [10, 12) and [12, 13) do not overlap, nor [9, 10).
    book(unit, people["resident"], at(DAY, 12), at(DAY, 13))
    book(unit, people["resident"], at(DAY, 9), at(DAY, 10))


def test_staff_learn_which_booking_is_in_the_way(people, unit):
    first = book(unit, people["member"], at(DAY, 10), at(DAY, 12), title="Choir")
    messages = assert_refused(
        lambda: book(unit, people["staff"], at(DAY, 11), at(DAY, 12)),
        unchanged=Booking.objects.count,
    ).messages
    assert f"Booking no. {first.pk}" in messages[0] and "Choir" in messages[0]


def test_cancelled_and_rejected_bookings_free_their_time(people, unit):
    first = book(unit, people["member"], at(DAY, 10), at(DAY, 12))
    bookings_services.booking_cancel(actor=people["member"], booking=first)
    again = book(unit, people["resident"], at(DAY, 10), at(DAY, 12))
    assert again.status == BookingStatus.CONFIRMED


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        ((10, 15), (11, 15), "start", "30-minute slots"),
        ((10, 0), (10, 30), "end", "at least 60 minutes"),
        ((8, 0), (13, 0), "end", "at most 240 minutes"),
        ((12, 0), (10, 0), "end", "must come after"),
        ((6, 0), (8, 0), "start", "Outside the opening hours"),
        ((21, 0), (22, 30), "start", "Outside the opening hours"),
    ],
)
def test_bad_times_are_refused(people, unit, start, end, field, message):
    messages = assert_refused(
        lambda: book(unit, people["resident"], at(DAY, *start), at(DAY, *end)),
        on=field,
        unchanged=Booking.objects.count,
    ).messages
    assert any(message in m for m in messages), messages


def test_a_booking_may_not_span_a_break_but_touching_intervals_join(people, unit):
    bookings_units.unit_hours_set(
        actor=None,
        unit=unit,
        intervals=[
            (d, o, c)
            for d in range(7)
            for o, c in [(time(9), time(13)), (time(14), time(16)), (time(16), time(18))]
        ],
    )
    messages = assert_refused(
        lambda: book(unit, people["resident"], at(DAY, 12), at(DAY, 15)),
        unchanged=Booking.objects.count,
    ).messages
    assert "open 09:00\u201313:00, 14:00\u201318:00" in messages[0]
    book(unit, people["resident"], at(DAY, 15), at(DAY, 17))  # across 16:00: one interval


def test_closed_weekday_and_closed_day(people, unit):
    bookings_units.unit_hours_set(
        actor=None, unit=unit, intervals=[(d, time(9), time(18)) for d in range(7) if d != 6]
    )
    sunday = DAY + timedelta(days=(6 - DAY.weekday()) % 7)
    messages = assert_refused(
        lambda: book(unit, people["resident"], at(sunday, 10), at(sunday, 11)),
        unchanged=Booking.objects.count,
    ).messages
    assert "closed on Sunday" in messages[0]
    monday = sunday + timedelta(days=1)
    bookings_units.closed_day_add(actor=None, unit=unit, on_date=monday, reason="Festa patronale")
    messages = assert_refused(
        lambda: book(unit, people["resident"], at(monday, 10), at(monday, 11)),
        unchanged=Booking.objects.count,
    ).messages
    assert "closed on" in messages[0] and "Festa patronale" in messages[0]
    with pytest.raises(ValidationError, match="already closed"):
        bookings_units.closed_day_add(actor=None, unit=unit, on_date=monday)
    bookings_units.closed_day_remove(actor=None, closed=unit.closed_days.get())
    book(unit, people["resident"], at(monday, 10), at(monday, 11))


def test_past_lead_time_and_horizon(people, unit):
    now = timezone.now()
    yesterday = timezone.localdate() - timedelta(days=1)
    messages = assert_refused(
        lambda: book(unit, people["resident"], at(yesterday, 10), at(yesterday, 11)),
        unchanged=Booking.objects.count,
    ).messages
    assert "in the past" in messages[-1]
    bookings_units.unit_update(actor=None, unit=unit, fields={"lead_hours": 48, "horizon_days": 30})
    tomorrow = timezone.localdate() + timedelta(days=1)
    messages = assert_refused(
        lambda: book(unit, people["resident"], at(tomorrow, 10), at(tomorrow, 11)),
        unchanged=Booking.objects.count,
    ).messages
    assert "at least 48 hours ahead" in messages[-1]
    far = timezone.localdate() + timedelta(days=40)
    messages = assert_refused(
        lambda: book(unit, people["resident"], at(far, 10), at(far, 11)),
        unchanged=Booking.objects.count,
    ).messages
    assert "at most 30 days ahead" in messages[-1]
    # Staff arrange the calendar: the lead time and the horizon bind bookers only.
    assert book(unit, people["staff"], at(far, 10), at(far, 11)).start > now


def test_inactive_unit_and_visitors_on_private_units(people, unit):
    bookings_units.unit_update(actor=None, unit=unit, fields={"is_active": False})
    assert_refused(
        lambda: book(unit, people["resident"], at(DAY, 10), at(DAY, 11)),
        on="unit",
        unchanged=Booking.objects.count,
    )
    bookings_units.unit_update(actor=None, unit=unit, fields={"is_active": True})
    call = lambda: bookings_services.booking_create(  # noqa: E731
        actor=AnonymousUser(), unit=unit, start=at(DAY, 10), end=at(DAY, 11), customer=visitor()
    )
    assert (
        "not open to public booking"
        in assert_refused(call, on="unit", unchanged=Booking.objects.count).messages[0]
    )


def test_visitors_request_and_give_name_and_email(people, unit):
    bookings_units.unit_update(actor=None, unit=unit, fields={"public_booking": True})

    def request(customer):
        return bookings_services.booking_create(
            actor=AnonymousUser(), unit=unit, start=at(DAY, 10), end=at(DAY, 11), customer=customer
        )

    assert_refused(lambda: request(visitor(name=" ")), on="name", unchanged=Booking.objects.count)
    assert_refused(lambda: request(visitor(email="")), on="email", unchanged=Booking.objects.count)
    booking = request(visitor())
    assert booking.status == BookingStatus.REQUESTED and booking.user is None
    assert booking.customer_kind == "public" and booking.price == Decimal("20.00")
    # A logged-in stranger is a visitor too: a request, at the public price.
    other = book(unit, people["stranger"], at(DAY, 12), at(DAY, 13))
    assert other.status == BookingStatus.REQUESTED and other.user == people["stranger"]


def test_association_and_free_prices_are_granted_by_staff_only(people, unit):
    customer = Customer("association", None, "Resident", "r@example.org")
    call = lambda: bookings_services.booking_create(  # noqa: E731
        actor=people["resident"], unit=unit, start=at(DAY, 10), end=at(DAY, 11), customer=customer
    )
    assert_refused(call, on="customer_kind", unchanged=Booking.objects.count)
    with pytest.raises(PermissionDenied):
        bookings_services.booking_create(
            actor=people["resident"],
            unit=unit,
            start=at(DAY, 10),
            end=at(DAY, 11),
            customer=customer,
            on_behalf=True,
        )


def test_approval_required_makes_requests_that_staff_decide(
    people, unit, mailoutbox, django_capture_on_commit_callbacks
):
    bookings_units.unit_update(actor=None, unit=unit, fields={"approval_required": True})
    with django_capture_on_commit_callbacks(execute=True):
        first = book(unit, people["member"], at(DAY, 10), at(DAY, 12))
        second = book(unit, people["resident"], at(DAY, 14), at(DAY, 16))
    assert first.status == second.status == BookingStatus.REQUESTED
    # A request holds its time while it waits.
    assert_refused(
        lambda: book(unit, people["resident"], at(DAY, 11), at(DAY, 12)),
        on="start",
        unchanged=Booking.objects.count,
    )
    staff_booking = book(unit, people["staff"], at(DAY, 18), at(DAY, 19))
    assert staff_booking.status == BookingStatus.CONFIRMED
    with django_capture_on_commit_callbacks(execute=True):
        bookings_services.booking_approve(actor=people["staff"], booking=first)
        with pytest.raises(ValidationError, match="Say why"):
            bookings_services.booking_reject(actor=people["staff"], booking=second, reason=" ")
        bookings_services.booking_reject(actor=people["staff"], booking=second, reason="Assembly")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == BookingStatus.CONFIRMED and first.decided_by == people["staff"]
    assert second.status == BookingStatus.REJECTED and second.reason == "Assembly"
    assert second.payment_state == PaymentState.NOTHING_DUE
    with pytest.raises(ValidationError, match="awaiting approval"):
        bookings_services.booking_approve(actor=people["staff"], booking=first)
    subjects = [m.subject for m in mailoutbox]
    assert sum("received your booking request" in s for s in subjects) == 2
    assert any("confirmed" in s for s in subjects)
    assert any("not accepted" in s for s in subjects)
    assert "Assembly" in mailoutbox[-1].body


# --- cancellation, payment, refunds ---------------------------------------------------------------
def test_the_booker_cancels_free_until_the_policy_says(people, unit):
    bookings_units.unit_update(actor=None, unit=unit, fields={"free_cancel_hours": 48})
    booking = book(unit, people["member"], at(DAY, 10), at(DAY, 12))
    late = booking.start - timedelta(hours=47)
    with pytest.raises(ValidationError) as caught:
        bookings_services.booking_cancel(actor=people["member"], booking=booking, now=late)
    assert "until 48 hours before the start" in str(caught.value)
    assert "Ask the staff" in str(caught.value)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    with pytest.raises(PermissionDenied):
        bookings_services.booking_cancel(actor=people["resident"], booking=booking)
    early = booking.start - timedelta(hours=49)
    bookings_services.booking_cancel(
        actor=people["member"], booking=booking, now=early, reason="Ill"
    )
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED and not booking.late_cancellation
    assert booking.payment_state == PaymentState.NOTHING_DUE and booking.reason == "Ill"
    with pytest.raises(ValidationError, match="already cancelled"):
        bookings_services.booking_cancel(actor=people["staff"], booking=booking)


def test_staff_cancel_late_and_the_price_stays_due(people, unit):
    booking = book(unit, people["member"], at(DAY, 10), at(DAY, 12))
    bookings_services.booking_cancel(
        actor=people["staff"], booking=booking, now=booking.start - timedelta(hours=2)
    )
    booking.refresh_from_db()
    assert booking.late_cancellation and booking.payment_state == PaymentState.TO_PAY
    bookings_services.booking_pay(actor=people["staff"], booking=booking, method="on_site")
    booking.refresh_from_db()
    assert booking.payment_state == PaymentState.PAID
    assert Sale.objects.get(booking=booking).amount == booking.price


def test_paying_writes_the_sale_and_a_free_cancellation_refunds_it(people, unit):
    booking = book(unit, people["member"], at(DAY, 10), at(DAY, 12))
    with pytest.raises(ValidationError, match="on site or bank transfer"):
        bookings_services.booking_pay(actor=people["staff"], booking=booking, method="provider")
    bookings_services.booking_pay(actor=people["staff"], booking=booking, method="bank_transfer")
    with pytest.raises(ValidationError, match="already paid"):
        bookings_services.booking_pay(actor=people["staff"], booking=booking, method="on_site")
    sale = Sale.objects.get(booking=booking, kind=SaleKind.SALE)
    assert sale.amount == Decimal("24.00") and sale.payment_method == "bank_transfer"
    assert sale.resource_id == unit.resource_id and sale.customer_kind == "resident"
    bookings_services.booking_cancel(
        actor=people["member"], booking=booking, now=booking.start - timedelta(days=3)
    )
    booking.refresh_from_db()
    assert booking.payment_state == PaymentState.REFUNDED
    refund = Sale.objects.get(booking=booking, kind=SaleKind.REFUND)
    assert refund.amount == Decimal("-24.00")
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"booking.create", "booking.pay", "booking.cancel"} <= actions


def test_nothing_to_pay_for_a_free_booking(people, unit):
    booking = bookings_services.booking_create(
        actor=people["staff"],
        unit=unit,
        start=at(DAY, 10),
        end=at(DAY, 12),
        customer=Customer("free", None, "Pro Loco", ""),
        on_behalf=True,
    )
    with pytest.raises(ValidationError, match="Nothing is due"):
        bookings_services.booking_pay(actor=people["staff"], booking=booking, method="on_site")
    assert not Sale.objects.exists()


def test_a_paid_request_refused_is_refunded(people, unit):
    bookings_units.unit_update(actor=None, unit=unit, fields={"approval_required": True})
    booking = book(unit, people["member"], at(DAY, 10), at(DAY, 12))
    bookings_services.booking_pay(actor=people["staff"], booking=booking, method="bank_transfer")
    bookings_services.booking_reject(actor=people["staff"], booking=booking, reason="Full")
    booking.refresh_from_db()
    assert booking.payment_state == PaymentState.REFUNDED
    assert sum(s.amount for s in Sale.objects.filter(booking=booking)) == 0


# --- weekly series ------------------------------------------------------------------------------
def test_series_preview_reports_each_conflict_and_commit_books_the_free_weeks(people, unit):
    first = at(DAY, 18)
    in_the_way = book(
        unit, people["staff"], at(DAY + timedelta(weeks=1), 19), at(DAY + timedelta(weeks=1), 20)
    )
    bookings_units.closed_day_add(
        actor=None, unit=unit, on_date=DAY + timedelta(weeks=2), reason="Festa patronale"
    )
    customer = Customer("resident", None, "Coro", "coro@example.org")
    arguments = {
        "actor": people["resident"],
        "unit": unit,
        "first_start": first,
        "minutes": 120,
        "weeks": 5,
        "customer": customer,
    }
    plan = bookings_series.series_preview(**arguments)
    assert [o.week for o in plan] == [1, 2, 3, 4, 5]
    assert [o.free for o in plan] == [True, False, False, True, True]
    assert "overlaps another booking" in plan[1].problems[0]
    assert "Festa patronale" in plan[2].problems[0]
    assert all(o.price == Decimal("24.00") for o in plan)
    assert not Booking.objects.filter(user=people["resident"]).exists()  # nothing saved

    series, plan = bookings_series.series_create(**arguments, title="Coro")
    booked = Booking.objects.filter(series=series).order_by("start")
    assert booked.count() == 3 and [o.booking is not None for o in plan] == [
        True,
        False,
        False,
        True,
        True,
    ]
    assert all(b.title == "Coro" and b.status == BookingStatus.CONFIRMED for b in booked)
    # Each week at the same local time, whatever the clocks did in between.
    assert {bookings_rules.local(b.start).time() for b in booked} == {time(18)}
    assert in_the_way.pk not in {b.pk for b in booked}
    entry = AuditEntry.objects.get(action="booking_series.create")
    assert entry.changes["booked"]["after"] == 3 and len(entry.changes["not_booked"]["after"]) == 2


def test_a_series_with_no_free_week_books_nothing(people, unit):
    bookings_units.closed_day_add(actor=None, unit=unit, on_date=DAY)
    with pytest.raises(ValidationError, match="No occurrence"):
        bookings_series.series_create(
            actor=people["resident"],
            unit=unit,
            first_start=at(DAY, 10),
            minutes=60,
            weeks=1,
            customer=Customer("resident", None, "R", ""),
        )
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    ("weeks", "minutes", "field"), [(0, 60, "weeks"), (53, 60, "weeks"), (4, 0, "minutes")]
)
def test_series_bounds(people, unit, weeks, minutes, field):
    with pytest.raises(ValidationError) as caught:
        bookings_series.series_preview(
            actor=people["resident"],
            unit=unit,
            first_start=at(DAY, 10),
            minutes=minutes,
            weeks=weeks,
            customer=Customer("resident", None, "R", ""),
        )
    assert caught.value.errors[0].field == field
