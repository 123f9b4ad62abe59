"""Sales list and use statistics of the commons, against figures computed by hand.

The rows are made directly with the ORM (bookings, events, orders, tickets, sales), as the
booking and ticketing services would leave them."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time
from decimal import Decimal

import pytest

from comunitas.commons.local_time import ROME
from comunitas.commons.models import (
    BookableUnit,
    Booking,
    ClosedDay,
    Event,
    OpeningHours,
    Order,
    OrderLine,
    Sale,
    Service,
    Ticket,
)
from comunitas.commons.stats import selectors as stats
from tests.helpers import make_resource

D = Decimal
codes = itertools.count(1)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), ROME)


def unit_with_hours(resource, name: str, hours: dict[int, list[tuple[int, int]]]) -> BookableUnit:
    unit = BookableUnit.objects.create(resource=resource, name=name)
    for weekday, spans in hours.items():
        for opens, closes in spans:
            OpeningHours.objects.create(
                unit=unit, weekday=weekday, opens=time(opens), closes=time(closes)
            )
    return unit


def book(unit, start: datetime, end: datetime, status="confirmed", kind="member", price="0"):
    return Booking.objects.create(
        coop=unit.resource.coop,
        unit=unit,
        start=start,
        end=end,
        status=status,
        booker_name="Someone",
        customer_kind=kind,
        price=D(price),
        payment_state="paid",
        payment_method="on_site",
    )


def event(service, starts: datetime, seats: int, cancelled: bool = False) -> Event:
    return Event.objects.create(
        service=service, starts_at=starts, seats=seats, is_cancelled=cancelled
    )


def order_line(service, *, ev=None, quantity=1, price="10.00", kind="public", coop=None):
    coop = coop or service.coop
    amount = D(price) * quantity
    order = Order.objects.create(
        coop=coop,
        code=f"ORD{next(codes):05d}",
        customer_name="Buyer",
        customer_kind=kind,
        total=amount,
        payment_state="paid",
        payment_method="on_site",
    )
    return OrderLine.objects.create(
        order=order,
        service=service,
        event=ev,
        quantity=quantity,
        unit_price=D(price),
        amount=amount,
    )


def tickets(line, n: int, checked_in: int = 0, void: int = 0) -> None:
    for i in range(n):
        Ticket.objects.create(
            line=line,
            event=line.event,
            code=f"T{next(codes):07d}",
            is_void=i < void,
            checked_in_at=at(line.event.starts_at.date(), 20)
            if void <= i < void + checked_in
            else None,
        )


def sale(*, on: date, amount: str, booking=None, line=None, kind="sale", customer="member"):
    resource = booking.unit.resource if booking else line.service.resource
    return Sale.objects.create(
        coop=resource.coop,
        kind=kind,
        on_date=on,
        amount=D(amount),
        resource=resource,
        service=line.service if line else None,
        booking=booking,
        order_line=line,
        customer_kind=customer,
        quantity=(line.quantity if line else 1) * (-1 if kind == "refund" else 1),
        payment_method="on_site",
    )


@pytest.fixture
def year_2025(people):
    return make_year_2025(people)


def make_year_2025(people):
    """A cinema with a bookable room and screenings, catacombs with tours, in 2025."""
    coop = people["coop"]
    cinema = make_resource(coop, people["admin"], name="Cinema")
    catacombs = make_resource(coop, people["admin"], name="Catacombs")
    # Room A: Monday 9-13 and 14-18 (8 h), Wednesday 10-12 (2 h).
    room = unit_with_hours(cinema, "Room A", {0: [(9, 13), (14, 18)], 2: [(10, 12)]})
    hall = unit_with_hours(cinema, "Hall", {})  # never open
    ClosedDay.objects.create(unit=room, on_date=date(2025, 3, 10))  # a Monday: 8 h less
    ClosedDay.objects.create(unit=room, on_date=date(2025, 3, 2))  # a Sunday: nothing less
    ClosedDay.objects.create(unit=room, on_date=date(2024, 3, 4))  # another year
    paid = book(room, at(date(2025, 3, 3), 9), at(date(2025, 3, 3), 13), price="40.00")
    refunded = book(
        room, at(date(2025, 3, 5), 10), at(date(2025, 3, 5), 11, 30), kind="resident", price="15"
    )
    # Counted in April: 1 April 00:30 in Rome is still 31 March in UTC.
    book(room, at(date(2025, 4, 1), 0, 30), at(date(2025, 4, 1), 1, 30))
    book(room, at(date(2025, 3, 17), 9), at(date(2025, 3, 17), 13), status="requested")
    book(room, at(date(2025, 3, 24), 9), at(date(2025, 3, 24), 13), status="cancelled")
    book(room, at(date(2024, 12, 30), 9), at(date(2024, 12, 30), 13))  # last year
    book(hall, at(date(2025, 3, 4), 9), at(date(2025, 3, 4), 10))  # booked but never open

    screening = Service.objects.create(
        coop=coop, resource=cinema, name="Screening", kind="screening"
    )
    tour = Service.objects.create(coop=coop, resource=catacombs, name="Tour", kind="tour")
    march = event(screening, at(date(2025, 3, 8), 21), 100)
    may = event(screening, at(date(2025, 5, 10), 21), 50)
    dropped = event(screening, at(date(2025, 6, 7), 21), 30, cancelled=True)
    old = event(screening, at(date(2024, 11, 9), 21), 80)
    walk = event(tour, at(date(2025, 3, 20), 10), 20)

    public_tickets = order_line(screening, ev=march, quantity=3, price="7.50")
    tickets(public_tickets, 4, checked_in=1, void=1)  # 3 valid, 1 in
    members_tickets = order_line(screening, ev=may, quantity=2, price="5.00", kind="member")
    tickets(members_tickets, 2, checked_in=2)
    tickets(order_line(screening, ev=dropped, quantity=1), 1, void=1)
    tickets(order_line(screening, ev=old, quantity=5), 5, checked_in=5)
    group = order_line(tour, ev=walk, quantity=4, price="10.00", kind="association")
    tickets(group, 4)

    sale(on=date(2025, 3, 3), amount="40.00", booking=paid)
    sale(on=date(2025, 3, 5), amount="15.00", booking=refunded, customer="resident")
    sale(on=date(2025, 4, 2), amount="-15.00", booking=refunded, kind="refund", customer="resident")
    sale(on=date(2025, 3, 1), amount="22.50", line=public_tickets, customer="public")
    sale(on=date(2025, 5, 1), amount="10.00", line=members_tickets)
    sale(on=date(2025, 3, 15), amount="40.00", line=group, customer="association")
    sale(
        on=date(2024, 11, 1),
        amount="25.00",
        line=order_line(screening, ev=old, quantity=5, price="5"),
    )
    # Another cooperative's sales never show.
    other = make_resource(people["other"], people["stranger"], name="Elsewhere")
    elsewhere = unit_with_hours(other, "Their room", {0: [(9, 18)]})
    sale(
        on=date(2025, 3, 3),
        amount="99.00",
        booking=book(elsewhere, at(date(2025, 3, 3), 9), at(date(2025, 3, 3), 12), price="99"),
    )
    return {
        "cinema": cinema,
        "catacombs": catacombs,
        "room": room,
        "hall": hall,
        "screening": screening,
        "tour": tour,
    }


# --- occupancy ----------------------------------------------------------------------------------
def test_open_hours_follow_weekdays_and_closed_days(year_2025):
    units = stats.unit_use(coop=year_2025["cinema"].coop, year=2025)
    assert [u.unit for u in units] == ["Hall", "Room A"]
    room = units[1]
    months = {m.month: m for m in room.months}
    # February 2025: 4 Mondays (32 h) and 4 Wednesdays (8 h).
    assert months[2].open_hours == D("40.00") and months[2].booked_hours == 0
    # March 2025: 5 Mondays, one closed (32 h), 4 Wednesdays (8 h); a closed Sunday: no change.
    assert months[3].open_hours == D("40.00")
    # Confirmed only: 4 h on 3 March and 1.5 h on 5 March.
    assert months[3].booked_hours == D("5.50")
    assert months[3].occupancy == D("13.8")  # 13.75 % to one decimal, half to even
    # April 2025: 4 Mondays (32 h), 5 Wednesdays (10 h); the booking at 00:30 in Rome counts here.
    assert (months[4].open_hours, months[4].booked_hours) == (D("42.00"), D("1.00"))
    assert months[4].occupancy == D("2.4")
    assert months[1].booked_hours == 0 and months[12].occupancy == D("0.0")
    # The year: 52 Mondays of 8 h less one closed Monday, 53 Wednesdays of 2 h.
    assert room.open_hours == D(51 * 8 + 53 * 2)
    assert room.booked_hours == D("6.50")
    hall = units[0]
    assert hall.open_hours == 0 and hall.booked_hours == D("1.00") and hall.occupancy is None


def test_occupancy_of_one_resource_only(year_2025, people):
    units = stats.unit_use(coop=people["coop"], year=2025, resource=year_2025["catacombs"].pk)
    assert units == []


# --- tickets ------------------------------------------------------------------------------------
def test_tickets_and_visitors_per_service_and_month(year_2025, people):
    rows = stats.tickets_by_service(coop=people["coop"], year=2025)
    assert rows == [
        {
            "service_id": year_2025["screening"].pk,
            "service": "Screening",
            "events": 2,  # the cancelled one and last year's are not counted
            "seats": 150,
            "sold": 5,  # 3 valid of 4 in March, 2 in May
            "checked_in": 3,
            "fill": D("3.3"),
        },
        {
            "service_id": year_2025["tour"].pk,
            "service": "Tour",
            "events": 1,
            "seats": 20,
            "sold": 4,
            "checked_in": 0,
            "fill": D("20.0"),
        },
    ]
    months = stats.tickets_by_month(coop=people["coop"], year=2025)
    assert months[2] == {"month": 3, "sold": 7, "checked_in": 1}
    assert months[4] == {"month": 5, "sold": 2, "checked_in": 2}
    assert sum(m["sold"] for m in months) == 9
    only_tours = stats.tickets_by_service(
        coop=people["coop"], year=2025, resource=year_2025["catacombs"].pk
    )
    assert [r["service"] for r in only_tours] == ["Tour"]


# --- revenue ------------------------------------------------------------------------------------
def test_revenue_by_service_resource_kind_and_month_with_refunds_netted(year_2025, people):
    coop = people["coop"]
    by_service = {r["name"]: r for r in stats.revenue_by_service(coop=coop, year=2025)}
    assert by_service[None]["net"] == D("40.00")  # bookings: 40 + 15 - 15
    assert (by_service[None]["sales"], by_service[None]["refunds"]) == (D("55.00"), D("-15.00"))
    assert by_service["Screening"]["net"] == D("32.50") and by_service["Tour"]["net"] == D("40.00")
    assert by_service["Screening"]["quantity"] == 5
    by_resource = {r["name"]: r["net"] for r in stats.revenue_by_resource(coop=coop, year=2025)}
    assert by_resource == {"Cinema": D("72.50"), "Catacombs": D("40.00")}
    by_kind = {
        r["customer_kind"]: r["net"] for r in stats.revenue_by_customer_kind(coop=coop, year=2025)
    }
    assert by_kind == {
        "member": D("50.00"),
        "association": D("40.00"),
        "public": D("22.50"),
        "resident": D("0.00"),
    }
    months = stats.revenue_by_month(coop=coop, year=2025)
    assert [m["net"] for m in months] == [
        D("0"), D("0"), D("117.50"), D("-15.00"), D("10.00"), *[D("0")] * 7
    ]  # fmt: skip
    assert all(isinstance(m["net"], Decimal) for m in months)
    full = stats.commons_stats(coop=coop, year=2025)
    assert full.revenue == {
        "net": D("112.50"),
        "sales": D("127.50"),
        "refunds": D("-15.00"),
        "quantity": 10,  # 1 + 1 - 1 booking, 3 + 2 + 4 tickets
    }
    assert (full.tickets_sold, full.visitors) == (9, 3)
    one = stats.commons_stats(coop=coop, year=2025, resource=year_2025["catacombs"])
    assert one.revenue["net"] == D("40.00") and one.units == []


def test_stats_are_a_constant_number_of_queries(year_2025, people, django_assert_num_queries):
    coop = people["coop"]
    # units, their hours, their closed days, booked time; events, tickets per service, tickets
    # per month; revenue per month, service, resource and customer kind.
    with django_assert_num_queries(11):
        stats.commons_stats(coop=coop, year=2025)
    room = year_2025["room"]
    for week in range(20):
        day = date(2025, 6, 2) + (date(2025, 6, 9) - date(2025, 6, 2)) * week
        sale(on=day, amount="8.00", booking=book(room, at(day, 9), at(day, 10), price="8"))
        unit_with_hours(year_2025["cinema"], f"Extra {week}", {1: [(8, 9)]})
    with django_assert_num_queries(11):
        data = stats.commons_stats(coop=coop, year=2025)
    assert data.revenue["net"] == D("272.50") and len(data.units) == 22


# --- sales --------------------------------------------------------------------------------------
def test_sale_filters_and_totals(year_2025, people):
    coop = people["coop"]
    every = stats.sale_list(coop=coop, filters=stats.SaleFilters())
    assert every.count() == 7
    assert [s.on_date for s in every][:2] == [date(2025, 5, 1), date(2025, 4, 2)]
    year = stats.SaleFilters(year=2025)
    assert stats.sale_totals(coop=coop, filters=year) == {
        "count": 6,
        "sales": D("127.50"),
        "refunds": D("-15.00"),
        "net": D("112.50"),
    }
    march = stats.SaleFilters(date_from=date(2025, 3, 1), date_to=date(2025, 3, 5))
    assert stats.sale_totals(coop=coop, filters=march)["net"] == D("77.50")  # to the 5th included
    assert stats.sale_totals(
        coop=coop, filters=stats.SaleFilters(resource=year_2025["catacombs"].pk)
    )["net"] == D("40.00")
    assert stats.sale_totals(
        coop=coop, filters=stats.SaleFilters(service=year_2025["screening"].pk)
    )["net"] == D("57.50")
    assert (
        stats.sale_totals(coop=coop, filters=stats.SaleFilters(customer_kind="resident"))["count"]
        == 2
    )
    refunds = stats.SaleFilters(kind="refund")
    assert stats.sale_totals(coop=coop, filters=refunds)["net"] == D("-15.00")
