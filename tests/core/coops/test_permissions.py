"""The permission matrix: every role by every page and endpoint of a cooperative, plus an
anonymous visitor and a stranger (admin of another cooperative), on a public and a private one."""

import json

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from comunitas.api import api
from comunitas.core.permissions import Action
from tests.commons import matrix as commons_matrix
from tests.commons.bookings import matrix as matrix_bookings
from tests.commons.files import matrix as matrix_files
from tests.commons.ticketing import matrix as matrix_ticketing
from tests.decisions.assemblies import matrix as matrix_assemblies
from tests.decisions.assemblies import matrix_api as matrix_assemblies_api
from tests.decisions.budgets import matrix as matrix_budgets
from tests.decisions.consultations import matrix as matrix_consultations
from tests.economy.cashbook import matrix as matrix_cashbook
from tests.economy.closing import matrix as matrix_closing
from tests.economy.fund import matrix as matrix_fund
from tests.economy.work import matrix as matrix_work
from tests.helpers import STATUTE_FORM
from tests.members import matrix as members_matrix
from tests.projects import matrix_api as projects_matrix_api
from tests.projects.needs import matrix as matrix_needs
from tests.projects.projects import matrix as matrix_projects

# Each app's rows: WEB, API, PATH_IDS, ids(people) and, where an answer depends on the object
# and not only on the role, WEB_EXCEPTIONS / API_EXCEPTIONS {(method, path): {caller: status}}.
MATRICES = [
    members_matrix,
    commons_matrix,
    matrix_bookings,
    matrix_ticketing,
    matrix_files,
    matrix_needs,
    matrix_projects,
    projects_matrix_api,
    matrix_assemblies,
    matrix_assemblies_api,
    matrix_consultations,
    matrix_budgets,
    matrix_cashbook,
    matrix_work,
    matrix_closing,
    matrix_fund,
]

pytestmark = pytest.mark.django_db

WHO = ["anonymous", "stranger", "resident", "member", "staff", "admin"]
ROLES = ["resident", "member", "staff", "admin"]

GRANT = {"user": "stranger1", "kind": "resident"}
SETTINGS_FORM = {
    "name": "Alpha",
    "legal_form": "coop",
    "founded_year": 2015,
    "seat": "Mendatica (IM)",
    "sector": "tourism",
    "is_public": "on",
}

# (method, path, body, action it needs). Paths use {slug}; {role} is the staff user's role id.
WEB = [
    ("get", "/c/{slug}/", None, Action.VIEW),
    ("get", "/c/{slug}/dashboard/", None, Action.VIEW_DASHBOARD),
    ("get", "/c/{slug}/statute/", None, Action.VIEW_STATUTE),
    ("post", "/c/{slug}/statute/", STATUTE_FORM, Action.EDIT_STATUTE),
    ("get", "/c/{slug}/settings/", None, Action.EDIT_COOPERATIVE),
    ("post", "/c/{slug}/settings/", SETTINGS_FORM, Action.EDIT_COOPERATIVE),
    ("get", "/c/{slug}/roles/", None, Action.MANAGE_ROLES),
    ("post", "/c/{slug}/roles/", GRANT, Action.MANAGE_ROLES),
    ("post", "/c/{slug}/roles/{role}/", {"kind": "member"}, Action.MANAGE_ROLES),
    ("get", "/c/{slug}/audit/", None, Action.VIEW_AUDIT),
    *(row for matrix in MATRICES for row in matrix.WEB),
]
API = [
    ("get", "/api/v1/coops/{slug}", None, Action.VIEW),
    ("patch", "/api/v1/coops/{slug}", {"description": "x"}, Action.EDIT_COOPERATIVE),
    ("get", "/api/v1/coops/{slug}/statutes", None, Action.VIEW_STATUTE),
    ("post", "/api/v1/coops/{slug}/statutes", STATUTE_FORM, Action.EDIT_STATUTE),
    ("get", "/api/v1/coops/{slug}/roles", None, Action.MANAGE_ROLES),
    ("post", "/api/v1/coops/{slug}/roles", GRANT, Action.MANAGE_ROLES),
    ("patch", "/api/v1/coops/{slug}/roles/{role}", {"kind": "member"}, Action.MANAGE_ROLES),
    ("delete", "/api/v1/coops/{slug}/roles/{role}", None, Action.MANAGE_ROLES),
    ("get", "/api/v1/coops/{slug}/audit", None, Action.VIEW_AUDIT),
    *(row for matrix in MATRICES for row in matrix.API),
]
ALLOWED = {
    Action.VIEW: set(WHO),
    Action.VIEW_DASHBOARD: set(ROLES),
    Action.VIEW_STATUTE: set(ROLES),
    Action.EDIT_COOPERATIVE: {"admin"},
    Action.EDIT_STATUTE: {"admin"},
    Action.MANAGE_ROLES: {"admin"},
    Action.VIEW_AUDIT: {"admin"},
    Action.APPLY_MEMBERSHIP: set(WHO),
    Action.VIEW_OWN_MEMBERSHIP: set(ROLES),
    Action.VIEW_MEMBERS: {"staff", "admin"},
    Action.MANAGE_MEMBERS: {"staff", "admin"},
    Action.DECIDE_MEMBERS: {"admin"},
    Action.VIEW_COMMONS: set(WHO),
    Action.MANAGE_COMMONS: {"staff", "admin"},
    Action.BOOK: set(WHO),
    Action.MANAGE_BOOKINGS: {"staff", "admin"},
    Action.BUY: set(WHO),
    Action.MANAGE_SERVICES: {"staff", "admin"},
    Action.VIEW_SALES: {"staff", "admin"},
    Action.VIEW_NEEDS: set(WHO),
    Action.PARTICIPATE: set(ROLES),
    Action.MANAGE_NEEDS: {"staff", "admin"},
    Action.DECIDE_PROPOSALS: {"admin"},
    Action.MANAGE_PROJECTS: {"staff", "admin"},
    Action.VIEW_ASSEMBLIES: {"member", "staff", "admin"},
    Action.MANAGE_ASSEMBLIES: {"staff", "admin"},
    Action.CONVENE_ASSEMBLIES: {"admin"},
    Action.VOTE: set(ROLES),
    Action.VIEW_CONSULTATIONS: set(WHO),
    Action.MANAGE_CONSULTATIONS: {"staff", "admin"},
    Action.VIEW_BUDGETS: set(WHO),
    Action.MANAGE_BUDGETS: {"staff", "admin"},
    Action.VIEW_MONEY_FLOW: set(WHO),
    Action.VIEW_ECONOMY: {"member", "staff", "admin"},
    Action.VIEW_ACCOUNTS: {"staff", "admin"},
    Action.MANAGE_ACCOUNTS: {"staff", "admin"},
    Action.CLOSE_ACCOUNTS: {"admin"},
    Action.DECLARE_HOURS: set(ROLES),
}


def expected_web(action: Action, who: str, public: bool, method: str) -> int:
    if who in ALLOWED[action] and (public or who in ROLES):
        return 302 if method == "post" else 200
    if not public and who not in ROLES:
        return 404  # a private cooperative does not exist for outsiders
    return 302 if who == "anonymous" else 403  # anonymous visitors are sent to log in


def expected_api(action: Action, who: str, public: bool, method: str) -> set[int]:
    if who in ALLOWED[action] and (public or who in ROLES):
        return {200, 201, 204}
    if not public and who not in ROLES:
        return {404}
    return {401} if who == "anonymous" else {403}


CASES = [(who, public) for public in (True, False) for who in WHO]


def each_caller(client, people, method: str, path: str, body, *, api_call: bool):
    """Yield (who, public, response) for every caller on a public and a private cooperative.

    The objects the paths name are made once; each request runs in a savepoint rolled back
    afterwards, so every caller meets the same state (and the matrix stays fast)."""
    ids = {"role": people["coop"].roles.get(user=people["staff"]).pk}
    # The objects of the matrices whose ids the path names or, when it names none, of the row's
    # own matrix (its bodies may name them): not every matrix's objects for every row, which
    # would cost each row the setup of all the others.
    named = [m for m in MATRICES if any(f"{{{name}}}" in path for name in m.PATH_IDS)]
    owner = [m for m in MATRICES if any(r[:2] == (method, path) for r in (*m.WEB, *m.API))]
    for matrix in named or owner:
        ids.update(matrix.ids(people))
    url = path.format(slug="alpha", **ids)
    for who, public in CASES:
        with transaction.atomic():
            type(people["coop"]).objects.filter(pk=people["coop"].pk).update(is_public=public)
            cache.clear()  # the update above bypasses the service that forgets cached answers
            client.logout()
            if who != "anonymous":
                client.force_login(people[who])
            if api_call and body is not None:
                send = getattr(client, method)
                response = send(url, json.dumps(body), content_type="application/json")
            else:
                response = getattr(client, method)(url, body or {})
            yield who, public, response
            transaction.set_rollback(True)


def where(who: str, public: bool, response) -> str:
    kind = "public" if public else "private"
    return f"{who} on a {kind} coop got {response.status_code}: {response.content[:200]!r}"


def exceptions_for(kind: str, method: str, path: str) -> dict[str, int]:
    """Answers that depend on the object, not only on the role (one's own membership)."""
    found: dict[str, int] = {}
    for matrix in MATRICES:
        found.update(getattr(matrix, f"{kind}_EXCEPTIONS", {}).get((method, path), {}))
    return found


# Every operation by every caller: some 590 cases and three minutes of CPU, so the quick loop leaves
# them to `make test` (the check that every endpoint is in the matrix stays quick).
@pytest.mark.slow
@pytest.mark.parametrize(
    ("method", "path", "body", "action"), WEB, ids=[f"{m} {p}" for m, p, *_ in WEB]
)
def test_web_matrix(client, people, method, path, body, action):
    wrong = []
    exceptions = exceptions_for("WEB", method, path)
    for who, public, response in each_caller(client, people, method, path, body, api_call=False):
        expected = exceptions.get(who) or expected_web(action, who, public, method)
        if response.status_code != expected:
            wrong.append(f"expected {expected}: " + where(who, public, response))
        elif (
            response.status_code == 302
            and who not in ALLOWED[action]
            and not response["Location"].startswith("/account/login/")
        ):
            wrong.append("not sent to log in: " + where(who, public, response))
    assert not wrong, "\n".join(wrong)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("method", "path", "body", "action"), API, ids=[f"{m} {p}" for m, p, *_ in API]
)
def test_api_matrix(client, people, method, path, body, action):
    wrong = []
    exceptions = exceptions_for("API", method, path)
    for who, public, response in each_caller(client, people, method, path, body, api_call=True):
        expected = (
            {exceptions[who]} if who in exceptions else expected_api(action, who, public, method)
        )
        if response.status_code not in expected:
            wrong.append(f"expected {sorted(expected)}: " + where(who, public, response))
        elif response.status_code >= 400 and set(response.json()) != {"detail", "errors"}:
            wrong.append("error not in shape: " + where(who, public, response))
    assert not wrong, "\n".join(wrong)


def test_strangers_do_not_see_private_cooperatives_in_lists(client, people):
    people["coop"].__class__.objects.filter(pk=people["coop"].pk).update(is_public=False)
    client.force_login(people["stranger"])
    slugs = [c["slug"] for c in client.get("/api/v1/coops").json()["items"]]
    assert slugs == ["beta"]
    assert b"Alpha" not in client.get("/").content
    client.force_login(people["resident"])
    assert "alpha" in [c["slug"] for c in client.get("/api/v1/coops").json()["items"]]


def _web_patterns(resolver: URLResolver, prefix: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _web_patterns(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def test_every_cooperative_page_is_guarded_and_in_the_matrix():
    """A new page under /c/<slug>/ must declare its action and be added to the matrix."""
    tested = {path for _m, path, *_ in WEB}
    for route, view in _web_patterns(get_resolver()):
        if route.startswith("c/<slug:slug>/"):
            assert hasattr(view, "comunitas_action"), route
            normalised = "/" + route.replace("<slug:slug>", "{slug}").replace(
                "<int:role_id>", "{role}"
            )
            for name in (name for matrix in MATRICES for name in matrix.PATH_IDS):
                normalised = normalised.replace(f"<int:{name}>", "{" + name + "}")
            assert normalised in tested, f"{route} is missing from the permission matrix"


def test_every_cooperative_endpoint_is_in_the_matrix():
    tested = {(m.upper(), p.removeprefix("/api/v1")) for m, p, *_ in API}
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        if path.startswith("/api/v1/coops/{slug}"):
            normalised = path.removeprefix("/api/v1").replace("{role_id}", "{role}")
            for method in operations:
                assert (method.upper(), normalised) in tested, (
                    f"{method} {path} is not in the matrix"
                )
