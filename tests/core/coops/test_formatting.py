"""Money as people read it in each language."""

from decimal import Decimal

import pytest
from django.utils import translation

from comunitas.core.formatting import euro


@pytest.mark.parametrize(
    ("language", "amount", "shown"),
    [
        ("en", Decimal("1234.5"), "€1,234.50"),
        ("en", Decimal("-2500"), "-€2,500.00"),  # the sign before the currency
        ("it", Decimal("1234.5"), "1.234,50\u00a0€"),
        ("it", Decimal("-2500"), "-2.500,00\u00a0€"),
        ("en", None, ""),
    ],
)
def test_euro_amounts_in_each_language(language, amount, shown):
    with translation.override(language):
        assert euro(amount) == shown
