"""The economy's dashboard: its aggregates, their constant number of queries, the page, the
exports (aggregates for members, movements for operators) and the API."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from comunitas.commons.models import CommonResource, Service
from comunitas.economy.fund.dashboard import dashboard
from tests.economy.fund.matrix import movement

pytestmark = pytest.mark.django_db


@pytest.fixture
def books(people):
    """Two years of a cinema and a refuge, with a service sold."""
    coop = people["coop"]
    cinema = CommonResource.objects.create(
        coop=coop, name="Cinema Lux", kind="building", owner_kind="municipality"
    )
    refuge = CommonResource.objects.create(
        coop=coop, name="Rifugio", kind="building", owner_kind="municipality"
    )
    tickets = Service.objects.create(coop=coop, resource=cinema, name="Biglietti", kind="ticket")
    movement(coop, "services", "1200.00", date(2024, 2, 1), resource=cinema, service=tickets)
    movement(coop, "services", "300.00", date(2024, 2, 2), resource=cinema, service=tickets)
    movement(coop, "services", "-100.00", date(2024, 2, 3), resource=cinema, service=tickets)
    movement(coop, "services", "800.00", date(2024, 3, 1), resource=refuge)
    movement(coop, "grants", "5000.00", date(2024, 4, 1))
    movement(coop, "staff", "4000.00", date(2024, 5, 1), description="=HYPERLINK(x)")
    movement(coop, "rent", "1000.00", date(2024, 5, 1))
    movement(coop, "services", "100.00", date(2023, 5, 1), resource=cinema)
    movement(coop, "other", "600.00", date(2023, 5, 1))
    return {"coop": coop, "cinema": cinema}


def test_the_year_s_aggregates(books):
    board = dashboard(coop=books["coop"], year=2024)
    assert board.revenue == Decimal("7200.00")
    assert board.costs == Decimal("5000.00")
    assert board.result == Decimal("2200.00")
    assert board.movements == 7
    assert [(b.label, b.value) for b in board.by_resource] == [
        ("No common resource", Decimal("5000.00")),
        ("Cinema Lux", Decimal("1400.00")),
        ("Rifugio", Decimal("800.00")),
    ]
    assert [(b.label, b.value) for b in board.by_service] == [
        ("No service", Decimal("5800.00")),
        ("Biglietti", Decimal("1400.00")),
    ]
    assert [b.value for b in board.by_category] == [Decimal("4000.00"), Decimal("1000.00")]
    assert [(y.year, y.result) for y in board.years] == [
        (2023, Decimal("-500.00")),
        (2024, Decimal("2200.00")),
    ]


def test_the_latest_year_is_the_default(books):
    assert dashboard(coop=books["coop"]).year == 2024


def test_the_aggregates_are_a_constant_number_of_queries(books, django_assert_num_queries):
    # 1 every year's totals (GROUP BY year, direction), 2 the year's GROUP BY direction,
    # category, resource, service, 3-5 the names of the categories, resources and services.
    with django_assert_num_queries(5):
        dashboard(coop=books["coop"], year=2024)
    for n in range(30):
        movement(books["coop"], "services", "10.00", date(2024, 6, 1 + n % 28))
    with django_assert_num_queries(5):
        dashboard(coop=books["coop"], year=2024)


def test_each_dashboard_query_is_a_group_by(books):
    with CaptureQueriesContext(connection) as queries:
        dashboard(coop=books["coop"], year=2024)
    assert [("GROUP BY" in q["sql"]) for q in queries.captured_queries][:2] == [True, True]


def test_the_page_shows_kpis_and_charts_with_text_alternatives(client, people, books):
    client.force_login(people["member"])
    page = client.get("/c/alpha/economy/?year=2024").content.decode()
    assert page.count('role="img"') == 4
    assert "Cinema Lux" in page and "Rifugio" in page
    assert "/economy/fund/" in page and "/economy/flow/" in page
    assert "movements.csv" not in page  # the rows are for operators


def test_a_year_without_movements_says_so(client, people):
    client.force_login(people["member"])
    page = client.get("/c/alpha/economy/")
    assert page.status_code == 200 and b'class="empty"' in page.content


def test_the_aggregates_csv_and_xlsx(client, people, books):
    client.force_login(people["member"])
    response = client.get("/c/alpha/economy/export/aggregates.csv?year=2024")
    assert 'filename="economia-alpha-2024.csv"' in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "year;section;label;amount"
    assert "2024;Revenue by common resource;Cinema Lux;1400.00" in lines
    assert "2023;Result per year;2023;-500.00" in lines
    response = client.get("/c/alpha/economy/export/aggregates.xlsx?year=2024")
    assert 'filename="economia-alpha-2024.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert (2024, "Revenue by common resource", "Cinema Lux", 1400) in rows


def test_the_movements_export_is_for_operators_and_quotes_formulas(client, people, books):
    client.force_login(people["member"])
    assert client.get("/c/alpha/economy/export/movements.csv?year=2024").status_code == 403
    client.force_login(people["staff"])
    response = client.get("/c/alpha/economy/export/movements.csv?year=2024")
    assert 'filename="movimenti-alpha-2024.csv"' in response["Content-Disposition"]
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + 7
    assert any(";'=HYPERLINK(x);" in line for line in lines)
    assert lines[1].startswith("2024-02-01;income;services;1200.00;0.00;")
    response = client.get("/c/alpha/economy/export/movements.xlsx?year=2024")
    assert response.status_code == 200


def test_the_api_gives_members_the_aggregates(client, people, books):
    client.force_login(people["member"])
    body = client.get("/api/v1/coops/alpha/economy/dashboard?year=2024").json()
    assert body["revenue"] == "7200.00" and body["result"] == "2200.00"
    assert {"label": "Cinema Lux", "value": "1400.00"} in body["by_resource"]
    assert [y["year"] for y in body["years"]] == [2023, 2024]
    response = client.get("/api/v1/coops/alpha/economy/export/aggregates?year=2024&format=xlsx")
    assert response.status_code == 200
    assert client.get("/api/v1/coops/alpha/economy/export/movements").status_code == 403
    assert client.get("/api/v1/coops/alpha/economy/dashboard?year=99999").status_code == 422
