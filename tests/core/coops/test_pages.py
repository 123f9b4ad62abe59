"""Web pages: forms show field errors and save nothing, pages are friendly, queries constant."""

import pytest

from comunitas.core.coops.services import coop_update
from comunitas.core.models import Cooperative, Municipality, Role
from tests.helpers import STATUTE_FORM, make_coop, make_user

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Cooperativa Delta",
    "slug": "delta",
    "legal_form": "coop",
    "sector": "tourism",
    "seat": "Anversa degli Abruzzi (AQ)",
    "founded_year": 2021,
    "share_nominal_value": "50.00",
    "is_public": "on",
}


def test_register_a_cooperative_from_the_web(client, people):
    user = make_user("founder")
    client.force_login(user)
    response = client.post("/cooperatives/new/", {**FORM, "territory": "Cocullo (AQ)\n067030"})
    assert response.status_code == 302 and response["Location"] == "/c/delta/dashboard/"
    coop = Cooperative.objects.get(slug="delta")
    assert Role.objects.get(coop=coop, user=user).kind == "admin"
    assert coop.statutes.get().share_nominal_value == 50
    assert coop.territory.count() == 3


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"fiscal_code": "RSSMRA85T10A562X"}, "fiscal_code"),
        ({"vat_number": "99999999999"}, "vat_number"),
        ({"seat": "Castro"}, "seat"),
        ({"seat": "Nowhere at all"}, "seat"),
        ({"slug": "alpha"}, "slug"),
        ({"share_nominal_value": "10"}, "share_nominal_value"),
        ({"territory": "Atlantide"}, "territory"),
    ],
)
def test_bad_input_shows_a_field_message_and_saves_nothing(client, people, change, field):
    client.force_login(people["admin"])
    count = Cooperative.objects.count()
    response = client.post("/cooperatives/new/", {**FORM, **change})
    assert response.status_code == 200
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert Cooperative.objects.count() == count


def test_statute_form_refuses_twelve_proxies(client, people):
    client.force_login(people["admin"])
    response = client.post("/c/alpha/statute/", {**STATUTE_FORM, "max_proxies_per_member": 12})
    assert response.status_code == 200
    assert "10" in response.context["form"].errors["max_proxies_per_member"][0]
    assert people["coop"].statutes.count() == 1


def test_the_statute_form_takes_the_financing_members_scale_one_step_a_line(
    english, client, people
):
    client.force_login(people["admin"])
    form = {**STATUTE_FORM, "valid_from": "2025-06-01"}
    response = client.post("/c/alpha/statute/", {**form, "financing_votes_scale": "1000: 6"})
    assert "L. 59/1992 art. 4" in response.context["form"].errors["financing_votes_scale"][0]
    response = client.post("/c/alpha/statute/", {**form, "financing_votes_scale": "mille"})
    assert "“5000: 2”" in response.context["form"].errors["financing_votes_scale"][0]
    assert people["coop"].statutes.count() == 1
    scale = "1.000,00 €: 2\n5000: 3\n"
    response = client.post("/c/alpha/statute/", {**form, "financing_votes_scale": scale})
    assert response.status_code == 302
    statute = people["coop"].statutes.get(valid_from="2025-06-01")
    assert statute.financing_votes_scale == [
        {"capital": "1000.00", "votes": 2},
        {"capital": "5000.00", "votes": 3},
    ]
    page = client.get("/c/alpha/statute/").content.decode()
    assert "5.000,00" in page or "5,000.00" in page


def test_free_text_is_escaped(client, people):
    Cooperative.objects.filter(pk=people["coop"].pk).update(description="<script>alert(1)</script>")
    page = client.get("/c/alpha/")
    assert b"<script>alert(1)</script>" not in page.content
    assert b"&lt;script&gt;" in page.content


def test_public_page_runs_a_constant_number_of_queries(client, people, django_assert_num_queries):
    served = list(Municipality.objects.filter(province_abbr="IM")[:20])
    coop_update(actor=None, coop=people["coop"], fields={}, territory=served)
    # cooperative + seat, then prefetches: territory, facts, seat postcodes; statute in force
    with django_assert_num_queries(5):
        page = client.get("/c/alpha/")
    assert page.context["territory"].municipalities == len({*served, people["coop"].seat})


def test_public_page_shows_territory_and_sources(client, people):
    page = client.get("/c/alpha/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Mendatica" in text and "Liguria" in text


def test_roles_page_changes_and_revokes(client, people):
    client.force_login(people["admin"])
    role = people["coop"].roles.get(user=people["member"])
    client.post(f"/c/alpha/roles/{role.pk}/", {"kind": "staff"})
    role.refresh_from_db()
    assert role.kind == "staff"
    client.post(f"/c/alpha/roles/{role.pk}/", {"revoke": "1"})
    assert not Role.objects.filter(pk=role.pk).exists()
    client.cookies["django_language"] = "en"
    own = people["coop"].roles.get(user=people["admin"])
    response = client.post(f"/c/alpha/roles/{own.pk}/", {"revoke": "1"}, follow=True)
    assert Role.objects.filter(pk=own.pk).exists()
    assert "at least one admin" in response.content.decode()


@pytest.mark.parametrize(
    ("language", "title"), [("en", "Page not found"), ("it", "Pagina non trovata")]
)
def test_unknown_pages_get_a_friendly_404_in_the_pages_language(client, db, language, title):
    client.cookies["django_language"] = language
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    text = response.content.decode()
    assert f'lang="{language}"' in text and title in text


def test_home_runs_a_constant_number_of_queries(client, people, django_assert_num_queries):
    for n in range(10):
        make_coop(f"extra-{n}")
    client.force_login(people["member"])
    # session, user, the user's roles, cooperatives with their seat
    with django_assert_num_queries(4):
        assert client.get("/").status_code == 200


def test_dashboard_sections_follow_the_role(client, people, django_assert_max_num_queries):
    client.cookies["django_language"] = "en"
    client.force_login(people["member"])
    page = client.get("/c/alpha/dashboard/").content.decode()
    assert "Statute in force" in page and "€25.00" in page
    assert "Latest changes" not in page  # the log is for the board only
    assert "No annual closing is approved yet" in page  # where the money goes: for everyone
    client.force_login(people["admin"])
    # session, user, coop, roles; territory (2), role counts, statute, latest changes; members:
    # by category, in/out of the territory, joins, exits, applicants, capital; commons:
    # obligations due, legal bases ending; use of the commons: units, their opening hours and
    # closed days, booked time, revenue per month, tickets per month; decisions: consultations
    # open, assemblies convened, the latest one held; economy: the last approved closing, the
    # fund's inflows and its earmarks
    with django_assert_max_num_queries(29):
        page = client.get("/c/alpha/dashboard/").content.decode()
    assert "Latest changes" in page and "cooperative registered" in page


def test_territory_search_page_and_partial(client, db):
    page = client.get("/territory/", {"q": "mendatica"})
    assert b"008034" in page.content and b"<html" in page.content
    partial = client.get("/territory/", {"q": "mendatica"}, HTTP_HX_REQUEST="true")
    assert b"008034" in partial.content and b"<html" not in partial.content
    options = client.get("/territory/suggest/", {"seat": "mendat"})
    assert b'value="Mendatica (IM)"' in options.content


def test_health_is_one_query(client, db, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert client.get("/health").json() == {"status": "ok"}
