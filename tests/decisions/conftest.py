"""Shared data of the decisions tests."""

from __future__ import annotations

import pytest

from tests.helpers import book_for, convene, open_session


@pytest.fixture
def assembly_book(people):
    return book_for(people)


@pytest.fixture
def convened(assembly_book):
    """The assembly convened; its notices, sent after a commit, are not sent in these tests
    (those about the e-mails run the commit's callbacks themselves)."""
    return convene(assembly_book)


@pytest.fixture
def in_session(convened):
    return open_session(convened)


@pytest.fixture(autouse=True)
def in_english(english):
    """These tests read the messages in English (``english``, tests/conftest.py)."""
