"""API of the caller's own account: who they are, their roles, their tokens."""

from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from comunitas.core.accounts import services
from comunitas.core.accounts.schemas import MeOut, TokenCreated, TokenIn, TokenOut
from comunitas.core.endpoints import Pagination, answers, logged_in
from comunitas.core.models import ApiToken, Role

router = Router()


# --- the caller's account -----------------------------------------------------------------------
@router.get("/me", response=answers(200, MeOut), tags=["account"])
def me(request):
    user = logged_in(request)
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
    return ApiToken.objects.filter(user=logged_in(request))


@router.post("/me/tokens", response=answers(201, TokenCreated), tags=["account"])
def token_create(request, payload: TokenIn):
    token, clear = services.api_token_create(user=logged_in(request), name=payload.name)
    return Status(201, {**TokenOut.from_orm(token).dict(), "token": clear})


@router.delete("/me/tokens/{token_id}", response=answers(204, None), tags=["account"])
def token_revoke(request, token_id: int):
    user = logged_in(request)
    token = get_object_or_404(ApiToken, pk=token_id, user=user)
    services.api_token_revoke(user=user, token=token)
    return Status(204, None)
