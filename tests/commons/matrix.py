"""The commons registry's rows of the permission matrix (tests/core/coops/test_permissions.py).

``ids`` creates the objects the paths name; every POST body is valid, so allowed roles get
their 302 (web) or 200/201 (API)."""

from __future__ import annotations

from datetime import date, timedelta

from comunitas.core.permissions import Action
from tests.helpers import (
    LOG_FORM,
    OBLIGATION_FORM,
    RESOURCE_FORM,
    RIGHT_FORM,
    add_obligation,
    make_resource,
)

# Placeholders the paths may hold besides {slug}; web routes name them <int:…>.
PATH_IDS = ["resource_id", "obligation_id"]
TODAY = date.today()

WEB = [
    ("get", "/c/{slug}/commons/", None, Action.VIEW_COMMONS),
    ("get", "/c/{slug}/commons/new/", None, Action.MANAGE_COMMONS),
    ("post", "/c/{slug}/commons/new/", RESOURCE_FORM, Action.MANAGE_COMMONS),
    # resource_id is shown on the public page, so visitors of a public coop see it.
    ("get", "/c/{slug}/commons/{resource_id}/", None, Action.VIEW_COMMONS),
    ("get", "/c/{slug}/commons/{resource_id}/edit/", None, Action.MANAGE_COMMONS),
    (
        "post",
        "/c/{slug}/commons/{resource_id}/edit/",
        {**RESOURCE_FORM, "condition": "needs_work"},
        Action.MANAGE_COMMONS,
    ),
    ("post", "/c/{slug}/commons/{resource_id}/use-rights/", RIGHT_FORM, Action.MANAGE_COMMONS),
    (
        "post",
        "/c/{slug}/commons/{resource_id}/obligations/",
        OBLIGATION_FORM,
        Action.MANAGE_COMMONS,
    ),
    ("post", "/c/{slug}/commons/{resource_id}/log/", LOG_FORM, Action.MANAGE_COMMONS),
    ("post", "/c/{slug}/commons/obligations/{obligation_id}/done/", {}, Action.MANAGE_COMMONS),
]

API_RESOURCE = {
    "name": "Parco Avventura",
    "kind": "land",
    "owner_kind": "municipality",
    "municipality": "008034",
    "capacity": 60,
    "is_public": True,
}
API = [
    ("get", "/api/v1/coops/{slug}/commons", None, Action.VIEW_COMMONS),
    ("post", "/api/v1/coops/{slug}/commons", API_RESOURCE, Action.MANAGE_COMMONS),
    ("get", "/api/v1/coops/{slug}/commons/reminders", None, Action.MANAGE_COMMONS),
    ("get", "/api/v1/coops/{slug}/commons/{resource_id}", None, Action.VIEW_COMMONS),
    (
        "patch",
        "/api/v1/coops/{slug}/commons/{resource_id}",
        {"condition": "needs_work"},
        Action.MANAGE_COMMONS,
    ),
    (
        "post",
        "/api/v1/coops/{slug}/commons/{resource_id}/use-rights",
        {"kind": "comodato", "start_on": "2024-01-01", "end_on": "2029-01-01"},
        Action.MANAGE_COMMONS,
    ),
    (
        "post",
        "/api/v1/coops/{slug}/commons/{resource_id}/obligations",
        {"kind": "maintenance", "due_on": "2026-09-30", "recurring_months": 6},
        Action.MANAGE_COMMONS,
    ),
    (
        "post",
        "/api/v1/coops/{slug}/commons/{resource_id}/log",
        {"on_date": "2025-02-01", "text": "Boiler serviced"},
        Action.MANAGE_COMMONS,
    ),
    (
        "post",
        "/api/v1/coops/{slug}/commons/obligations/{obligation_id}/done",
        {},
        Action.MANAGE_COMMONS,
    ),
]


def ids(people) -> dict[str, int]:
    """In "alpha": a resource shown on the public page with a recurring obligation to do."""
    resource = make_resource(people["coop"], people["admin"], is_public=True)
    obligation = add_obligation(resource, due=TODAY + timedelta(days=30), months=12)
    return {"resource_id": resource.pk, "obligation_id": obligation.pk}
