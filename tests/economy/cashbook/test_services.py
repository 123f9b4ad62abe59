"""The cash book's rules: every check of a movement entered by hand, frozen years, the reversal
(once, never of a reversal, netting to zero), counterparties and the coop's own categories."""

from __future__ import annotations

import inspect
import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from comunitas.core.errors import ValidationError
from comunitas.core.models import AuditEntry
from comunitas.economy.cashbook import imports as cashbook_import
from comunitas.economy.cashbook import selectors, services
from comunitas.economy.cashbook.chart import chart_ensure
from comunitas.economy.cashbook.ledger import year_result
from comunitas.economy.models import Direction, Earmark, Movement, MovementSource
from comunitas.projects.models import Need
from tests.economy.cashbook.matrix import expense, freeze, income
from tests.helpers import assert_refused, make_coop, make_resource, make_user

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_the_category_decides_the_direction_and_it_is_audited(people):
    coop, staff = people["coop"], people["staff"]
    spent = expense(coop, staff, "120.00", vat="21.64")
    earned = income(coop, staff, "300.00")
    assert spent.direction == Direction.EXPENSE and earned.direction == Direction.INCOME
    assert spent.source == MovementSource.MANUAL and spent.recorded_by == staff
    assert spent.net == Decimal("98.36")
    entry = AuditEntry.objects.get(action="movement.create", object_id=str(spent.pk))
    assert "120.00" in str(entry.changes)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"amount": Decimal("0")}, "amount", "cannot be zero"),
        ({"amount": "1.234"}, "amount", "to the cent"),
        ({"amount": "abc"}, "amount", "amount in euros"),
        ({"vat": Decimal("-1.00")}, "vat", "sign of the amount"),
        ({"vat": Decimal("101.00")}, "vat", "more than the gross"),
        ({"amount": Decimal("-10.00"), "vat": Decimal("-11.00")}, "vat", "more than the gross"),
        ({"category": "no-such"}, "category", "Unknown category"),
        ({"category": ""}, "category", "Choose a category"),
        ({"on_date": "2026-01-01"}, "on_date", "Give a date"),
        ({"description": "x" * 201}, "description", "200"),
    ],
)
def test_every_rule_of_a_movement(people, fields, field, message):
    assert message in str(
        assert_refused(expense, people["coop"], people["staff"], on=field, **fields)
    )
    assert not Movement.objects.exists()


def test_what_is_not_an_input_cannot_be_set(people):
    """The sale a movement posts (and its source, its batch…) is never an input by hand."""
    for name in ("sale", "source", "batch", "reverses", "direction"):
        with pytest.raises(TypeError, match=name):
            expense(people["coop"], people["staff"], **{name: 1})
    assert not Movement.objects.exists()


def test_a_negative_income_with_its_vat_is_a_refund(people):
    refund = income(people["coop"], None, "-24.40", vat="-4.40")
    assert refund.amount == Decimal("-24.40") and refund.vat == Decimal("-4.40")


def test_every_link_belongs_to_the_cooperative(people):
    coop, other = people["coop"], people["other"]
    theirs = make_resource(other, people["stranger"])
    foreign_party = services.counterparty_create(
        actor=None, coop=other, name="Altrove", kind="supplier"
    )
    for name, value in (
        ("resource", theirs),
        ("resource", theirs.pk),
        ("counterparty", foreign_party.pk),
        ("member", 999_999),
        ("job", "abc"),
    ):
        assert "this cooperative" in str(
            assert_refused(expense, coop, None, on=name, **{name: value})
        )
    ours = make_resource(coop, people["admin"])
    assert expense(coop, None, resource=ours.pk).resource == ours
    # A category of another cooperative is not ours either.
    their_category = chart_ensure(coop=other)["suppliers"]
    assert_refused(expense, coop, None, on="category", category=their_category.pk)


def test_a_frozen_year_refuses_movements(people):
    coop = people["coop"]
    last_year = TODAY.year - 1
    freeze(coop, last_year)
    message = str(assert_refused(expense, coop, None, on="on_date", on_date=date(last_year, 6, 1)))
    assert f"{last_year} is closed" in message
    assert expense(coop, None, on_date=TODAY).pk


def _earmark(coop, amount="500.00", released=False) -> Earmark:
    need = Need.objects.create(
        coop=coop, title="Sentiero", description="Da sistemare", category="environment"
    )
    return Earmark.objects.create(
        coop=coop,
        on_date=TODAY,
        amount=Decimal(amount),
        source="board",
        need=need,
        purpose="Sentiero del bosco",
        released=released,
    )


def test_an_earmark_is_spent_by_expenses_only_and_never_beyond_it(people):
    coop = people["coop"]
    earmark = _earmark(coop)
    assert "Only an expense" in str(
        assert_refused(income, coop, None, on="earmark", earmark=earmark)
    )
    first = expense(coop, None, "300.00", earmark=earmark)
    assert services.earmark_remaining(earmark) == Decimal("200.00")
    assert "200.00" in str(
        assert_refused(expense, coop, None, "200.01", on="amount", earmark=earmark)
    )
    expense(coop, None, "200.00", earmark=earmark)
    assert services.earmark_remaining(earmark) == 0
    # A reversal gives the money back to the earmark.
    services.movement_reverse(actor=None, movement=first, reason="Fattura sbagliata")
    assert services.earmark_remaining(earmark) == Decimal("300.00")
    released = _earmark(coop, released=True)
    assert "released" in str(
        assert_refused(expense, coop, None, "1.00", on="earmark", earmark=released)
    )


def test_a_reversal_is_the_opposite_once_and_never_of_a_reversal(people):
    coop, staff = people["coop"], people["staff"]
    original = expense(coop, staff, "80.00", vat="14.43", reference="FT 12")
    assert_refused(
        services.movement_reverse, on="reason", actor=staff, movement=original, reason=" "
    )
    reversal = services.movement_reverse(actor=staff, movement=original, reason="Doppia")
    assert reversal.source == MovementSource.REVERSAL and reversal.reverses == original
    assert reversal.on_date == TODAY and reversal.direction == original.direction
    assert (reversal.amount, reversal.vat) == (Decimal("-80.00"), Decimal("-14.43"))
    assert reversal.reference == "FT 12" and "Doppia" in reversal.description
    assert "already reversed" in str(
        assert_refused(
            services.movement_reverse, on=None, actor=staff, movement=original, reason="Ancora"
        )
    )
    assert "cannot be reversed" in str(
        assert_refused(
            services.movement_reverse, on=None, actor=staff, movement=reversal, reason="E poi"
        )
    )
    assert AuditEntry.objects.filter(action="movement.reverse").count() == 1
    assert selectors.reversal_of(original) == reversal


def test_a_reversal_is_dated_in_an_open_year(people):
    coop = people["coop"]
    last_year = TODAY.year - 1
    original = expense(coop, None, on_date=date(last_year, 12, 30))
    freeze(coop, last_year)
    assert_refused(
        services.movement_reverse,
        on="on_date",
        actor=None,
        movement=original,
        on_date=date(last_year, 12, 31),
        reason="Errore",
    )
    reversal = services.movement_reverse(actor=None, movement=original, reason="Errore")
    assert reversal.on_date == TODAY


class TestReversalNetsToZero(TestCase):
    """Whatever the movement, the pair nets to zero in the year's result and in the totals."""

    @classmethod
    def setUpTestData(cls):
        admin = make_user("owner-prop")
        cls.coop = make_coop("prop-cash", owner=admin)

    @settings(max_examples=40, deadline=None)
    @given(
        cents=st.integers(min_value=-(10**12), max_value=10**12).filter(bool),
        vat_share=st.integers(min_value=0, max_value=100),
        code=st.sampled_from(["services", "grants", "suppliers", "staff", "other"]),
    )
    def test_the_pair_nets_to_zero(self, cents, vat_share, code):
        amount = Decimal(cents) / 100
        vat = (amount * vat_share / 100).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
        before = year_result(coop=self.coop, year=TODAY.year)
        original = services.movement_create(
            actor=None,
            coop=self.coop,
            on_date=TODAY,
            category=code,
            amount=amount,
            vat=vat,
        )
        reversal = services.movement_reverse(actor=None, movement=original, reason="Prova")
        assert original.amount + reversal.amount == 0 and original.vat + reversal.vat == 0
        assert year_result(coop=self.coop, year=TODAY.year) == before
        pair = Movement.objects.filter(pk__in=[original.pk, reversal.pk])
        totals = selectors.totals(pair)
        assert totals.income == totals.expense == 0


@pytest.mark.django_db(transaction=True)
def test_two_reversals_at_once_write_one(territory):
    coop = make_coop("race-cash", owner=make_user("race-owner"))
    original = expense(coop, None)
    results: list[str] = []

    def reverse() -> None:
        try:
            services.movement_reverse(actor=None, movement=original, reason="Corsa")
            results.append("ok")
        except ValidationError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=reverse) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["ok", "refused"]
    assert Movement.objects.filter(reverses=original).count() == 1


# --- counterparties and categories ----------------------------------------------------------------
def test_counterparty_rules_and_whether_it_is_local(people):
    coop, staff = people["coop"], people["staff"]
    local = services.counterparty_create(
        actor=staff,
        coop=coop,
        name="Ferramenta",
        kind="supplier",
        municipality="008034",
    )
    away = services.counterparty_create(
        actor=staff,
        coop=coop,
        name="Grossista",
        kind="supplier",
        tax_code="IT 0074 3110 157",
        municipality="066004",
    )
    assert away.tax_code == "00743110157"
    assert selectors.counterparty_is_local(local) and not selectors.counterparty_is_local(away)
    flags = {c.name: c.is_local for c in selectors.counterparties(coop=coop)}
    assert flags == {"Ferramenta": True, "Grossista": False}
    fields = {"name": "ferramenta", "kind": "supplier"}
    assert "already exists" in str(
        assert_refused(services.counterparty_create, on="name", actor=staff, coop=coop, **fields)
    )
    bad_code = {"name": "X", "kind": "supplier", "tax_code": "12345678901"}
    assert "not a valid" in str(
        assert_refused(
            services.counterparty_create, on="tax_code", actor=staff, coop=coop, **bad_code
        )
    )
    good_cf = {"name": "Mario", "kind": "customer", "tax_code": "RSSMRA85T10A562S"}
    assert services.counterparty_create(actor=staff, coop=coop, **good_cf).tax_code
    assert_refused(
        services.counterparty_create,
        on="municipality",
        actor=staff,
        coop=coop,
        name="Y",
        kind="other",
        municipality="999999",
    )
    assert_refused(
        services.counterparty_create,
        on="kind",
        actor=staff,
        coop=coop,
        name="Z",
        kind="friend",
    )
    expense(coop, None, "10.00", counterparty=local)
    expense(coop, None, "20.00", counterparty=away)
    expense(coop, None, "30.00")
    paid = selectors.with_counterparty_locality(selectors.movements(coop=coop), coop)
    assert {m.amount: m.counterparty_is_local for m in paid} == {
        Decimal("10.00"): True,
        Decimal("20.00"): False,
        Decimal("30.00"): False,
    }
    moved = services.counterparty_update(
        actor=staff, counterparty=away, fields={"municipality": "008034"}
    )
    assert selectors.counterparty_is_local(moved)
    assert AuditEntry.objects.filter(action__startswith="counterparty.").count() == 4


def test_a_category_of_the_coops_own(people):
    coop = people["coop"]
    fields = {"code": "firewood", "name": "Legna", "direction": "expense", "flow": "purchases"}
    category = services.category_create(actor=None, coop=coop, **fields)
    assert category.flow == "purchases"
    assert expense(coop, None, category="firewood").category == category
    assert "already exists" in str(
        assert_refused(services.category_create, on="code", actor=None, coop=coop, **fields)
    )
    revenue = {"code": "x", "name": "X", "direction": "expense", "flow": "revenue"}
    assert_refused(services.category_create, on="flow", actor=None, coop=coop, **revenue)
    earning = services.category_create(
        actor=None,
        coop=coop,
        code="rentals",
        name="Affitti attivi",
        direction="income",
        flow="",
    )
    assert earning.flow == "revenue"


def test_nothing_can_be_deleted():
    """No service deletes: the cash book only grows (a grep, so a future delete is noticed)."""
    for module in (services, cashbook_import):
        assert ".delete(" not in inspect.getsource(module)
