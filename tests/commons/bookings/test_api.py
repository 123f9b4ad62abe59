"""The bookings API: units with hours, closed days and prices; availability (lean, constant
queries); bookings, series, approve, reject, cancel, pay; errors in the one 422 shape."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from comunitas.commons.bookings import units as bookings_units
from comunitas.commons.models import BookableUnit, Booking, BookingStatus, Sale
from tests.commons.bookings.matrix import API_SERIES, at, book, day_ahead, make_unit

pytestmark = pytest.mark.django_db
A = "/api/v1/coops/alpha"
DAY = day_ahead(7)


def send(client, method: str, url: str, body: dict | None = None):
    return getattr(client, method)(url, json.dumps(body or {}), content_type="application/json")


def errors(response) -> dict:
    assert response.status_code == 422, response.content
    body = response.json()
    assert set(body) == {"detail", "errors"}
    return {e["field"]: e["message"] for e in body["errors"]}


def test_staff_set_up_a_unit(client, people, resource):
    client.force_login(people["staff"])
    created = send(client, "post", f"{A}/commons/{resource.pk}/units", {"name": "Saletta"})
    assert created.status_code == 201, created.content
    unit_url = f"{A}/units/{created.json()['id']}"
    assert created.json()["slot_minutes"] == 30 and created.json()["prices"] == []
    hours = send(
        client,
        "put",
        f"{unit_url}/hours",
        {
            "intervals": [
                {"weekday": 0, "opens": "09:00", "closes": "13:00"},
                {"weekday": 0, "opens": "14:00", "closes": "18:00"},
            ]
        },
    )
    assert [h["opens"] for h in hours.json()["hours"]] == ["09:00", "14:00"]
    prices = send(
        client,
        "put",
        f"{unit_url}/prices",
        {
            "prices": [
                {"customer_kind": "member", "hourly": 7.5},
                {"customer_kind": "free", "hourly": 0},
            ]
        },
    )
    assert prices.json()["prices"] == [
        {"customer_kind": "free", "hourly": "0.00"},
        {"customer_kind": "member", "hourly": "7.50"},
    ]
    closed = send(
        client, "post", f"{unit_url}/closed-days", {"on_date": DAY.isoformat(), "reason": "Fiera"}
    )
    assert closed.status_code == 201
    assert client.get(unit_url).json()["closed_days"][0]["reason"] == "Fiera"
    assert client.delete(f"{unit_url}/closed-days/{closed.json()['id']}").status_code == 204
    patched = send(client, "patch", unit_url, {"approval_required": True, "capacity": 20})
    assert patched.json()["approval_required"] and patched.json()["capacity"] == 20


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("patch", "", {"min_minutes": 45}, "min_minutes"),
        ("patch", "", {"capacity": -2}, "capacity"),
        ("patch", "", {"max_minutes": 2**40}, "max_minutes"),
        (
            "put",
            "/prices",
            {"prices": [{"customer_kind": "member", "hourly": "-1"}]},
            "prices.member",
        ),
        (
            "put",
            "/prices",
            {
                "prices": [
                    {"customer_kind": "member", "hourly": 1},
                    {"customer_kind": "member", "hourly": 2},
                ]
            },
            "prices",
        ),
        (
            "put",
            "/hours",
            {"intervals": [{"weekday": 1, "opens": "13:00", "closes": "09:00"}]},
            "hours",
        ),
        (
            "put",
            "/hours",
            {"intervals": [{"weekday": 9, "opens": "09:00", "closes": "13:00"}]},
            "intervals.0.weekday",
        ),
        ("post", "/closed-days", {"on_date": "1800-01-01"}, "on_date"),
        ("patch", "", {"colour": "red"}, "colour"),
        ("patch", "", {"slot_minutes": None}, "slot_minutes"),
        ("patch", "", {"is_active": None}, "is_active"),
        ("patch", "", {"name": None}, "name"),
    ],
)
def test_bad_unit_input_is_a_422(client, people, unit, method, path, body, field):
    client.force_login(people["staff"])
    found = errors(send(client, method, f"{A}/units/{unit.pk}{path}", body))
    assert field in found, found
    unit.refresh_from_db()
    assert unit.min_minutes == 60 and unit.prices.count() == 4 and unit.hours.count() == 7


def test_visitors_list_only_public_units(client, people, unit, resource):
    hidden = make_unit(resource, people["admin"], name="Ufficio", public_booking=False)
    names = [u["name"] for u in client.get(f"{A}/units").json()["items"]]
    assert names == ["Sala prove"]
    assert client.get(f"{A}/units/{hidden.pk}").status_code == 404
    assert client.get(f"{A}/units/{hidden.pk}/availability").status_code == 404
    client.force_login(people["resident"])
    assert len(client.get(f"{A}/units").json()["items"]) == 2


def test_availability_shape_and_who_sees_names(client, people, unit):
    book(unit, people["member"], at(DAY, 10), at(DAY, 12), title="Coro")
    query = f"{A}/units/{unit.pk}/availability?start={DAY.isoformat()}&days=2"
    client.force_login(people["resident"])
    body = client.get(query).json()
    assert body["timezone"] == "Europe/Rome" and len(body["days"]) == 2
    first = body["days"][0]
    assert first["open"] == [
        {
            "start": f"{DAY.isoformat()}T08:00:00+0{_offset(DAY)}:00",
            "end": f"{DAY.isoformat()}T22:00:00+0{_offset(DAY)}:00",
        }
    ]
    busy = first["busy"][0]
    assert busy["booker"] is None and busy["title"] is None and busy["booking_id"] is None
    assert busy["mine"] is False and body["days"][1]["busy"] == []
    client.force_login(people["member"])
    assert client.get(query).json()["days"][0]["busy"][0]["mine"] is True
    client.force_login(people["staff"])
    busy = client.get(query).json()["days"][0]["busy"][0]
    assert busy["booker"] == "member1" and busy["title"] == "Coro"


def _offset(day) -> int:
    return int(at(day, 12).utcoffset().total_seconds() // 3600)


@pytest.mark.parametrize("query", ["days=0", "days=63", "start=1999-12-31", "start=nope"])
def test_availability_bad_query(client, people, unit, query):
    response = client.get(f"{A}/units/{unit.pk}/availability?{query}")
    assert response.status_code == 422 and set(response.json()) == {"detail", "errors"}


@pytest.mark.parametrize("n", [1, 20])
def test_availability_is_a_constant_number_of_queries(
    client, people, unit, n, django_assert_num_queries
):
    for i in range(n):
        day = day_ahead(1 + i % 10)
        hour = 8 + 2 * (i // 10)
        book(unit, people["member"], at(day, hour), at(day, hour + 1))
    # anonymous visitor of a public coop: the unit's version for the cache (a miss), then coop,
    # unit, hours, closed days, bookings
    with django_assert_num_queries(6):
        body = client.get(f"{A}/units/{unit.pk}/availability?start={day_ahead(1)}&days=31").json()
    assert sum(len(d["busy"]) for d in body["days"]) == n


def test_a_cached_availability_never_hides_a_change(
    client, people, unit, django_assert_num_queries
):
    """Visitors share a cached answer, kept under the unit's version: a booking, a closed day
    or new hours made since are shown at once."""
    url = f"{A}/units/{unit.pk}/availability?start={DAY}&days=1"
    assert client.get(url).json()["days"][0]["busy"] == []
    with django_assert_num_queries(1):  # the unit's version and its coop's; the rest is cached
        assert client.get(url).json()["days"][0]["busy"] == []
    book(unit, people["member"], at(DAY, 10), at(DAY, 12))
    assert len(client.get(url).json()["days"][0]["busy"]) == 1
    bookings_units.closed_day_add(actor=people["admin"], unit=unit, on_date=DAY, reason="Lavori")
    assert client.get(url).json()["days"][0]["closed"] is True
    # What the cache holds is never shown to a visitor who may no longer see it.
    type(people["coop"]).objects.filter(pk=people["coop"].pk).update(is_public=False)
    assert client.get(url).status_code == 404
    type(people["coop"]).objects.filter(pk=people["coop"].pk).update(is_public=True)
    bookings_units.unit_update(actor=people["admin"], unit=unit, fields={"public_booking": False})
    assert client.get(url).status_code == 404


def test_booking_lifecycle(client, people, unit):
    client.force_login(people["member"])
    created = send(
        client,
        "post",
        f"{A}/units/{unit.pk}/bookings",
        {"start": f"{DAY}T10:00:00", "end": f"{DAY}T12:30:00", "title": "Coro"},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "confirmed" and body["price"] == "30.00"
    assert body["customer_kind"] == "resident" and body["unit_name"] == "Sala prove"
    other = book(unit, people["resident"], at(DAY, 14), at(DAY, 15))
    mine = client.get(f"{A}/bookings").json()["items"]
    assert [b["id"] for b in mine] == [body["id"]]
    assert client.get(f"{A}/bookings/{other.pk}").status_code == 404
    assert send(client, "post", f"{A}/bookings/{other.pk}/cancel").status_code == 404
    client.force_login(people["staff"])
    assert len(client.get(f"{A}/bookings").json()["items"]) == 2
    assert (
        len(
            client.get(
                f"{A}/bookings?status=confirmed&unit_id={unit.pk}&date_from={DAY}&date_to={DAY}"
            ).json()["items"]
        )
        == 2
    )
    assert client.get(f"{A}/bookings?date_from={DAY + timedelta(days=1)}").json()["items"] == []
    paid = send(client, "post", f"{A}/bookings/{body['id']}/pay", {"method": "bank_transfer"})
    assert paid.json()["payment_state"] == "paid"
    assert Sale.objects.get(booking_id=body["id"]).amount == 30
    errors(send(client, "post", f"{A}/bookings/{body['id']}/pay", {"method": "bank_transfer"}))
    client.force_login(people["member"])
    cancelled = send(client, "post", f"{A}/bookings/{body['id']}/cancel", {"reason": "Flu"})
    assert (
        cancelled.json()["status"] == "cancelled"
        and cancelled.json()["payment_state"] == "refunded"
    )


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        ("T11:00:00", "T12:00:00", "start", "overlaps another booking"),
        ("T06:00:00", "T07:00:00", "start", "Outside the opening hours"),
        ("T10:10:00", "T11:10:00", "start", "slots"),
        ("T14:00:00", "T14:30:00", "end", "at least 60 minutes"),
        ("T14:00:00", "T13:00:00", "end", "must come after"),
    ],
)
def test_bad_bookings_are_a_422_naming_the_field(client, people, unit, start, end, field, message):
    book(unit, people["member"], at(DAY, 10), at(DAY, 12))
    client.force_login(people["resident"])
    found = errors(
        send(
            client,
            "post",
            f"{A}/units/{unit.pk}/bookings",
            {"start": f"{DAY}{start}", "end": f"{DAY}{end}"},
        )
    )
    assert message in found[field]
    assert Booking.objects.count() == 1


def test_bad_booking_bodies(client, people, unit):
    client.force_login(people["resident"])
    url = f"{A}/units/{unit.pk}/bookings"
    past = day_ahead(-3)
    assert (
        "in the past"
        in errors(
            send(client, "post", url, {"start": f"{past}T10:00:00", "end": f"{past}T11:00:00"})
        )["start"]
    )
    assert "end" in errors(send(client, "post", url, {"start": f"{DAY}T10:00:00"}))
    assert "customer_kind" in errors(
        send(
            client,
            "post",
            url,
            {"start": f"{DAY}T10:00:00", "end": f"{DAY}T11:00:00", "customer_kind": "free"},
        )
    )
    response = send(
        client,
        "post",
        url,
        {"start": f"{DAY}T10:00:00", "end": f"{DAY}T11:00:00", "on_behalf": True},
    )
    assert response.status_code == 403 and set(response.json()) == {"detail", "errors"}
    assert not Booking.objects.exists()


def test_visitor_requests_need_a_name_and_email(client, people, unit):
    url = f"{A}/units/{unit.pk}/bookings"
    body = {"start": f"{DAY}T10:00:00", "end": f"{DAY}T11:00:00"}
    found = errors(send(client, "post", url, body))
    assert set(found) == {"name", "email"}
    created = send(client, "post", url, {**body, "name": "Vera", "email": "vera@example.org"})
    assert created.status_code == 201 and created.json()["status"] == "requested"
    assert created.json()["price"] == "20.00"
    assert client.get(f"{A}/bookings").json()["items"] == []  # no login, no bookings of one's own


def test_staff_book_on_behalf_at_the_association_price(client, people, unit):
    bookings_units.unit_prices_set(actor=None, unit=unit, prices={"association": "5.00"})
    client.force_login(people["staff"])
    created = send(
        client,
        "post",
        f"{A}/units/{unit.pk}/bookings",
        {
            "start": f"{DAY}T10:00:00",
            "end": f"{DAY}T12:00:00",
            "name": "Pro Loco",
            "email": "proloco@example.org",
            "customer_kind": "association",
            "on_behalf": True,
        },
    )
    assert created.status_code == 201, created.content
    assert created.json()["price"] == "10.00" and created.json()["booker_name"] == "Pro Loco"


def test_approve_and_reject(client, people, unit):
    BookableUnit.objects.filter(pk=unit.pk).update(approval_required=True)
    first = book(unit, people["member"], at(DAY, 10), at(DAY, 12))
    second = book(unit, people["member"], at(DAY, 12), at(DAY, 14))
    client.force_login(people["staff"])
    assert send(client, "post", f"{A}/bookings/{first.pk}/approve").json()["status"] == "confirmed"
    assert "reason" in errors(
        send(client, "post", f"{A}/bookings/{second.pk}/reject", {"reason": "  "})
    )
    rejected = send(client, "post", f"{A}/bookings/{second.pk}/reject", {"reason": "Assembly"})
    assert rejected.json()["status"] == "rejected" and rejected.json()["reason"] == "Assembly"
    assert None in errors(send(client, "post", f"{A}/bookings/{first.pk}/approve"))


def test_series_preview_and_commit(client, people, unit):
    next_week = DAY + timedelta(weeks=1)
    taken = book(unit, people["staff"], at(next_week, 11), at(next_week, 13))
    client.force_login(people["resident"])
    body = {k: v for k, v in API_SERIES.items() if k not in {"name", "email"}}
    body["weeks"] = 3
    preview = send(client, "post", f"{A}/units/{unit.pk}/series/preview", body).json()
    assert preview["free"] == 2
    assert [o["free"] for o in preview["occurrences"]] == [True, False, True]
    assert "overlaps another booking" in preview["occurrences"][1]["problems"][0]
    committed = send(client, "post", f"{A}/units/{unit.pk}/series", body)
    assert committed.status_code == 201
    result = committed.json()
    assert result["booked"] == 2 and result["not_booked"] == 1
    assert result["occurrences"][1]["booking_id"] is None
    booked = Booking.objects.filter(series_id=result["series_id"])
    assert booked.count() == 2 and taken.pk not in {b.pk for b in booked}
    assert all(b.status == BookingStatus.CONFIRMED for b in booked)
    found = errors(
        send(client, "post", f"{A}/units/{unit.pk}/series/preview", {**body, "weeks": 60})
    )
    assert "weeks" in found


@pytest.mark.parametrize("n", [2, 10])
def test_lists_are_constant_queries(client, people, resource, n, django_assert_num_queries):
    for i in range(n):
        unit = make_unit(resource, people["admin"], name=f"Sala {i}")
        book(unit, people["member"], at(DAY, 10), at(DAY, 12))
    client.force_login(people["staff"])
    # session, user, coop, roles; count, bookings with unit and resource
    with django_assert_num_queries(6):
        items = client.get(f"{A}/bookings").json()["items"]
    assert len(items) == n
    # session, user, coop, roles; count, units with resource, their prices
    with django_assert_num_queries(7):
        items = client.get(f"{A}/units").json()["items"]
    assert len(items) == n and all(len(u["prices"]) == 4 for u in items)


def test_a_unit_id_beyond_any_database_integer_is_not_found(client, people):
    """Found by the fuzzing: a visitor's id too large for SQLite's integers was a 500."""
    response = client.get(f"/api/v1/coops/alpha/units/{2**90}/availability")
    assert response.status_code == 404 and set(response.json()) == {"detail", "errors"}
