"""The booking pages: the public booking page, a unit's availability with the booking form,
series, my bookings, a booking's page with its actions, the staff list, the units' settings,
and the iCalendar feeds parsed back. Query counts asserted where lists grow."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urljoin

import pytest
from django.core.cache import cache
from icalendar import Calendar

from comunitas.commons.bookings import ical, selectors
from comunitas.commons.bookings import services as bookings_services
from comunitas.commons.bookings import units as bookings_units
from comunitas.commons.bookings.customers import Customer
from comunitas.commons.models import BookableUnit, Booking, BookingStatus, PaymentState
from comunitas.core.coops.services import role_revoke
from comunitas.core.models import Role
from tests.commons.bookings.matrix import (
    CLOSED_FORM,
    HOURS_FORM,
    PRICES_FORM,
    UNIT_FORM,
    at,
    book,
    day_ahead,
    make_unit,
)

pytestmark = pytest.mark.django_db
DAY = day_ahead(7)


@pytest.fixture
def private_unit(resource, people):
    return make_unit(resource, people["admin"], name="Ufficio", public_booking=False)


def url(unit, suffix="") -> str:
    return f"/c/alpha/bookings/units/{unit.pk}/{suffix}"


# --- the public booking page and availability ---------------------------------------------------
def test_visitors_see_only_units_open_to_public_booking(client, people, unit, private_unit):
    page = client.get("/c/alpha/bookings/").content.decode()
    assert "Sala prove" in page and "Ufficio" not in page
    assert client.get(url(private_unit)).status_code == 404
    client.force_login(people["resident"])
    page = client.get("/c/alpha/bookings/").content.decode()
    assert "Sala prove" in page and "Ufficio" in page
    assert client.get(url(private_unit)).status_code == 200


def test_availability_shows_busy_times_names_only_to_staff(client, people, unit):
    book(unit, people["member"], at(DAY, 10), at(DAY, 12), title="Prove del coro")
    bookings_units.closed_day_add(
        actor=None, unit=unit, on_date=DAY + timedelta(days=1), reason="Fiera"
    )
    week = f"{url(unit)}?start={DAY.isoformat()}"
    client.force_login(people["resident"])
    page = client.get(week).content.decode()
    assert "10:00\u201312:00" in page and "booked" in page and "Fiera" in page
    assert "Prove del coro" not in page and "member1" not in page
    client.force_login(people["member"])
    assert "your booking" in client.get(week).content.decode()
    client.force_login(people["staff"])
    page = client.get(week).content.decode()
    assert "Prove del coro" in page and "member1" in page
    month = client.get(f"{week}&view=month").content.decode()
    assert "Next month" in month and "Prove del coro" in month


def test_availability_selector_is_three_queries(people, unit, django_assert_num_queries):
    for day in range(1, 6):
        book(unit, people["member"], at(day_ahead(day), 10), at(day_ahead(day), 12))
    # opening hours, closed days, bookings — whatever the number of bookings
    with django_assert_num_queries(3):
        days = selectors.availability(unit=unit, start=day_ahead(1), days=31, with_people=True)
    assert sum(len(d.busy) for d in days) == 5
    assert days[0].busy[0].booker and days[0].open


@pytest.mark.parametrize("n", [2, 12])
def test_availability_page_is_a_constant_number_of_queries(
    client, people, unit, n, django_assert_num_queries
):
    day = day_ahead(1)
    for i in range(n):
        book(unit, people["member"], at(day, 8 + i), at(day, 9 + i))
    client.force_login(people["staff"])
    # session, user, coop, roles; unit with resource, prices, hours, closed days (prefetched);
    # customer kind (membership); availability: hours, closed days, bookings
    with django_assert_num_queries(12):
        response = client.get(f"{url(unit)}?start={day_ahead(1).isoformat()}")
    assert response.content.decode().count("member1") == n


# --- booking through the pages ------------------------------------------------------------------
def test_a_resident_books_and_finds_it_in_my_bookings(client, people, unit):
    client.force_login(people["resident"])
    form = {"day": DAY.isoformat(), "start_time": "18:00", "end_time": "20:00", "title": "Prove"}
    response = client.post(url(unit, "book/"), form)
    booking = Booking.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{booking.pk}/")
    assert booking.status == BookingStatus.CONFIRMED and booking.price == Decimal("24.00")
    mine = client.get("/c/alpha/bookings/mine/").content.decode()
    assert "Prove" in mine and "Sala prove" in mine
    # The same time again: the form says why, nothing saved.
    page = client.post(url(unit, "book/"), form).content.decode()
    assert "overlaps another booking" in page and Booking.objects.count() == 1
    # The page shows the week of the day asked for, and its links lead to the calendar's page,
    # not back to the address the form was sent to (which takes no GET).
    assert f"?view=week&amp;start={DAY - timedelta(days=DAY.weekday()) - timedelta(days=7)}" in page
    for link in re.findall(r'href="([^"]*start=[^"]*)"', page):
        followed = urljoin(url(unit, "book/"), link.replace("&amp;", "&"))  # as a browser does
        assert client.get(followed).status_code == 200, link


def test_bad_times_come_back_on_the_form(client, people, unit):
    client.force_login(people["resident"])
    form = {"day": DAY.isoformat(), "start_time": "06:00", "end_time": "07:00"}
    page = client.post(url(unit, "book/"), form).content.decode()
    assert "Outside the opening hours" in page and not Booking.objects.exists()


def test_a_visitor_requests_with_name_and_email_and_is_throttled(client, people, unit, settings):
    form = {
        "day": DAY.isoformat(),
        "start_time": "10:00",
        "end_time": "11:00",
        "name": "Vera",
        "email": "vera@example.org",
    }
    response = client.post(url(unit, "book/"), form)
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.status == BookingStatus.REQUESTED and booking.customer_kind == "public"
    assert booking.booker_email == "vera@example.org" and booking.user is None
    page = client.post(url(unit, "book/"), {**form, "email": ""}).content.decode()
    assert "This field is required" in page
    for hour in range(11, 21):
        client.post(
            url(unit, "book/"), {**form, "start_time": f"{hour}:00", "end_time": f"{hour + 1}:00"}
        )
    page = client.post(url(unit, "book/"), {**form, "start_time": "21:00", "end_time": "22:00"})
    assert "Too many booking requests" in page.content.decode()
    assert Booking.objects.count() == 10
    cache.clear()


def test_my_bookings_asks_visitors_to_log_in(client, people):
    page = client.get("/c/alpha/bookings/mine/").content.decode()
    assert "Log in" in page and "to see and cancel your bookings" in page


def test_another_persons_booking_is_not_found(client, people, unit):
    booking = book(unit, people["member"], at(DAY, 10), at(DAY, 12))
    client.force_login(people["resident"])
    assert client.get(f"/c/alpha/bookings/{booking.pk}/").status_code == 404
    assert client.post(f"/c/alpha/bookings/{booking.pk}/cancel/").status_code == 404
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_cancel_from_my_bookings_and_late_refusal(client, people, unit):
    soon = timedelta(hours=24)
    bookings_units.unit_update(actor=None, unit=unit, fields={"free_cancel_hours": 48})
    early = book(unit, people["member"], at(DAY, 10), at(DAY, 12))
    tomorrow = day_ahead(1)
    late = book(unit, people["member"], at(tomorrow, 20), at(tomorrow, 21))
    assert late.start - soon < late.start
    client.force_login(people["member"])
    response = client.post(f"/c/alpha/bookings/{early.pk}/cancel/", {"next": "mine"})
    assert response.status_code == 302 and response["Location"] == "/c/alpha/bookings/mine/"
    early.refresh_from_db()
    assert early.status == BookingStatus.CANCELLED
    page = client.post(f"/c/alpha/bookings/{late.pk}/cancel/").content.decode()
    assert "until 48 hours before the start" in page
    late.refresh_from_db()
    assert late.status == BookingStatus.CONFIRMED


def test_staff_approve_refuse_and_record_payment(client, people, unit):
    bookings_units.unit_update(actor=None, unit=unit, fields={"approval_required": True})
    first = book(unit, people["member"], at(DAY, 10), at(DAY, 12))
    second = book(unit, people["resident"], at(DAY, 14), at(DAY, 16))
    client.force_login(people["staff"])
    page = client.get(f"/c/alpha/bookings/{first.pk}/").content.decode()
    assert "Approve or refuse" in page and "Record the payment" in page
    client.post(f"/c/alpha/bookings/{first.pk}/decide/", {"decision": "approve"})
    page = client.post(f"/c/alpha/bookings/{second.pk}/decide/", {"decision": "reject"})
    assert "Say why the booking is refused" in page.content.decode()
    client.post(f"/c/alpha/bookings/{second.pk}/decide/", {"decision": "reject", "reason": "Full"})
    client.post(f"/c/alpha/bookings/{first.pk}/pay/", {"method": "on_site"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == BookingStatus.CONFIRMED and first.payment_state == PaymentState.PAID
    assert second.status == BookingStatus.REJECTED and second.reason == "Full"


@pytest.mark.parametrize("n", [3, 15])
def test_staff_list_filters_with_constant_queries(
    client, people, unit, private_unit, n, django_assert_num_queries
):
    for i in range(n):
        day = day_ahead(1 + i)
        book(unit, people["member"], at(day, 10), at(day, 11))
    book(private_unit, people["member"], at(DAY, 10), at(DAY, 11))
    client.force_login(people["staff"])
    # session, user, coop, roles; the unit filtered on, the filter's options; count, bookings
    # with unit, resource and login
    with django_assert_num_queries(8):
        page = client.get(f"/c/alpha/bookings/manage/?unit={unit.pk}").content.decode()
    assert page.count("Sala prove <span") == n and "Ufficio <span" not in page
    assert f"{n} bookings" in page
    last = day_ahead(2).isoformat()
    page = client.get(
        f"/c/alpha/bookings/manage/?date_from={day_ahead(1)}&date_to={last}&status=confirmed"
    )
    assert "2 bookings" in page.content.decode()


# --- weekly series ------------------------------------------------------------------------------
def test_series_page_previews_then_books_and_reports_conflicts(client, people, unit):
    next_week = DAY + timedelta(weeks=1)
    book(unit, people["staff"], at(next_week, 18), at(next_week, 19))
    client.force_login(people["resident"])
    form = {"day": DAY.isoformat(), "start_time": "18:00", "end_time": "20:00", "weeks": "3"}
    page = client.post(url(unit, "series/"), {**form, "step": "preview"}).content.decode()
    assert "2 of 3 weeks free" in page and "overlaps another booking" in page
    assert "Book the 2 free weeks" in page
    assert Booking.objects.filter(user=people["resident"]).count() == 0
    response = client.post(url(unit, "series/"), {**form, "step": "commit"}, follow=True)
    page = response.content.decode()
    assert "2 weeks booked" in page and "Week 2" in page and "not booked" in page
    assert Booking.objects.filter(user=people["resident"], series__isnull=False).count() == 2


# --- units --------------------------------------------------------------------------------------
def test_staff_add_a_unit_from_the_resource_page_and_set_it_up(client, people, resource):
    client.force_login(people["staff"])
    page = client.get(f"/c/alpha/commons/{resource.pk}/").content.decode()
    assert "Add a bookable unit" in page
    response = client.post(f"/c/alpha/commons/{resource.pk}/units/new/", {"name": "Saletta"})
    unit = BookableUnit.objects.get()
    assert response["Location"] == url(unit, "settings/")
    assert unit.slot_minutes == 30 and unit.min_minutes == 60  # the usual values
    client.post(url(unit, "hours/"), HOURS_FORM)
    client.post(url(unit, "prices/"), PRICES_FORM)
    client.post(url(unit, "closed-days/"), CLOSED_FORM)
    client.post(url(unit, "settings/"), UNIT_FORM)
    unit.refresh_from_db()
    assert unit.hours.count() == 10 and unit.name == "Sala grande" and unit.public_booking
    assert {p.customer_kind: p.hourly for p in unit.prices.all()} == {
        "member": Decimal("8.00"),
        "resident": Decimal("10.00"),
        "public": Decimal("15.00"),
    }
    assert unit.closed_days.get().reason == "Festa patronale"
    page = client.get(url(unit, "settings/")).content.decode()
    assert "09:00-13:00, 14:00-18:00" in page and "Festa patronale" in page
    assert "Saletta" not in client.get(f"/c/alpha/commons/{resource.pk}/").content.decode()


def test_unit_forms_show_errors(client, people, unit):
    client.force_login(people["staff"])
    page = client.post(url(unit, "hours/"), {"hours-day_0": "9-13"}).content.decode()
    assert "Write intervals as 09:00-13:00" in page
    page = client.post(url(unit, "hours/"), {"hours-day_0": "09:00-13:00, 12:00-14:00"})
    assert "two intervals overlap" in page.content.decode()
    page = client.post(url(unit, "prices/"), {"price-member": "-3"}).content.decode()
    assert "greater than or equal to 0" in page
    page = client.post(url(unit, "settings/"), {**UNIT_FORM, "min_minutes": "45"})
    assert "multiple of the slot" in page.content.decode()
    assert unit.hours.count() == 7 and unit.prices.count() == 4


# --- iCalendar feeds ----------------------------------------------------------------------------
def _events(response):
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content).walk("VEVENT")


def test_unit_feed_busy_only_and_staff_feed_with_names(client, people, unit):
    booking = book(unit, people["member"], at(DAY, 10), at(DAY, 12), title="Prove del coro")
    events = _events(client.get(f"/ical/units/{unit.pk}/{ical.unit_token(unit)}.ics"))
    assert len(events) == 1
    assert str(events[0]["SUMMARY"]) == "Busy" and "DESCRIPTION" not in events[0]
    assert events[0].decoded("DTSTART") == booking.start
    assert events[0].decoded("DTEND") == booking.end
    assert client.get(f"/ical/units/{unit.pk}/{'0' * 32}.ics").status_code == 404
    staff = people["staff"]
    address = f"/ical/units/{unit.pk}/staff/{staff.pk}/{ical.staff_token(staff, unit)}.ics"
    events = _events(client.get(address))
    assert "Prove del coro" in str(events[0]["SUMMARY"])
    assert "member1@example.org" in str(events[0]["DESCRIPTION"])
    # A member of staff who leaves loses the feed.
    role_revoke(actor=people["admin"], role=Role.objects.get(user=staff, coop=people["coop"]))
    assert client.get(address).status_code == 404


def test_booker_feed_and_one_booking(client, people, unit):
    mine = book(unit, people["member"], at(DAY, 10), at(DAY, 12), title="Prove")
    cancelled = book(unit, people["member"], at(DAY, 14), at(DAY, 15))
    bookings_services.booking_cancel(actor=people["member"], booking=cancelled)
    book(unit, people["resident"], at(DAY, 16), at(DAY, 17))
    member = people["member"]
    token = ical.booker_token(member, people["coop"])
    events = _events(client.get(f"/ical/bookers/alpha/{member.pk}/{token}.ics"))
    assert [str(e["STATUS"]) for e in events] == ["CONFIRMED", "CANCELLED"]
    assert "Prove" in str(events[0]["SUMMARY"]) and "Sala prove" in str(events[0]["SUMMARY"])
    assert client.get(f"/ical/bookers/alpha/{member.pk}/{token[:-1]}x.ics").status_code == 404
    # The resident's token does not open the member's feed.
    other = ical.booker_token(people["resident"], people["coop"])
    assert client.get(f"/ical/bookers/alpha/{member.pk}/{other}.ics").status_code == 404
    # A password change revokes it.
    member.set_password("another-long-password-2")
    member.save()
    assert client.get(f"/ical/bookers/alpha/{member.pk}/{token}.ics").status_code == 404
    events = _events(client.get(f"/ical/booking/{mine.ical_token}.ics"))
    assert len(events) == 1 and events[0].decoded("DTSTART") == mine.start


def test_visitor_request_feed_link_and_customer_price(client, people, unit):
    booking = bookings_services.booking_create(
        actor=None,
        unit=unit,
        start=at(DAY, 10),
        end=at(DAY, 11),
        customer=Customer("public", None, "Vera", "vera@example.org"),
    )
    assert booking.status == BookingStatus.REQUESTED
    events = _events(client.get(f"/ical/booking/{booking.ical_token}.ics"))
    assert str(events[0]["STATUS"]) == "TENTATIVE"
    assert client.get("/ical/booking/short.ics").status_code == 404


@pytest.mark.parametrize("n", [2, 10])
def test_my_bookings_and_the_booking_page_are_constant_queries(
    client, people, resource, n, django_assert_num_queries
):
    for i in range(n):
        unit = make_unit(resource, people["admin"], name=f"Sala {i}")
        book(unit, people["member"], at(DAY, 10), at(DAY, 12))
    client.force_login(people["member"])
    # session, user, coop, roles; count, bookings with unit and resource
    with django_assert_num_queries(6):
        page = client.get("/c/alpha/bookings/mine/").content.decode()
    assert page.count('class="danger"') == n
    # session, user, coop, roles; the units with resource, then their prices
    with django_assert_num_queries(6):
        page = client.get("/c/alpha/bookings/").content.decode()
    assert page.count("12,00") + page.count("12.00") >= n


def test_a_booking_to_pay_says_how_to_pay(client, people, unit):
    booking = book(unit, people["member"], at(DAY, 18), at(DAY, 20))
    client.force_login(people["member"])
    page = client.get(f"/c/alpha/bookings/{booking.pk}/").content.decode()
    assert "How to pay" in page and "has not written how to pay yet" in page
    client.force_login(people["admin"])
    how = "At the desk, on the day, or by bank transfer to IT60X0542811101000000123456."
    response = client.patch(
        "/api/v1/coops/alpha", {"payment_instructions": how}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["payment_instructions"] == how
    client.force_login(people["member"])
    assert how in client.get(f"/c/alpha/bookings/{booking.pk}/").content.decode()


def test_day_and_month_names_are_lower_case_in_italian(client, people, unit):
    """Italian writes "lunedì 7 dicembre"; English keeps its capitals."""
    booking = book(unit, people["member"], at(DAY, 18), at(DAY, 20))
    client.force_login(people["member"])
    client.cookies["django_language"] = "it"
    page = client.get(f"/c/alpha/bookings/{booking.pk}/").content.decode()
    weekday = ["lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"]
    month = ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto"]
    month += ["settembre", "ottobre", "novembre", "dicembre"]
    named = f"{weekday[DAY.weekday()]} {DAY.day} {month[DAY.month - 1]} {DAY.year}"
    assert named in page and named.capitalize() not in page
    calendar = client.get(f"{url(unit)}?start={DAY.isoformat()}").content.decode()
    assert f"{weekday[DAY.weekday()][:3]} {DAY.day} " in calendar
    client.cookies["django_language"] = "en"
    english = client.get(f"/c/alpha/bookings/{booking.pk}/").content.decode()
    assert DAY.strftime("%A") in english and DAY.strftime("%B") in english
