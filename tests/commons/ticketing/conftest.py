"""Fixtures of the box office tests: the cooperative "alpha" and a screening on sale."""

from __future__ import annotations

import pytest

from tests.commons.ticketing.matrix import make_service


@pytest.fixture
def coop(people):
    return people["coop"]


@pytest.fixture
def screening(coop):
    return make_service(coop, name="Cinema Paradiso")
