"""The fund's pages and endpoints: what the public reads (amounts and dates, never who was paid),
what the board does (earmark, from a budget, release), their errors and query counts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from comunitas.economy.fund.selectors import project_earmarks
from comunitas.economy.models import Earmark
from comunitas.projects.models import Project
from tests.economy.fund.matrix import (
    FUND_BUDGET_ID,
    FUND_PROJECT_ID,
    counted_budget,
    movement,
    project,
    seed,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def fund(people):
    return {**people, **seed(people)}


def test_the_public_reads_the_fund(client, fund):
    page = client.get("/c/alpha/economy/fund/").content.decode()
    assert "Nuove poltrone" in page
    assert "5,000.00" in page  # came in from 2024
    assert "4,000.00" in page  # available: 5,000 less the 1,000 earmarked
    assert "Earmark money" not in page  # the board's


def test_the_fund_page_is_a_constant_number_of_queries(client, fund):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/c/alpha/economy/fund/").status_code == 200
        return len(queries)

    first = count()
    for n in range(5):
        earmark = Earmark.objects.create(
            coop=fund["coop"],
            on_date=date(2025, 1, 1),
            amount=Decimal("10.00"),
            source="board",
            decision_reference="CdA",
            project_id=FUND_PROJECT_ID,
            purpose=f"n{n}",
        )
        movement(fund["coop"], "suppliers", "1.00", date(2025, 2, 1), earmark=earmark)
    # The session and the cooperative, the inflows (GROUP BY year), the earmarks with their
    # spending (one GROUP BY): the same whatever the number of earmarks.
    assert count() == first


def test_who_was_paid_is_shown_to_operators_only(client, fund):
    url = f"/c/alpha/economy/fund/earmarks/{fund['fund_earmark_id']}/"
    api = f"/api/v1/coops/alpha/economy/fund/earmarks/{fund['fund_earmark_id']}"
    page = client.get(url).content.decode()
    assert "200.00" in page and "Arredi Rossi" not in page
    assert client.get(api).json()["movements"][0]["counterparty"] is None
    client.force_login(fund["member"])
    assert "Arredi Rossi" not in client.get(url).content.decode()
    client.force_login(fund["staff"])
    assert "Arredi Rossi" in client.get(url).content.decode()
    body = client.get(api).json()
    assert body["movements"][0]["counterparty"] == "Arredi Rossi"
    assert body["spent"] == "200.00" and body["remaining"] == "800.00"


def test_the_board_earmarks_on_the_page_and_sees_errors(client, fund):
    client.force_login(fund["admin"])
    form = {
        "amount": "4000.01",
        "purpose": "Troppo",
        "on_date": "2025-03-01",
        "source": "board",
        "decision_reference": "CdA",
        "project": FUND_PROJECT_ID,
    }
    response = client.post("/c/alpha/economy/fund/earmarks/new/", form)
    assert response.status_code == 200
    assert response.context["form"].errors["amount"]
    other = project(fund["other"], "Altrove")
    response = client.post("/c/alpha/economy/fund/earmarks/new/", {**form, "project": other.pk})
    assert "project" in response.context["form"].errors
    response = client.post("/c/alpha/economy/fund/earmarks/new/", {**form, "amount": "4000.00"})
    assert response.status_code == 302
    assert Earmark.objects.filter(purpose="Troppo", amount=Decimal("4000.00")).exists()


def test_from_a_budget_on_the_page_names_the_projects_without_follow_up(client, fund):
    client.force_login(fund["admin"])
    budget = counted_budget(fund["coop"], [("Un pulmino", "100.00", None)])
    response = client.post("/c/alpha/economy/fund/from-budget/", {"budget-budget": budget.pk})
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("Un pulmino" in m for m in messages)
    assert not Earmark.objects.filter(budget=budget).exists()


def test_from_a_budget_through_the_api_once(client, fund):
    client.force_login(fund["admin"])
    url = "/api/v1/coops/alpha/economy/fund/from-budget"
    body = {"budget_id": FUND_BUDGET_ID}
    first = client.post(url, body, content_type="application/json")
    assert first.status_code == 201 and len(first.json()) == 1
    assert first.json()[0]["amount"] == "500.00"
    again = client.post(url, body, content_type="application/json")
    assert again.status_code == 201 and again.json() == []
    other = counted_budget(fund["other"], [("x", "1.00", None)])
    refused = client.post(url, {"budget_id": other.pk}, content_type="application/json")
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "budget_id"


def test_the_api_refuses_bad_earmarks_with_their_field(client, fund):
    client.force_login(fund["admin"])
    url = "/api/v1/coops/alpha/economy/fund/earmarks"
    body = {
        "amount": "10.00",
        "purpose": "x",
        "on_date": "2025-03-01",
        "source": "board",
        "decision_reference": "CdA",
        "project_id": FUND_PROJECT_ID,
    }
    assert client.post(url, body, content_type="application/json").status_code == 201
    for change, field in [
        ({"amount": "999999.00"}, "amount"),
        ({"purpose": " "}, "purpose"),
        ({"decision_reference": ""}, "decision_reference"),
        ({"project_id": project(fund["other"], "y").pk}, "project_id"),
    ]:
        response = client.post(url, {**body, **change}, content_type="application/json")
        assert response.status_code == 422, change
        assert response.json()["errors"][0]["field"] == field


def test_release_on_the_page_returns_the_unspent(client, fund):
    client.force_login(fund["admin"])
    url = f"/c/alpha/economy/fund/earmarks/{fund['fund_earmark_id']}/release/"
    assert client.post(url).status_code == 302
    body = client.get("/api/v1/coops/alpha/economy/fund").json()
    assert body["available"] == "4800.00" and body["committed"] == "200.00"
    again = client.post(
        f"/api/v1/coops/alpha/economy/fund/earmarks/{fund['fund_earmark_id']}/release"
    )
    assert again.status_code == 422


def test_the_earmark_list_endpoint_is_paginated(client, fund):
    body = client.get("/api/v1/coops/alpha/economy/fund/earmarks").json()
    assert body["count"] == 1 and body["items"][0]["purpose"] == "Nuove poltrone"


def test_years_out_of_range_are_not_found(client, fund):
    assert client.get("/c/alpha/economy/flow/1800/").status_code == 404
    assert client.get("/api/v1/coops/alpha/economy/flow/1800").status_code == 404


def test_a_project_s_earmarks_for_its_accountability_page(fund):

    rows = project_earmarks(project=Project.objects.get(pk=FUND_PROJECT_ID))
    assert [(r.earmark.purpose, r.spent) for r in rows] == [("Nuove poltrone", Decimal("200.00"))]
    html = render_to_string("economy/fund/project.html", {"coop": fund["coop"], "fund_rows": rows})
    assert "Nuove poltrone" in html and 'role="img"' in html
