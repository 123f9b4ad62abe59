"""API of the commons registry: resources, their legal bases, obligations, history, reminders.

Same rules as the web pages: any role reads the registry, visitors of a public cooperative see
only the resources it shows publicly (another id answers 404), staff and the board keep it.
Parsing here, rules in ``commons.resources.services``."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from comunitas.commons.models import CommonResource, Obligation
from comunitas.commons.resources import selectors, services
from comunitas.commons.resources.schemas import (
    LogEntryOut,
    LogIn,
    ObligationDoneIn,
    ObligationDoneOut,
    ObligationIn,
    ObligationOut,
    RemindersOut,
    ResourceIn,
    ResourceItem,
    ResourceOut,
    ResourcePatch,
    UseRightIn,
    UseRightOut,
)
from comunitas.core.endpoints import PUBLIC, Pagination, answers
from comunitas.core.lookups import or_404
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, coop_for, role_in
from comunitas.core.territory.selectors import municipality_resolve

router = Router()
BASE = "/coops/{slug}/commons"
REMINDER_DAYS = 90


def _public_only(request, coop: Cooperative) -> bool:
    return role_in(request.auth, coop) is None


def _detail(request, coop: Cooperative, resource_id: int) -> CommonResource:
    return or_404(
        selectors.resource_get,
        coop=coop,
        pk=resource_id,
        visible_to_public=_public_only(request, coop),
    )


def _resource(coop: Cooperative, resource_id: int) -> CommonResource:
    return get_object_or_404(CommonResource, coop=coop, pk=resource_id)


def _fields(values: dict[str, Any]) -> dict[str, Any]:
    fields = {k: (v.value if hasattr(v, "value") else v) for k, v in values.items()}
    if "municipality" in fields:
        text = (fields["municipality"] or "").strip()
        fields["municipality"] = municipality_resolve(text) if text else None
    return fields


@router.get(BASE, response=answers(200, list[ResourceItem]), tags=["commons"], openapi_extra=PUBLIC)
@paginate(Pagination)
def resource_list(request, slug: str) -> QuerySet[CommonResource]:
    """The registry with each resource's legal basis in force and next obligation."""
    coop = coop_for(request.auth, slug, Action.VIEW_COMMONS)
    return selectors.resource_list(coop=coop, visible_to_public=_public_only(request, coop))


@router.post(BASE, response=answers(201, ResourceOut), tags=["commons"])
def resource_create(request, slug: str, payload: ResourceIn):
    """Register a common resource."""
    coop = coop_for(request.auth, slug, Action.MANAGE_COMMONS)
    resource = services.resource_create(actor=request.auth, coop=coop, **_fields(payload.dict()))
    return Status(201, _detail(request, coop, resource.pk))


@router.get(f"{BASE}/reminders", response=answers(200, RemindersOut), tags=["commons"])
def reminders(request, slug: str):
    """Obligations overdue or due within 90 days and legal bases ending within 90 days."""
    coop = coop_for(request.auth, slug, Action.MANAGE_COMMONS)
    return {
        "days": REMINDER_DAYS,
        "obligations": list(selectors.obligations_due(coop=coop, within_days=REMINDER_DAYS)),
        "use_rights": list(selectors.use_rights_expiring(coop=coop, within_days=REMINDER_DAYS)),
    }


@router.post(
    f"{BASE}/obligations/{{int:obligation_id}}/done",
    response=answers(200, ObligationDoneOut),
    tags=["commons"],
)
def obligation_done(request, slug: str, obligation_id: int, payload: ObligationDoneIn):
    """Mark an obligation done; a recurring one gets its next occurrence."""
    coop = coop_for(request.auth, slug, Action.MANAGE_COMMONS)
    obligation = get_object_or_404(Obligation, pk=obligation_id, resource__coop=coop)
    done, following = services.obligation_done(
        actor=request.auth, obligation=obligation, done_on=payload.done_on
    )
    return {"done": done, "next": following}


@router.get(
    f"{BASE}/{{int:resource_id}}",
    response=answers(200, ResourceOut),
    tags=["commons"],
    openapi_extra=PUBLIC,
)
def resource_get(request, slug: str, resource_id: int):
    coop = coop_for(request.auth, slug, Action.VIEW_COMMONS)
    return _detail(request, coop, resource_id)


@router.patch(f"{BASE}/{{int:resource_id}}", response=answers(200, ResourceOut), tags=["commons"])
def resource_update(request, slug: str, resource_id: int, payload: ResourcePatch):
    """Correct a resource; only the fields sent change."""
    coop = coop_for(request.auth, slug, Action.MANAGE_COMMONS)
    services.resource_update(
        actor=request.auth,
        resource=_resource(coop, resource_id),
        fields=_fields(payload.dict(exclude_unset=True)),
    )
    return _detail(request, coop, resource_id)


def _add_to_resource(request, slug: str, resource_id: int, add, payload) -> Status:
    coop = coop_for(request.auth, slug, Action.MANAGE_COMMONS)
    resource = _resource(coop, resource_id)
    return Status(201, add(actor=request.auth, resource=resource, **_fields(payload.dict())))


@router.post(
    f"{BASE}/{{int:resource_id}}/use-rights", response=answers(201, UseRightOut), tags=["commons"]
)
def use_right_add(request, slug: str, resource_id: int, payload: UseRightIn):
    """Record the legal basis (concession, comodato d'uso, pact…) of the resource's use."""
    return _add_to_resource(request, slug, resource_id, services.use_right_add, payload)


@router.post(
    f"{BASE}/{{int:resource_id}}/obligations",
    response=answers(201, ObligationOut),
    tags=["commons"],
)
def obligation_add(request, slug: str, resource_id: int, payload: ObligationIn):
    return _add_to_resource(request, slug, resource_id, services.obligation_add, payload)


@router.post(
    f"{BASE}/{{int:resource_id}}/log", response=answers(201, LogEntryOut), tags=["commons"]
)
def log_add(request, slug: str, resource_id: int, payload: LogIn):
    """Add a line to the resource's history."""
    coop = coop_for(request.auth, slug, Action.MANAGE_COMMONS)
    entry = services.log_add(
        actor=request.auth,
        resource=_resource(coop, resource_id),
        on_date=payload.on_date,
        text=payload.text,
    )
    return Status(201, entry)
