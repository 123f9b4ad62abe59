"""Fixtures of the member book: applications as a form sends them and admitted members."""

from __future__ import annotations

import pytest
from django.utils import translation

from comunitas.core.models import Municipality
from comunitas.members.book import services as book_services
from comunitas.members.models import ShareClass


@pytest.fixture(autouse=True)
def english(settings):
    """The member book's tests read messages in English, the language of the source; pages that
    a test wants in Italian ask for it (cookie or Accept-Language)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def english_pages(client, settings):
    """Pages in English too (the language cookie), for modules whose assertions read them."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def book(people):
    """The ``people`` cooperative with its member book set up and a resident of Mendatica."""
    book_services.book_setup(coop=people["coop"])
    people["mendatica"] = Municipality.objects.get(pk="008034")
    return people


@pytest.fixture
def ordinary(book) -> ShareClass:
    """The ordinary class of shares that ``book_setup`` issues."""
    return ShareClass.objects.get(coop=book["coop"], code="ordinarie")
