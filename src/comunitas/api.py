"""The REST API at /api/v1: authentication, the stable error shape, and each app's router.

Errors always look like ``{"detail": "...", "errors": [{"field": "...", "message": "..."}]}``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestValidationError
from ninja.security import HttpBearer
from ninja.utils import check_csrf

from comunitas.core.accounts.services import api_token_access, api_token_authenticate
from comunitas.core.errors import LoginRequired, ValidationError
from comunitas.core.permissions import SLUG, Action, role_allows
from comunitas.core.versions import Access
from comunitas.decisions.assemblies import cache as assembly_cache
from comunitas.members.book import cache as book_cache
from comunitas.members.book.api import list_router as members_list_router

logger = logging.getLogger(__name__)
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
PARAMETER_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file", "payload"}


class TokenOrSession(HttpBearer):
    """A personal token (``Authorization: Bearer cmt_…``) or the browser session; otherwise an
    anonymous visitor, and each endpoint decides through ``core.permissions``."""

    def __call__(self, request: HttpRequest):
        header = request.headers.get("Authorization")
        if header:
            scheme, _sep, token = header.partition(" ")
            user = api_token_authenticate(token.strip()) if scheme.lower() == "bearer" else None
            if user is None:
                raise AuthenticationError
            request.user = user
            return user
        if request.user.is_authenticated:
            # A browser session must prove it is the page, not another site, on every write.
            if request.method not in SAFE_METHODS and check_csrf(request) is not None:
                raise PermissionDenied(_("CSRF check failed: reload the page and try again."))
            return request.user
        return AnonymousUser()

    def authenticate(self, request, token):  # pragma: no cover - __call__ does the work
        return None


class ComunitasAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        """The endpoint function's own name (``coop_list``): ninja's default prefixes the module
        path, so moving a module would change the ids clients generate code from. The names are
        unique across the API (tests/api/test_structure_stable.py)."""
        return operation.view_func.__name__


api = ComunitasAPI(
    title="Comunitas API",
    version="1",
    description="Cooperatives, territory and accounts of Comunitas. Errors share one shape.",
    auth=TokenOrSession(),
    urls_namespace="api",
)


def error(request, status: int, detail: str, errors: list[dict] | None = None):
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


def _field(loc: list | tuple) -> str | None:
    parts = [str(p) for p in loc if str(p) not in PARAMETER_SOURCES]
    return ".".join(parts) or None


def _message(problem: dict) -> str:
    if problem.get("type") == "missing" and _field(problem.get("loc", [])) is None:
        return _("A JSON body is required.")
    return problem.get("msg", "")


@api.exception_handler(RequestValidationError)
def on_request_invalid(request, exc: RequestValidationError):
    errors = [{"field": _field(e.get("loc", [])), "message": _message(e)} for e in exc.errors]
    return error(request, 422, _("The request is not valid."), errors)


@api.exception_handler(ValidationError)
def on_invalid(request, exc: ValidationError):
    errors = [{"field": e.field, "message": e.message} for e in exc.errors]
    return error(request, 422, _("The request is not valid."), errors)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return error(request, 401, _("Authentication required: log in or send a valid API token."))


@api.exception_handler(LoginRequired)
def on_login_required(request, exc):
    return on_unauthenticated(request, exc)


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc: PermissionDenied):
    return error(request, 403, str(exc) or _("Your role does not allow this."))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error(request, 404, _("Not found."))


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    if exc.status_code == 400:  # ninja's "Cannot parse request body"
        return error(request, 400, _("The body is not valid JSON."))
    return error(request, exc.status_code, str(exc))


@api.exception_handler(DataError)
def on_data_error(request, exc):
    # Input checks should catch this first; the database is the last line.
    return error(request, 422, _("The request holds a value the database cannot store."))


@api.exception_handler(RequestDataTooBig)
def on_too_big(request, exc):
    return error(request, 413, _("The request is too large."))


@api.exception_handler(Exception)
def on_unexpected(request, exc: Exception):
    logger.exception("Unexpected API error", exc_info=exc)
    return error(request, 500, _("Internal error: it has been logged."))


# Django tries the API's URL patterns in this order, one by one: the routers whose reads the
# public calls most (cooperatives, availability, events) come first, and the member list that
# staff's scripts read (one pattern: the rest of the book comes later).
api.add_router("/", "comunitas.core.coops.api.router")
api.add_router("/", "comunitas.core.territory.api.router")
api.add_router("/", "comunitas.core.accounts.api.router")
api.add_router("/", members_list_router)
api.add_router("/", "comunitas.commons.bookings.api.router")
api.add_router("/", "comunitas.commons.ticketing.api.router")
api.add_router("/", "comunitas.members.book.api.router")
api.add_router("/", "comunitas.members.shares.api.router")
api.add_router("/", "comunitas.members.offices.api.router")
api.add_router("/", "comunitas.members.imports.api.router")
api.add_router("/", "comunitas.members.outputs.api.router")
api.add_router("/", "comunitas.members.portal.api.router")
api.add_router("/", "comunitas.commons.resources.api.router")
api.add_router("/", "comunitas.commons.files.api.router")
api.add_router("/", "comunitas.commons.stats.api.router")
api.add_router("/", "comunitas.projects.needs.api.router")
api.add_router("/", "comunitas.projects.proposals.api.router")
api.add_router("/", "comunitas.projects.projects.api.router")
api.add_router("/", "comunitas.decisions.assemblies.api.router")
api.add_router("/", "comunitas.decisions.assemblies.session_api.router")
api.add_router("/", "comunitas.decisions.assemblies.voting_api.router")
api.add_router("/", "comunitas.decisions.consultations.api.router")
api.add_router("/", "comunitas.decisions.budgets.api.router")
api.add_router("/", "comunitas.economy.cashbook.api.router")
api.add_router("/", "comunitas.economy.work.api.router")
api.add_router("/", "comunitas.economy.closing.api.router")
api.add_router("/", "comunitas.economy.fund.api.router")


class JsonErrorsMiddleware:
    """Errors under /api/ that Django or ninja answer before our handlers run (an unknown URL, a
    method an endpoint does not accept, a bad Host) get the API's error shape too."""

    DETAILS = {404: _("Not found."), 405: _("Method not allowed.")}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and 400 <= response.status_code < 500
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            detail = str(self.DETAILS.get(response.status_code, response.reason_phrase))
            shaped = JsonResponse({"detail": detail, "errors": []}, status=response.status_code)
            if response.has_header("Allow"):
                shaped["Allow"] = response["Allow"]
            return shaped
        return response


# --- reads answered from the cache before ninja ---------------------------------------------------
# A script reading the member book with its token is answered by a plain Django view placed
# before the API's patterns (comunitas/urls.py) when the answer is cached: one query checks the
# token, reads the caller's role and the data's version (core.versions.token_access), then the
# cache. Ninja's own work on a request (its authentication, parsing and validating the query,
# building the answer) cost as much again as the rest; the parameters need no parsing here,
# because the answer is keyed by the exact query string and stored only by the endpoint itself,
# after it validated that very string. Everything else, every refusal included, is the
# endpoint's (the same view, called next), so the rules stay in one place.
@dataclass(frozen=True)
class CachedRead:
    route: str  # the endpoint's route in the API, as ninja writes it
    scope: str  # the core.versions scope its answers are keyed by
    action: Action  # what the caller's role must allow
    cached: Callable[[Access, HttpRequest], bytes | None]  # the answer in the cache, or None


CACHED_READS = [
    CachedRead(
        "coops/<slug>/members", book_cache.BOOK, Action.VIEW_MEMBERS, book_cache.list_cached
    ),
    CachedRead(
        "coops/<slug>/assemblies/<int:assembly_id>/motions/<int:motion_id>/result",
        assembly_cache.RESULTS,
        Action.VIEW_ASSEMBLIES,
        assembly_cache.result_cached,
    ),
]


def cached_read_urls(api_urls: tuple) -> list[URLPattern]:
    """The patterns of ``CACHED_READS``, each falling back on its endpoint's ninja view."""
    endpoints = {str(p.pattern): p.callback for p in api_urls[0] if isinstance(p, URLPattern)}
    return [
        path(f"api/v1/{read.route}", _cached_read(read, endpoints[read.route]))
        for read in CACHED_READS
    ]


def _cached_read(read: CachedRead, endpoint: Callable) -> Callable:
    @csrf_exempt  # as ninja's views are: nothing but GET is answered here
    def view(request: HttpRequest, slug: str, **kwargs) -> HttpResponse:
        scheme, _sep, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        if request.method == "GET" and scheme.lower() == "bearer" and SLUG.fullmatch(slug):
            access = api_token_access(token.strip(), slug=slug, scope=read.scope)
            if access is not None and role_allows(
                access.role, is_public=access.is_public, action=read.action
            ):
                body = read.cached(access, request)
                if body is not None:
                    return HttpResponse(body, content_type="application/json")
        return endpoint(request, slug=slug, **kwargs)

    return view
