"""The member list kept in the cache (members.book.cache, comunitas/api.py): a constant and
small number of queries while cached, never an answer to someone the book is not for (not even
a moment after their role or token is gone), and after every write that changes the book the
cached answer (and the figures of the book's web page) is the one the database gives."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from comunitas.core.accounts.services import api_token_create, api_token_revoke
from comunitas.core.coops.services import coop_update, role_grant, role_revoke
from comunitas.core.errors import ValidationError
from comunitas.core.models import Cooperative, Municipality, Role, RoleKind
from comunitas.core.territory.services import territory_load
from comunitas.members.book import services as book_services
from comunitas.members.imports.services import import_members
from comunitas.members.models import Consent, ShareClass, ShareMovement, StakeholderCategory
from comunitas.members.portal import services as portal_services
from comunitas.members.shares import services as shares_services
from tests.helpers import CONSENT, admit, person

pytestmark = pytest.mark.django_db

URL = "/api/v1/coops/alpha/members"
# The pages a script may ask for: every filter, and pages past the first.
QUERIES = [
    "",
    "?limit=2",
    "?limit=2&offset=1",
    "?status=active&territory=in",
    "?territory=out",
    "?q=cognome2",
    "?category=fruitore&kind=person",
]


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def world(book):
    """alpha's book: a member of Mendatica (paid in part), one living outside the territory,
    an applicant and a former member; the staff's personal token."""
    coop, admin = book["coop"], book["admin"]
    ordinary = ShareClass.objects.get(coop=coop, code="ordinarie")
    inside = admit(coop, person(1, residence=book["mendatica"]), actor=admin, shares=4)
    shares_services.payment_record(
        actor=admin, member=inside, share_class=ordinary, amount=Decimal(50)
    )
    outside = Municipality.objects.get(pk="066004")
    away = admit(coop, person(2, residence=outside), actor=admin, shares=2)
    shares_services.payment_record(
        actor=admin, member=away, share_class=ordinary, amount=Decimal(50)
    )
    applicant = book_services.application_submit(
        actor=None, coop=coop, **person(3), consents=CONSENT
    )
    left = admit(coop, person(4), actor=admin)
    shares_services.payment_record(
        actor=admin, member=left, share_class=ordinary, amount=Decimal(25)
    )
    shares_services.member_exit(actor=admin, member=left, kind="withdrawal")
    return {
        **book,
        "ordinary": ordinary,
        "inside": inside,
        "away": away,
        "outside": outside,
        "applicant": applicant,
        "left": left,
        "token": api_token_create(user=book["staff"], name="script")[1],
    }


def pages(client, token: str) -> dict[str, object]:
    """The API's pages for a script, and the figures of the book's web page (the client is
    logged in as staff: tokens are sent with each request)."""
    found: dict[str, object] = {}
    for query in QUERIES:
        response = client.get(URL + query, **bearer(token))
        assert response.status_code == 200, response.content
        found[query] = response.content
    found["web figures"] = client.get("/c/alpha/members/").context["stats"]
    return found


def fresh_pages(client, token: str) -> dict[str, bytes]:
    cache.clear()
    return pages(client, token)


# --- queries ------------------------------------------------------------------------------------
def test_a_cached_page_costs_one_query_with_a_token(client, world, django_assert_num_queries):
    token = world["token"]
    # Not cached: the token with its user, role and versions (answered nothing: not cached),
    # then the endpoint: the token with its user, the cooperative with the role and the
    # versions, the count, the page.
    with django_assert_num_queries(6):  # and the token's first use written down
        first = client.get(URL + "?limit=2", **bearer(token))
    with django_assert_num_queries(1):  # the token with its user, role and versions
        again = client.get(URL + "?limit=2", **bearer(token))
    assert again.content == first.content and again["Content-Type"] == "application/json"
    book_services.member_update(actor=None, member=world["away"], fields={"phone": "0183 1"})
    with django_assert_num_queries(5):  # the book moved on: built again, whatever its size
        client.get(URL + "?limit=2", **bearer(token))
    for n in range(10, 30):
        admit(world["coop"], person(n), actor=world["admin"])
    with django_assert_num_queries(5):
        assert client.get(URL + "?limit=2", **bearer(token)).json()["count"] == 24
    with django_assert_num_queries(1):
        assert client.get(URL + "?limit=2", **bearer(token)).json()["count"] == 24


def test_a_cached_page_costs_three_queries_in_the_browser(client, world, django_assert_num_queries):
    client.force_login(world["staff"])
    # session, user, the cooperative with the caller's role and the versions; then the count
    # and the page when not cached
    with django_assert_num_queries(5):
        first = client.get(URL)
    with django_assert_num_queries(3):
        assert client.get(URL).content == first.content
    # The browser and the script read the same answer, from the same entry.
    assert client.get(URL, **bearer(world["token"])).content == first.content


def test_a_query_string_that_does_not_validate_is_never_cached(client, world):
    token = world["token"]
    for query in ("?limit=0", "?limit=abc", "?status=sleeping", "?territory=maybe"):
        assert client.get(URL + query, **bearer(token)).status_code == 422, query
        assert client.get(URL + query, **bearer(token)).status_code == 422, query
    # Another spelling of the same page is the same answer, cached apart.
    assert (
        client.get(URL + "?offset=0&limit=2", **bearer(token)).content
        == client.get(URL + "?limit=2", **bearer(token)).content
    )


# --- who gets it --------------------------------------------------------------------------------
def refusals(client, world, tokens: dict[str, str]) -> dict[str, tuple[int, bool]]:
    """(status, whether a member's name is in the answer) for each caller, by token and by
    session (the browser)."""
    found = {}
    for name, token in tokens.items():
        response = client.get(URL, **bearer(token))
        found[f"{name} (token)"] = (response.status_code, b"Cognome1" in response.content)
    for name in ("member", "resident", "stranger", "anonymous"):
        client.logout()
        if world[name] is not None:
            client.force_login(world[name])
        response = client.get(URL)
        found[f"{name} (session)"] = (response.status_code, b"Cognome1" in response.content)
    client.logout()
    return found


@pytest.mark.parametrize("public", [True, False])
def test_nobody_the_book_is_not_for_gets_the_cached_answer(client, world, public):
    Cooperative.objects.filter(pk=world["coop"].pk).update(is_public=public)
    tokens = {
        name: api_token_create(user=world[name], name="t")[1]
        for name in ("member", "resident", "stranger")
    }
    revoked_token, _clear = api_token_create(user=world["staff"], name="old")
    tokens["revoked"] = _clear
    api_token_revoke(user=world["staff"], token=revoked_token)
    tokens["wrong secret"] = world["token"][:-4] + "abcd"
    tokens["not a token"] = "cmt_zz'--_x"
    before = refusals(client, world, tokens)  # nothing cached yet
    assert client.get(URL, **bearer(world["token"])).status_code == 200  # now it is
    after = refusals(client, world, tokens)
    assert after == before
    stranger = 403 if public else 404  # a private cooperative does not exist for outsiders
    assert after == {
        "member (token)": (403, False),
        "resident (token)": (403, False),
        "stranger (token)": (stranger, False),
        "revoked (token)": (401, False),
        "wrong secret (token)": (401, False),
        "not a token (token)": (401, False),
        "member (session)": (403, False),
        "resident (session)": (403, False),
        "stranger (session)": (stranger, False),
        "anonymous (session)": (401 if public else 404, False),
    }


def test_a_role_or_a_token_taken_away_is_refused_at_once(client, world):
    token, staff, admin = world["token"], world["staff"], world["admin"]
    assert client.get(URL, **bearer(token)).status_code == 200
    role = Role.objects.get(user=staff, coop=world["coop"])
    role_grant(actor=admin, coop=world["coop"], user=staff, kind=RoleKind.MEMBER)
    assert client.get(URL, **bearer(token)).status_code == 403
    role_grant(actor=admin, coop=world["coop"], user=staff, kind=RoleKind.STAFF)
    assert client.get(URL, **bearer(token)).status_code == 200
    role_revoke(actor=admin, role=role)
    response = client.get(URL, **bearer(token))
    assert response.status_code == 403 and b"Cognome1" not in response.content
    role_grant(actor=admin, coop=world["coop"], user=staff, kind=RoleKind.ADMIN)
    assert client.get(URL, **bearer(token)).status_code == 200  # the board reads it too
    staff.is_active = False
    staff.save()
    assert client.get(URL, **bearer(token)).status_code == 401
    staff.is_active = True
    staff.save()
    assert client.get(URL, **bearer(token)).status_code == 200
    api_token_revoke(user=staff, token=staff.api_tokens.get())
    assert client.get(URL, **bearer(token)).status_code == 401


def test_another_cooperatives_staff_get_their_own_book(client, world):
    beta = world["other"]
    book_services.book_setup(coop=beta)
    admit(beta, person(50), actor=world["stranger"])
    token = api_token_create(user=world["stranger"], name="beta")[1]
    alpha = client.get(URL, **bearer(world["token"])).json()
    answer = client.get("/api/v1/coops/beta/members", **bearer(token)).json()
    assert [m["display_name"] for m in answer["items"]] == ["Cognome50 Nome50"]
    assert alpha["count"] == 4


# --- coherence after every write ----------------------------------------------------------------
def _apply(w):
    book_services.application_submit(actor=None, coop=w["coop"], **person(9), consents=CONSENT)


def _admit(w):
    book_services.application_decide(
        actor=w["admin"], member=w["applicant"], approve=True, decision_reference="CdA 2"
    )


def _reject(w):
    book_services.application_decide(
        actor=w["admin"], member=w["applicant"], approve=False, reason="no", decision_reference="x"
    )


def _withdraw(w):
    portal_services.application_withdraw(actor=None, member=w["applicant"])


def _erasure_request(w):
    portal_services.erasure_request(actor=None, member=w["applicant"])  # withdrawn, then erased


def _rename(w):
    book_services.member_update(actor=w["admin"], member=w["away"], fields={"last_name": "Nuovo"})


def _move_in(w):
    fields = {"residence": w["mendatica"]}
    book_services.member_update(actor=w["admin"], member=w["away"], fields=fields)


def _category(w):
    category = StakeholderCategory.objects.get(coop=w["coop"], code="fruitore")
    book_services.category_save(
        actor=w["admin"], coop=w["coop"], fields={"name": "Utente"}, category=category
    )


def _subscribe(w):
    shares_services.shares_subscribe(
        actor=w["admin"], member=w["inside"], share_class=w["ordinary"], shares=2
    )


def _pay(w):
    shares_services.payment_record(
        actor=w["admin"], member=w["inside"], share_class=w["ordinary"], amount=Decimal(25)
    )


def _ristorno(w):
    shares_services.ristorno_shares_issue(
        actor=w["admin"],
        member=w["inside"],
        share_class=w["ordinary"],
        amount=Decimal("60.00"),
        on_date=timezone.localdate(),
        reference="ristorno 2025",
    )


def _reverse(w):
    payment = ShareMovement.objects.get(member=w["inside"], kind="payment")
    shares_services.movement_reverse(actor=w["admin"], movement=payment, reason="error")


def _transfer(w):
    transfer = shares_services.transfer_request(
        actor=w["admin"], seller=w["away"], buyer=w["inside"], share_class=w["ordinary"], shares=2
    )
    shares_services.transfer_decide(
        actor=w["admin"], transfer=transfer, approve=True, decision_reference="CdA 3"
    )


def _exit(w):
    shares_services.member_exit(actor=w["admin"], member=w["inside"], kind="withdrawal")


def _erase(w):
    book_services.member_erase(actor=w["admin"], member=w["left"])


def _import(w):
    rows = [
        {"cognome": "Importato", "nome": "Nome8", "codice fiscale": person(8)["fiscal_code"],
         "data ammissione": "2021-01-01", "quote": 1},
    ]  # fmt: skip
    assert import_members(coop=w["coop"], actor=w["admin"], rows=rows).written


def _territory(w):
    coop_update(actor=w["admin"], coop=w["coop"], fields={}, territory=[w["outside"]])


def _municipalities(w):
    # A municipality's name (which the list shows) as the ISTAT files give it back.
    Municipality.objects.filter(pk="008034").update(name="Vecchio nome")
    cache.clear()
    w["before"] = pages(w["client"], w["token"])
    territory_load()


def _consent(w):
    book_services.consent_set(
        actor=None, member=w["inside"], kind=Consent.Kind.NEWSLETTER, given=True
    )


def _redemption(w):
    shares_services.redemption_pay(actor=w["admin"], redemption=w["left"].redemption)


def _share_class(w):
    fields = {"code": "b", "name": "B", "nominal_value": Decimal(30), "valid_from": "2020-01-01"}
    shares_services.share_class_create(actor=w["admin"], coop=w["coop"], **fields)


def _transfer_asked(w):
    shares_services.transfer_request(
        actor=w["admin"], seller=w["away"], buyer=w["inside"], share_class=w["ordinary"], shares=1
    )


CHANGES: list[Callable] = [
    _apply,
    _admit,
    _reject,
    _withdraw,
    _erasure_request,
    _rename,
    _move_in,
    _category,
    _subscribe,
    _pay,
    _ristorno,
    _reverse,
    _transfer,
    _exit,
    _erase,
    _import,
    _territory,
    _municipalities,
]
# Writes of the book that the list does not show: the answer stays what it was.
UNSEEN: list[Callable] = [_consent, _redemption, _share_class, _transfer_asked]


@pytest.mark.parametrize("write", CHANGES + UNSEEN, ids=lambda f: f.__name__.strip("_"))
def test_after_every_write_the_cached_list_is_the_databases(client, world, write):
    client.force_login(world["staff"])
    world["client"] = client
    world["before"] = pages(client, world["token"])  # now cached
    write(world)
    cached = pages(client, world["token"])
    assert cached == fresh_pages(client, world["token"])
    if write in CHANGES:
        assert cached != world["before"], "this write should change what the list shows"
    else:
        assert cached == world["before"]


def test_a_write_that_is_refused_leaves_the_cached_list_as_it_was(client, world):
    client.force_login(world["staff"])
    before = pages(client, world["token"])
    with pytest.raises(ValidationError, match="still to pay"):
        shares_services.payment_record(
            actor=None, member=world["inside"], share_class=world["ordinary"], amount=Decimal(999)
        )
    assert pages(client, world["token"]) == before == fresh_pages(client, world["token"])
