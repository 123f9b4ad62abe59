"""API of cooperatives: register, read and change one, its statute versions, its roles and its
audit trail."""

from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status
from ninja.pagination import paginate

from comunitas.core.accounts import selectors as accounts_selectors
from comunitas.core.cache import public_coop_get, public_coop_set
from comunitas.core.coops import selectors, services
from comunitas.core.coops.schemas import (
    AuditOut,
    AuditQuery,
    CoopIn,
    CoopOut,
    CoopPatch,
    CoopSummary,
    RoleIn,
    RoleOut,
    RolePatch,
    StatuteIn,
    StatuteOut,
)
from comunitas.core.endpoints import PUBLIC, Pagination, answers, logged_in
from comunitas.core.models import Cooperative, Municipality, Role
from comunitas.core.permissions import Action, check_slug, coop_for
from comunitas.core.territory import selectors as territory_selectors

router = Router()


def _territory(codes: list[str] | None) -> list[Municipality] | None:
    if codes is None:
        return None
    return [territory_selectors.municipality_resolve(code, field="territory") for code in codes]


# --- cooperatives -------------------------------------------------------------------------------
@router.get(
    "/coops", response=answers(200, list[CoopSummary]), tags=["cooperatives"], openapi_extra=PUBLIC
)
@paginate(Pagination)
def coop_list(request) -> QuerySet[Cooperative]:
    """Public cooperatives, and the private ones where the caller has a role."""
    return selectors.coop_list(user=request.auth)


@router.post("/coops", response=answers(201, CoopOut), tags=["cooperatives"])
def coop_create(request, payload: CoopIn):
    """Register a cooperative; the caller becomes its first admin."""
    user = logged_in(request)
    fields = payload.dict(exclude={"territory", "share_nominal_value"})
    fields["seat"] = territory_selectors.municipality_resolve(payload.seat, field="seat")
    coop = services.coop_create(
        actor=user,
        **fields,
        statute={"share_nominal_value": payload.share_nominal_value},
        territory=_territory(payload.territory),
    )
    return Status(201, selectors.coop_detail(coop=coop))


@router.get(
    "/coops/{slug}", response=answers(200, CoopOut), tags=["cooperatives"], openapi_extra=PUBLIC
)
def coop_get(request, slug: str):
    """A cooperative with its seat, territory, sourced facts and the statute in force."""
    check_slug(slug)
    # A cached answer exists only for a public cooperative, which everyone may read.
    body = public_coop_get(slug)
    if body is None:
        coop = coop_for(request.auth, slug, Action.VIEW)
        body = CoopOut.from_orm(selectors.coop_detail(coop=coop)).model_dump_json()
        if coop.is_public:
            public_coop_set(slug, body)
    return HttpResponse(body, content_type="application/json")


@router.patch("/coops/{slug}", response=answers(200, CoopOut), tags=["cooperatives"])
def coop_patch(request, slug: str, payload: CoopPatch):
    coop = coop_for(request.auth, slug, Action.EDIT_COOPERATIVE)
    fields = payload.dict(exclude_unset=True, exclude={"territory"})
    if "seat" in fields:
        fields["seat"] = territory_selectors.municipality_resolve(
            fields["seat"] or "", field="seat"
        )
    coop = services.coop_update(
        actor=request.auth, coop=coop, fields=fields, territory=_territory(payload.territory)
    )
    return selectors.coop_detail(coop=coop)


# --- statute ------------------------------------------------------------------------------------
@router.get("/coops/{slug}/statutes", response=answers(200, list[StatuteOut]), tags=["statute"])
@paginate(Pagination)
def statute_list(request, slug: str):
    """Every version of the statute parameters, newest first."""
    return selectors.statute_history(coop=coop_for(request.auth, slug, Action.VIEW_STATUTE))


@router.post("/coops/{slug}/statutes", response=answers(201, StatuteOut), tags=["statute"])
def statute_create(request, slug: str, payload: StatuteIn):
    coop = coop_for(request.auth, slug, Action.EDIT_STATUTE)
    fields = payload.dict()
    fields["financing_votes_scale"] = [
        (s["capital"], s["votes"]) for s in fields.pop("financing_votes_scale")
    ]
    return Status(201, services.statute_create(actor=request.auth, coop=coop, **fields))


# --- roles --------------------------------------------------------------------------------------
@router.get("/coops/{slug}/roles", response=answers(200, list[RoleOut]), tags=["roles"])
@paginate(Pagination)
def role_list(request, slug: str):
    return selectors.role_list(coop=coop_for(request.auth, slug, Action.MANAGE_ROLES))


@router.post("/coops/{slug}/roles", response=answers(201, RoleOut), tags=["roles"])
def role_grant(request, slug: str, payload: RoleIn):
    coop = coop_for(request.auth, slug, Action.MANAGE_ROLES)
    user = accounts_selectors.user_find(payload.user)
    return Status(
        201, services.role_grant(actor=request.auth, coop=coop, user=user, kind=payload.kind)
    )


def _role(request, slug: str, role_id: int) -> Role:
    coop = coop_for(request.auth, slug, Action.MANAGE_ROLES)
    return get_object_or_404(Role.objects.select_related("user"), pk=role_id, coop=coop)


@router.patch("/coops/{slug}/roles/{role_id}", response=answers(200, RoleOut), tags=["roles"])
def role_change(request, slug: str, role_id: int, payload: RolePatch):
    role = _role(request, slug, role_id)
    return services.role_grant(
        actor=request.auth, coop=role.coop, user=role.user, kind=payload.kind
    )


@router.delete("/coops/{slug}/roles/{role_id}", response=answers(204, None), tags=["roles"])
def role_revoke(request, slug: str, role_id: int):
    services.role_revoke(actor=request.auth, role=_role(request, slug, role_id))
    return Status(204, None)


# --- audit --------------------------------------------------------------------------------------
@router.get("/coops/{slug}/audit", response=answers(200, list[AuditOut]), tags=["audit"])
@paginate(Pagination)
def audit_list(request, slug: str, filters: Query[AuditQuery]):
    coop = coop_for(request.auth, slug, Action.VIEW_AUDIT)
    return selectors.audit_list(coop=coop, filters=selectors.AuditFilters(**filters.dict()))
