"""The member portal: a member sees and changes only their own data, downloads it, asks for
erasure; the API does the same for scripts."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from comunitas.core.models import AuditEntry
from comunitas.members.book import services as book_services
from comunitas.members.models import Consent, Member
from comunitas.members.shares import services as shares_services
from tests.helpers import CONSENT, ORGANISATION, PERSON, admit, person

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
PAGES = [
    "/c/alpha/membership/",
    "/c/alpha/membership/data.json",
    "/c/alpha/membership/certificate.pdf",
]


@pytest.fixture
def maria(book, ordinary) -> Member:
    """Maria Rossi, member no. 1 of "alpha" with the login "member1": 3 shares, 2 paid."""
    member = admit(
        book["coop"],
        {**PERSON, "residence": book["mendatica"]},
        actor=book["admin"],
        user=book["member"],
        shares=3,
    )
    shares_services.payment_record(
        actor=book["admin"], member=member, share_class=ordinary, amount=ordinary.nominal_value * 2
    )
    return member


@pytest.fixture
def other(book) -> Member:
    """Another member, with a login of its own (the resident's)."""
    return admit(book["coop"], person(2, phone="+39 0183 999999"), actor=book["admin"])


def page_text(response) -> str:
    return response.content.decode()


def test_a_member_sees_their_data_shares_payments_and_consents(client, book, maria, ordinary):
    client.force_login(book["member"])
    client.cookies["django_language"] = "en"
    response = client.get("/c/alpha/membership/")
    assert response.status_code == 200 and response.context["member"] == maria
    text = page_text(response)
    assert "Rossi Maria" in text and "RSSMRA80A41H501Y" in text
    assert "register number 1" in text and "User (fruitore)" in text
    assert "in territory" in text and "Mendatica" in text
    assert "still to pay" in text and "in good standing" not in text  # 1 share of 3 unpaid
    assert [h.shares for h in response.context["holdings"]] == [3]
    kinds = [m.kind for m in response.context["records"].movements]
    assert kinds == ["subscription", "payment"]
    assert "CdA test" in text  # the admission decision
    assert "Processing of personal data for membership" in text and "given" in text
    shares_services.payment_record(
        actor=book["admin"], member=maria, share_class=ordinary, amount=ordinary.nominal_value
    )
    assert "in good standing" in page_text(client.get("/c/alpha/membership/"))


def test_the_portal_shows_only_the_callers_membership(client, book, maria, other):
    """No portal route takes a member id; whatever the request carries, the page is the
    caller's own, and another member's data appear nowhere."""
    client.force_login(book["member"])
    for url in PAGES[:2]:
        for query in ("", f"?member_id={other.pk}", f"?pk={other.pk}&id={other.pk}"):
            response = client.get(url + query)
            text = page_text(response)
            assert "RSSMRA80A41H501Y" in text, url
            assert other.fiscal_code not in text and "Cognome2" not in text, url
            assert "0183 999999" not in text and other.email not in text, url
    # a post naming the other member still changes only the caller's contacts
    client.post(
        "/c/alpha/membership/contacts/",
        {"email": "mia@example.org", "residence": "", "member_id": other.pk, "pk": other.pk},
    )
    other.refresh_from_db()
    maria.refresh_from_db()
    assert maria.email == "mia@example.org" and other.email == "socio2@example.org"


def test_a_transfer_names_the_other_member_by_number_only(client, book, maria, other, ordinary):
    shares_services.payment_record(
        actor=book["admin"], member=maria, share_class=ordinary, amount=ordinary.nominal_value
    )
    shares_services.transfer_request(
        actor=book["admin"], seller=maria, buyer=other, share_class=ordinary, shares=1
    )
    client.force_login(book["member"])
    client.cookies["django_language"] = "en"
    text = page_text(client.get("/c/alpha/membership/"))
    assert "to socio n. 2" in text and "Waiting for the board" in text
    assert "Cognome2" not in text and other.fiscal_code not in text


def test_a_former_member_sees_the_reimbursement_and_why_erasure_waits(client, book, maria):
    shares_services.member_exit(actor=book["admin"], member=maria, kind="withdrawal")
    client.force_login(book["member"])
    client.cookies["django_language"] = "en"
    text = page_text(client.get("/c/alpha/membership/"))
    assert "You were member number 1 until" in text and "Withdrawal (recesso)" in text
    assert "Reimbursement of your shares" in text and "Not paid yet." in text
    assert "still owes you the reimbursement" in text and "Record my request" in text
    response = client.post("/c/alpha/membership/erasure/", {"confirm": "on"})
    assert response["Location"] == "/c/alpha/membership/"
    maria.refresh_from_db()
    assert maria.erasure_requested_at and not maria.is_erased


def test_a_rejected_applicant_sees_the_decision(client, book):
    applicant = book_services.application_submit(
        actor=None, coop=book["coop"], **person(9), consents=CONSENT, user=book["resident"]
    )
    book_services.application_decide(
        actor=book["admin"],
        member=applicant,
        approve=False,
        decision_reference="CdA 3/2025",
        reason="Residenza fuori dal territorio",
    )
    client.force_login(book["resident"])
    client.cookies["django_language"] = "en"
    text = page_text(client.get("/c/alpha/membership/"))
    assert "Your application was not accepted" in text
    assert "CdA 3/2025" in text and "Residenza fuori dal territorio" in text
    assert "Certificate of membership" not in text


def test_an_organisation_sees_its_representative_and_seat(client, book):
    admit(book["coop"], ORGANISATION, actor=book["admin"], user=book["resident"], shares=2)
    client.force_login(book["resident"])
    client.cookies["django_language"] = "en"
    text = page_text(client.get("/c/alpha/membership/"))
    assert "Pro Loco Mendatica" in text and "Giovanni Bianchi (Presidente)" in text
    assert "Organisation (persona giuridica)" in text and "00743110157" in text


def test_a_login_without_membership_gets_the_empty_state_and_changes_nothing(client, book, maria):
    client.force_login(book["staff"])
    client.cookies["django_language"] = "en"
    response = client.get("/c/alpha/membership/")
    text = page_text(response)
    assert response.context["member"] is None
    assert "not in the member book" in text and 'href="/c/alpha/join/"' in text
    assert "Rossi" not in text and "RSSMRA80A41H501Y" not in text
    certificate = client.get("/c/alpha/membership/certificate.pdf")
    assert certificate.status_code == 200 and certificate["Content-Type"].startswith("text/html")
    assert "A certificate is issued to members" in page_text(certificate)
    data = json.loads(client.get("/c/alpha/membership/data.json").content)
    assert data["member"] is None and data["login"]["username"] == "staff1"
    for url, body in (
        ("/c/alpha/membership/contacts/", {"email": "x@example.org"}),
        ("/c/alpha/membership/consents/", {"privacy": "on"}),
        ("/c/alpha/membership/erasure/", {"confirm": "on"}),
    ):
        response = client.post(url, body)
        assert response.status_code == 302 and response["Location"] == "/c/alpha/membership/"
    maria.refresh_from_db()
    assert maria.email == PERSON["email"] and maria.erasure_requested_at is None


def test_contacts_are_updated_and_audited_without_their_values(client, book, maria):
    client.force_login(book["member"])
    response = client.post(
        "/c/alpha/membership/contacts/",
        {
            "email": "maria@example.org",
            "phone": "+39 0183 123456",
            "address": "Via Roma 1",
            "residence": "Pornassio (IM)",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/c/alpha/membership/"
    maria.refresh_from_db()
    assert (maria.email, maria.phone, maria.address) == (
        "maria@example.org",
        "+39 0183 123456",
        "Via Roma 1",
    )
    assert maria.residence.name == "Pornassio" and maria.first_name == "Maria"
    entry = AuditEntry.objects.get(action="member.update")
    assert entry.actor == book["member"]
    assert "maria@example.org" not in json.dumps(entry.changes)
    assert "Via Roma" not in json.dumps(entry.changes)
    assert {"phone", "address"} <= set(entry.changes)  # recorded as changed, values redacted
    page = client.get("/c/alpha/membership/")
    assert page.context["member"].in_territory is False  # Pornassio is not served by alpha


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"phone": "call me maybe"}, "phone"),
        ({"residence": "Atlantide"}, "residence"),
        ({"residence": "Castro"}, "residence"),  # two towns of that name: add the province
        ({"address": "x" * 201}, "address"),
    ],
)
def test_bad_contacts_give_a_field_error_and_save_nothing(client, book, maria, change, field):
    client.force_login(book["member"])
    body = {"email": "ok@example.org", "phone": "", "address": "", "residence": "", **change}
    response = client.post("/c/alpha/membership/contacts/", body)
    assert response.status_code == 200
    assert response.context["contacts_form"].errors.get(field), response.context[
        "contacts_form"
    ].errors
    maria.refresh_from_db()
    assert maria.email == PERSON["email"] and maria.residence_id == "008034"
    assert not AuditEntry.objects.filter(action="member.update").exists()


def test_consents_are_withdrawn_and_given_with_their_date(client, book, maria):
    client.force_login(book["member"])
    response = client.post(
        "/c/alpha/membership/consents/", {"privacy": "on", "newsletter": "on", "photos": "on"}
    )
    assert response.status_code == 302
    latest = {
        c.kind: c
        for c in Consent.objects.filter(member=maria).order_by("at", "id")  # the last wins
    }
    assert latest["newsletter"].given and latest["photos"].given
    assert latest["newsletter"].at.date() == timezone.now().date()
    client.post("/c/alpha/membership/consents/", {"privacy": "on", "photos": "on"})
    newest = Consent.objects.filter(member=maria, kind="newsletter").first()  # newest first
    assert newest.given is False
    assert Consent.objects.filter(member=maria, kind="newsletter").count() == 3  # the history
    assert AuditEntry.objects.filter(action="consent.set").count() == 3
    client.cookies["django_language"] = "en"
    text = page_text(client.get("/c/alpha/membership/"))
    assert "withdrawn" in text and "History of your answers" in text


def test_a_current_member_cannot_withdraw_the_privacy_consent(client, book, maria):
    client.force_login(book["member"])
    count = Consent.objects.filter(member=maria).count()
    response = client.post("/c/alpha/membership/consents/", {"newsletter": "on"})
    assert response.status_code == 200
    assert response.context["consents_form"].errors["privacy"]
    assert Consent.objects.filter(member=maria).count() == count  # nor the newsletter


def test_the_data_download_is_an_attachment_with_everything(client, book, maria):
    client.force_login(book["member"])
    response = client.get("/c/alpha/membership/data.json")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and f"alpha-my-data-{TODAY}.json" in disposition
    data = json.loads(response.content)
    assert data["member"]["fiscal_code"] == "RSSMRA80A41H501Y"
    assert [m["kind"] for m in data["movements"]] == ["subscription", "payment"]
    assert data["application"]["status"] == "approved"
    assert {c["kind"] for c in data["consents"]} == {"privacy", "newsletter", "photos"}


def test_a_current_member_s_erasure_request_is_recorded_and_explained(client, book, maria):
    client.force_login(book["member"])
    client.cookies["django_language"] = "en"
    refused = client.post("/c/alpha/membership/erasure/", {})
    assert refused.status_code == 200 and refused.context["erasure_form"].errors["confirm"]
    assert Member.objects.get(pk=maria.pk).erasure_requested_at is None
    response = client.post("/c/alpha/membership/erasure/", {"confirm": "on"}, follow=True)
    assert response.redirect_chain[-1][0] == "/c/alpha/membership/"
    text = page_text(response)
    assert "Your request is recorded" in text and "art. 2421" in text and "recesso" in text
    maria.refresh_from_db()
    assert maria.erasure_requested_at and not maria.is_erased
    assert maria.fiscal_code == PERSON["fiscal_code"]


def test_a_former_member_is_erased_and_logged_out(client, book, maria):
    shares_services.member_exit(actor=book["admin"], member=maria, kind="withdrawal")
    shares_services.redemption_pay(actor=book["admin"], redemption=maria.redemption)
    client.force_login(book["member"])
    response = client.post("/c/alpha/membership/erasure/", {"confirm": "on"})
    assert response.status_code == 302 and response["Location"] == "/"
    maria.refresh_from_db()
    assert maria.is_erased and maria.fiscal_code == "" and maria.number == 1
    assert not get_user_model().objects.get(pk=book["member"].pk).is_active
    # the session ended with the login
    assert client.get("/c/alpha/membership/")["Location"].startswith("/account/login/")


def test_an_applicant_withdraws_through_erasure(client, book):
    applicant = book_services.application_submit(
        actor=None, coop=book["coop"], **person(5), consents=CONSENT, user=book["resident"]
    )
    client.force_login(book["resident"])
    text = page_text(client.get("/c/alpha/membership/"))
    assert "Cognome5" in text
    response = client.post("/c/alpha/membership/erasure/", {"confirm": "on"})
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.is_erased and applicant.status == "rejected"
    assert applicant.application.rejection_reason == "Withdrawn by the applicant"


def test_the_certificate_of_an_admitted_member_is_a_pdf(client, book, maria):
    client.force_login(book["member"])
    response = client.get("/c/alpha/membership/certificate.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == 'attachment; filename="alpha-certificate-1.pdf"'


def test_an_applicant_gets_no_certificate_but_the_reason(client, book):
    book_services.application_submit(
        actor=None, coop=book["coop"], **person(6), consents=CONSENT, user=book["resident"]
    )
    client.force_login(book["resident"])
    client.cookies["django_language"] = "en"
    response = client.get("/c/alpha/membership/certificate.pdf")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "A certificate is issued to members" in page_text(response)
    assert response.context["member"].status == "applicant"


def test_the_portal_page_runs_a_constant_number_of_queries(
    client, book, maria, ordinary, django_assert_num_queries
):
    client.force_login(book["member"])
    # session, user, cooperative + seat, the user's roles, the membership with its holdings and
    # territory, consents, application + class, movements + classes, transfers, redemption,
    # holdings by class, their classes
    with django_assert_num_queries(12) as queries:
        assert client.get("/c/alpha/membership/").status_code == 200
    for _n in range(5):
        shares_services.shares_subscribe(
            actor=book["admin"], member=maria, share_class=ordinary, shares=1
        )
    book_services.consent_set(actor=book["member"], member=maria, kind="photos", given=True)
    with django_assert_num_queries(len(queries)):
        response = client.get("/c/alpha/membership/")
    assert len(response.context["records"].movements) == 7


# --- API ----------------------------------------------------------------------------------------
def test_the_api_gives_the_same_data_as_the_download(client, book, maria):
    client.force_login(book["member"])
    web = json.loads(client.get("/c/alpha/membership/data.json").content)
    api = client.get("/api/v1/coops/alpha/me/membership/data").json()
    web.pop("generated_at"), api.pop("generated_at")
    assert api == web


def test_the_api_erasure_answers_with_what_happened(client, book, maria, other):
    client.force_login(book["member"])
    client.cookies["django_language"] = "en"
    answer = client.post("/api/v1/coops/alpha/me/membership/erasure")
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "requested" and "art. 2421" in body["detail"]
    assert body["erasure_requested_at"] and body["erased_at"] is None
    shares_services.member_exit(actor=book["admin"], member=maria, kind="death")
    shares_services.redemption_pay(actor=book["admin"], redemption=maria.redemption)
    body = client.post("/api/v1/coops/alpha/me/membership/erasure").json()
    assert body["status"] == "erased" and body["erased_at"]
    assert Member.objects.get(pk=maria.pk).is_erased
    assert not Member.objects.get(pk=other.pk).is_erased
    client.force_login(book["staff"])
    body = client.post("/api/v1/coops/alpha/me/membership/erasure").json()
    assert body["status"] == "none"


def test_the_api_refuses_anonymous_and_strangers(client, book, maria):
    assert client.get("/api/v1/coops/alpha/me/membership/data").status_code == 401
    client.force_login(book["stranger"])
    assert client.get("/api/v1/coops/alpha/me/membership/data").status_code == 403
    book["coop"].__class__.objects.filter(pk=book["coop"].pk).update(is_public=False)
    assert client.post("/api/v1/coops/alpha/me/membership/erasure").status_code == 404
    assert Member.objects.get(pk=maria.pk).erasure_requested_at is None
