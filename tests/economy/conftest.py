"""Fixtures of the economy tests."""

import pytest


@pytest.fixture(autouse=True)
def in_english(english):
    """These tests read the messages in English (``english``, tests/conftest.py)."""
