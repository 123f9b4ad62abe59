"""Fixtures of the commons registry: a resource as a form posts it, and ready-made ones."""

from __future__ import annotations

import pytest

from tests.helpers import make_resource


@pytest.fixture
def resource(people):
    return make_resource(people["coop"], people["admin"])


@pytest.fixture(autouse=True)
def in_english(english):
    """These tests read the messages in English (``english``, tests/conftest.py)."""
