"""Fixtures of the commons registry: a resource as a form posts it, and ready-made ones."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils.translation import override

from comunitas.commons.models import CommonResource
from comunitas.commons.resources import services
from comunitas.core.models import Municipality

RESOURCE_FORM = {
    "name": "Rifugio Cà da Cardella",
    "kind": "building",
    "owner_kind": "municipality",
    "owner_name": "Comune di Mendatica",
    "municipality": "Mendatica (IM)",
    "address": "Località Cardella",
    "capacity": "24",
    "condition": "good",
    "description": "Mountain refuge",
    "is_public": "on",
}
RIGHT_FORM = {
    "right-kind": "concession",
    "right-granted_by": "Comune di Mendatica",
    "right-reference": "Delibera 12/2018",
    "right-start_on": "2018-05-01",
    "right-end_on": "2030-05-01",
    "right-annual_fee": "1200.00",
}
OBLIGATION_FORM = {
    "obligation-kind": "insurance",
    "obligation-description": "Fire insurance",
    "obligation-due_on": "2026-06-30",
    "obligation-recurring_months": "12",
}
LOG_FORM = {"log-on_date": "2025-03-10", "log-text": "Roof repaired"}


def resource_fields(**extra) -> dict:
    return {
        "name": "Rifugio",
        "kind": "building",
        "owner_kind": "municipality",
        "owner_name": "Comune di Mendatica",
        "municipality": Municipality.objects.get(pk="008034"),
        "capacity": 24,
        "is_public": True,
        **extra,
    }


def make_resource(coop, actor=None, **extra) -> CommonResource:
    return services.resource_create(actor=actor, coop=coop, fields=resource_fields(**extra))


def add_right(resource, *, start: date, end: date | None, kind: str = "concession", fee="0"):
    return services.use_right_add(
        actor=None,
        resource=resource,
        fields={"kind": kind, "start_on": start, "end_on": end, "annual_fee": fee},
    )


def add_obligation(resource, *, due: date, months: int | None = None, kind: str = "insurance"):
    return services.obligation_add(
        actor=None,
        resource=resource,
        fields={"kind": kind, "due_on": due, "recurring_months": months, "description": ""},
    )


@pytest.fixture(autouse=True)
def english(settings, client):
    """The commons tests read the English messages: in the test thread, in the threads of the
    concurrency tests (they use the default language) and in the test client's requests."""
    settings.LANGUAGE_CODE = "en"
    client.cookies["django_language"] = "en"
    with override("en"):
        yield


@pytest.fixture
def resource(people):
    return make_resource(people["coop"], people["admin"])
