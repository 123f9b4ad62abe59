"""Capital is added up exactly on both databases: SQLite sums decimals as binary floats, where
8.10 + 8.20 + 8.70 is 24.999999999999996, so every money total is read back to the cent."""

from decimal import Decimal

import pytest

from comunitas.members.book import selectors as book_selectors
from comunitas.members.models import ShareClass
from comunitas.members.shares import services as shares_services
from tests.helpers import admit, person

pytestmark = pytest.mark.django_db


def test_shares_paid_in_instalments_are_paid_in_full(book):
    coop = book["coop"]
    ordinary = ShareClass.objects.get(coop=coop, code="ordinarie")
    assert ordinary.nominal_value == Decimal("25.00")
    member = admit(coop, person(61), shares=1)
    for amount in ("8.10", "8.20", "8.70"):
        shares_services.payment_record(
            actor=None, member=member, share_class=ordinary, amount=Decimal(amount)
        )
    held = shares_services.holding(member, ordinary)
    assert held["paid"] == held["subscribed"] == Decimal("25.00")
    assert str(held["paid"]) == "25.00"
    [row] = book_selectors.holdings(member=member)
    assert row.paid == Decimal("25.00") and str(row.paid) == "25.00"
    listed = book_selectors.with_holdings(type(member).objects.filter(pk=member.pk)).get()
    assert str(listed.capital_paid) == "25.00"
    summary = book_selectors.capital_summary(coop=coop)
    assert summary.paid == summary.subscribed == Decimal("25.00")
