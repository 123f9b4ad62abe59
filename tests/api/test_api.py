"""The API: the same rules as the web, one error shape, tokens, pagination, constant queries."""

import json

import pytest
from django.test import Client

from comunitas.core.cache import coop_forget
from comunitas.core.models import ApiToken, AuditEntry, Cooperative
from tests.helpers import make_coop

pytestmark = pytest.mark.django_db

NEW_COOP = {
    "name": "Cooperativa Gamma",
    "slug": "gamma",
    "legal_form": "coop",
    "founded_year": 2020,
    "seat": "054039",
    "sector": "culture",
    "territory": ["Mendatica (IM)"],
    "share_nominal_value": "100.00",
}


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def patch(client, url, body):
    return client.patch(url, json.dumps(body), content_type="application/json")


def test_public_reads_need_no_login(client, people):
    listing = client.get("/api/v1/coops")
    assert listing.status_code == 200
    assert {c["slug"] for c in listing.json()["items"]} == {"alpha", "beta"}
    detail = client.get("/api/v1/coops/alpha").json()
    assert detail["seat"]["name"] == "Mendatica"
    assert detail["seat"]["inner_area_class"] == "E"
    assert detail["statute"]["share_nominal_value"] == "25.00"  # exact decimal, never a float


def test_create_a_cooperative(client, people):
    client.force_login(people["resident"])
    response = post(client, "/api/v1/coops", NEW_COOP)
    assert response.status_code == 201, response.content
    body = response.json()
    mine = client.get("/api/v1/me").json()["roles"]
    assert {"coop": "gamma", "coop_name": "Cooperativa Gamma", "kind": "admin"} in mine
    assert body["statute"]["share_nominal_value"] == "100.00"
    assert {m["istat_code"] for m in body["territory"]} == {"054039", "008034"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"vat_number": "12345678901"}, "vat_number"),
        ({"fiscal_code": "XYZ"}, "fiscal_code"),
        ({"seat": "Atlantide"}, "seat"),
        ({"slug": "alpha"}, "slug"),
        ({"founded_year": "duemila"}, "founded_year"),
        ({"share_nominal_value": "600"}, "share_nominal_value"),
        ({"sector": "piracy"}, "sector"),
        ({"territory": ["Castro"]}, "territory"),
    ],
)
def test_bad_input_gives_422_with_the_field_and_saves_nothing(client, people, change, field):
    client.force_login(people["resident"])
    before = (Cooperative.objects.count(), AuditEntry.objects.count())
    response = post(client, "/api/v1/coops", {**NEW_COOP, **change})
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] and field in [e["field"] for e in body["errors"]], body
    assert all(e["message"] for e in body["errors"])
    assert (Cooperative.objects.count(), AuditEntry.objects.count()) == before


def test_statute_with_twelve_proxies_is_refused(client, people):
    client.force_login(people["admin"])
    response = post(
        client,
        "/api/v1/coops/alpha/statutes",
        {"valid_from": "2025-01-01", "share_nominal_value": "50", "max_proxies_per_member": 12},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "max_proxies_per_member"
    assert people["coop"].statutes.count() == 1


def test_a_financing_scale_over_five_votes_is_a_422_and_a_good_one_is_returned(client, people):
    client.force_login(people["admin"])
    body = {"valid_from": "2025-06-01", "share_nominal_value": "50"}
    over = [{"capital": "1000.00", "votes": 6}]
    response = post(client, "/api/v1/coops/alpha/statutes", {**body, "financing_votes_scale": over})
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "financing_votes_scale" and "L. 59/1992 art. 4" in error["message"]
    assert people["coop"].statutes.count() == 1
    scale = [{"capital": "1000.00", "votes": 2}, {"capital": "5000.00", "votes": 5}]
    response = post(
        client, "/api/v1/coops/alpha/statutes", {**body, "financing_votes_scale": scale}
    )
    assert response.status_code == 201, response.content
    assert response.json()["financing_votes_scale"] == scale


def test_patch_changes_only_what_is_sent(client, people):
    client.force_login(people["admin"])
    response = patch(client, "/api/v1/coops/alpha", {"description": "Rifugio e parco avventura"})
    assert response.status_code == 200
    coop = Cooperative.objects.get(slug="alpha")
    assert coop.description == "Rifugio e parco avventura" and coop.name == "Alpha"
    assert patch(client, "/api/v1/coops/alpha", {"name": None}).status_code == 422
    assert patch(client, "/api/v1/coops/alpha", {"slug": "zeta"}).json()["errors"]


def test_roles_through_the_api(client, people):
    client.force_login(people["admin"])
    granted = post(
        client, "/api/v1/coops/alpha/roles", {"user": "stranger1@example.org", "kind": "member"}
    )
    assert granted.status_code == 201 and granted.json()["username"] == "stranger1"
    unknown = post(client, "/api/v1/coops/alpha/roles", {"user": "nobody", "kind": "member"})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "user"
    bad_kind = post(client, "/api/v1/coops/alpha/roles", {"user": "stranger1", "kind": "king"})
    assert bad_kind.status_code == 422
    # A role of another cooperative cannot be reached through this one.
    foreign = people["other"].roles.get().pk
    assert client.delete(f"/api/v1/coops/alpha/roles/{foreign}").status_code == 404


def test_not_found_and_errors_share_one_shape(client, people):
    for url in ["/api/v1/coops/nowhere", "/api/v1/municipalities/999999"]:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found.", "errors": []}
        assert client.get(url).json()["detail"] == "Non trovato."  # Italian by default
    bad_limit = client.get("/api/v1/coops?limit=100000")
    assert bad_limit.status_code == 422 and bad_limit.json()["errors"][0]["field"] == "limit"


def test_tokens_are_shown_once_stored_hashed_and_revocable(client, people):
    client.force_login(people["member"])
    created = post(client, "/api/v1/me/tokens", {"name": "script"})
    assert created.status_code == 201
    clear = created.json()["token"]
    stored = ApiToken.objects.get()
    assert clear not in (stored.digest, stored.prefix) and clear.startswith("cmt_")
    assert "token" not in client.get("/api/v1/me/tokens").json()["items"][0]

    script = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {clear}"}
    me = script.get("/api/v1/me", **auth)
    assert me.status_code == 200 and me.json()["roles"] == [
        {"coop": "alpha", "coop_name": "Alpha", "kind": "member"}
    ]
    assert script.get("/api/v1/coops/alpha/statutes", **auth).status_code == 200
    assert script.get("/api/v1/coops/alpha/roles", **auth).status_code == 403

    assert client.delete(f"/api/v1/me/tokens/{stored.pk}").status_code == 204
    assert script.get("/api/v1/me", **auth).status_code == 401
    assert script.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer cmt_forged_x").status_code == 401
    assert script.get("/api/v1/me", HTTP_AUTHORIZATION="Basic abc").status_code == 401


def test_a_token_of_an_inactive_user_stops_working(client, people):
    client.force_login(people["member"])
    clear = post(client, "/api/v1/me/tokens", {"name": "script"}).json()["token"]
    people["member"].is_active = False
    people["member"].save()
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {clear}").status_code == 401


def test_session_writes_need_the_csrf_token(people):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(people["admin"])
    response = patch(browser, "/api/v1/coops/alpha", {"description": "x"})
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_municipality_search(client, db):
    found = client.get("/api/v1/municipalities", {"q": "anversa"}).json()
    assert found["items"][0]["istat_code"] == "066004"
    assert found["items"][0]["postcodes"] == ["67030"]
    inner = client.get(
        "/api/v1/municipalities", {"region_code": "7", "inner_area_class": "f", "limit": 5}
    )
    assert inner.json()["count"] > 0
    assert all(
        m["region_name"] == "Liguria" and m["inner_area_class"] == "F"
        for m in inner.json()["items"]
    )


def test_coop_list_runs_a_constant_number_of_queries(client, people, django_assert_num_queries):
    for n in range(12):
        make_coop(f"extra-{n}")
    # count, page of cooperatives joined with their seat
    with django_assert_num_queries(2):
        assert client.get("/api/v1/coops?limit=50").json()["count"] == 14


def test_coop_detail_runs_a_constant_number_of_queries(client, people, django_assert_num_queries):
    client.force_login(people["member"])
    # session, user, the user's roles, cooperative + seat, territory, facts, seat postcodes,
    # statute in force
    with django_assert_num_queries(8):
        assert client.get("/api/v1/coops/alpha").status_code == 200


def test_anonymous_readers_share_a_cached_answer_that_changes_follow(
    client, people, django_capture_on_commit_callbacks, django_assert_num_queries
):
    first = client.get("/api/v1/coops/alpha").json()
    with django_assert_num_queries(0):
        assert client.get("/api/v1/coops/alpha").json() == first
    admin = Client()
    admin.force_login(people["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        patch(admin, "/api/v1/coops/alpha", {"description": "Rifugio Cà da Cardella"})
    assert client.get("/api/v1/coops/alpha").json()["description"] == "Rifugio Cà da Cardella"
    with django_capture_on_commit_callbacks(execute=True):
        post(
            admin,
            "/api/v1/coops/alpha/statutes",
            {"valid_from": "2020-01-01", "share_nominal_value": "75"},
        )
    assert client.get("/api/v1/coops/alpha").json()["statute"]["share_nominal_value"] == "75.00"


def test_logged_in_readers_get_the_same_answer_as_anonymous_ones(client, people):
    anonymous = client.get("/api/v1/coops/alpha").json()
    client.force_login(people["stranger"])
    assert client.get("/api/v1/coops/alpha").json() == anonymous


def test_private_cooperatives_are_never_served_from_the_cache(client, people):
    assert client.get("/api/v1/coops/alpha").status_code == 200
    Cooperative.objects.filter(slug="alpha").update(is_public=False)
    coop_forget("alpha")
    assert client.get("/api/v1/coops/alpha").status_code == 404
    member = Client()
    member.force_login(people["member"])
    assert member.get("/api/v1/coops/alpha").status_code == 200  # not kept for others
    assert client.get("/api/v1/coops/alpha").status_code == 404


def test_openapi_schema_is_published(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/coops/{slug}" in schema["paths"]
    assert "TokenOrSession" in schema["components"]["securitySchemes"]


@pytest.mark.parametrize(
    ("method", "url", "body", "status"),
    [
        ("get", "/api/v1/coops?offset=9223372036854775808", None, 422),
        ("patch", "/api/v1/coops/alpha", {"website": None}, 422),
        ("patch", "/api/v1/coops/alpha", {"name": "A\x00B"}, 422),
        ("post", "/api/v1/me/tokens", {"name": "\x00"}, 422),
        ("post", "/api/v1/coops/alpha/roles", {"user": "\x00", "kind": "member"}, 422),
        ("get", "/api/v1/municipalities?region_code=%00", None, 422),
        ("get", "/api/v1/coops/alpha%00", None, 404),
        ("get", "/api/v1/municipalities/008034%00", None, 404),
        ("get", "/api/v1/coops/alpha/audit?date_from=0001-01-01&date_to=9999-12-31", None, 200),
        ("get", "/api/v1/nowhere", None, 404),
        ("put", "/api/v1/coops", None, 405),
    ],
)
def test_found_by_fuzzing_bad_requests_get_a_clear_answer(
    client, people, method, url, body, status
):
    """Each of these once answered 500 or HTML (tests/api/test_fuzz.py found them)."""
    client.force_login(people["admin"])
    if body is None:
        response = getattr(client, method)(url)
    else:
        response = getattr(client, method)(url, json.dumps(body), content_type="application/json")
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    if status >= 400:
        assert set(response.json()) == {"detail", "errors"}


def test_a_missing_body_is_named(client, people):
    client.force_login(people["admin"])
    response = client.post(
        "/api/v1/me/tokens", "", content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": None, "message": "A JSON body is required."}]
    empty = client.post("/api/v1/me/tokens", "{}", content_type="application/json")
    assert empty.json()["errors"][0]["field"] == "name"


def test_a_body_over_the_upload_limit_is_refused_in_shape(client, people, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(people["admin"])
    body = json.dumps({"description": "x" * 2000})
    response = client.patch("/api/v1/coops/alpha", body, content_type="application/json")
    assert response.status_code == 413
    assert set(response.json()) == {"detail", "errors"}


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_no_two_api_shapes_share_a_name():
    """The OpenAPI description names a shape by its class name: a second class of the same name
    silently replaces the first in the description (and the fuzzing reads the wrong one)."""
    from pydantic import BaseModel

    import comunitas.urls  # noqa: F401 - every router and its schemas imported

    modules: dict[str, set[str]] = {}
    for cls in _subclasses(BaseModel):
        if cls.__module__.startswith("comunitas."):
            modules.setdefault(cls.__name__, set()).add(cls.__module__)
    assert {name: found for name, found in modules.items() if len(found) > 1} == {}
