"""Shared data of the decisions tests."""

from __future__ import annotations

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english(settings, client):
    """Messages in English, whatever the machine's language."""
    settings.LANGUAGE_CODE = "en"
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield
