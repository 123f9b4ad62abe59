"""The reinvestment fund: its arithmetic, earmarks by the board and from a participatory budget,
releasing, and the inputs it refuses."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comunitas.core.models import AuditEntry
from comunitas.economy.fund import selectors, services
from comunitas.economy.models import Earmark
from tests.economy.fund.matrix import ALLOCATION, closing, counted_budget, money, movement, project
from tests.helpers import assert_refused

pytestmark = pytest.mark.django_db


DAY = date(2025, 3, 1)


@pytest.fixture
def fund(people):
    """Alpha with 5,000 € in the fund (the 2024 closing) and a project to earmark for."""
    coop = people["coop"]
    closing(coop, 2024, "10000.00", lines=ALLOCATION)
    return {"coop": coop, "admin": people["admin"], "project": project(coop)}


def board(fund, amount="1000.00", **extra) -> Earmark:
    values = {
        "actor": fund["admin"],
        "coop": fund["coop"],
        "amount": amount,
        "project": fund["project"],
        "purpose": "Nuove poltrone",
        "on_date": DAY,
        "source": "board",
        "decision_reference": "CdA del 01/03/2025",
    }
    return services.earmark_create(**{**values, **extra})


def spend(earmark: Earmark, amount, on_date=DAY):
    return movement(earmark.coop, "suppliers", amount, on_date, earmark=earmark)


# --- the arithmetic -----------------------------------------------------------------------------
cents = st.integers(min_value=1, max_value=500_000).map(lambda c: Decimal(c) / 100)
earmark_cases = st.lists(
    st.tuples(cents, st.lists(cents, max_size=3), st.booleans()), min_size=0, max_size=4
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    inflow=st.integers(min_value=0, max_value=10_000_000).map(lambda c: Decimal(c) / 100),
    cases=earmark_cases,
)
def test_available_is_inflows_less_committed_for_any_earmarks_and_spending(people, inflow, cases):
    coop = people["coop"]
    with transaction.atomic():
        if inflow:
            closing(coop, 2024, inflow, lines={"reinvestment": inflow})
        target = project(coop)
        expected_committed = Decimal("0.00")
        for amount, payments, released in cases:
            earmark = Earmark.objects.create(
                coop=coop,
                on_date=DAY,
                amount=amount,
                source="board",
                decision_reference="CdA",
                project=target,
                purpose="x",
                released=released,
            )
            for payment in payments:
                spend(earmark, payment)
            spent = sum(payments, Decimal("0.00"))
            expected_committed += spent if released else max(amount, spent)
        balance = selectors.fund_balance(coop=coop)
        assert balance.inflows == inflow
        assert balance.committed == expected_committed
        assert balance.available == balance.inflows - balance.committed
        assert balance.spent == sum((sum(p, Decimal(0)) for _a, p, _r in cases), Decimal(0))
        transaction.set_rollback(True)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(amount=st.integers(min_value=1, max_value=500_000), spent=st.integers(0, 600_000))
def test_releasing_returns_exactly_the_unspent(fund, amount, spent):
    with transaction.atomic():
        amount, spent = Decimal(amount) / 100, Decimal(spent) / 100
        before = selectors.fund_available(coop=fund["coop"])
        if amount > before:
            amount = before
        earmark = board(fund, amount=str(amount))
        if spent:
            spend(earmark, spent)
        held = selectors.fund_available(coop=fund["coop"])
        services.earmark_release(actor=fund["admin"], earmark=earmark)
        after = selectors.fund_available(coop=fund["coop"])
        assert held == before - max(amount, spent)
        assert after - held == max(amount - spent, Decimal(0))
        assert after == before - spent
        transaction.set_rollback(True)


# --- earmarks by the board ----------------------------------------------------------------------
def test_a_board_earmark_takes_money_from_the_fund_and_is_audited(fund):
    earmark = board(fund)
    assert selectors.fund_available(coop=fund["coop"]) == Decimal("4000.00")
    entry = AuditEntry.objects.get(action="earmark.create")
    assert entry.object_id == str(earmark.pk) or int(entry.object_id) == earmark.pk


def test_an_earmark_above_the_available_balance_is_refused(fund):
    board(fund, amount="4500.00")
    assert_refused(board, fund, on="amount", amount="500.01")
    assert Earmark.objects.count() == 1


def test_spending_above_an_earmark_counts_against_the_fund(fund):
    earmark = board(fund, amount="1000.00")
    spend(earmark, "1500.00")
    assert selectors.fund_available(coop=fund["coop"]) == Decimal("3500.00")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"purpose": "   "}, "purpose"),
        ({"amount": Decimal("0")}, "amount"),
        ({"amount": Decimal("-5")}, "amount"),
        ({"amount": Decimal("1.234")}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"decision_reference": ""}, "decision_reference"),
        ({"project": None}, "project"),
        ({"source": "mayor"}, "source"),
        ({"on_date": None}, "on_date"),
    ],
)
def test_bad_earmarks_are_refused_and_nothing_is_saved(fund, change, field):
    assert_refused(board, fund, on=field, **change)
    assert not Earmark.objects.exists()


def test_a_project_or_need_of_another_cooperative_is_refused(fund, people):
    theirs = project(people["other"], "Altro")
    assert_refused(board, fund, on="project", project=theirs)


# --- earmarks from a participatory budget -------------------------------------------------------
def test_a_budget_earmark_needs_a_counted_budget_of_the_coop(fund, people):
    other = counted_budget(people["other"], [("x", "100.00", None)])
    assert_refused(board, fund, on="budget", source="budget", budget=other)
    uncounted = counted_budget(fund["coop"], [("x", "100.00", None)])
    uncounted.tally = None
    uncounted.save()
    assert_refused(board, fund, on="budget", source="budget", budget=uncounted)
    assert_refused(services.earmarks_from_budget, actor=fund["admin"], budget=uncounted)
    assert not Earmark.objects.exists()


def test_earmarks_from_a_budget_one_per_funded_project_once(fund):
    coop = fund["coop"]
    other_project = project(coop, "Sottotitoli")
    budget = counted_budget(
        coop,
        [("Poltrone", "1200.00", fund["project"]), ("Sottotitoli", "800.00", other_project)],
    )
    made = services.earmarks_from_budget(actor=fund["admin"], budget=budget)
    assert sorted((e.project_id, e.amount) for e in made) == sorted(
        [(fund["project"].pk, Decimal("1200.00")), (other_project.pk, Decimal("800.00"))]
    )
    assert all(e.source == "budget" and e.budget_id == budget.pk for e in made)
    assert all(e.decision_reference == budget.earmark_reference for e in made)
    assert services.earmarks_from_budget(actor=fund["admin"], budget=budget) == []
    assert Earmark.objects.count() == 2
    assert selectors.fund_available(coop=coop) == Decimal("3000.00")


def test_earmarks_from_a_budget_refused_naming_projects_without_follow_up(fund):
    budget = counted_budget(
        fund["coop"],
        [("Poltrone", "1200.00", fund["project"]), ("Un pulmino", "800.00", None)],
    )
    refused = assert_refused(
        services.earmarks_from_budget, saying="Un pulmino", actor=fund["admin"], budget=budget
    )
    assert "Poltrone" not in str(refused)
    assert not Earmark.objects.exists()


def test_earmarks_from_a_budget_above_the_balance_are_refused_together(fund):
    budget = counted_budget(fund["coop"], [("Poltrone", "6000.00", fund["project"])])
    assert_refused(services.earmarks_from_budget, actor=fund["admin"], budget=budget)
    assert not Earmark.objects.exists()


# --- releasing ----------------------------------------------------------------------------------
def test_release_once_and_audited(fund):
    earmark = board(fund, amount="1000.00")
    spend(earmark, "300.00")
    services.earmark_release(actor=fund["admin"], earmark=earmark)
    assert selectors.fund_available(coop=fund["coop"]) == Decimal("4700.00")
    entry = AuditEntry.objects.get(action="earmark.release")
    assert entry.changes["returned"]["after"] == "700.00"
    assert_refused(services.earmark_release, actor=fund["admin"], earmark=earmark)


def test_only_approved_closings_feed_the_fund(people):
    coop = people["coop"]
    closing(coop, 2024, "10000.00", lines=ALLOCATION)
    closing(coop, 2025, "10000.00", status="draft", lines=ALLOCATION)
    closing(coop, 2023, "10000.00", status="proposed", lines=ALLOCATION)
    assert selectors.fund_inflows(coop=coop) == [(2024, money("5000.00"))]
