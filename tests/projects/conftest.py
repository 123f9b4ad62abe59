"""Shared data of the projects tests: needs, proposals and projects of the ``people`` fixture's
cooperative, made through the services as a user would."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from comunitas.projects.models import Indicator
from comunitas.projects.needs import services as needs_services
from comunitas.projects.projects import services as project_services
from comunitas.projects.proposals import services as proposals_services

NEED_FORM = {
    "title": "Nessun negozio di alimentari",
    "description": "Dopo la chiusura dell'ultimo negozio gli anziani vanno a valle per il pane.",
    "category": "shops",
    "urgency": "high",
    "people_affected": 120,
    "age_groups": ["elderly"],
}


@pytest.fixture(autouse=True)
def english(settings, client):
    """Messages in English, whatever the machine's language."""
    settings.LANGUAGE_CODE = "en"
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def make_need(coop, user, **fields):
    return needs_services.need_submit(actor=user, coop=coop, fields={**NEED_FORM, **fields})


def make_proposal(coop, user, needs, **fields):
    values = {
        "title": "Riaprire la bottega",
        "description": "Un emporio di comunità gestito da soci volontari e due dipendenti.",
        "estimated_costs": Decimal("18000.00"),
        "estimated_revenues": Decimal("25000.00"),
        "volunteers_needed": 6,
        **fields,
    }
    return proposals_services.proposal_submit(actor=user, coop=coop, fields=values, needs=needs)


def make_project(coop, user, needs=(), **fields):
    values = {"title": "Bottega di comunità", "summary": "L'emporio riaperto.", **fields}
    return project_services.project_create(
        actor=user, coop=coop, fields=values, needs=list(needs), resources=[]
    )


def indicator(code: str) -> Indicator:
    return Indicator.objects.get(coop=None, code=code)


def add_objective(project, user, code="jobs-fte", **fields):
    values = {
        "indicator": indicator(code),
        "description": "Due posti di lavoro",
        "unit": "FTE",
        "baseline": Decimal("0"),
        "target": Decimal("2"),
        "target_date": date(2027, 12, 31),
        **fields,
    }
    return project_services.objective_add(actor=user, project=project, fields=values)
