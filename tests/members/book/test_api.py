"""The member book's API: every endpoint's effect, bad input answered 422 with nothing saved,
a member seeing only itself, strangers seeing nothing, and a constant number of queries."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from comunitas.core.models import AuditEntry, Cooperative, Municipality
from comunitas.members.book import services as book_services
from comunitas.members.models import (
    Application,
    Consent,
    Member,
    MemberStatus,
    ShareClass,
    ShareMovement,
    ShareTransfer,
    StakeholderCategory,
)
from comunitas.members.shares import services as shares_services
from tests.helpers import CONSENT, ORGANISATION, PERSON, admit, person

pytestmark = pytest.mark.django_db

BASE = "/api/v1/coops/alpha"
TODAY = timezone.localdate


def send(client, method: str, url: str, body: dict | None = None):
    return getattr(client, method)(url, json.dumps(body or {}), content_type="application/json")


def errors(response) -> dict[str | None, str]:
    assert response.status_code == 422, response.content
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def as_user(client, user):
    client.force_login(user)
    return client


def ordinary(coop) -> ShareClass:
    return ShareClass.objects.get(coop=coop, code="ordinarie")


def application_body(n: int = 7, **extra) -> dict:
    body = {k: str(v) if isinstance(v, date) else v for k, v in person(n).items()}
    return {**body, "consents": {"privacy": True, "newsletter": True}, **extra}


# --- the list -----------------------------------------------------------------------------------
def test_the_list_filters_and_shows_holdings_and_territory(client, book):
    coop, admin = book["coop"], book["admin"]
    resident = admit(coop, {**PERSON, "residence": book["mendatica"]}, actor=admin, shares=4)
    org = admit(coop, ORGANISATION, actor=admin)
    elsewhere = Municipality.objects.get(pk="066004")
    outsider = admit(coop, {**person(11), "residence": elsewhere}, actor=admin)
    book_services.application_submit(actor=None, coop=coop, **person(12), consents=CONSENT)
    as_user(client, book["staff"])

    page = client.get(f"{BASE}/members").json()
    assert page["count"] == 4
    assert page["items"][0]["number"] is None  # the applicant comes first, without a number
    first = page["items"][1]
    assert first["id"] == resident.pk and first["number"] == 1
    assert first["display_name"] == "Rossi Maria"
    assert first["category"] == {"code": "fruitore", "name": "User (fruitore)"}
    assert first["residence"]["istat_code"] == "008034" and first["in_territory"] is True
    assert (first["shares"], first["subscribed"], first["paid"]) == (4, "100.00", "0.00")

    def ids(query: str) -> list[int]:
        return [m["id"] for m in client.get(f"{BASE}/members?{query}").json()["items"]]

    assert ids("q=rossi") == [resident.pk]
    assert ids("q=3") == [outsider.pk]  # a register number
    assert ids("kind=organisation") == [org.pk]
    assert ids("category=persona-giuridica") == [org.pk]
    assert ids("territory=out&status=active") == [outsider.pk]  # the organisation: unknown
    assert ids("territory=in") == [resident.pk]
    assert len(ids("status=applicant")) == 1
    bad = client.get(f"{BASE}/members?status=sleeping&territory=maybe")
    assert set(errors(bad)) == {"status", "territory"}


def test_the_list_runs_a_constant_number_of_queries(client, book, django_assert_num_queries):
    coop = book["coop"]
    as_user(client, book["staff"])

    def fill(upto: int) -> None:
        for n in range(Member.objects.count(), upto):
            admit(coop, person(100 + n), actor=book["admin"])

    # Not cached: session, user, the cooperative with the caller's role and the book's version
    # (one query), count, the page of members joined with category and residence, their
    # holdings and territory as subqueries. Cached (tests/members/book/test_cache.py): the
    # first three.
    fill(5)
    with django_assert_num_queries(5):
        assert client.get(f"{BASE}/members?limit=100").json()["count"] == 5
    fill(40)
    with django_assert_num_queries(5):
        assert len(client.get(f"{BASE}/members?limit=100").json()["items"]) == 40


# --- reading one member -------------------------------------------------------------------------
def test_staff_read_a_member_with_everything_the_book_holds(client, book):
    coop, admin = book["coop"], book["admin"]
    member = admit(coop, PERSON, actor=admin, shares=2)
    shares_services.payment_record(
        actor=admin, member=member, share_class=ordinary(coop), amount=Decimal("25")
    )
    body = as_user(client, book["staff"]).get(f"{BASE}/members/{member.pk}").json()
    assert body["fiscal_code"] == "RSSMRA80A41H501Y" and body["email"] == PERSON["email"]
    assert body["holdings"] == [
        {
            "share_class": "ordinarie",
            "share_class_name": "Ordinary shares",
            "nominal_value": "25.00",
            "shares": 2,
            "subscribed": "50.00",
            "paid": "25.00",
            "to_pay": "25.00",
        }
    ]
    assert [m["kind"] for m in body["movements"]] == ["subscription", "payment"]
    assert {c["kind"]: c["given"] for c in body["consents"]} == {
        "privacy": True,
        "newsletter": False,
        "photos": False,
    }
    assert body["application"]["status"] == "approved"
    assert body["application"]["decision_reference"] == "CdA test"
    assert body["redemption"] is None


def test_a_member_reads_only_itself(client, book):
    coop, admin = book["coop"], book["admin"]
    mine = admit(coop, PERSON, actor=admin, user=book["member"])
    other = admit(coop, person(2), actor=admin)
    as_user(client, book["member"])
    assert client.get(f"{BASE}/members/{mine.pk}").json()["fiscal_code"] == PERSON["fiscal_code"]
    for url in (f"{BASE}/members/{other.pk}", f"{BASE}/members/999999"):
        response = client.get(url)
        assert response.status_code == 404 and b"Cognome2" not in response.content
    assert client.get(f"{BASE}/members").status_code == 403
    as_user(client, book["resident"])
    assert client.get(f"{BASE}/members/{mine.pk}").status_code == 404


def test_a_stranger_sees_nothing_of_another_cooperative(client, book):
    """The admin of "beta" reads nothing of "alpha", public or not, and alpha's ids do not
    work through beta's address either."""
    coop, admin = book["coop"], book["admin"]
    member = admit(coop, PERSON, actor=admin)
    movement = member.movements.get()
    as_user(client, book["stranger"])
    reads = [
        "members",
        f"members/{member.pk}",
        "members/applications",
        "transfers",
        "eligibility",
        "capital",
        "register",
        "me/membership",
    ]
    for public in (True, False):
        Cooperative.objects.filter(pk=coop.pk).update(is_public=public)
        for url in reads:
            response = client.get(f"{BASE}/{url}")
            assert response.status_code == (403 if public else 404), url
            assert b"Rossi" not in response.content
    beta = "/api/v1/coops/beta"
    assert client.get(f"{beta}/members/{member.pk}").status_code == 404
    assert client.get(f"{beta}/members").json()["count"] == 0
    response = send(client, "post", f"{beta}/members/{member.pk}/exit", {"kind": "withdrawal"})
    assert response.status_code == 404
    reversal = send(client, "post", f"{beta}/movements/{movement.pk}/reversal", {"reason": "x"})
    assert reversal.status_code == 404
    assert Member.objects.get(pk=member.pk).status == MemberStatus.ACTIVE


# --- applications -------------------------------------------------------------------------------
def test_anyone_applies_online_to_a_public_cooperative(
    client, book, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, "post", f"{BASE}/members/applications", application_body())
    assert response.status_code == 201, response.content
    body = response.json()
    member = Member.objects.get(pk=body["id"])
    assert body["status"] == "pending" and body["source"] == "online"
    assert body["applicant"]["display_name"] == "Cognome7 Nome7"
    assert body["share_class"] == "ordinarie" and body["shares_requested"] == 1
    assert member.status == MemberStatus.APPLICANT and member.user is None
    given = {c.kind: c.given for c in Consent.objects.filter(member=member)}
    assert given == {"privacy": True, "newsletter": True, "photos": False}
    assert AuditEntry.objects.filter(action="member.apply", object_id=str(member.pk)).exists()
    assert [m.to for m in mailoutbox] == [["socio7@example.org"]]
    staff = as_user(client, book["staff"])
    listed = staff.get(f"{BASE}/members/applications?status=pending").json()["items"]
    assert [a["id"] for a in listed] == [member.pk]
    assert staff.get(f"{BASE}/members/applications?status=approved").json()["count"] == 0


def test_an_online_application_is_the_callers_own_and_shows_in_the_portal(client, book):
    resident = book["resident"]
    # Linked to the login whatever e-mail it gives, as the web form does.
    body = application_body(8, email="another@example.org", category="volontario", shares=2)
    response = send(as_user(client, resident), "post", f"{BASE}/members/applications", body)
    assert response.status_code == 201, response.content
    assert Member.objects.get(pk=response.json()["id"]).user == resident
    mine = client.get(f"{BASE}/me/membership").json()
    assert mine["status"] == "applicant" and mine["category"]["code"] == "volontario"
    assert mine["application"]["shares_requested"] == 2
    again = send(client, "post", f"{BASE}/members/applications", body)
    assert again.status_code == 422  # one membership per login, and the same codice fiscale


def test_paper_applications_are_for_staff_and_carry_their_date(client, book):
    paper = application_body(9, source="paper", applied_on="2024-03-01")
    as_user(client, book["resident"])
    assert send(client, "post", f"{BASE}/members/applications", paper).status_code == 403
    online_dated = application_body(9, applied_on="2024-03-01")
    assert "applied_on" in errors(
        send(client, "post", f"{BASE}/members/applications", online_dated)
    )
    as_user(client, book["staff"])
    response = send(client, "post", f"{BASE}/members/applications", paper)
    assert response.status_code == 201, response.content
    assert response.json()["source"] == "paper" and response.json()["applied_on"] == "2024-03-01"
    assert Member.objects.get(pk=response.json()["id"]).user is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"fiscal_code": "RSSMRA80A41H501X"}, "fiscal_code"),  # wrong check character
        ({"birth_date": "1981-01-01"}, "birth_date"),  # not the date the code encodes
        ({"category": "astronauta"}, "category"),
        ({"share_class": "oro"}, "share_class"),
        ({"shares": 4001}, "shares"),  # 4001 x 25 € > 100,000 € for a natural person
        ({"consents": {"privacy": False}}, "consent_privacy"),
        ({"residence": "Atlantide"}, "residence"),
        ({"email": "not-an-address"}, "email"),
        ({"kind": "robot"}, "kind"),
        ({"nickname": "Mari"}, "nickname"),
        ({"shares": 0}, "shares"),
        ({"first_name": "a\x00b"}, "first_name"),
    ],
)
def test_a_bad_application_is_refused_and_saves_nothing(client, book, change, field):
    response = send(client, "post", f"{BASE}/members/applications", application_body(**change))
    assert field in errors(response)
    assert not Member.objects.exists() and not AuditEntry.objects.filter(action="member.apply")


def test_an_organisation_applies_with_its_representative(client, book):
    body = {**ORGANISATION, "consents": {"privacy": True}}
    response = send(client, "post", f"{BASE}/members/applications", body)
    assert response.status_code == 201, response.content
    assert response.json()["applicant"]["category"]["code"] == "persona-giuridica"
    missing = {**body, "representative_name": "", "fiscal_code": "00743110158"}
    assert set(errors(send(client, "post", f"{BASE}/members/applications", missing))) >= {
        "representative_name",
        "fiscal_code",
    }


def test_the_board_admits_or_rejects_an_application(client, book):
    coop = book["coop"]
    first = book_services.application_submit(actor=None, coop=coop, **PERSON, consents=CONSENT)
    second = book_services.application_submit(actor=None, coop=coop, **person(2), consents=CONSENT)
    decide = f"{BASE}/members/applications/{{}}/decision"
    as_user(client, book["staff"])
    assert send(client, "post", decide.format(first.pk), {"approve": True}).status_code == 403
    as_user(client, book["admin"])
    no_reference = send(client, "post", decide.format(first.pk), {"approve": True})
    assert "decision_reference" in errors(no_reference)
    approve = {"approve": True, "decision_reference": "CdA 12/03/2025"}
    response = send(client, "post", decide.format(first.pk), approve)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"
    assert response.json()["applicant"]["number"] == 1
    first.refresh_from_db()
    assert first.status == MemberStatus.ACTIVE and first.admitted_on == TODAY()
    assert first.movements.get().subscribed == Decimal("25.00")
    assert "decided already" in str(errors(send(client, "post", decide.format(first.pk), approve)))

    reject = {"approve": False, "decision_reference": "CdA 12/03/2025"}
    assert "reason" in errors(send(client, "post", decide.format(second.pk), reject))
    assert Application.objects.get(member=second).status == "pending"
    response = send(client, "post", decide.format(second.pk), {**reject, "reason": "Fuori zona"})
    assert response.json()["status"] == "rejected"
    assert response.json()["rejection_reason"] == "Fuori zona"
    assert Member.objects.get(pk=second.pk).number is None
    assert send(client, "post", decide.format(999999), approve).status_code == 404


# --- changing a member --------------------------------------------------------------------------
def test_staff_correct_a_members_data(client, book):
    member = admit(book["coop"], PERSON, actor=book["admin"])
    url = f"{BASE}/members/{member.pk}"
    as_user(client, book["staff"])
    change = {"phone": "0183 1234", "residence": "Mendatica (IM)", "category": "lavoratore"}
    response = send(client, "patch", url, change)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["phone"] == "0183 1234" and body["in_territory"] is True
    assert body["category"]["code"] == "lavoratore" and body["first_name"] == "Maria"
    for bad, field in [
        ({"fiscal_code": "RSSMRA80A41H501X", "phone": "1"}, "fiscal_code"),
        ({"category": "astronauta", "phone": "1"}, "category"),
        ({"kind": "organisation"}, "kind"),
        ({"first_name": None}, "first_name"),
    ]:
        assert field in errors(send(client, "patch", url, bad))
    member.refresh_from_db()
    assert member.phone == "0183 1234" and member.fiscal_code == PERSON["fiscal_code"]


# --- shares -------------------------------------------------------------------------------------
def test_subscriptions_and_payments(client, book, mailoutbox, django_capture_on_commit_callbacks):
    member = admit(book["coop"], PERSON, actor=book["admin"], shares=1)
    as_user(client, book["staff"])
    subscribe = f"{BASE}/members/{member.pk}/subscriptions"
    pay = f"{BASE}/members/{member.pk}/payments"
    response = send(client, "post", subscribe, {"share_class": "ordinarie", "shares": 3})
    assert response.status_code == 201, response.content
    assert response.json()["subscribed"] == "75.00" and response.json()["kind"] == "subscription"
    over = send(client, "post", subscribe, {"share_class": "ordinarie", "shares": 3997})
    assert "100,000" in errors(over)["shares"]  # the cap of art. 2525

    for amount in ("50.00", 12.5):  # a decimal string or a JSON number
        response = send(client, "post", pay, {"share_class": "ordinarie", "amount": amount})
        assert response.status_code == 201, response.content
    for amount in (0.1 + 0.2, "10.123", 0, -5, "abc", "NaN", 1e30, 37.51):
        # not euros and cents, not positive, not a number, or more than the 37.50 € still due
        response = send(client, "post", pay, {"share_class": "ordinarie", "amount": amount})
        assert "amount" in errors(response), amount
    unknown = send(client, "post", pay, {"share_class": "oro", "amount": 1})
    assert "share_class" in errors(unknown)
    assert sorted(ShareMovement.objects.filter(kind="payment").values_list("paid", flat=True)) == [
        Decimal("12.50"),
        Decimal("50.00"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        paid_up = send(client, "post", pay, {"share_class": "ordinarie", "amount": 37.5})
    assert paid_up.status_code == 201
    [mail] = mailoutbox  # the member is told of the payment
    assert mail.to == [PERSON["email"]] and "€37.50" in mail.body
    holding = client.get(f"{BASE}/members/{member.pk}").json()["holdings"][0]
    assert [holding[k] for k in ("subscribed", "paid", "to_pay")] == ["100.00", "100.00", "0.00"]


def test_a_wrong_movement_is_reversed_once(client, book):
    coop = book["coop"]
    member = admit(coop, PERSON, actor=book["admin"], shares=2)
    payment = shares_services.payment_record(
        actor=None, member=member, share_class=ordinary(coop), amount=Decimal("50")
    )
    url = f"{BASE}/movements/{payment.pk}/reversal"
    as_user(client, book["staff"])
    assert send(client, "post", url, {"reason": "doppio"}).status_code == 403
    as_user(client, book["admin"])
    assert "reason" in errors(send(client, "post", url, {"reason": "  "}))
    response = send(client, "post", url, {"reason": "Bonifico registrato due volte"})
    assert response.status_code == 201, response.content
    assert response.json()["paid"] == "-50.00" and response.json()["reverses"] == payment.pk
    assert "reversed already" in str(errors(send(client, "post", url, {"reason": "again"})))
    assert client.get(f"{BASE}/members/{member.pk}").json()["paid"] == "0.00"


def test_transfers_need_a_current_member_and_the_boards_approval(client, book):
    coop, admin = book["coop"], book["admin"]
    seller = admit(coop, PERSON, actor=admin, shares=3)
    shares_services.payment_record(
        actor=admin, member=seller, share_class=ordinary(coop), amount=Decimal("75")
    )
    buyer = admit(coop, person(2), actor=admin)
    gone = admit(coop, person(3), actor=admin)
    shares_services.member_exit(actor=admin, member=gone, kind="withdrawal")
    book_services.application_submit(actor=None, coop=coop, **person(4), consents=CONSENT)
    url = f"{BASE}/members/{seller.pk}/transfers"
    as_user(client, book["staff"])
    for number in (gone.number, 4, 999):  # a former member, no one yet, no one
        body = {"buyer_number": number, "share_class": "ordinarie", "shares": 1}
        assert "buyer_number" in errors(send(client, "post", url, body))
    too_many = {"buyer_number": buyer.number, "share_class": "ordinarie", "shares": 4}
    assert "shares" in errors(send(client, "post", url, too_many))
    assert not ShareTransfer.objects.exists()

    body = {"buyer_number": buyer.number, "share_class": "ordinarie", "shares": 2}
    response = send(client, "post", url, body)
    assert response.status_code == 201, response.content
    transfer = response.json()
    assert transfer["status"] == "pending" and transfer["buyer"]["number"] == buyer.number
    assert [t["id"] for t in client.get(f"{BASE}/transfers?status=pending").json()["items"]] == [
        transfer["id"]
    ]
    decide = f"{BASE}/transfers/{transfer['id']}/decision"
    approve = {"approve": True, "decision_reference": "CdA 1/2025"}
    assert send(client, "post", decide, approve).status_code == 403
    as_user(client, admin)
    response = send(client, "post", decide, approve)
    assert response.status_code == 200 and response.json()["status"] == "approved"
    shares = {m["id"]: m["shares"] for m in client.get(f"{BASE}/members").json()["items"]}
    assert (shares[seller.pk], shares[buyer.pk]) == (1, 3)
    assert "decided already" in str(errors(send(client, "post", decide, approve)))


# --- exits --------------------------------------------------------------------------------------
def test_a_member_leaves_once_and_is_reimbursed(client, book):
    coop = book["coop"]
    member = admit(coop, PERSON, actor=book["admin"], shares=2)
    shares_services.payment_record(
        actor=None, member=member, share_class=ordinary(coop), amount=Decimal("50")
    )
    url = f"{BASE}/members/{member.pk}/exit"
    as_user(client, book["admin"])
    exclusion = send(client, "post", url, {"kind": "exclusion", "reason": "Morosità"})
    assert "decision_reference" in errors(exclusion)
    assert "kind" in errors(send(client, "post", url, {"kind": "vanished"}))
    too_much = {"kind": "withdrawal", "redemption_amount": "60.00"}
    assert "redemption_amount" in errors(send(client, "post", url, too_much))
    assert Member.objects.get(pk=member.pk).status == MemberStatus.ACTIVE
    assert not ShareMovement.objects.filter(kind="redemption").exists()

    response = send(client, "post", url, {"kind": "withdrawal"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "exited" and body["exited_on"] == str(TODAY())
    assert body["number"] == 1 and body["shares"] == 0  # still in the book, shares cancelled
    assert body["redemption"]["amount"] == "50.00" and body["redemption"]["paid_on"] is None
    again = send(client, "post", url, {"kind": "withdrawal"})
    assert "left already" in str(errors(again))
    assert ShareMovement.objects.filter(kind="redemption").count() == 1

    pay = f"{BASE}/redemptions/{body['redemption']['id']}/payment"
    future = str(TODAY() + timedelta(days=1))
    assert "paid_on" in errors(send(client, "post", pay, {"paid_on": future}))
    response = send(client, "post", pay, {"reference": "Bonifico 42"})
    assert response.status_code == 200 and response.json()["paid_on"] == str(TODAY())
    assert "paid already" in str(errors(send(client, "post", pay, {})))


# --- figures on a date --------------------------------------------------------------------------
def test_eligibility_caps_financing_members_at_one_third(client, book):
    coop, admin = book["coop"], book["admin"]
    financing = StakeholderCategory.objects.get(coop=coop, code="sovventore")
    voters = [admit(coop, person(n), actor=admin) for n in (1, 2)]
    for n in (3, 4):
        admit(coop, person(n, category=financing), actor=admin)
    recent = admit(coop, person(5), actor=admin, days_ago=10)
    as_user(client, book["staff"])
    body = client.get(f"{BASE}/eligibility").json()
    votes = {v["member_id"]: (v["votes"], v["votes_fraction"]) for v in body["voters"]}
    assert votes[voters[0].pk] == ("1", "1")
    # two financing members against two others: scaled from 2 to 1 vote together (1/3 of 3)
    assert sorted(votes.values()) == [("0.5000", "1/2"), ("0.5000", "1/2"), ("1", "1"), ("1", "1")]
    assert body["total_votes"] == "3" and body["financing_scaled"] is True
    assert [m["member_id"] for m in body["not_yet"]] == [recent.pk]
    assert body["enrolled_before"] == str(TODAY() - timedelta(days=90))
    before = client.get(f"{BASE}/eligibility?on={TODAY() - timedelta(days=300)}").json()
    assert before["voters"] == [] and before["total_votes"] == "0"
    assert "on" in errors(client.get(f"{BASE}/eligibility?on=0001-01-01"))


def test_capital_and_register_on_a_date(client, book):
    coop, admin = book["coop"], book["admin"]
    first = admit(coop, PERSON, actor=admin, shares=4, days_ago=100)
    shares_services.payment_record(
        actor=admin, member=first, share_class=ordinary(coop), amount=Decimal("30.00")
    )
    left = admit(coop, person(2), actor=admin, days_ago=50)
    shares_services.member_exit(
        actor=admin, member=left, kind="death", on_date=TODAY() - timedelta(5)
    )
    as_user(client, book["staff"])
    now = client.get(f"{BASE}/capital").json()
    assert (now["shares"], now["subscribed"], now["paid"], now["to_pay"]) == (
        4,
        "100.00",
        "30.00",
        "70.00",
    )
    assert now["by_class"][0]["code"] == "ordinarie"
    then = client.get(f"{BASE}/capital?on={TODAY() - timedelta(days=20)}").json()
    assert (then["shares"], then["paid"]) == (5, "0.00")

    day = TODAY() - timedelta(days=20)
    lines = client.get(f"{BASE}/register?on={day}").json()
    assert [(m["number"], m["exited_on"], m["shares"]) for m in lines["items"]] == [
        (1, None, 4),
        (2, None, 1),  # had not left yet on that day
    ]
    lines = client.get(f"{BASE}/register").json()["items"]
    assert lines[1]["exited_on"] == str(TODAY() - timedelta(5)) and lines[1]["shares"] == 0
    assert client.get(f"{BASE}/register?on={TODAY() - timedelta(200)}").json()["count"] == 0


# --- categories and share classes ---------------------------------------------------------------
def test_categories_and_share_classes(client, book):
    codes = [c["code"] for c in client.get(f"{BASE}/categories").json()["items"]]
    assert codes[0] == "fruitore" and "sovventore" in codes  # applicants may read them
    classes = client.get(f"{BASE}/share-classes").json()["items"]
    assert {c["code"]: c["nominal_value"] for c in classes}["ordinarie"] == "25.00"
    new_category = {"code": "turista", "name": "Ospite (turista)"}
    as_user(client, book["staff"])
    assert send(client, "post", f"{BASE}/categories", new_category).status_code == 403
    as_user(client, book["admin"])
    response = send(client, "post", f"{BASE}/categories", new_category)
    assert response.status_code == 201 and response.json()["is_financing"] is False
    assert "code" in errors(send(client, "post", f"{BASE}/categories", new_category))
    bad_code = {"code": "non è un codice", "name": "X"}
    assert "code" in errors(send(client, "post", f"{BASE}/categories", bad_code))

    share_class = {"code": "b2026", "name": "Serie B", "valid_from": "2026-01-01"}
    for value in ("600.00", "10.00"):  # outside 25-500 € (art. 2525 c.c.)
        body = {**share_class, "nominal_value": value}
        assert "nominal_value" in errors(send(client, "post", f"{BASE}/share-classes", body))
    response = send(client, "post", f"{BASE}/share-classes", {**share_class, "nominal_value": 50})
    assert response.status_code == 201 and response.json()["nominal_value"] == "50.00"
    assert ShareClass.objects.filter(coop=book["coop"]).count() == 3


# --- the portal ---------------------------------------------------------------------------------
def test_the_portal_shows_and_changes_only_the_callers_own_membership(client, book):
    coop = book["coop"]
    mine = admit(coop, PERSON, actor=book["admin"], user=book["member"], shares=2)
    admit(coop, person(2), actor=book["admin"])
    as_user(client, book["member"])
    body = client.get(f"{BASE}/me/membership").json()
    assert body["id"] == mine.pk and body["holdings"][0]["shares"] == 2
    url = f"{BASE}/me/membership"
    response = send(client, "patch", url, {"email": "maria@example.org", "address": "Via Roma 1"})
    assert response.status_code == 200 and response.json()["email"] == "maria@example.org"
    for bad, field in [({"first_name": "Mara"}, "first_name"), ({"email": "x"}, "email")]:
        assert field in errors(send(client, "patch", url, bad))
    mine.refresh_from_db()
    assert (mine.first_name, mine.email) == ("Maria", "maria@example.org")

    consents = f"{url}/consents"
    response = send(client, "patch", consents, {"newsletter": True, "photos": True})
    assert {c["kind"]: c["given"] for c in response.json()} == {
        "privacy": True,
        "newsletter": True,
        "photos": True,
    }
    # Withdrawing the privacy consent of a current member is refused, and so is the whole request.
    refused = send(client, "patch", consents, {"photos": False, "privacy": False})
    assert "privacy" in errors(refused)
    assert Consent.objects.filter(member=mine, kind="photos").first().given is True
    assert "newsletter" in errors(send(client, "patch", consents, {"newsletter": None}))

    as_user(client, book["resident"])
    assert client.get(url).status_code == 404
    assert send(client, "patch", consents, {"newsletter": True}).status_code == 404
