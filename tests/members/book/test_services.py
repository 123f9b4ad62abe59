"""The member book's rules, through its services: admission, shares, transfers, exits, erasure."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from stdnum.it import codicefiscale

from comunitas.core.errors import ValidationError
from comunitas.core.models import AuditEntry, Role, RoleKind
from comunitas.members.book import selectors as book_selectors
from comunitas.members.book import services as book_services
from comunitas.members.models import (
    Application,
    Member,
    MemberStatus,
    MovementKind,
    ShareClass,
    StakeholderCategory,
)
from comunitas.members.shares import services as shares_services
from tests.helpers import CONSENT, ORGANISATION, PERSON, admit, make_user, person

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def fields_of(error: pytest.ExceptionInfo) -> set[str | None]:
    return {e.field for e in error.value.errors}


# --- set-up and applications --------------------------------------------------------------------
def test_book_setup_gives_default_categories_and_a_share_class_at_the_statute_value(book):
    coop = book["coop"]
    book_services.book_setup(coop=coop)  # a second call changes nothing
    codes = list(StakeholderCategory.objects.filter(coop=coop).values_list("code", flat=True))
    assert codes == ["fruitore", "lavoratore", "volontario", "sovventore", "persona-giuridica"]
    assert StakeholderCategory.objects.get(coop=coop, code="sovventore").is_financing
    ordinary = ShareClass.objects.get(coop=coop, code="ordinarie")
    assert ordinary.nominal_value == coop.statutes.get().share_nominal_value


def test_an_application_is_acknowledged_and_the_admission_gives_number_shares_login(
    book, django_capture_on_commit_callbacks
):
    coop = book["coop"]
    with django_capture_on_commit_callbacks(execute=True):
        applicant = book_services.application_submit(
            actor=None,
            coop=coop,
            **{**PERSON, "residence": book["mendatica"]},
            consents={"privacy": True, "newsletter": True},
            shares=2,
        )
    assert applicant.status == MemberStatus.APPLICANT and applicant.number is None
    assert mail.outbox[-1].to == [PERSON["email"]]
    assert "Alpha" in mail.outbox[-1].subject
    assert dict(applicant.consents.values_list("kind", "given")) == {
        "privacy": True,
        "newsletter": True,
        "photos": False,
    }
    with django_capture_on_commit_callbacks(execute=True):
        member = book_services.application_decide(
            actor=book["admin"], member=applicant, approve=True, decision_reference="CdA 1/2026"
        )
    assert (member.number, member.status, member.admitted_on) == (1, "active", TODAY)
    assert member.application.status == Application.Status.APPROVED
    held = book_selectors.holdings(member=member)
    assert [(h.shares, h.subscribed, h.paid) for h in held] == [(2, Decimal("50.00"), 0)]
    # A login was made from the e-mail, with the member role and a link to choose a password.
    assert member.user.email == PERSON["email"] and not member.user.has_usable_password()
    assert Role.objects.get(user=member.user, coop=coop).kind == RoleKind.MEMBER
    assert "no. 1" in mail.outbox[-1].subject
    assert "/account/reset/" in mail.outbox[-1].body and "alpha-1" in mail.outbox[-1].body
    actions = list(AuditEntry.objects.filter(coop=coop).values_list("action", flat=True))
    assert "member.apply" in actions and "member.admit" in actions


def test_an_admitted_resident_keeps_their_login_and_becomes_a_member(book):
    coop, resident = book["coop"], book["resident"]
    member = admit(coop, PERSON, user=resident)
    assert member.user == resident
    assert Role.objects.get(user=resident, coop=coop).kind == RoleKind.MEMBER


def test_a_rejection_needs_a_reason_and_keeps_the_application(
    book, django_capture_on_commit_callbacks
):
    applicant = book_services.application_submit(
        actor=None, coop=book["coop"], **PERSON, consents=CONSENT
    )
    with pytest.raises(ValidationError) as error:
        book_services.application_decide(
            actor=book["admin"], member=applicant, approve=False, decision_reference="CdA"
        )
    assert fields_of(error) == {"reason"}
    with django_capture_on_commit_callbacks(execute=True):
        book_services.application_decide(
            actor=book["admin"],
            member=applicant,
            approve=False,
            decision_reference="CdA 2/2026",
            reason="Not resident in the area",
        )
    applicant.refresh_from_db()
    assert applicant.status == MemberStatus.REJECTED and applicant.number is None
    assert applicant.application.rejection_reason == "Not resident in the area"
    assert "Not resident in the area" in mail.outbox[-1].body
    with pytest.raises(ValidationError, match="decided already"):
        book_services.application_decide(
            actor=book["admin"], member=applicant, approve=True, decision_reference="CdA"
        )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"fiscal_code": "RSSMRA80A41H501X"}, "fiscal_code"),  # wrong check character
        ({"birth_date": date(1981, 1, 1)}, "birth_date"),  # the code says 1 January 1980
        ({"sex": "M"}, "sex"),  # day + 40: a woman
        ({"first_name": " "}, "first_name"),
        ({"email": "not-an-address"}, "email"),
        ({"fiscal_code": ""}, "fiscal_code"),
    ],
)
def test_bad_personal_data_are_refused_field_by_field(book, change, field):
    with pytest.raises(ValidationError) as error:
        book_services.application_submit(
            actor=None, coop=book["coop"], **{**PERSON, **change}, consents=CONSENT
        )
    assert field in fields_of(error)
    assert not Member.objects.exists()


def test_an_organisation_needs_a_representative_and_a_tax_code(book):
    with pytest.raises(ValidationError) as error:
        book_services.application_submit(
            actor=None,
            coop=book["coop"],
            **{**ORGANISATION, "representative_name": "", "fiscal_code": ""},
            consents=CONSENT,
        )
    assert fields_of(error) == {"representative_name", "vat_number"}
    member = admit(book["coop"], ORGANISATION)
    assert member.category.code == "persona-giuridica"


def test_privacy_consent_and_unique_codes_are_required(book):
    coop = book["coop"]
    with pytest.raises(ValidationError) as error:
        book_services.application_submit(actor=None, coop=coop, **PERSON, consents={})
    assert fields_of(error) == {"consent_privacy"}
    admit(coop, PERSON)
    with pytest.raises(ValidationError, match="already in the book") as error:
        book_services.application_submit(actor=None, coop=coop, **PERSON, consents=CONSENT)
    assert Member.objects.count() == 1


# --- share capital ------------------------------------------------------------------------------
def test_a_natural_person_cannot_exceed_the_legal_maximum_holding(book, ordinary):
    coop = book["coop"]  # shares of 25 €: the cap of 100,000 € is 4,000 shares
    with pytest.raises(ValidationError, match=r"€100,000\.00") as error:
        book_services.application_submit(
            actor=None, coop=coop, **PERSON, consents=CONSENT, shares=4001
        )
    assert fields_of(error) == {"shares"}
    member = admit(coop, PERSON, shares=3999)
    shares_services.shares_subscribe(actor=None, member=member, share_class=ordinary, shares=1)
    with pytest.raises(ValidationError):
        shares_services.shares_subscribe(actor=None, member=member, share_class=ordinary, shares=1)
    # The cap is for natural persons only (art. 2525 c.c.), and ristorni shares are outside it.
    org = admit(coop, ORGANISATION, shares=5000)
    assert book_selectors.holdings(member=org)[0].shares == 5000
    movement, rest = shares_services.ristorno_shares_issue(
        actor=None,
        member=member,
        share_class=ordinary,
        amount=Decimal("60.00"),
        on_date=TODAY,
        reference="Ristorni 2025",
    )
    assert (movement.shares, movement.paid, rest) == (2, Decimal("50.00"), Decimal("10.00"))


def test_payments_never_exceed_the_subscription(book, ordinary, django_capture_on_commit_callbacks):
    member = admit(book["coop"], PERSON, shares=4)
    shares_services.payment_record(
        actor=None, member=member, share_class=ordinary, amount=Decimal("60")
    )
    with pytest.raises(ValidationError, match=r"€40\.00") as error:
        shares_services.payment_record(
            actor=None, member=member, share_class=ordinary, amount=Decimal("40.01")
        )
    assert fields_of(error) == {"amount"}
    for bad in (Decimal("0"), Decimal("-5"), Decimal("1.001")):
        with pytest.raises(ValidationError):
            shares_services.payment_record(
                actor=None, member=member, share_class=ordinary, amount=bad
            )
    with django_capture_on_commit_callbacks(execute=True):
        shares_services.payment_record(
            actor=None, member=member, share_class=ordinary, amount=Decimal("40.00")
        )
    assert "paid" in mail.outbox[-1].subject and "good standing" in mail.outbox[-1].body
    held = book_selectors.holdings(member=member)[0]
    assert (held.subscribed, held.paid, held.to_pay) == (Decimal("100"), Decimal("100"), 0)


def test_a_reversal_undoes_a_movement_once_and_keeps_both(book, ordinary):
    member = admit(book["coop"], PERSON, shares=4)
    payment = shares_services.payment_record(
        actor=None, member=member, share_class=ordinary, amount=Decimal("100")
    )
    subscription = member.movements.get(kind=MovementKind.SUBSCRIPTION)
    with pytest.raises(ValidationError, match="payments"):
        shares_services.movement_reverse(actor=None, movement=subscription, reason="typo")
    shares_services.movement_reverse(actor=None, movement=payment, reason="bank returned it")
    with pytest.raises(ValidationError, match="already"):
        shares_services.movement_reverse(actor=None, movement=payment, reason="again")
    assert member.movements.count() == 3
    assert book_selectors.holdings(member=member)[0].paid == 0


def test_transfers_need_a_current_buyer_paid_shares_and_the_board(book, ordinary):
    coop = book["coop"]
    seller = admit(coop, PERSON, shares=4)
    buyer = admit(coop, person(7))
    with pytest.raises(ValidationError, match="fully paid"):
        shares_services.transfer_request(
            actor=None, seller=seller, buyer=buyer, share_class=ordinary, shares=1
        )
    shares_services.payment_record(
        actor=None, member=seller, share_class=ordinary, amount=Decimal("100")
    )
    applicant = book_services.application_submit(
        actor=None, coop=coop, **person(8), consents=CONSENT
    )
    stranger = admit(book["other"], person(9))
    for other, field in ((applicant, "buyer"), (stranger, "buyer"), (seller, "buyer")):
        with pytest.raises(ValidationError) as error:
            shares_services.transfer_request(
                actor=None, seller=seller, buyer=other, share_class=ordinary, shares=1
            )
        assert fields_of(error) == {field}
    with pytest.raises(ValidationError, match="only 4"):
        shares_services.transfer_request(
            actor=None, seller=seller, buyer=buyer, share_class=ordinary, shares=5
        )
    transfer = shares_services.transfer_request(
        actor=None, seller=seller, buyer=buyer, share_class=ordinary, shares=2
    )
    assert book_selectors.holdings(member=buyer)[0].shares == 1  # nothing moves before the board
    shares_services.transfer_decide(
        actor=book["admin"], transfer=transfer, approve=True, decision_reference="CdA 3/2026"
    )
    assert book_selectors.holdings(member=seller)[0].shares == 2
    assert [(h.shares, h.paid) for h in book_selectors.holdings(member=buyer)] == [
        (3, Decimal("50"))
    ]
    assert book_selectors.capital_summary(coop=coop).subscribed == Decimal("125.00")
    with pytest.raises(ValidationError, match="decided already"):
        shares_services.transfer_decide(
            actor=book["admin"], transfer=transfer, approve=True, decision_reference="x"
        )


# --- exits --------------------------------------------------------------------------------------
def test_an_exit_cancels_the_shares_owes_the_paid_capital_and_keeps_the_history(book, ordinary):
    coop = book["coop"]
    member = admit(coop, PERSON, shares=4, user=book["member"])
    shares_services.payment_record(
        actor=None, member=member, share_class=ordinary, amount=Decimal("100")
    )
    shares_services.member_exit(
        actor=book["admin"], member=member, kind="withdrawal", reason="moving"
    )
    member.refresh_from_db()
    assert (member.status, member.exited_on, member.number) == ("exited", TODAY, 1)
    assert member.redemption.amount == Decimal("100.00")
    assert member.redemption.due_on == date(TODAY.year + 1, 4, 30) + timedelta(days=180)
    assert book_selectors.holdings(member=member) == []
    assert member.movements.count() == 3  # subscription, payment, redemption
    assert book_selectors.holdings(member=member, on_date=TODAY - timedelta(days=1))[0].shares == 4
    assert Role.objects.get(user=book["member"], coop=coop).kind == RoleKind.RESIDENT
    with pytest.raises(ValidationError, match="left already"):
        shares_services.member_exit(actor=None, member=member, kind="withdrawal")
    shares_services.redemption_pay(actor=None, redemption=member.redemption, reference="bonifico")
    with pytest.raises(ValidationError, match="paid already"):
        shares_services.redemption_pay(actor=None, redemption=member.redemption)


def test_an_exclusion_needs_its_reason_and_decision(book):
    member = admit(book["coop"], PERSON)
    with pytest.raises(ValidationError) as error:
        shares_services.member_exit(
            actor=None, member=member, kind="exclusion", reason="unpaid shares"
        )
    assert fields_of(error) == {"decision_reference"}
    with pytest.raises(ValidationError) as error:
        shares_services.member_exit(actor=None, member=member, kind="exclusion")
    assert fields_of(error) == {"reason"}
    member.refresh_from_db()
    assert member.status == MemberStatus.ACTIVE and member.movements.count() == 1


def test_leaving_by_transfer_needs_every_share_transferred_first(book, ordinary):
    seller = admit(book["coop"], PERSON, shares=1)
    buyer = admit(book["coop"], person(5))
    with pytest.raises(ValidationError, match="Transfer all"):
        shares_services.member_exit(actor=None, member=seller, kind="transfer")
    shares_services.payment_record(
        actor=None, member=seller, share_class=ordinary, amount=Decimal("25")
    )
    transfer = shares_services.transfer_request(
        actor=None, seller=seller, buyer=buyer, share_class=ordinary, shares=1
    )
    shares_services.transfer_decide(
        actor=None, transfer=transfer, approve=True, decision_reference="x"
    )
    shares_services.member_exit(actor=None, member=seller, kind="transfer")
    assert not Member.objects.get(pk=seller.pk).movements.filter(kind="redemption").exists()


# --- personal data ------------------------------------------------------------------------------
def test_erasure_keeps_the_register_entry_and_leaves_no_personal_value_in_the_audit(book):
    coop = book["coop"]
    login_id = make_user("maria").pk
    member = admit(coop, {**PERSON, "residence": book["mendatica"]}, user_id=login_id)
    book_services.member_update(actor=None, member=member, fields={"phone": "+39 333 1234567"})
    with pytest.raises(ValidationError, match="must leave"):
        book_services.member_erase(actor=None, member=member)
    shares_services.member_exit(actor=None, member=member, kind="withdrawal")
    book_services.member_erase(actor=book["admin"], member=member)
    member.refresh_from_db()
    assert member.number == 1 and member.category.code == "fruitore" and member.admitted_on
    assert member.first_name == "" and member.fiscal_code == "" and member.email == ""
    assert member.birth_date is None and member.residence is None and member.phone == ""
    assert member.last_name == "[socio n. 1]" and member.user is None
    assert member.movements.count() == 2
    about_members = AuditEntry.objects.filter(object_type__startswith="members.")
    assert about_members.count() >= 5
    trail = str(list(about_members.values_list("object_repr", "changes")))
    for secret in ("Rossi", "Maria", PERSON["fiscal_code"], PERSON["email"], "333", "008034"):
        assert secret not in trail
    login = type(book["admin"]).objects.get(username=f"erased-{login_id}")
    assert not login.is_active and not login.has_usable_password() and login.email == ""


def test_a_change_of_personal_data_is_audited_without_its_values(book):
    member = admit(book["coop"], {**PERSON, "residence": book["mendatica"]})
    book_services.member_update(actor=None, member=member, fields={"email": "new@example.org"})
    entry = AuditEntry.objects.filter(action="member.update").get()
    assert set(entry.changes) == {"email"}
    assert "new@example.org" not in str(entry.changes) and PERSON["email"] not in str(entry.changes)


def test_people_born_in_this_century_can_apply(book):
    # Born 5 May 2005: the code's year "05" is 2005, not 1905.
    code = "RSSLRA05E45H501" + "X"
    code = code[:15] + codicefiscale.calc_check_digit(code[:15])
    fields = {**PERSON, "fiscal_code": code, "birth_date": date(2005, 5, 5), "first_name": "Lara"}
    member = admit(book["coop"], fields)
    assert member.birth_date == date(2005, 5, 5)


def test_new_logins_do_not_carry_the_members_name(book):
    member = admit(book["coop"], PERSON)
    assert member.user.username == "alpha-1"
    assert "rossi" not in member.user.username.lower()


def test_a_transfer_is_decided_between_its_request_and_today(book, ordinary):
    seller = admit(book["coop"], PERSON, shares=2)
    buyer = admit(book["coop"], person(6))
    shares_services.payment_record(
        actor=None, member=seller, share_class=ordinary, amount=Decimal("50")
    )
    transfer = shares_services.transfer_request(
        actor=None, seller=seller, buyer=buyer, share_class=ordinary, shares=1
    )
    for day in (TODAY - timedelta(days=1), TODAY + timedelta(days=1)):
        with pytest.raises(ValidationError) as error:
            shares_services.transfer_decide(
                actor=None, transfer=transfer, approve=True, decided_on=day, decision_reference="x"
            )
        assert fields_of(error) == {"decided_on"}
    assert book_selectors.holdings(member=buyer)[0].shares == 1
