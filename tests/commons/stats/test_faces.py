"""The sales list, the statistics page, the dashboard section and their API."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from comunitas.commons.models import Sale
from tests.commons.stats.test_stats import at, book, make_year_2025, sale, unit_with_hours
from tests.helpers import make_resource

D = Decimal


@pytest.fixture
def year_2025(people):
    return make_year_2025(people)


# --- the sales list -----------------------------------------------------------------------------
def test_sales_page_lists_filters_and_totals(client, people, year_2025):
    client.force_login(people["staff"])
    page = client.get("/c/alpha/commons/sales/?year=2025").content.decode()
    assert "6 lines" in page
    assert "Booking of Room A" in page and "Screening" in page and "Refund" in page
    assert "112.50" in page and "127.50" in page and "-€15.00" in page
    only_tours = client.get(
        f"/c/alpha/commons/sales/?year=2025&resource={year_2025['catacombs'].pk}"
    ).content.decode()
    assert "1 line" in only_tours and "Booking of Room A" not in only_tours
    residents = client.get("/c/alpha/commons/sales/?customer_kind=resident").content.decode()
    assert "2 lines" in residents and "0.00" in residents
    # Without filters: the current year, where nothing was sold.
    assert "No sale matches these filters" in client.get("/c/alpha/commons/sales/").content.decode()
    # A filter that does not parse falls back to the current year, without an error page.
    assert client.get("/c/alpha/commons/sales/?year=abc&date_from=x").status_code == 200


def test_sales_page_is_a_constant_number_of_queries(
    client, people, year_2025, django_assert_num_queries
):
    client.force_login(people["admin"])
    url = "/c/alpha/commons/sales/?date_from=2024-01-01"
    # session, user, coop, roles; resources and services for the filters; totals; count; page
    with django_assert_num_queries(9):
        assert client.get(url).status_code == 200
    room = year_2025["room"]
    for n in range(30):
        day = date(2025, 7, 1 + n)
        sale(on=day, amount="8.00", booking=book(room, at(day, 9), at(day, 10), price="8"))
    with django_assert_num_queries(9):
        page = client.get(url).content.decode()
    assert "37 lines" in page


def test_sales_csv_has_the_filtered_lines(client, people, year_2025):
    client.force_login(people["staff"])
    response = client.get("/c/alpha/commons/sales/export.csv?year=2025&kind=refund")
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="vendite-alpha-')
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:4] == ["date", "kind", "amount", "quantity"]
    assert rows[1:] == [
        ["2025-04-02", "refund", "-15.00", "-1", "Cinema", "", "Room A", "", "", "resident", "",
         "on_site", "false"]
    ]  # fmt: skip


def test_sales_are_for_staff_and_the_board_only(client, people):
    for who, status in (("member", 403), ("resident", 403), ("staff", 200), ("admin", 200)):
        client.force_login(people[who])
        assert client.get("/c/alpha/commons/sales/").status_code == status
        assert client.get("/c/alpha/commons/stats/").status_code == status
        assert client.get("/api/v1/coops/alpha/commons/stats").status_code == status


# --- the statistics page ------------------------------------------------------------------------
def test_stats_page_shows_charts_with_text_and_tables(client, people, year_2025):
    client.force_login(people["staff"])
    page = client.get("/c/alpha/commons/stats/?year=2025").content.decode()
    assert "Use of the commons in 2025" in page
    assert page.count('role="img"') == 3  # occupancy, visitors, revenue
    assert '<title id="occupancy-title">Occupancy of all units per month</title>' in page
    # The chart's text alternative: all units, (5.5 h + the Hall's 1 h) / 40 h = 16.25 %.
    assert "Mar: 16.2 %" in page
    assert "13.8" in page and "6.50 / 514.00" in page
    assert "Screening" in page and "Tour" in page and "3.3 %" in page
    assert "Bookings of units" in page and "112.50" in page
    one = client.get(
        f"/c/alpha/commons/stats/?year=2025&resource={year_2025['catacombs'].pk}"
    ).content.decode()
    assert "Use of Catacombs in 2025" in one and "No bookable unit" in one
    assert client.get("/c/alpha/commons/stats/?year=1200").status_code == 200


def test_stats_page_is_a_constant_number_of_queries(
    client, people, year_2025, django_assert_num_queries
):
    client.force_login(people["admin"])
    # session, user, coop, roles, resources for the form, and the eleven of the statistics
    with django_assert_num_queries(16):
        client.get("/c/alpha/commons/stats/?year=2025")
    for n in range(10):
        unit_with_hours(year_2025["cinema"], f"Extra {n}", {1: [(8, 9)]})
        make_resource(people["coop"], people["admin"], name=f"More {n}")
    with django_assert_num_queries(16):
        client.get("/c/alpha/commons/stats/?year=2025")


def test_dashboard_section_for_staff_and_board_only(client, people, year_2025):
    today = timezone.localdate()
    room = year_2025["room"]
    sale(on=today, amount="12.00", booking=book(room, at(today, 9), at(today, 10), price="12"))
    for who in ("staff", "admin"):
        client.force_login(people[who])
        page = client.get("/c/alpha/dashboard/").content.decode()
        assert f"Use of the commons in {today.year}" in page
        assert "Net revenue of the commons per month" in page and "12.00" in page
    for who in ("member", "resident"):
        client.force_login(people[who])
        page = client.get("/c/alpha/dashboard/").content.decode()
        assert "Use of the commons" not in page


# --- API ----------------------------------------------------------------------------------------
SALE_KEYS = {
    "id", "kind", "on_date", "amount", "quantity", "resource_id", "resource", "service_id",
    "service", "booking_id", "unit", "order_line_id", "order", "event_starts_at",
    "customer_kind", "member_id", "payment_method", "synthetic",
}  # fmt: skip


def test_api_sales_list_filters_and_totals(client, people, year_2025, django_assert_num_queries):
    client.force_login(people["staff"])
    url = "/api/v1/coops/alpha/commons/sales"
    # session, user, coop, roles, count, page
    with django_assert_num_queries(6):
        body = client.get(url + "?year=2025&limit=4").json()
    assert body["count"] == 6 and len(body["items"]) == 4
    assert set(body["items"][0]) == SALE_KEYS
    first = body["items"][0]
    assert (first["on_date"], first["amount"], first["service"]) == (
        "2025-05-01",
        "10.00",
        "Screening",
    )
    assert first["order"].startswith("ORD") and first["event_starts_at"].startswith("2025-05-10")
    refund = client.get(url + "?kind=refund").json()["items"][0]
    assert (refund["amount"], refund["unit"], refund["resource"]) == ("-15.00", "Room A", "Cinema")
    totals = client.get(url + "/totals?year=2025&customer_kind=member").json()
    assert totals == {"count": 2, "sales": "50.00", "refunds": "0.00", "net": "50.00"}
    bad = client.get(url + "?year=99&customer_kind=alien")
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"year", "customer_kind"}


def test_api_stats_shape_and_figures(client, people, year_2025):
    client.force_login(people["admin"])
    body = client.get("/api/v1/coops/alpha/commons/stats?year=2025").json()
    assert body["year"] == 2025 and body["resource_id"] is None
    assert body["revenue"] == {
        "sales": "127.50",
        "refunds": "-15.00",
        "net": "112.50",
        "quantity": 10,
    }
    assert (body["tickets_sold"], body["visitors"]) == (9, 3)
    room = next(u for u in body["units"] if u["unit"] == "Room A")
    march = room["months"][2]
    assert (D(march["open_hours"]), D(march["booked_hours"]), D(march["occupancy"])) == (
        D(40),
        D("5.5"),
        D("13.8"),
    )
    hall = next(u for u in body["units"] if u["unit"] == "Hall")
    assert hall["occupancy"] is None
    assert len(body["occupancy_by_month"]) == 12 and len(body["revenue_by_month"]) == 12
    kinds = {r["customer_kind"]: r["net"] for r in body["revenue_by_customer_kind"]}
    assert kinds["resident"] == "0.00" and kinds["member"] == "50.00"
    services = {r["name"]: r["net"] for r in body["revenue_by_service"]}
    assert services == {None: "40.00", "Screening": "32.50", "Tour": "40.00"}
    one = client.get(
        f"/api/v1/coops/alpha/commons/stats?year=2025&resource={year_2025['catacombs'].pk}"
    ).json()
    assert one["resource_id"] == year_2025["catacombs"].pk and one["revenue"]["net"] == "40.00"
    other = make_resource(people["other"], people["stranger"], name="Theirs")
    assert client.get(f"/api/v1/coops/alpha/commons/stats?resource={other.pk}").status_code == 404
    assert Sale.objects.filter(coop=people["coop"]).count() == 7
