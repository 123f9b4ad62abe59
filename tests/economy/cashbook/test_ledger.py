"""The rules the parts of the economy share: a year's cash result and when a year is frozen."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from comunitas.core.errors import ValidationError
from comunitas.economy.cashbook import ledger
from comunitas.economy.closing import services as closing_services
from tests.economy.closing.matrix import last_year, profit
from tests.helpers import book_for

pytestmark = pytest.mark.django_db


def test_the_years_result_is_exact_to_the_cent(people):
    # SQLite adds decimals as binary floats: 8.10 + 8.20 + 8.70 would come back 24.999…
    coop, year = people["coop"], last_year()
    for amount in ("8.10", "8.20", "8.70"):
        profit(coop, year, amount)
    result = ledger.year_result(coop=coop, year=year)
    assert result == Decimal("25.00") and str(result) == "25.00"
    assert ledger.year_result(coop=coop, year=year - 1) == Decimal("0.00")


def test_a_proposed_year_is_frozen_and_a_draft_is_not(people):
    book = book_for(people)
    coop, year = book["coop"], last_year()
    profit(coop, year)
    closing = closing_services.closing_prepare(
        actor=book["admin"], coop=coop, year=year, result_source="cash_book"
    )
    ledger.ensure_open(coop=coop, on_date=date(year, 3, 1))  # a draft keeps the year open
    closing_services.closing_allocate(
        actor=book["admin"], closing=closing, reinvestment_percent=Decimal(50)
    )
    closing_services.closing_propose(actor=book["admin"], closing=closing)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        ledger.ensure_open(coop=coop, on_date=date(year, 3, 1))
    assert str(refused.value).startswith(f"The year {year} is closed")
    assert refused.value.errors[0].field == "on_date"
    ledger.ensure_open(coop=coop, on_date=date(year + 1, 1, 1))  # the next year is open
