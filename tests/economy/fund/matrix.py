"""The economy's dashboard, fund and money-flow rows of the permission matrix
(tests/core/coops/test_permissions.py), and the rows every fund test makes.

The cash book, closings and budgets are other parts' (written at the same time), so the rows
are made with the ORM: movements, an approved closing with its allocation lines, a counted
participatory budget. ``ids`` makes, in "alpha":

* ``fund_flow_year`` (2024): an approved closing whose allocation gives the reinvestment fund
  5,000 €, with a year of movements; ``fund_draft_year`` (2025): movements, no closing (its
  flow is for operators only);
* ``fund_earmark_id``: a board earmark of 1,000 € for the project ``FUND_PROJECT_ID``, with
  200 € spent against it;
* the budget ``FUND_BUDGET_ID``: counted, one funded project carried out by that project.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from comunitas.core.permissions import Action
from comunitas.decisions.models.budgets import BudgetProject, ParticipatoryBudget
from comunitas.economy.cashbook.chart import chart_ensure
from comunitas.economy.models import AllocationLine, Closing, Counterparty, Earmark, Movement
from comunitas.projects.models import Project

PATH_IDS = ["fund_earmark_id", "fund_flow_year", "fund_draft_year"]
FUND_PROJECT_ID, FUND_BUDGET_ID = 954_001, 954_101
APPROVED_YEAR, DRAFT_YEAR = 2024, 2025


def money(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def movement(coop, code: str, amount, on_date: date, **fields) -> Movement:
    """A movement of the category ``code`` of the default chart (its direction follows)."""
    category = chart_ensure(coop=coop)[code]
    return Movement.objects.create(
        coop=coop,
        on_date=on_date,
        direction=category.direction,
        amount=money(amount),
        category=category,
        **fields,
    )


def closing(coop, year: int, result, *, status: str = "approved", lines=None) -> Closing:
    """A closing of ``year`` with its allocation lines {kind: amount}."""
    made = Closing.objects.create(
        coop=coop,
        year=year,
        result_source="cash_book",
        result=money(result),
        status=status,
        postal_bond_rate=Decimal("2.50"),
        paid_in_capital=Decimal("1000.00"),
        approved_on=date(year + 1, 4, 30) if status == "approved" else None,
    )
    for kind, amount in (lines or {}).items():
        AllocationLine.objects.create(closing=made, kind=kind, amount=money(amount))
    return made


# An allocation of a 10,000 € result within the law (DOMAIN.md §2).
ALLOCATION = {
    "legal_reserve": "3000.00",
    "mutual_funds": "300.00",
    "indivisible": "1700.00",
    "reinvestment": "5000.00",
}


def project(coop, title: str = "Sala 2 rinnovata", pk: int | None = None) -> Project:
    return Project.objects.create(pk=pk, coop=coop, title=title, summary="x")


def counted_budget(coop, projects: list[tuple[str, str, Project | None]], pk=None):
    """A counted participatory budget whose funded projects are (title, cost, follow-up)."""
    budget = ParticipatoryBudget.objects.create(
        pk=pk,
        coop=coop,
        title="Bilancio partecipativo 2025",
        amount=Decimal("10000.00"),
        earmark_reference="Assemblea del 27/04/2025, delibera n. 3",
        phase="results",
        tally={"voters": 1},
    )
    for title, cost, follow_up in projects:
        BudgetProject.objects.create(
            budget=budget,
            title=title,
            description="x",
            estimated_cost=money(cost),
            status="feasible",
            reviewed_cost=money(cost),
            funded=True,
            votes=1,
            follow_up=follow_up,
        )
    return budget


def seed(people) -> dict[str, int]:
    coop = people["coop"]
    carried = project(coop, pk=FUND_PROJECT_ID)
    closing(coop, APPROVED_YEAR, "10000.00", lines=ALLOCATION)
    movement(coop, "services", "30000.00", date(APPROVED_YEAR, 3, 1))
    movement(coop, "staff", "20000.00", date(APPROVED_YEAR, 6, 1))
    movement(coop, "services", "1000.00", date(DRAFT_YEAR, 3, 1))
    earmark = Earmark.objects.create(
        coop=coop,
        on_date=date(DRAFT_YEAR, 1, 10),
        amount=Decimal("1000.00"),
        source="board",
        decision_reference="CdA del 10/01/2025",
        project=carried,
        purpose="Nuove poltrone",
    )
    supplier = Counterparty.objects.create(coop=coop, name="Arredi Rossi", kind="supplier")
    movement(
        coop,
        "suppliers",
        "200.00",
        date(DRAFT_YEAR, 2, 1),
        earmark=earmark,
        counterparty=supplier,
    )
    counted_budget(coop, [("Poltrone", "500.00", carried)], pk=FUND_BUDGET_ID)
    return {
        "fund_earmark_id": earmark.pk,
        "fund_flow_year": APPROVED_YEAR,
        "fund_draft_year": DRAFT_YEAR,
    }


EARMARK_FORM = {
    "amount": "100.00",
    "purpose": "Sottotitoli in sala grande",
    "on_date": "2025-03-01",
    "source": "board",
    "decision_reference": "CdA del 01/03/2025",
    "project": FUND_PROJECT_ID,
    "need": "",
    "budget": "",
}
API_EARMARK = {
    "amount": "100.00",
    "purpose": "Sottotitoli in sala grande",
    "on_date": "2025-03-01",
    "source": "board",
    "decision_reference": "CdA del 01/03/2025",
    "project_id": FUND_PROJECT_ID,
}

E = "/c/{slug}/economy"
F = f"{E}/fund"
EARMARK = f"{F}/earmarks/{{fund_earmark_id}}"
WEB = [
    ("get", f"{E}/", None, Action.VIEW_ECONOMY),
    ("get", f"{E}/export/aggregates.csv", None, Action.VIEW_ECONOMY),
    ("get", f"{E}/export/aggregates.xlsx", None, Action.VIEW_ECONOMY),
    ("get", f"{E}/export/movements.csv", None, Action.VIEW_ACCOUNTS),
    ("get", f"{E}/export/movements.xlsx", None, Action.VIEW_ACCOUNTS),
    ("get", f"{F}/", None, Action.VIEW_MONEY_FLOW),
    ("get", f"{F}/earmarks/new/", None, Action.CLOSE_ACCOUNTS),
    ("post", f"{F}/earmarks/new/", EARMARK_FORM, Action.CLOSE_ACCOUNTS),
    ("post", f"{F}/from-budget/", {"budget-budget": FUND_BUDGET_ID}, Action.CLOSE_ACCOUNTS),
    ("get", f"{EARMARK}/", None, Action.VIEW_MONEY_FLOW),
    ("post", f"{EARMARK}/release/", None, Action.CLOSE_ACCOUNTS),
    ("get", f"{E}/flow/", None, Action.VIEW_MONEY_FLOW),
    ("get", f"{E}/flow/{{fund_flow_year}}/", None, Action.VIEW_MONEY_FLOW),
    ("get", f"{E}/flow/{{fund_flow_year}}/pdf/", None, Action.VIEW_MONEY_FLOW),
    ("get", f"{E}/flow/{{fund_draft_year}}/", None, Action.VIEW_ACCOUNTS),
]
A = "/api/v1/coops/{slug}/economy"
AF = f"{A}/fund"
API_EARMARK_PATH = f"{AF}/earmarks/{{fund_earmark_id}}"
API = [
    ("get", f"{A}/dashboard", None, Action.VIEW_ECONOMY),
    ("get", f"{A}/export/aggregates", None, Action.VIEW_ECONOMY),
    ("get", f"{A}/export/movements", None, Action.VIEW_ACCOUNTS),
    ("get", AF, None, Action.VIEW_MONEY_FLOW),
    ("get", f"{AF}/earmarks", None, Action.VIEW_MONEY_FLOW),
    ("post", f"{AF}/earmarks", API_EARMARK, Action.CLOSE_ACCOUNTS),
    ("post", f"{AF}/from-budget", {"budget_id": FUND_BUDGET_ID}, Action.CLOSE_ACCOUNTS),
    ("get", API_EARMARK_PATH, None, Action.VIEW_MONEY_FLOW),
    ("post", f"{API_EARMARK_PATH}/release", None, Action.CLOSE_ACCOUNTS),
    ("get", f"{A}/flow/{{fund_flow_year}}", None, Action.VIEW_MONEY_FLOW),
    ("get", f"{A}/flow/{{fund_draft_year}}", None, Action.VIEW_ACCOUNTS),
]


def ids(people) -> dict[str, int]:
    return seed(people)
