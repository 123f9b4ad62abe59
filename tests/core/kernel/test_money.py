"""Money in exact cents: the one parser of amounts people write, the one check of amounts a
service takes, and percentages."""

from decimal import Decimal

import pytest
from django.utils.translation import override
from hypothesis import given
from hypothesis import strategies as st

from comunitas.core.errors import ValidationError
from comunitas.core.kernel.money import CENT, MAX_MONEY, ZERO, money, parse_euros, percent

amounts = st.decimals(min_value=-MAX_MONEY, max_value=MAX_MONEY, places=2)


def italian(amount: Decimal) -> str:
    """1234567.5 as an Italian accountant writes it: 1.234.567,50."""
    sign = "-" if amount < 0 else ""
    whole, cents = f"{abs(amount):.2f}".split(".")
    groups = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{groups},{cents}"


@given(amounts)
def test_every_amount_reads_back_from_italian_and_english_writing(amount):
    assert parse_euros(italian(amount)) == amount
    assert parse_euros(f"€ {amount:,.2f}") == amount
    assert parse_euros(f"{amount}") == amount


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.000", Decimal(1000)),  # a point before three digits: Italian thousands
        ("12,5", Decimal("12.5")),
        ("+25,00 EUR", Decimal("25.00")),
        ("1\u00a0234,56", Decimal("1234.56")),
        (12.5, Decimal("12.5")),
        ("  ", None),
        (None, None),
    ],
)
def test_forms_people_write(text, expected):
    assert parse_euros(text) == expected


@pytest.mark.parametrize("text", ["abc", "1,2,3", "12.5.1", True, "NaN", "-Infinity"])
def test_what_is_not_an_amount_is_refused(text):
    with pytest.raises(ValueError):
        parse_euros(text)


@given(amounts)
def test_money_keeps_an_amount_to_the_cent_exactly(amount):
    assert money(amount, field="amount", low=-MAX_MONEY) == amount
    assert money(str(amount), field="amount", low=-MAX_MONEY) == amount


@pytest.mark.parametrize(
    ("value", "options", "message"),
    [
        ("abc", {}, "Give an amount in euros."),
        ("12.345", {}, "Give the amount to the cent."),
        ("-1", {}, "Give zero or more."),
        ("0", {"low": CENT}, "Give an amount in euros, more than zero."),
        ("1e15", {"low": CENT}, "Give an amount in euros, more than zero."),
        ("-0.01", {"below": "A price cannot be negative."}, "A price cannot be negative."),
        (float("inf"), {}, "Give an amount in euros."),
        ({"a": 1}, {}, "Give an amount in euros."),
    ],
)
def test_money_names_the_field_and_the_rule(value, options, message):
    with override("en"), pytest.raises(ValidationError) as refused:
        money(value, field="price", **options)
    assert refused.value.as_dict() == {"price": [message]}


def test_an_optional_amount_left_empty_is_zero():
    assert money("", field="vat", required=False) == ZERO
    with pytest.raises(ValidationError):
        money("", field="vat")


@pytest.mark.parametrize(
    ("value", "expected"), [("12,5", Decimal("12.50")), ("30%", Decimal("30.00")), (3, 3)]
)
def test_percentages(value, expected):
    assert percent(value, field="share") == expected


@pytest.mark.parametrize("value", ["101", "-1", "12.345", "abc"])
def test_a_percentage_out_of_range_or_too_precise_is_refused(value):
    with pytest.raises(ValidationError) as refused:
        percent(value, field="share")
    assert list(refused.value.as_dict()) == ["share"]
