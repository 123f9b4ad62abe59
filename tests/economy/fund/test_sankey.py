"""The money-flow diagram: the flows balance at every node, the allocation adds up to the result,
wages and purchases are split by where people and suppliers are, the fund's spending reaches
the projects; the page, its text alternative and its PDF."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comunitas.commons.models import CommonResource
from comunitas.core.models import Municipality
from comunitas.economy.fund.exports import flow_pdf_bytes
from comunitas.economy.fund.sankey import money_flow
from comunitas.economy.models import Counterparty, Earmark, Job
from tests.economy.fund.matrix import ALLOCATION, closing, money, movement, project

pytestmark = pytest.mark.django_db


YEAR = 2024


def on(month: int) -> date:
    return date(YEAR, month, 1)


def job(coop, local: bool) -> Job:
    return Job.objects.create(
        coop=coop,
        person_name="Lavoratore",
        title="Operatore",
        contract="permanent",
        fte=Decimal("1.00"),
        start_date=date(2020, 1, 1),
        lives_in_territory=local,
    )


def supplier(coop, name: str, istat: str | None) -> Counterparty:
    town = Municipality.objects.get(pk=istat) if istat else None
    return Counterparty.objects.create(coop=coop, name=name, kind="supplier", municipality=town)


def assert_balanced(flow) -> None:
    """Every node with links on both sides lets out what it takes in."""
    for node in flow.nodes:
        inflow, outflow = flow.inflow(node.key), flow.outflow(node.key)
        if inflow and outflow:
            assert inflow == outflow, node.label
    assert all(link.value > 0 for link in flow.links)


@pytest.fixture
def year(people):
    """A year of a cinema: tickets, a grant, wages local and not, suppliers local and not."""
    coop = people["coop"]
    cinema = CommonResource.objects.create(
        coop=coop, name="Cinema Lux", kind="building", owner_kind="municipality"
    )
    movement(coop, "services", "40000.00", on(2), resource=cinema)
    movement(coop, "grants", "10000.00", on(3))
    movement(coop, "staff", "15000.00", on(4), job=job(coop, True))
    movement(coop, "staff", "5000.00", on(4), job=job(coop, False))
    movement(coop, "staff", "1000.00", on(4))
    movement(coop, "suppliers", "6000.00", on(5), counterparty=supplier(coop, "Qui", "008034"))
    movement(coop, "suppliers", "4000.00", on(5), counterparty=supplier(coop, "Là", "066004"))
    movement(coop, "maintenance", "2000.00", on(5), counterparty=supplier(coop, "Boh", None))
    movement(coop, "rent", "3000.00", on(6))
    movement(coop, "insurance", "4000.00", on(7))
    return {"coop": coop, "cinema": cinema}


def test_a_profit_year_balances_and_is_allocated_to_the_cent(year):
    coop = year["coop"]
    closing(coop, YEAR, "10000.00", lines=ALLOCATION)
    flow = money_flow(coop=coop, year=YEAR)
    assert flow.approved
    assert_balanced(flow)
    values = {n.key: n.value for n in flow.nodes}
    assert values["coop"] == Decimal("50000.00")
    assert values[f"resource_{year['cinema'].pk}"] == Decimal("40000.00")
    assert values["category_grants"] == Decimal("10000.00")
    assert values["wages_local"] == Decimal("15000.00")
    assert values["wages_outside"] == Decimal("5000.00")
    assert values["wages_unknown"] == Decimal("1000.00")
    assert values["purchases_local"] == Decimal("6000.00")
    assert values["purchases_outside"] == Decimal("4000.00")
    assert values["purchases_unknown"] == Decimal("5000.00")  # no place, no counterparty
    assert values["other_costs"] == Decimal("4000.00")
    allocation = sum((v for k, v in values.items() if k.startswith("alloc_")), Decimal(0))
    assert allocation == flow.result == Decimal("10000.00")
    assert values["fund_kept"] == Decimal("5000.00")  # nothing spent from the fund this year


def test_the_fund_s_spending_reaches_the_projects(year):
    coop = year["coop"]
    closing(coop, YEAR, "10000.00", lines=ALLOCATION)
    seats = project(coop, "Poltrone nuove")
    earmark = Earmark.objects.create(
        coop=coop,
        on_date=on(1),
        amount=money(8000),
        source="board",
        decision_reference="CdA",
        project=seats,
        purpose="Poltrone",
    )
    # 7,000 € spent in the year: 5,000 from this year's allocation, 2,000 from earlier years.
    movement(coop, "suppliers", "7000.00", on(8), earmark=earmark)
    movement(coop, "services", "7000.00", on(8))  # keeps the result at 10,000 €
    flow = money_flow(coop=coop, year=YEAR)
    assert_balanced(flow)
    values = {n.key: n.value for n in flow.nodes}
    assert values[f"project_{seats.pk}"] == Decimal("7000.00")
    assert values["fund_earlier"] == Decimal("2000.00")
    assert "fund_kept" not in values


def test_a_loss_year_shows_the_loss_and_allocates_nothing(people):
    coop = people["coop"]
    movement(coop, "services", "1000.00", on(2))
    movement(coop, "staff", "3000.00", on(3))
    closing(coop, YEAR, "-2000.00")
    flow = money_flow(coop=coop, year=YEAR)
    assert_balanced(flow)
    values = {n.key: n.value for n in flow.nodes}
    assert values["loss"] == Decimal("2000.00")
    assert not any(k.startswith("alloc_") for k in values)
    assert flow.result == Decimal("-2000.00")


def test_a_statement_result_other_than_the_cash_book_s_is_its_own_flow(people):
    coop = people["coop"]
    movement(coop, "services", "10000.00", on(2))
    movement(coop, "staff", "6000.00", on(3))
    closing(coop, YEAR, "3000.00", lines={"legal_reserve": "900.00", "reinvestment": "2100.00"})
    flow = money_flow(coop=coop, year=YEAR)
    assert_balanced(flow)
    values = {n.key: n.value for n in flow.nodes}
    assert values["statement_costs"] == Decimal("1000.00")


def test_a_draft_without_allocation_shows_the_result_unallocated(people):
    coop = people["coop"]
    movement(coop, "services", "10000.00", on(2))
    flow = money_flow(coop=coop, year=YEAR)
    assert flow.status == "none"
    assert {n.key: n.value for n in flow.nodes}["unallocated"] == Decimal("10000.00")


amounts = st.integers(min_value=-50_000, max_value=2_000_000).filter(bool)
codes = st.sampled_from(["services", "grants", "staff", "suppliers", "rent", "taxes"])


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.tuples(codes, amounts), max_size=8), statement=st.integers(-(10**6), 10**6))
def test_flows_balance_for_any_year(people, rows, statement):
    coop = people["coop"]
    with transaction.atomic():
        for code, cents in rows:
            movement(coop, code, Decimal(cents) / 100, on(5))
        result = Decimal(statement) / 100
        lines = {}
        if result > 0:
            legal = (result * Decimal("0.3")).quantize(Decimal("0.01"))
            lines = {"legal_reserve": legal, "reinvestment": result - legal}
        closing(coop, YEAR, result, lines={k: v for k, v in lines.items() if v > 0})
        flow = money_flow(coop=coop, year=YEAR)
        assert_balanced(flow)
        if flow.links:
            coop_node = flow.node("coop")
            assert flow.inflow("coop") == flow.outflow("coop") == coop_node.value
        allocated = sum(
            (lk.value for lk in flow.links if lk.target.startswith(("alloc_", "unallocated"))),
            Decimal(0),
        )
        assert allocated == max(result, Decimal(0))
        transaction.set_rollback(True)


def test_the_pdf_renders_the_same_diagram(year):
    coop = year["coop"]
    closing(coop, YEAR, "10000.00", lines=ALLOCATION)
    pdf = flow_pdf_bytes(coop=coop, flow=money_flow(coop=coop, year=YEAR))
    assert pdf.startswith(b"%PDF")


def test_the_page_draws_an_accessible_svg_with_a_table(client, year):
    coop = year["coop"]
    closing(coop, YEAR, "10000.00", lines=ALLOCATION)
    page = client.get(f"/c/{coop.slug}/economy/flow/{YEAR}/").content.decode()
    assert 'role="img"' in page and "<title" in page and "<desc" in page
    assert page.count("<path d=") == len(money_flow(coop=coop, year=YEAR).links)
    assert "Cinema Lux" in page and "<table>" in page


def test_a_draft_year_is_for_operators_marked_as_draft(client, people, year):
    coop = year["coop"]
    closing(coop, YEAR, "10000.00", status="draft", lines=ALLOCATION)
    assert client.get(f"/c/{coop.slug}/economy/flow/{YEAR}/").status_code == 302  # to log in
    client.force_login(people["member"])
    assert client.get(f"/c/{coop.slug}/economy/flow/{YEAR}/").status_code == 403
    client.force_login(people["staff"])
    page = client.get(f"/c/{coop.slug}/economy/flow/{YEAR}/")
    assert page.status_code == 200 and b'class="ribbon"' in page.content
    api = client.get(f"/api/v1/coops/{coop.slug}/economy/flow/{YEAR}").json()
    assert api["status"] == "draft"
    assert sum(Decimal(lk["value"]) for lk in api["links"] if lk["source"] == "coop") == sum(
        Decimal(lk["value"]) for lk in api["links"] if lk["target"] == "coop"
    )
