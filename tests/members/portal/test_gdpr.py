"""Personal data (GDPR): the export holds everything about the member and nothing about others;
erasure removes the person and keeps the register entries, and the audit trail never held them."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from comunitas.core.errors import ValidationError
from comunitas.core.models import AuditEntry, Role
from comunitas.members.book import selectors as book_selectors
from comunitas.members.book import services as book_services
from comunitas.members.models import (
    Application,
    Consent,
    Member,
    MemberStatus,
    ShareMovement,
)
from comunitas.members.portal import selectors as portal_selectors
from comunitas.members.portal import services as portal_services
from comunitas.members.shares import services as shares_services
from tests.helpers import CONSENT, PERSON, admit, person

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def maria(book, ordinary) -> Member:
    """Maria Rossi, member of "alpha" with the login "member1": 2 shares, one paid, a consent
    changed, one share transferred to another member (approved)."""
    coop, admin = book["coop"], book["admin"]
    member = admit(
        coop,
        {**PERSON, "residence": book["mendatica"], "address": "Via Garibaldi 3"},
        actor=admin,
        user=book["member"],
        shares=2,
    )
    shares_services.payment_record(
        actor=admin, member=member, share_class=ordinary, amount=ordinary.nominal_value * 2
    )
    book_services.consent_set(actor=book["member"], member=member, kind="newsletter", given=True)
    other = admit(coop, person(2), actor=admin)
    transfer = shares_services.transfer_request(
        actor=admin, seller=member, buyer=other, share_class=ordinary, shares=1
    )
    shares_services.transfer_decide(
        actor=admin, transfer=transfer, approve=True, decision_reference="CdA 1/2025"
    )
    return member


def test_the_export_holds_everything_about_the_member_as_json(book, maria, ordinary):
    data = portal_selectors.member_data(member=maria)
    text = json.dumps(data)  # serialisable as it is
    assert data["cooperative"] == {"slug": "alpha", "name": "Alpha"}
    row = data["member"]
    assert (row["first_name"], row["last_name"], row["fiscal_code"]) == (
        "Maria",
        "Rossi",
        "RSSMRA80A41H501Y",
    )
    assert row["birth_date"] == "1980-01-01" and row["number"] == 1 and row["status"] == "active"
    assert row["category"]["code"] == "fruitore"
    assert row["residence"] == {
        "istat_code": "008034",
        "name": "Mendatica",
        "province": "IM",
        "in_territory": True,
    }
    assert row["address"] == "Via Garibaldi 3" and row["in_good_standing"] is True
    # the consents' history: three answers at the application, then the newsletter given
    assert [(c["kind"], c["given"]) for c in data["consents"]][-1] == ("newsletter", True)
    assert len(data["consents"]) == 4
    assert data["application"]["status"] == "approved"
    assert data["application"]["decision_reference"] == "CdA test"
    value = ordinary.nominal_value
    assert [(m["kind"], m["shares"], m["paid"]) for m in data["movements"]] == [
        ("subscription", 2, "0.00"),
        ("payment", 0, str(value * 2)),
        ("transfer_out", -1, str(-value)),
    ]
    assert data["holdings"] == [
        {
            "share_class": "ordinarie",
            "nominal_value": str(value),
            "shares": 1,
            "subscribed": str(value),
            "paid": str(value),
        }
    ]
    assert data["transfers"][0]["direction"] == "out"
    assert data["transfers"][0]["other_member"] == "socio n. 2"
    assert "Cognome2" not in text and "Nome2" not in text  # the other member stays private
    actions = [entry["action"] for entry in data["audit"]]
    for action in ("member.apply", "member.admit", "shares.payment", "consent.set"):
        assert action in actions
    assert "shares.transfer_out" in actions and "transfer.approve" in actions
    consent_entry = next(e for e in data["audit"] if e["action"] == "consent.set")
    assert consent_entry["by"] == "you"
    assert data["login"]["username"] == "member1"
    assert data["login"]["roles"][0]["kind"] == "member"
    # nothing of the other member's audit trail
    other = Member.objects.get(coop=book["coop"], number=2)
    ids = {(e["object_type"], e["object_id"]) for e in data["audit"]}
    assert ("members.member", str(other.pk)) not in ids


def test_the_export_of_a_login_without_membership_holds_the_login_and_role(book):
    data = portal_selectors.personal_data(coop=book["coop"], user=book["staff"])
    json.dumps(data)
    assert data["member"] is None and data["movements"] == []
    assert data["login"]["username"] == "staff1"
    assert [r["kind"] for r in data["login"]["roles"]] == ["staff"]


def test_a_current_member_s_request_waits_for_the_end_of_the_membership(book, maria):
    member = portal_services.erasure_request(actor=book["member"], member=maria)
    assert not member.is_erased and member.status == MemberStatus.ACTIVE
    assert member.erasure_requested_at is not None
    assert "art. 2421" in portal_selectors.erasure_blocker(member)
    entry = AuditEntry.objects.get(action="member.erasure_request")
    assert entry.object_id == str(maria.pk) and entry.actor == book["member"]
    pending = list(book_selectors.erasure_requests(coop=book["coop"]))
    assert [(m.pk, m.erasable) for m in pending] == [(maria.pk, False)]
    # asking again keeps the first request and writes nothing more
    again = portal_services.erasure_request(actor=book["member"], member=maria)
    assert again.erasure_requested_at == member.erasure_requested_at
    assert AuditEntry.objects.filter(action="member.erasure_request").count() == 1


def personal_values() -> list[str]:
    return [
        "Maria",
        "Rossi",
        "RSSMRA80A41H501Y",
        "maria.rossi@example.org",
        "1980-01-01",
        "Via Garibaldi",
        "nuovo@example.org",
        "+39 333",
    ]


def test_erasure_removes_the_person_and_keeps_the_register_and_a_clean_trail(book, maria):
    """End to end: contacts changed, exit, reimbursement paid, then the request erases at once.
    Nothing personal is left on the member row, the login or anywhere in the audit trail."""
    coop, admin = book["coop"], book["admin"]
    book_services.member_update(
        actor=book["member"],
        member=maria,
        fields={"email": "nuovo@example.org", "phone": "+39 333 1234567"},
    )
    shares_services.member_exit(
        actor=admin, member=maria, kind="withdrawal", reason="Trasloco a Roma"
    )
    shares_services.redemption_pay(actor=admin, redemption=maria.redemption)
    movements = list(ShareMovement.objects.filter(member=maria).values_list("kind", "paid"))
    member = portal_services.erasure_request(actor=book["member"], member=maria)

    member.refresh_from_db()
    assert member.is_erased and member.user is None
    assert (member.first_name, member.birth_date, member.fiscal_code) == ("", None, "")
    assert "Rossi" not in member.last_name and member.last_name == "[socio n. 1]"
    assert (member.email, member.phone, member.address, member.residence) == ("", "", "", None)
    assert member.exit_reason == ""
    # the register entries stay
    assert member.number == 1 and member.category.code == "fruitore"
    assert member.admitted_on and member.exited_on == TODAY and member.exit_kind == "withdrawal"
    assert list(ShareMovement.objects.filter(member=member).values_list("kind", "paid")) == (
        movements
    )
    # the login is closed and no longer in the cooperative
    login = type(book["member"]).objects.get(pk=book["member"].pk)
    assert not login.is_active and not login.has_usable_password()
    assert login.email == "" and not Role.objects.filter(user=login).exists()
    # the trail: its changes and object names never held a personal value
    for entry in AuditEntry.objects.all():
        text = json.dumps(entry.changes) + entry.object_repr
        for value in personal_values():
            assert value.lower() not in text.lower(), (entry.action, value)
    assert AuditEntry.objects.filter(action="member.erase", object_id=str(member.pk)).exists()
    # the trail still tells the story of the number
    actions = set(
        AuditEntry.objects.filter(
            object_type="members.member", object_id=str(member.pk)
        ).values_list("action", flat=True)
    )
    assert {"member.apply", "member.admit", "member.exit", "member.erasure_request"} <= actions
    # and what the person could download is now only the register entry
    data = portal_selectors.member_data(member=member)
    assert data["member"]["fiscal_code"] == "" and data["login"] is None
    assert Member.objects.filter(coop=coop, erased_at__isnull=False).count() == 1


def test_a_former_member_owed_a_reimbursement_is_erased_once_it_is_paid(book, maria):
    shares_services.member_exit(actor=book["admin"], member=maria, kind="withdrawal")
    member = portal_services.erasure_request(actor=book["member"], member=maria)
    assert not member.is_erased and "reimbursement" in portal_selectors.erasure_blocker(member)
    [pending] = book_selectors.erasure_requests(coop=book["coop"])
    assert (pending.owed, pending.erasable) == (True, False)
    shares_services.redemption_pay(actor=book["admin"], redemption=member.redemption)
    [pending] = book_selectors.erasure_requests(coop=book["coop"])
    assert (pending.owed, pending.erasable) == (False, True)
    book_services.member_erase(actor=book["admin"], member=pending)
    assert list(book_selectors.erasure_requests(coop=book["coop"])) == []


def test_a_pending_applicant_withdraws_and_is_erased_at_once(book):
    applicant = book_services.application_submit(
        actor=book["resident"],
        coop=book["coop"],
        **person(7),
        consents=CONSENT,
        user=book["resident"],
    )
    member = portal_services.erasure_request(actor=book["resident"], member=applicant)
    assert member.is_erased and member.status == MemberStatus.REJECTED and member.number is None
    application = Application.objects.get(member=member)
    assert application.status == Application.Status.REJECTED
    assert application.rejection_reason == "Withdrawn by the applicant"
    assert application.decided_on == TODAY
    assert AuditEntry.objects.filter(action="member.withdraw", object_id=str(member.pk)).exists()
    assert Member.objects.get(pk=member.pk).fiscal_code == ""


def test_a_rejected_applicant_is_erased_at_once_and_only_once(book):
    applicant = book_services.application_submit(
        actor=None, coop=book["coop"], **person(8), consents=CONSENT, user=book["resident"]
    )
    book_services.application_decide(
        actor=book["admin"], member=applicant, approve=False, decision_reference="CdA", reason="No"
    )
    member = portal_services.erasure_request(actor=book["resident"], member=applicant)
    assert member.is_erased
    with pytest.raises(ValidationError):
        portal_services.erasure_request(actor=book["resident"], member=member)


def test_withdrawing_works_only_on_a_pending_application(book, maria):
    with pytest.raises(ValidationError):
        portal_services.application_withdraw(actor=book["member"], member=maria)


def test_consents_change_all_together_or_not_at_all(book, maria):
    """Withdrawing the privacy consent is refused to a current member, and the newsletter
    withdrawn in the same request is not recorded either."""
    before = Consent.objects.filter(member=maria).count()
    with pytest.raises(ValidationError) as error:
        portal_services.consents_update(
            actor=book["member"], member=maria, answers={"newsletter": False, "privacy": False}
        )
    assert error.value.errors[0].field == "privacy"
    assert Consent.objects.filter(member=maria).count() == before
    recorded = portal_services.consents_update(
        actor=book["member"], member=maria, answers={"newsletter": False, "photos": False}
    )
    assert [c.kind for c in recorded] == ["newsletter"]  # photos was not given: no change


def test_the_export_dates_are_iso_and_amounts_exact(book, maria):
    shares_services.member_exit(
        actor=book["admin"], member=maria, kind="withdrawal", on_date=TODAY - timedelta(days=1)
    )
    data = portal_selectors.member_data(member=maria)
    assert data["member"]["exited_on"] == (TODAY - timedelta(days=1)).isoformat()
    assert data["redemption"]["amount"] == str(maria.redemption.amount)
    assert data["redemption"]["paid_on"] is None
    assert data["generated_at"].startswith(str(TODAY.year))
