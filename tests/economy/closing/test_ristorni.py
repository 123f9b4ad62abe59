"""The split of ristorni by the largest-remainder method and the exchanges it is based on."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comunitas.commons.models import Sale, Service
from comunitas.economy.closing.ristorni import exchanges, split_largest_remainder
from tests.commons.stats.test_stats import order_line
from tests.economy.closing.matrix import job, last_year
from tests.helpers import book_for, make_resource


def test_the_left_over_cents_go_to_the_largest_remainders():
    split = split_largest_remainder(D("100.00"), {1: D(1), 2: D(1), 3: D(1)})
    assert split == {1: D("33.34"), 2: D("33.33"), 3: D("33.33")}  # tie: the lower id
    split = split_largest_remainder(D("10.00"), {7: D("2"), 8: D("1")})
    assert split == {7: D("6.67"), 8: D("3.33")}
    assert split_largest_remainder(D("10.00"), {}) == {}


@settings(max_examples=300, deadline=None)
@given(
    amount=st.decimals(min_value=D("0.00"), max_value=D("99999999.99"), places=2),
    weights=st.dictionaries(
        st.integers(min_value=1, max_value=10_000),
        st.decimals(min_value=D("0.01"), max_value=D("9999999.99"), places=2),
        min_size=1,
        max_size=60,
    ),
)
def test_ristorni_add_up_to_the_amount_decided_for_any_exchanges(amount, weights):
    split = split_largest_remainder(amount, weights)
    assert set(split) == set(weights)
    assert sum(split.values()) == amount
    total = sum(weights.values())
    for key, value in split.items():
        assert value >= 0 and value == value.quantize(D("0.01"))
        # Within a cent of the exact proportional share, never more.
        assert abs(value - amount * weights[key] / total) < D("0.01")
    # More exchange never gets less.
    ordered = sorted(weights, key=lambda k: weights[k])
    for low, high in pairwise(ordered):
        if weights[low] < weights[high]:
            assert split[low] <= split[high]


@pytest.mark.django_db
def test_work_counts_full_time_days_within_the_year_only(people):
    book = book_for(people)
    year, m = last_year(), book["members"]
    job(m["member"], year, start=date(year - 1, 12, 1), end=date(year, 1, 11))  # 10 days in
    job(m["admin"], year, fte="0.25", start=date(year, 12, 22), end=date(year + 2, 1, 1))
    job(m[3], year, start=date(year + 1, 1, 1), end=date(year + 1, 2, 1))  # the next year
    found = exchanges(coop=book["coop"], year=year, basis="work")
    assert found == {m["member"].pk: D("10.00"), m["admin"].pk: D("2.50")}
    assert exchanges(coop=book["coop"], year=year, basis="purchases") == {}


@pytest.mark.django_db
def test_purchases_and_services_count_the_members_sales_net_of_refunds(people):
    book = book_for(people)
    coop, year, m = book["coop"], last_year(), book["members"]
    shop = Service.objects.create(
        coop=coop, resource=make_resource(coop, book["admin"]), name="Emporio", kind="product"
    )

    def sold(member, quantity: int, on: date, refund: bool = False):
        line = order_line(shop, quantity=quantity, price="4.00")
        sign = -1 if refund else 1
        return Sale.objects.create(
            coop=coop,
            kind="refund" if refund else "sale",
            on_date=on,
            amount=sign * line.amount,
            resource=shop.resource,
            service=shop,
            order_line=line,
            customer_kind="member",
            member=member,
            quantity=sign * quantity,
            payment_method="on_site",
        )

    sold(m["member"], 3, date(year, 2, 1))
    sold(m["member"], 1, date(year, 3, 1), refund=True)
    sold(m["admin"], 2, date(year, 12, 31))
    sold(m["admin"], 9, date(year + 1, 1, 1))  # the next year
    sold(m[3], 1, date(year, 5, 1))
    sold(m[3], 1, date(year, 5, 2), refund=True)  # nothing left: no exchange
    sold(None, 5, date(year, 5, 1))  # not a member
    assert exchanges(coop=coop, year=year, basis="purchases") == {
        m["member"].pk: D("8.00"),
        m["admin"].pk: D("8.00"),
    }
    assert exchanges(coop=coop, year=year, basis="services") == {
        m["member"].pk: D(2),
        m["admin"].pk: D(2),
    }
