"""API of the core app: cooperatives, statute, roles, audit, territory, the caller's account."""

from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from comunitas.core import selectors, services
from comunitas.core.cache import public_coop_get, public_coop_set
from comunitas.core.errors import LoginRequired
from comunitas.core.models import ApiToken, Cooperative, Municipality, Role
from comunitas.core.permissions import Action, check_slug, coop_for
from comunitas.core.schemas import (
    AuditOut,
    AuditQuery,
    CoopIn,
    CoopOut,
    CoopPatch,
    CoopSummary,
    ErrorOut,
    MeOut,
    MunicipalityOut,
    RoleIn,
    RoleOut,
    RolePatch,
    StatuteIn,
    StatuteOut,
    Text,
    TokenCreated,
    TokenIn,
    TokenOut,
)

router = Router()
ERRORS = {code: ErrorOut for code in (400, 401, 403, 404, 422)}
# Operations anonymous visitors may call: the token is optional there.
PUBLIC = {"security": [{"TokenOrSession": []}, {}]}


def answers(status: int, schema) -> dict:
    """The documented answers of an operation: its success and the error shape."""
    return {status: schema, **ERRORS}


class Pagination(LimitOffsetPagination):
    class Input(LimitOffsetPagination.Input):
        # Bounded so that no offset overflows a database integer.
        offset: int = Field(0, ge=0, le=2**31 - 1)


def _logged_in(request):
    if not request.auth.is_authenticated:
        raise LoginRequired
    return request.auth


def _territory(codes: list[str] | None) -> list[Municipality] | None:
    if codes is None:
        return None
    return [selectors.municipality_resolve(code, field="territory") for code in codes]


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
    user = _logged_in(request)
    fields = payload.dict(exclude={"territory", "share_nominal_value"})
    fields["seat"] = selectors.municipality_resolve(payload.seat, field="seat")
    coop = services.coop_create(
        actor=user,
        fields=fields,
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
        fields["seat"] = selectors.municipality_resolve(fields["seat"] or "", field="seat")
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
    return Status(
        201, services.statute_create(actor=request.auth, coop=coop, fields=payload.dict())
    )


# --- roles --------------------------------------------------------------------------------------
@router.get("/coops/{slug}/roles", response=answers(200, list[RoleOut]), tags=["roles"])
@paginate(Pagination)
def role_list(request, slug: str):
    return selectors.role_list(coop=coop_for(request.auth, slug, Action.MANAGE_ROLES))


@router.post("/coops/{slug}/roles", response=answers(201, RoleOut), tags=["roles"])
def role_grant(request, slug: str, payload: RoleIn):
    coop = coop_for(request.auth, slug, Action.MANAGE_ROLES)
    user = selectors.user_find(payload.user)
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


# --- territory ----------------------------------------------------------------------------------
@router.get(
    "/municipalities",
    response=answers(200, list[MunicipalityOut]),
    tags=["territory"],
    openapi_extra=PUBLIC,
)
@paginate(Pagination)
def municipality_list(request, q: Text = "", region_code: Text = "", inner_area_class: Text = ""):
    """Search by name (accents and case ignored), ISTAT code or postcode with ``q``, or list
    by region and inner-areas class."""
    return selectors.municipality_list(
        q=q, region_code=region_code, inner_area_class=inner_area_class
    )


@router.get(
    "/municipalities/{istat_code}",
    response=answers(200, MunicipalityOut),
    tags=["territory"],
    openapi_extra=PUBLIC,
)
def municipality_get(request, istat_code: str):
    if not (istat_code.isascii() and istat_code.isdigit()):
        raise Http404
    return get_object_or_404(Municipality.objects.prefetch_related("postcodes"), pk=istat_code)


# --- the caller's account -----------------------------------------------------------------------
@router.get("/me", response=answers(200, MeOut), tags=["account"])
def me(request):
    user = _logged_in(request)
    roles = Role.objects.filter(user=user).select_related("coop").order_by("coop__name")
    return {
        "username": user.username,
        "full_name": user.get_full_name(),
        "email": user.email,
        "roles": [{"coop": r.coop.slug, "coop_name": r.coop.name, "kind": r.kind} for r in roles],
    }


@router.get("/me/tokens", response=answers(200, list[TokenOut]), tags=["account"])
@paginate(Pagination)
def token_list(request):
    return ApiToken.objects.filter(user=_logged_in(request))


@router.post("/me/tokens", response=answers(201, TokenCreated), tags=["account"])
def token_create(request, payload: TokenIn):
    token, clear = services.api_token_create(user=_logged_in(request), name=payload.name)
    return Status(201, {**TokenOut.from_orm(token).dict(), "token": clear})


@router.delete("/me/tokens/{token_id}", response=answers(204, None), tags=["account"])
def token_revoke(request, token_id: int):
    user = _logged_in(request)
    token = get_object_or_404(ApiToken, pk=token_id, user=user)
    services.api_token_revoke(user=user, token=token)
    return Status(204, None)
