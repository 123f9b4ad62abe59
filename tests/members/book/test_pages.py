"""Web pages of the member book: the application form, the book, a member's page, the board's
decisions, voting eligibility, erasure and the dashboard block."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from comunitas.core.models import Cooperative, Municipality
from comunitas.members.book import services as book_services
from comunitas.members.models import Application, Consent, Member, MemberStatus, StakeholderCategory
from comunitas.members.shares import services as shares_services
from tests.helpers import CONSENT, ORGANISATION, admit, person
from tests.members.book.matrix import application_form

pytestmark = pytest.mark.django_db

ROMA = "058091"  # outside alpha's territory (Mendatica, IM)


@pytest.fixture
def en(client):
    client.cookies["django_language"] = "en"
    return client


def login(client, people, who: str):
    client.force_login(people[who])
    return client


def set_public(coop: Cooperative, public: bool) -> None:
    Cooperative.objects.filter(pk=coop.pk).update(is_public=public)


# --- the application form -----------------------------------------------------------------------
def test_join_page_shows_the_form_and_the_price(en, book):
    page = en.get("/c/alpha/join/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'name="fiscal_code"' in text and 'name="consent_privacy"' in text
    assert "€25.00" in text  # the ordinary share and, with the minimum of one, the total
    assert "Financing member (sovventore) · financing" in text
    assert page.context["form"]["shares"].initial == 1


def test_anonymous_visitor_of_a_public_coop_applies(en, book, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = en.post("/c/alpha/join/", application_form(5, shares="2", motivation="Orto"))
    assert response.status_code == 302 and response["Location"] == "/c/alpha/join/thanks/"
    member = Member.objects.get(coop=book["coop"])
    assert member.status == MemberStatus.APPLICANT and member.user is None
    assert member.residence_id == "008034" and member.category.code == "fruitore"
    application = member.application
    assert application.source == Application.Source.ONLINE
    assert (application.shares_requested, application.motivation) == (2, "Orto")
    given = dict(member.consents.values_list("kind", "given"))
    assert given == {"privacy": True, "newsletter": False, "photos": False}
    assert [m.to for m in mail.outbox] == [["socio5@example.org"]]
    thanks = en.get(response["Location"]).content.decode()
    assert "e-mail" in thanks


def test_a_private_coop_takes_no_application_from_outsiders(client, book):
    set_public(book["coop"], False)
    assert client.post("/c/alpha/join/", application_form(5)).status_code == 404
    login(client, book, "stranger")
    assert client.post("/c/alpha/join/", application_form(5)).status_code == 404
    assert not Member.objects.exists()


def test_a_logged_in_resident_applies_and_then_sees_the_application(en, book):
    login(en, book, "resident")
    form = en.get("/c/alpha/join/").context["form"]
    assert form["email"].initial == "resident1@example.org"  # filled in from the login
    response = en.post("/c/alpha/join/", application_form(5, consent_newsletter="on"))
    assert response.status_code == 302
    member = Member.objects.get(coop=book["coop"])
    assert member.user == book["resident"]
    assert member.consents.get(kind=Consent.Kind.NEWSLETTER).given
    page = en.get("/c/alpha/join/")
    assert "form" not in page.context and "the board has not decided yet" in page.content.decode()
    again = en.post("/c/alpha/join/", application_form(6))
    assert again.status_code == 302 and Member.objects.count() == 1


def test_an_organisation_applies(en, book):
    data = {
        **ORGANISATION,
        "category": "persona-giuridica",
        "residence": "Mendatica (IM)",
        "shares": "1",
        "consent_privacy": "on",
        "first_name": "typed by mistake",
    }
    assert en.post("/c/alpha/join/", data).status_code == 302
    member = Member.objects.get(coop=book["coop"])
    assert member.display_name == "Pro Loco Mendatica" and member.first_name == ""
    assert member.representative_role == "Presidente"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"fiscal_code": "RSSMRA80A41H501X"}, "fiscal_code"),  # wrong check character
        ({"birth_date": "1981-01-01"}, "birth_date"),  # the code says 1 January 1980
        ({"sex": "F"}, "sex"),  # the code is a man's
        ({"consent_privacy": ""}, "consent_privacy"),
        ({"residence": "Atlantide"}, "residence"),
        ({"email": ""}, "email"),
        ({"shares": "0"}, "shares"),
        ({"birth_date": "0202-01-01"}, "birth_date"),
        ({"category": "nobody"}, "category"),
    ],
)
def test_bad_applications_show_a_field_message_and_save_nothing(en, book, change, field):
    data = application_form(5, **change)
    if field in ("fiscal_code",):
        data.update(fiscal_code=change["fiscal_code"], birth_date="1980-01-01", sex="F")
    response = en.post("/c/alpha/join/", data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors.get(field), errors
    assert not Member.objects.exists() and not Consent.objects.exists()
    assert 'class="errorlist' in response.content.decode()


def test_a_code_that_does_not_match_the_birth_date_says_which_date(en, book):
    data = application_form(5)
    data["birth_date"] = "1970-05-05"
    response = en.post("/c/alpha/join/", data)
    message = response.context["form"].errors["birth_date"][0]
    assert "The codice fiscale says" in message
    assert not Member.objects.exists()


# --- staff and the book -------------------------------------------------------------------------
def test_staff_enter_a_paper_application(en, book):
    login(en, book, "staff")
    assert "applied_on" in en.get("/c/alpha/members/new/").context["form"].fields
    data = application_form(7, applied_on="2025-02-03", email="")
    response = en.post("/c/alpha/members/new/", data)
    member = Member.objects.get(coop=book["coop"])
    assert response.status_code == 302
    assert response["Location"] == f"/c/alpha/members/{member.pk}/"
    assert member.application.source == Application.Source.PAPER
    assert member.applied_on.isoformat() == "2025-02-03" and member.user is None
    page = en.get(response["Location"]).content.decode()
    assert "Cognome7 Nome7" in page and "Paper, entered by staff" in page


def test_a_paper_application_cannot_be_dated_in_the_future(en, book):
    login(en, book, "staff")
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = en.post("/c/alpha/members/new/", application_form(7, applied_on=tomorrow))
    assert response.context["form"].errors["applied_on"]
    assert not Member.objects.exists()


def test_the_book_lists_members_with_figures_and_filters(en, book):
    coop = book["coop"]
    inside = admit(coop, person(1, residence=book["mendatica"], last_name="Dentro"))
    admit(coop, person(2, residence=Municipality.objects.get(pk=ROMA), last_name="Fuori"))
    book_services.application_submit(
        actor=None,
        coop=coop,
        **person(3, last_name="Attesa", residence=book["mendatica"]),
        consents=CONSENT,
    )
    login(en, book, "staff")
    page = en.get("/c/alpha/members/")
    text = page.content.decode()
    assert page.context["stats"].current == 2 and page.context["stats"].applicants == 1
    assert "Dentro" in text and "Fuori" in text and "Attesa" in text
    assert "in territory" in text and "outside" in text and "€25.00" in text
    assert "/c/alpha/members/new/" in text  # staff may enter paper applications
    assert "/c/alpha/members/applications/" in text and "/c/alpha/members/eligibility/" in text
    assert "fewer than the 9 the law requires" in text

    def names(**query) -> set[str]:
        return {m.last_name for m in en.get("/c/alpha/members/", query).context["page_obj"]}

    assert names(territory="in") == {"Dentro", "Attesa"}
    assert names(territory="out") == {"Fuori"}
    assert names(status="applicant") == {"Attesa"}
    assert names(q="dentro") == {"Dentro"}
    assert names(q=str(inside.number)) == {"Dentro"}
    assert names(status="active", kind="person") == {"Dentro", "Fuori"}
    assert names(category="sovventore") == set()
    assert "Nobody matches" in en.get("/c/alpha/members/", {"q": "zzz"}).content.decode()
    assert en.get("/c/alpha/members/", {"status": "nonsense"}).status_code == 200


def test_the_book_runs_a_constant_number_of_queries(client, book, django_assert_num_queries):
    coop = book["coop"]
    login(client, book, "staff")

    def count_for(n: int) -> int:
        for i in range(Member.objects.count(), n):
            admit(coop, person(100 + i, residence=book["mendatica"]))
        # session, user, coop, roles; categories for the filter; the book's version; book_stats
        # (by category, in/out of the territory, joins per year, exits per year, applicants,
        # capital); the page: count, rows (holdings and territory as subqueries)
        with django_assert_num_queries(14):
            response = client.get("/c/alpha/members/")
        # The figures are kept under the book's version (members.book.cache) until it moves.
        with django_assert_num_queries(8):
            again = client.get("/c/alpha/members/")
        assert again.context["stats"] == response.context["stats"]
        return len(response.context["page_obj"])

    assert count_for(5) == 5
    assert count_for(30) == 30


def test_a_members_page_shows_everything_about_them(en, book):
    coop = book["coop"]
    member = admit(coop, person(1, residence=book["mendatica"]), shares=2)
    login(en, book, "staff")
    page = en.get(f"/c/alpha/members/{member.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Cognome1 Nome1" in text and member.fiscal_code in text and "in territory" in text
    assert "CdA test" in text  # the admission decision
    assert "Processing of personal data for membership (required)" in text
    assert "€50.00" in text  # two shares subscribed
    assert "Subscription" in text  # the ledger
    assert f"/c/alpha/members/{member.pk}/edit/" in text
    assert "/c/alpha/audit/" not in text  # the activity log is the board's
    assert "Erase personal data" not in text  # a current member cannot be erased
    login(en, book, "admin")
    assert "/c/alpha/audit/" in en.get(f"/c/alpha/members/{member.pk}/").content.decode()


def test_another_coops_member_is_not_found(client, book):
    other = book["other"]
    stranger = admit(other, person(9))
    login(client, book, "admin")
    assert client.get(f"/c/alpha/members/{stranger.pk}/").status_code == 404
    assert client.get(f"/c/alpha/members/{stranger.pk}/edit/").status_code == 404
    assert (
        client.post(f"/c/alpha/members/{stranger.pk}/erase/", {"confirm": "1"}).status_code == 404
    )
    assert (
        client.post(
            f"/c/alpha/members/applications/{stranger.pk}/decide/", {"decision": "approve"}
        ).status_code
        == 404
    )


def test_staff_correct_a_members_data(en, book):
    member = admit(book["coop"], person(1, residence=book["mendatica"]))
    login(en, book, "staff")
    form = en.get(f"/c/alpha/members/{member.pk}/edit/").context["form"]
    assert form["residence"].initial == "Mendatica (IM)" and form["category"].initial == "fruitore"
    data = application_form(1, phone="0183 1234", residence="Roma (RM)", category="lavoratore")
    response = en.post(f"/c/alpha/members/{member.pk}/edit/", data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.phone == "0183 1234" and member.residence_id == ROMA
    assert member.category.code == "lavoratore"
    bad = en.post(f"/c/alpha/members/{member.pk}/edit/", {**data, "fiscal_code": "XYZ"})
    assert bad.status_code == 200 and bad.context["form"].errors["fiscal_code"]
    member.refresh_from_db()
    assert member.fiscal_code == person(1)["fiscal_code"]


# --- the board's decisions ----------------------------------------------------------------------
def _apply(coop, n: int, **extra) -> Member:
    return book_services.application_submit(
        actor=None, coop=coop, **person(n, **extra), consents=CONSENT
    )


def test_the_board_admits_an_applicant(en, book, django_capture_on_commit_callbacks):
    applicant = _apply(book["coop"], 1)
    login(en, book, "admin")
    page = en.get("/c/alpha/members/applications/").content.decode()
    assert "Cognome1 Nome1" in page and f"/members/applications/{applicant.pk}/decide/" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = en.post(
            f"/c/alpha/members/applications/{applicant.pk}/decide/",
            {"decision": "approve", "decision_reference": "CdA 1/2025"},
            follow=True,
        )
    applicant.refresh_from_db()
    assert applicant.status == MemberStatus.ACTIVE and applicant.number == 1
    assert applicant.application.decision_reference == "CdA 1/2025"
    assert "admitted with register number 1" in response.content.decode()
    assert "socio1@example.org" in [to for m in mail.outbox for to in m.to]
    decided = en.get("/c/alpha/members/applications/", {"show": "decided"}).content.decode()
    assert "Cognome1 Nome1" in decided and "register no. 1" in decided


def test_a_rejection_needs_its_reason_and_keeps_it(en, book):
    applicant = _apply(book["coop"], 1)
    url = f"/c/alpha/members/applications/{applicant.pk}/decide/"
    login(en, book, "admin")
    response = en.post(url, {"decision": "reject", "decision_reference": "CdA 2/2025"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Give the reason for the rejection." in text and "was not recorded" in text
    applicant.refresh_from_db()
    assert applicant.status == MemberStatus.APPLICANT
    response = en.post(
        url, {"decision": "reject", "decision_reference": "CdA 2/2025", "reason": "Fuori zona"}
    )
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.status == MemberStatus.REJECTED and applicant.number is None
    decided = en.get("/c/alpha/members/applications/", {"show": "decided"}).content.decode()
    assert "Fuori zona" in decided
    assert "Cognome1 Nome1" not in en.get("/c/alpha/members/applications/").content.decode()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"decision": "approve"}, "decision_reference"),
        ({"decision": "maybe", "decision_reference": "CdA"}, "decision"),
        (
            {"decision": "approve", "decision_reference": "CdA", "decided_on": "2999-01-01"},
            "decided_on",
        ),
        ({"decision": "approve", "decision_reference": "CdA", "decided_on": "soon"}, "decided_on"),
    ],
)
def test_a_wrong_decision_is_shown_and_not_recorded(en, book, body, field):
    applicant = _apply(book["coop"], 1)
    login(en, book, "admin")
    response = en.post(f"/c/alpha/members/applications/{applicant.pk}/decide/", body)
    assert response.status_code == 200
    bound = dict((m.pk, f) for (a, f) in response.context["rows"] for m in [a.member])
    assert bound[applicant.pk].errors.get(field), bound[applicant.pk].errors
    applicant.refresh_from_db()
    assert applicant.status == MemberStatus.APPLICANT


def test_staff_see_applications_without_the_boards_forms(en, book):
    _apply(book["coop"], 1)
    login(en, book, "staff")
    page = en.get("/c/alpha/members/applications/")
    assert "Cognome1 Nome1" in page.content.decode()
    assert all(form is None for _application, form in page.context["rows"])


# --- voting eligibility -------------------------------------------------------------------------
def test_eligibility_on_a_date(en, book):
    coop = book["coop"]
    old = admit(coop, person(1), days_ago=200)
    new = admit(coop, person(2), days_ago=10)
    login(en, book, "staff")
    page = en.get("/c/alpha/members/eligibility/")
    assert [v.member for v in page.context["eligibility"].voters] == [old]
    text = page.content.decode()
    may_vote_from = new.admitted_on + timedelta(days=90)
    assert "Not yet enrolled long enough" in text
    assert may_vote_from.strftime("%m/%d/%Y") in text
    later = (timezone.localdate() + timedelta(days=100)).isoformat()
    page = en.get("/c/alpha/members/eligibility/", {"on": later})
    assert [v.member for v in page.context["eligibility"].voters] == [old, new]
    earlier = (timezone.localdate() - timedelta(days=150)).isoformat()
    page = en.get("/c/alpha/members/eligibility/", {"on": earlier})
    assert page.context["eligibility"].voters == []  # "old" had been in the book 50 days


@pytest.mark.parametrize("value", ["yesterday", "0001-01-01", "9999-12-31", "2025-02-30"])
def test_a_bad_eligibility_date_shows_a_message_and_today(en, book, value):
    login(en, book, "staff")
    page = en.get("/c/alpha/members/eligibility/", {"on": value})
    assert page.status_code == 200
    assert page.context["eligibility"].on_date == timezone.localdate()
    assert "not a valid date" in page.content.decode()


def test_eligibility_notes_the_financing_members_cap(en, book):
    coop = book["coop"]
    financing = StakeholderCategory.objects.get(coop=coop, code="sovventore")
    admit(coop, person(1))
    admit(coop, person(2))
    for n in range(3, 6):
        admit(coop, person(n, category=financing))
    login(en, book, "staff")
    page = en.get("/c/alpha/members/eligibility/")
    assert page.context["eligibility"].financing_scaled
    text = page.content.decode()
    assert "more than one third of the votes" in text
    assert "0.3333" in text  # 1 vote shared by 3 financing members
    assert page.context["total_votes"] == 3


# --- erasure ------------------------------------------------------------------------------------
def test_the_board_erases_a_former_member(en, book):
    member = admit(book["coop"], person(1))
    shares_services.member_exit(actor=book["admin"], member=member, kind="withdrawal")
    login(en, book, "admin")
    url = f"/c/alpha/members/{member.pk}/"
    assert "Erase personal data" in en.get(url).content.decode()
    refused = en.post(url + "erase/", {}, follow=True)
    assert "Tick the box" in refused.content.decode()
    response = en.post(url + "erase/", {"confirm": "1"}, follow=True)
    member.refresh_from_db()
    assert member.is_erased and member.fiscal_code == "" and member.number == 1
    assert "personal data are erased" in response.content.decode()


def test_erasing_a_current_member_is_refused_with_a_message(en, book):
    member = admit(book["coop"], person(1))
    login(en, book, "admin")
    response = en.post(f"/c/alpha/members/{member.pk}/erase/", {"confirm": "1"}, follow=True)
    assert "must leave the cooperative before erasure" in response.content.decode()
    member.refresh_from_db()
    assert not member.is_erased


# --- roles and personal data --------------------------------------------------------------------
def test_a_member_never_sees_the_book_or_another_member(client, book):
    coop = book["coop"]
    other = admit(coop, person(1, last_name="Riservato"))
    own = admit(coop, person(2), user=book["member"])
    login(client, book, "member")
    for url in (
        "/c/alpha/members/",
        f"/c/alpha/members/{other.pk}/",
        f"/c/alpha/members/{own.pk}/",
        f"/c/alpha/members/{other.pk}/edit/",
        "/c/alpha/members/applications/",
        "/c/alpha/members/eligibility/",
        "/c/alpha/members/new/",
    ):
        assert client.get(url).status_code == 403, url
    dashboard = client.get("/c/alpha/dashboard/").content.decode()
    assert "Riservato" not in dashboard and "/c/alpha/members/" not in dashboard
    join = client.get("/c/alpha/join/").content.decode()
    assert "Riservato" not in join and "register number 2" in join


def test_html_in_names_is_escaped(en, book):
    coop = book["coop"]
    script = "<script>alert(1)</script>"
    member = admit(coop, person(1, last_name=script))
    _apply(coop, 2, first_name=script)
    login(en, book, "admin")
    for url in (
        "/c/alpha/members/",
        f"/c/alpha/members/{member.pk}/",
        "/c/alpha/members/applications/",
        "/c/alpha/members/eligibility/",
    ):
        text = en.get(url).content.decode()
        assert script not in text, url
        assert "&lt;script&gt;" in text, url


# --- the dashboard ------------------------------------------------------------------------------
def test_dashboard_block_warns_below_the_legal_minimum(en, book):
    coop = book["coop"]
    for n in range(1, 9):
        admit(coop, person(n, residence=book["mendatica"] if n < 3 else None), days_ago=400 * n)
    _apply(coop, 20)
    login(en, book, "staff")
    text = en.get("/c/alpha/dashboard/").content.decode()
    assert "Below the legal minimum" in text and "art. 2522" in text
    assert (
        '>1</span><span class="label"><a href="/c/alpha/members/applications/">application waiting'
        in text
    )
    assert "<svg" in text and 'role="img"' in text and "<title" in text
    years = sorted({m.admitted_on.year for m in Member.objects.filter(number__isnull=False)})
    assert f"{years[0]}: 1 joined, 0 left." in text  # the chart's text alternative
    assert "The figures as a table" in text
    assert ">2 / 6<" in text  # in / outside the territory
    admit(coop, person(9))
    assert "Below the legal minimum" not in en.get("/c/alpha/dashboard/").content.decode()


def test_dashboard_block_is_for_staff_and_board(en, book):
    login(en, book, "resident")
    assert "Joins and exits per year" not in en.get("/c/alpha/dashboard/").content.decode()
    login(en, book, "admin")
    assert "Joins and exits per year" in en.get("/c/alpha/dashboard/").content.decode()


def test_the_menu_shows_members_to_staff_only(en, book):
    login(en, book, "staff")
    nav = en.get("/c/alpha/dashboard/").content.decode()
    assert 'href="/c/alpha/members/"' in nav
    login(en, book, "member")
    assert 'href="/c/alpha/members/"' not in en.get("/c/alpha/dashboard/").content.decode()


def test_the_navigation_invites_visitors_to_join_and_members_to_their_membership(client, book):
    client.cookies["django_language"] = "en"
    visitor = client.get("/c/alpha/").content.decode()
    assert "Become a member" in visitor and "Your membership" not in visitor
    client.force_login(book["member"])
    member = client.get("/c/alpha/").content.decode()
    assert "Your membership" in member and "Become a member" not in member
    assert 'href="/c/alpha/members/"' not in member  # the book is for staff and the board


def test_anonymous_applications_are_limited_per_address(client, book, settings):
    settings.APPLICATIONS_PER_HOUR = 2
    for n in (31, 32):
        response = client.post("/c/alpha/join/", application_form(n))
        assert response.status_code == 302
    refused = client.post("/c/alpha/join/", application_form(33))
    assert refused.status_code == 200 and "Too many applications" in refused.content.decode()
    api = client.post(
        "/api/v1/coops/alpha/members/applications",
        {"kind": "person", **api_person(34), "consents": {"privacy": True}},
        content_type="application/json",
    )
    assert api.status_code == 429 and set(api.json()) == {"detail", "errors"}
    assert Member.objects.filter(coop=book["coop"]).count() == 2
    client.force_login(book["resident"])  # a login is not limited: it applies once anyway
    assert client.post("/c/alpha/join/", application_form(35)).status_code == 302


def api_person(n: int) -> dict:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in person(n).items()}
