"""Budgets: one amount per category for a year and a subject, replaced all together, and the
budget against the movements of the cash book in a constant number of queries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from comunitas.core.models import AuditEntry
from comunitas.economy.cashbook.chart import chart_ensure
from comunitas.economy.models import BudgetLine, Movement
from comunitas.economy.work import selectors as work_selectors
from comunitas.economy.work import services as work_services
from comunitas.projects.models import Project
from tests.helpers import assert_refused, make_resource

pytestmark = pytest.mark.django_db


def plan(coop, amounts, year=2025, actor=None, **subject):
    return work_services.budget_lines_set(
        actor=actor,
        coop=coop,
        year=year,
        amounts=amounts,  # as typed: the service reads them
        **subject,
    )


def move(coop, code: str, amount: str, on_date=date(2025, 5, 1), **links) -> Movement:
    """A movement of the book, written directly: the budget only reads the book."""
    category = chart_ensure(coop=coop)[code]
    return Movement.objects.create(
        coop=coop,
        on_date=on_date,
        direction=category.direction,
        amount=Decimal(amount),
        category=category,
        **links,
    )


def test_lines_are_replaced_all_together_and_audited(people):
    coop, staff = people["coop"], people["staff"]
    plan(coop, {"services": "1000.00", "staff": "600.00"}, actor=staff)
    plan(coop, {"services": "1200.00", "rent": "0"}, actor=staff)  # staff is no longer planned
    assert work_selectors.budget_lines_get(coop=coop, year=2025) == {"services": Decimal("1200.00")}
    entry = AuditEntry.objects.filter(action="budget_lines.set").order_by("-id").first()
    assert entry.changes["staff"] == {"before": "600.00", "after": None}
    assert entry.changes["services"] == {"before": "1000.00", "after": "1200.00"}
    assert "year" not in entry.changes


def test_subjects_keep_their_own_lines(people):
    coop = people["coop"]
    project = Project.objects.create(coop=coop, title="Sentiero", summary="x")
    resource = make_resource(coop)
    plan(coop, {"services": "1000.00"})
    plan(coop, {"services": "300.00"}, project=project)
    plan(coop, {"services": "200.00"}, resource=resource)
    plan(coop, {"services": "50.00"}, year=2026)
    get = work_selectors.budget_lines_get
    assert get(coop=coop, year=2025) == {"services": Decimal("1000.00")}
    assert get(coop=coop, year=2025, project=project) == {"services": Decimal("300.00")}
    assert get(coop=coop, year=2025, resource=resource) == {"services": Decimal("200.00")}
    assert BudgetLine.objects.count() == 4


@pytest.mark.parametrize(
    ("amounts", "field"),
    [
        ({"services": "-1.00"}, "services"),
        ({"services": "1.001"}, "services"),
        ({"services": "abc"}, "services"),
        ({"services": Decimal("NaN")}, "services"),
        ({"services": "1000000000000.00"}, "services"),
        ({"services": "10.00", "unknown": "1.00"}, "unknown"),
    ],
)
def test_bad_amounts_are_refused_and_nothing_changes(people, amounts, field):
    coop = people["coop"]
    plan(coop, {"services": "1000.00"})
    assert_refused(plan, coop, amounts, on=field)
    assert work_selectors.budget_lines_get(coop=coop, year=2025) == {"services": Decimal("1000.00")}


def test_the_subject_is_one_and_this_cooperatives(people):
    coop, other = people["coop"], people["other"]
    project = Project.objects.create(coop=coop, title="Sentiero", summary="x")
    resource = make_resource(coop)
    assert_refused(
        plan, coop, {"services": "1.00"}, on="resource", project=project, resource=resource
    )
    theirs = Project.objects.create(coop=other, title="Altrove", summary="x")
    assert_refused(plan, coop, {"services": "1.00"}, on="project", project=theirs)
    assert_refused(plan, coop, {"services": "1.00"}, on="resource", resource=make_resource(other))
    assert_refused(plan, coop, {"services": "1.00"}, on="year", year=99999)
    assert_refused(work_selectors.budget_subject, coop=coop, project_id=theirs.pk, resource_id=None)


def test_budget_against_actual(people, django_assert_num_queries):
    coop = people["coop"]
    project = Project.objects.create(coop=coop, title="Sentiero", summary="x")
    plan(coop, {"services": "1000.00", "staff": "400.00", "rent": "100.00"})
    plan(coop, {"maintenance": "300.00"}, project=project)
    move(coop, "services", "750.50")
    move(coop, "services", "-50.50")  # a refund
    move(coop, "staff", "500.00")
    move(coop, "grants", "200.00")  # not planned
    move(coop, "maintenance", "120.00", project=project)
    move(coop, "services", "999.00", on_date=date(2024, 12, 31))  # another year
    chart_ensure(coop=coop)
    with django_assert_num_queries(3):  # categories; planned lines; movements by category
        result = work_selectors.budget_vs_actual(coop=coop, year=2025)
    rows = {r.category.code: r for r in result.rows}
    assert list(rows) == ["services", "grants", "staff", "rent", "maintenance"]
    assert (rows["services"].planned, rows["services"].actual) == (
        Decimal("1000.00"),
        Decimal("700.00"),
    )
    assert rows["services"].variance == Decimal("-300.00")
    assert rows["services"].percent_used == Decimal("70.0")
    assert rows["grants"].percent_used is None  # nothing planned
    assert rows["staff"].percent_used == Decimal("125.0")
    assert rows["maintenance"].planned == Decimal("0.00")  # planned for the project only
    assert rows["rent"].actual == Decimal("0.00")
    assert result.income_total.actual == Decimal("900.00")
    assert result.expense_total.planned == Decimal("500.00")
    assert result.expense_total.actual == Decimal("620.00")
    assert result.result.actual == Decimal("280.00")
    assert result.result.percent_used == Decimal("56.0")
    plan(coop, {"staff": "2000.00"})  # a planned loss has no share used
    assert work_selectors.budget_vs_actual(coop=coop, year=2025).result.percent_used is None
    only = work_selectors.budget_vs_actual(coop=coop, year=2025, project=project)
    assert [(r.category.code, r.planned, r.actual) for r in only.rows] == [
        ("maintenance", Decimal("300.00"), Decimal("120.00"))
    ]
