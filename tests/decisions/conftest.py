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


# --- assemblies ---------------------------------------------------------------------------------
def category(coop, code: str):
    from comunitas.members.models import StakeholderCategory

    return StakeholderCategory.objects.get(coop=coop, code=code)


def book_for(people) -> dict:
    """The ``people`` cooperative's member book for an assembly held today: member1 and admin1
    are members no. 1 and 2 with their logins, members no. 3-8 may vote too, no. 9 was admitted
    89 days ago and may not yet; staff1 is not a member."""
    from comunitas.members.book.services import book_setup
    from tests.members.conftest import admit, person

    coop = people["coop"]
    book_setup(coop=coop)
    members = {
        "member": admit(coop, person(1, first_name="Marta"), user=people["member"], days_ago=400),
        "admin": admit(coop, person(2, first_name="Ada"), user=people["admin"], days_ago=500),
    }
    for n in range(3, 9):
        members[n] = admit(coop, person(n), days_ago=300 + n)
    members["recent"] = admit(coop, person(9, first_name="Nuovo"), days_ago=89)
    return {**people, "members": members}


@pytest.fixture
def assembly_book(people):
    return book_for(people)


def convene(book: dict) -> dict:
    """An ordinary assembly with two agenda items, convened ten days before its first call."""
    from datetime import timedelta

    from comunitas.decisions.assemblies import services as assemblies_services

    admin = book["admin"]
    assembly = assemblies_services.assembly_create(
        actor=admin,
        coop=book["coop"],
        fields={**ASSEMBLY_FIELDS, "first_call_at": first_call(), "second_call_at": first_call(24)},
    )
    assemblies_services.agenda_item_add(
        actor=admin, assembly=assembly, fields={"title": "Bilancio 2025"}
    )
    assemblies_services.agenda_item_add(
        actor=admin, assembly=assembly, fields={"title": "Elezione CdA"}
    )
    assembly = assemblies_services.assembly_convene(
        actor=admin, assembly=assembly, at=first_call() - timedelta(days=10)
    )
    return {**book, "assembly": assembly}


def open_session(convened: dict) -> dict:
    """The convened assembly opened at first call, an hour before it starts (registration)."""
    from comunitas.decisions.assemblies import session_services as assemblies_session_services

    assembly = assemblies_session_services.assembly_open(
        actor=convened["admin"], assembly=convened["assembly"], call="first", at=first_call(-1)
    )
    return {**convened, "assembly": assembly}


def first_call(hours: int = 0):
    """Today at 18:00 local time (plus ``hours``), when the tests' assemblies meet."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    day = timezone.localdate()
    return timezone.make_aware(datetime.combine(day, time(18, 0))) + timedelta(hours=hours)


ASSEMBLY_FIELDS = {
    "kind": "ordinary",
    "title": "Assemblea ordinaria 2026",
    "place": "Sala consiliare, Mendatica",
    "online_url": "https://meet.example.org/assemblea",
}


@pytest.fixture
def convened(assembly_book):
    """The assembly convened; its notices, sent after a commit, are not sent in these tests
    (those about the e-mails run the commit's callbacks themselves)."""
    return convene(assembly_book)


@pytest.fixture
def in_session(convened):
    return open_session(convened)
