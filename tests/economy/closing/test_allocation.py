"""The legal allocation of a year's result (closing.rules): the minima, the dividend cap,
the rates of the buoni postali, exact cents; the invariants checked as properties."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comunitas.core.errors import ValidationError
from comunitas.core.kernel.money import CENT
from comunitas.economy.closing.postal_rates import RATES, postal_bond_rates_load
from comunitas.economy.closing.rules import (
    MutualShare,
    allocation_compute,
    allocation_parameters,
    dividend_cap,
    legal_minima,
)
from comunitas.economy.closing.selectors import postal_bond_default, postal_bond_rate_for
from comunitas.economy.models import AllocationKind as K
from comunitas.economy.models import PostalBondRate
from tests.helpers import assert_refused

# Every exchange of the basis made with members: ristorni may take the whole result.
ALL_WITH_MEMBERS = MutualShare(label="members' work", with_members=D(1), total=D(1))


def test_a_profit_is_allocated_in_the_legal_order_to_the_cent():
    lines = allocation_compute(
        result=D("10000.00"),
        ristorni=D("2000.00"),
        dividends=D("100.00"),
        dividend_cap=D("500.00"),
        mutual_share=ALL_WITH_MEMBERS,
        reinvestment_percent=D(50),
    )
    assert lines == {
        K.LEGAL_RESERVE: D("3000.00"),
        K.MUTUAL_FUNDS: D("300.00"),
        K.RISTORNI: D("2000.00"),
        K.DIVIDENDS: D("100.00"),
        K.REINVESTMENT_FUND: D("2300.00"),
        K.INDIVISIBLE_RESERVE: D("2300.00"),
    }


def test_the_legal_reserve_rounds_up_and_the_indivisible_reserve_takes_the_last_cent():
    lines = allocation_compute(
        result=D("100.01"),
        dividend_cap=D(0),
        mutual_share=ALL_WITH_MEMBERS,
        reinvestment_percent=D("33.33"),
    )
    assert lines[K.LEGAL_RESERVE] == D("30.01")  # 30.003 up: never under 30%
    assert lines[K.MUTUAL_FUNDS] == D("3.00")  # 3.0003 half-even
    assert lines[K.REINVESTMENT_FUND] == D("22.33")  # 67.00 x 33.33% = 22.3311 down
    assert lines[K.INDIVISIBLE_RESERVE] == D("44.67")
    assert sum(lines.values()) == D("100.01")


@pytest.mark.parametrize("result", [D("0.00"), D("-1500.25")])
def test_a_loss_or_break_even_allocates_nothing(result):
    assert (
        allocation_compute(
            result=result,
            dividend_cap=D(0),
            mutual_share=ALL_WITH_MEMBERS,
            reinvestment_percent=D(0),
        )
        == {}
    )
    assert legal_minima(result=result) == {}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"legal_reserve_percent": D("29.99")}, "legal_reserve_percent"),  # below art. 2545-quater
        ({"legal_reserve_percent": D("100.01")}, "legal_reserve_percent"),
        ({"legal_reserve_percent": D(100)}, "legal_reserve_percent"),  # no room for the 3%
        ({"dividends": D("500.01")}, "dividends"),  # over the art. 2514 cap
        ({"dividends": D("-1.00")}, "dividends"),
        ({"ristorni": D("-0.01")}, "ristorni"),
        ({"ristorni": D("6700.01")}, "ristorni"),  # more than the reserves leave
        ({"ristorni": D("6500.00"), "dividends": D("300.00")}, "dividends"),
        ({"ristorni": D("1.001")}, "ristorni"),  # not to the cent
        ({"reinvestment_percent": D("-1")}, "reinvestment_percent"),
        ({"reinvestment_percent": D("100.5")}, "reinvestment_percent"),
        ({"reinvestment_percent": "many"}, "reinvestment_percent"),
        ({"result": D("1.005")}, "result"),
    ],
)
def test_an_allocation_against_the_law_is_refused_naming_the_field(params, field):
    values = {
        "result": D("10000.00"),
        "dividend_cap": D("500.00"),
        "mutual_share": ALL_WITH_MEMBERS,
        "reinvestment_percent": D(50),
        **params,
    }
    assert_refused(allocation_compute, on=field, **values)


def test_the_dividend_cap_is_the_postal_rate_plus_two_and_a_half_points_rounded_down():
    assert dividend_cap(paid_in_capital=D("12345.67"), postal_bond_rate=D("4.75")) == D("895.06")
    assert dividend_cap(paid_in_capital=D("0.00"), postal_bond_rate=D("6.00")) == D("0.00")


@pytest.mark.django_db
def test_the_postal_rate_of_a_year_is_the_highest_in_force_on_any_day_of_it():
    # 2024 (from migration 0002): 5.50 from 28/12/2023, 5.00 from 19/9, 4.75 from 11/10.
    found = postal_bond_default(year=2024)
    assert (found.rate, found.valid_from) == (D("5.50"), date(2023, 12, 28))
    assert postal_bond_rate_for(year=2024) == D("5.50")  # the mean would be 5.30
    assert "Confcooperative" in found.source
    assert "28/12/2023" in found.described(2024) and "2024" in found.described(2024)
    # 2025: 4.75 until 2/1, 4.00 from 3/1, 6.00 from 11/2: the rate of 11/2 is the highest.
    assert postal_bond_default(year=2025).valid_from == date(2025, 2, 11)
    assert postal_bond_rate_for(year=2021) == D("0.90")  # one rate all year
    # 2023: 4.50 until 5/6, then 6.15 (and 5.50 from 28/12): 6.15.
    assert postal_bond_rate_for(year=2023) == D("6.15")


@pytest.mark.django_db
def test_a_rate_that_ended_before_the_year_does_not_count_and_equal_rates_take_the_earliest():
    PostalBondRate.objects.all().delete()
    for day, rate in [("2029-01-01", "9.00"), ("2030-01-01", "3.00"), ("2030-07-01", "3.00")]:
        PostalBondRate.objects.create(valid_from=date.fromisoformat(day), rate=D(rate), source="t")
    found = postal_bond_default(year=2030)  # 9.00 ended on 31/12/2029
    assert (found.rate, found.valid_from) == (D("3.00"), date(2030, 1, 1))
    assert postal_bond_rate_for(year=2029) == D("9.00")
    assert_refused(postal_bond_rate_for, on="postal_bond_rate", year=2028)


def test_the_postal_bond_rates_load_once_and_keep_a_rate_changed_by_hand(db):
    assert PostalBondRate.objects.count() == len(RATES)  # the migration loaded them
    first = PostalBondRate.objects.order_by("valid_from").first()
    PostalBondRate.objects.filter(pk=first.pk).update(rate=D("1.00"))
    PostalBondRate.objects.exclude(pk=first.pk).delete()
    assert postal_bond_rates_load() == len(RATES) - 1
    assert postal_bond_rates_load() == 0
    assert PostalBondRate.objects.get(pk=first.pk).rate == D("1.00")


def test_stored_lines_give_back_their_parameters():
    lines = allocation_compute(
        result=D("8000.00"),
        legal_reserve_percent=D(40),
        ristorni=D("1000.00"),
        dividend_cap=D(0),
        mutual_share=ALL_WITH_MEMBERS,
        reinvestment_percent=D(25),
    )
    params = allocation_parameters(lines, result=D("8000.00"))
    again = allocation_compute(
        result=D("8000.00"), dividend_cap=D(0), mutual_share=ALL_WITH_MEMBERS, **params
    )
    assert again == lines


# --- properties ---------------------------------------------------------------------------------
money = st.decimals(min_value=D("0.01"), max_value=D("99999999.99"), places=2)
percent = st.decimals(min_value=D(0), max_value=D(100), places=2)


@st.composite
def allocations(draw):
    result = draw(st.decimals(min_value=D("1.00"), max_value=D("99999999.99"), places=2))
    legal_percent = draw(st.decimals(min_value=D(30), max_value=D(90), places=2))
    left = result - (result * legal_percent / 100).quantize(CENT, "ROUND_CEILING")
    left -= (result * 3 / D(100)).quantize(CENT)
    ristorni = draw(st.decimals(min_value=D(0), max_value=left, places=2))
    cap = draw(st.decimals(min_value=D(0), max_value=D("9999999.99"), places=2))
    dividends = draw(st.decimals(min_value=D(0), max_value=min(cap, left - ristorni), places=2))
    return {
        "result": result,
        "legal_reserve_percent": legal_percent,
        "ristorni": ristorni,
        "dividends": dividends,
        "dividend_cap": cap,
        "mutual_share": ALL_WITH_MEMBERS,
        "reinvestment_percent": draw(percent),
    }


@settings(max_examples=300, deadline=None)
@given(allocations())
def test_any_valid_allocation_keeps_the_legal_minima_and_adds_up_to_the_result(params):
    lines = allocation_compute(**params)
    result = params["result"]
    assert sum(lines.values()) == result
    assert all(amount >= 0 and amount == amount.quantize(CENT) for amount in lines.values())
    assert lines[K.LEGAL_RESERVE] * 100 >= result * 30
    assert lines[K.LEGAL_RESERVE] * 100 >= result * params["legal_reserve_percent"]
    assert abs(lines[K.MUTUAL_FUNDS] - result * 3 / 100) <= D("0.005")
    assert lines[K.DIVIDENDS] <= params["dividend_cap"]
    assert lines[K.RISTORNI] == params["ristorni"]


@settings(max_examples=300, deadline=None)
@given(
    result=money,
    legal_percent=st.decimals(min_value=D(-10), max_value=D(110), places=2),
    ristorni=st.decimals(min_value=D(-100), max_value=D("99999999.99"), places=2),
    dividends=st.decimals(min_value=D(-100), max_value=D("99999999.99"), places=2),
    cap=st.decimals(min_value=D(0), max_value=D("9999999.99"), places=2),
    reinvest=st.decimals(min_value=D(-10), max_value=D(110), places=2),
)
def test_any_allocation_either_is_refused_or_keeps_every_rule(
    result, legal_percent, ristorni, dividends, cap, reinvest
):
    params = {
        "result": result,
        "legal_reserve_percent": legal_percent,
        "ristorni": ristorni,
        "dividends": dividends,
        "dividend_cap": cap,
        "mutual_share": ALL_WITH_MEMBERS,
        "reinvestment_percent": reinvest,
    }
    invalid = (
        not 30 <= legal_percent <= 100
        or not 0 <= reinvest <= 100
        or ristorni < 0
        or dividends < 0
        or dividends > cap
    )
    try:
        lines = allocation_compute(**params)
    except ValidationError as exc:
        assert exc.errors[0].field in params
        legal = (result * legal_percent / 100).quantize(CENT, "ROUND_CEILING")
        left = result - legal - (result * 3 / D(100)).quantize(CENT)
        assert invalid or left < 0 or ristorni + dividends > left
        return
    assert not invalid
    assert sum(lines.values()) == result
    assert lines[K.LEGAL_RESERVE] * 100 >= result * 30
    assert all(amount >= 0 for amount in lines.values())
