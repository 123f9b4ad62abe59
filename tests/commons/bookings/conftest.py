"""Fixtures of the booking tests' pages and API: a resource with a unit open to public booking."""

from __future__ import annotations

import pytest

from tests.commons.bookings.matrix import make_unit
from tests.helpers import make_resource


@pytest.fixture
def resource(people):
    return make_resource(people["coop"], people["admin"], name="Casa del popolo")


@pytest.fixture
def unit(resource, people):
    """Open 08:00-22:00 every day, bookable by anyone for up to four hours."""
    return make_unit(resource, people["admin"], name="Sala prove", max_minutes=240)
