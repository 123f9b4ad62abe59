"""Web pages of share capital, transfers, exits, reimbursements and the book's configuration:
each allowed action changes the database; each bad input gives a clear message and changes
nothing; list pages cost a constant number of queries."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import constants, get_messages
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from comunitas.core.models import LegalForm
from comunitas.members.book import selectors as book_selectors
from comunitas.members.book import services as book_services
from comunitas.members.models import (
    Member,
    MemberStatus,
    MovementKind,
    Redemption,
    ShareClass,
    ShareMovement,
    ShareTransfer,
    StakeholderCategory,
)
from comunitas.members.shares import services as shares_services
from tests.helpers import admit, person
from tests.members import matrix
from tests.members.shares import matrix as matrix_shares

pytestmark = pytest.mark.django_db
NV = Decimal("25.00")  # the ordinary share's value: the statute default of make_coop


@pytest.fixture
def book_ids(people) -> dict:
    """The permission matrix's objects: member n. 1 (3 shares, 2 paid, a pending transfer of one
    share to n. 2), member n. 2 and member n. 3, who left and is owed 25 €."""
    found = matrix.ids(people)
    found["member"] = Member.objects.get(pk=found["member_id"])
    found["buyer"] = Member.objects.get(pk=found["buyer_id"])
    found["ordinary"] = ShareClass.objects.get(pk=found["share_class_id"])
    return found


def url(path: str, **ids) -> str:
    return "/c/alpha/members" + path.format(**ids)


def post(client, user, path: str, data: dict):
    """POST as ``user``; the messages of earlier requests, never shown, are dropped first."""
    client.force_login(user)
    client.cookies.pop("messages", None)
    return client.post(path, data)


def flashed(response) -> list[tuple[int, str]]:
    return [(m.level, str(m)) for m in get_messages(response.wsgi_request)]


def error_of(response) -> str:
    """The one error message a refused action flashes (and no success message)."""
    found = flashed(response)
    assert [level for level, _ in found] == [constants.ERROR], found
    return found[0][1]


def assert_success(response, page: str) -> None:
    assert response.status_code == 302
    assert response["Location"] == page
    assert [level for level, _ in flashed(response)] == [constants.SUCCESS], flashed(response)


def holding(member: Member, share_class: ShareClass) -> dict:
    return shares_services.holding(member, share_class)


def ledger_size() -> int:
    return ShareMovement.objects.count()


# --- the permission matrix's bodies ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "body"),
    [(p, b) for m, p, b, _a in matrix_shares.WEB if m == "post"],
    ids=[p for m, p, *_ in matrix_shares.WEB if m == "post"],
)
def test_every_matrix_body_succeeds_for_the_board(client, people, book_ids, path, body):
    """The matrix expects 302 from allowed roles; these routes also redirect on refusals, so
    prove here that each body is really accepted."""
    response = post(client, people["admin"], path.format(slug="alpha", **book_ids), body)
    assert response.status_code == 302
    assert [level for level, _ in flashed(response)] == [constants.SUCCESS], flashed(response)


# --- subscriptions and payments -------------------------------------------------------------------
def test_staff_subscribes_more_shares(client, people, book_ids):
    member, ordinary = book_ids["member"], book_ids["ordinary"]
    response = post(
        client,
        people["staff"],
        url("/{id}/subscribe/", id=member.pk),
        {"share_class": "ordinarie", "shares": "2", "reference": "modulo 7"},
    )
    assert_success(response, url("/{id}/", id=member.pk))
    assert holding(member, ordinary) == {
        "shares": 5,
        "subscribed": 5 * NV,
        "paid": 2 * NV,
    }
    latest = ShareMovement.objects.latest("id")
    assert (latest.kind, latest.reference, latest.recorded_by) == (
        MovementKind.SUBSCRIPTION,
        "modulo 7",
        people["staff"],
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"share_class": "ordinarie", "shares": "0"}, "Number of shares"),
        ({"share_class": "nessuna", "shares": "1"}, "Share class"),
        ({"share_class": "ordinarie", "shares": "5000"}, "art. 2525"),
    ],
    ids=["zero", "unknown-class", "over-the-cap"],
)
def test_a_bad_subscription_is_refused(client, people, book_ids, data, field):
    before = ledger_size()
    response = post(
        client, people["staff"], url("/{id}/subscribe/", id=book_ids["member_id"]), data
    )
    assert response.status_code == 302
    assert field in error_of(response)
    assert ledger_size() == before


def test_a_payment_typed_the_italian_way(client, people, book_ids):
    member, ordinary = book_ids["member"], book_ids["ordinary"]
    client.cookies["django_language"] = "it"
    response = post(
        client,
        people["staff"],
        url("/{id}/payment/", id=member.pk),
        {"share_class": "ordinarie", "amount": "12,50", "on_date": "", "reference": "CRO 99"},
    )
    assert_success(response, url("/{id}/", id=member.pk))
    assert holding(member, ordinary)["paid"] == 2 * NV + Decimal("12.50")
    assert ShareMovement.objects.latest("id").paid == Decimal("12.50")


@pytest.mark.parametrize(
    ("language", "typed", "paid"),
    [
        ("it", "7.25", "7.25"),  # a lone dot is read as the decimal point, not as grouping
        ("it", "1.000,00 €", "1000.00"),
        ("en", "1,000.00", "1000.00"),
        ("en", "7.25", "7.25"),
    ],
)
def test_payments_typed_with_grouping_or_in_english(
    client, people, book_ids, language, typed, paid
):
    member, ordinary = book_ids["member"], book_ids["ordinary"]
    shares_services.shares_subscribe(actor=None, member=member, share_class=ordinary, shares=40)
    client.cookies["django_language"] = language
    response = post(
        client,
        people["staff"],
        url("/{id}/payment/", id=member.pk),
        {"share_class": "ordinarie", "amount": typed},
    )
    assert_success(response, url("/{id}/", id=member.pk))
    assert ShareMovement.objects.latest("id").paid == Decimal(paid)


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("25.01", "Amount (€): Only €25.00"),
        ("-5", "positive amount"),
        ("dieci", "Amount (€)"),
        ("1,234", "Amount (€)"),  # three decimals
    ],
    ids=["more-than-subscribed", "negative", "not-a-number", "three-decimals"],
)
def test_paying_more_than_subscribed_or_nonsense_is_refused(
    client, people, book_ids, amount, message
):
    before = ledger_size()
    response = post(
        client,
        people["staff"],
        url("/{id}/payment/", id=book_ids["member_id"]),
        {"share_class": "ordinarie", "amount": amount},
    )
    assert response.status_code == 302
    assert message in error_of(response)
    assert ledger_size() == before


def test_a_future_payment_date_is_refused(client, people, book_ids):
    before = ledger_size()
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = post(
        client,
        people["staff"],
        url("/{id}/payment/", id=book_ids["member_id"]),
        {"share_class": "ordinarie", "amount": "1", "on_date": tomorrow.isoformat()},
    )
    assert "The date is in the future." in error_of(response)
    assert ledger_size() == before


def test_a_member_of_another_cooperative_is_not_found(client, people, book_ids):
    book_services.book_setup(coop=people["other"])
    outsider = admit(people["other"], person(40), actor=people["stranger"])
    response = post(
        client,
        people["admin"],
        url("/{id}/payment/", id=outsider.pk),
        {"share_class": "ordinarie", "amount": "1"},
    )
    assert response.status_code == 404


# --- transfers --------------------------------------------------------------------------------
def test_staff_asks_for_a_transfer_by_register_number(client, people, book_ids):
    member, buyer = book_ids["member"], book_ids["buyer"]
    ShareTransfer.objects.all().delete()
    response = post(
        client,
        people["staff"],
        url("/{id}/transfer/", id=member.pk),
        {"buyer_number": buyer.number, "share_class": "ordinarie", "shares": "2"},
    )
    assert_success(response, url("/{id}/", id=member.pk))
    transfer = ShareTransfer.objects.get()
    assert (transfer.seller, transfer.buyer, transfer.shares, transfer.status) == (
        member,
        buyer,
        2,
        ShareTransfer.Status.PENDING,
    )


@pytest.mark.parametrize(
    ("number", "message"),
    [
        (3, "Register number 3 is not a current member: shares go only to members."),
        (999, "No member of this cooperative has register number 999."),
        (1, "A member cannot transfer shares to itself."),
    ],
    ids=["former-member", "unknown-number", "itself"],
)
def test_a_transfer_to_a_non_member_is_refused(client, people, book_ids, number, message):
    assert Member.objects.get(number=3).status == MemberStatus.EXITED
    response = post(
        client,
        people["staff"],
        url("/{id}/transfer/", id=book_ids["member_id"]),
        {"buyer_number": number, "share_class": "ordinarie", "shares": "1"},
    )
    text = error_of(response)
    assert text.startswith("Register number of the buyer: ")
    assert message in text
    assert ShareTransfer.objects.count() == 1  # the matrix's pending one only


def test_a_transfer_of_unpaid_shares_is_refused(client, people, book_ids):
    response = post(
        client,
        people["staff"],
        url("/{id}/transfer/", id=book_ids["member_id"]),
        {"buyer_number": 2, "share_class": "ordinarie", "shares": "3"},
    )
    assert "Only fully paid shares can be transferred." in error_of(response)
    assert ShareTransfer.objects.count() == 1


def test_the_board_approves_a_transfer(client, people, book_ids):
    member, buyer, ordinary = book_ids["member"], book_ids["buyer"], book_ids["ordinary"]
    response = post(
        client,
        people["admin"],
        url("/transfers/{id}/decide/", id=book_ids["transfer_id"]),
        {"decision": "approve", "decided_on": "", "decision_reference": "CdA 3/2025"},
    )
    assert_success(response, url("/transfers/"))
    transfer = ShareTransfer.objects.get(pk=book_ids["transfer_id"])
    assert (transfer.status, transfer.decision_reference) == ("approved", "CdA 3/2025")
    assert holding(member, ordinary)["shares"] == 2
    assert holding(buyer, ordinary) == {"shares": 2, "subscribed": 2 * NV, "paid": NV}


def test_the_board_rejects_a_transfer_with_a_reason(client, people, book_ids):
    path = url("/transfers/{id}/decide/", id=book_ids["transfer_id"])
    before = ledger_size()
    refused = post(
        client,
        people["admin"],
        path,
        {"decision": "reject", "decision_reference": "CdA 3/2025", "reason": " "},
    )
    assert "Give the reason for the rejection." in error_of(refused)
    assert ShareTransfer.objects.get(pk=book_ids["transfer_id"]).status == "pending"
    response = post(
        client,
        people["admin"],
        path,
        {"decision": "reject", "decision_reference": "CdA 3/2025", "reason": "Prezzo non equo"},
    )
    assert_success(response, url("/transfers/"))
    transfer = ShareTransfer.objects.get(pk=book_ids["transfer_id"])
    assert (transfer.status, transfer.rejection_reason) == ("rejected", "Prezzo non equo")
    assert ledger_size() == before
    again = post(
        client, people["admin"], path, {"decision": "approve", "decision_reference": "CdA 4"}
    )
    assert "This transfer has been decided already." in error_of(again)
    assert ledger_size() == before


def test_a_decision_without_its_reference_is_refused(client, people, book_ids):
    response = post(
        client,
        people["admin"],
        url("/transfers/{id}/decide/", id=book_ids["transfer_id"]),
        {"decision": "approve"},
    )
    assert "Board decision: Say which board meeting decided" in error_of(response)
    assert ShareTransfer.objects.get(pk=book_ids["transfer_id"]).status == "pending"


def test_the_transfers_page(client, people, book_ids, django_assert_num_queries):
    # A decided transfer for the second list.
    other = shares_services.transfer_request(
        actor=people["admin"],
        seller=book_ids["member"],
        buyer=book_ids["buyer"],
        share_class=book_ids["ordinary"],
        shares=1,
    )
    shares_services.transfer_decide(
        actor=people["admin"],
        transfer=other,
        approve=False,
        decision_reference="CdA 9",
        reason="No",
    )
    client.force_login(people["admin"])
    client.get(url("/transfers/"))  # the session is warm
    # cooperative, session, user, roles, pending transfers (with seller, buyer, class),
    # count of decided ones, the page of decided ones
    with django_assert_num_queries(7):
        response = client.get(url("/transfers/"))
    html = response.content.decode()
    assert html.count('name="decision" value="approve"') == 1
    assert f"/members/transfers/{book_ids['transfer_id']}/decide/" in html
    assert "CdA 9" in html
    client.force_login(people["staff"])
    staff_view = client.get(url("/transfers/")).content.decode()
    assert "Cognome1 Nome1" in staff_view
    assert 'name="decision"' not in staff_view  # only the board decides


# --- exits and reimbursements -----------------------------------------------------------------
def test_the_board_records_a_withdrawal(client, people, book_ids):
    member, ordinary = book_ids["member"], book_ids["ordinary"]
    ShareTransfer.objects.all().delete()
    response = post(
        client,
        people["admin"],
        url("/{id}/exit/", id=member.pk),
        {
            "kind": "withdrawal",
            "on_date": "",
            "reason": "Trasferita all'estero",
            "redemption_amount": "30.00",
            "due_on": "2030-06-30",
        },
    )
    assert_success(response, url("/{id}/", id=member.pk))
    member.refresh_from_db()
    assert (member.status, member.exit_kind, member.exited_on) == (
        MemberStatus.EXITED,
        "withdrawal",
        timezone.localdate(),
    )
    assert holding(member, ordinary) == {"shares": 0, "subscribed": 0, "paid": 0}
    assert (member.redemption.amount, member.redemption.due_on) == (
        Decimal("30.00"),
        date(2030, 6, 30),
    )


def test_exiting_twice_is_refused(client, people, book_ids):
    path = url("/{id}/exit/", id=book_ids["member_id"])
    assert_success(
        post(client, people["admin"], path, {"kind": "death"}),
        url("/{id}/", id=book_ids["member_id"]),
    )
    before = (ledger_size(), Redemption.objects.count())
    again = post(client, people["admin"], path, {"kind": "withdrawal"})
    assert "This member has left already" in error_of(again)
    assert (ledger_size(), Redemption.objects.count()) == before
    assert Member.objects.get(pk=book_ids["member_id"]).exit_kind == "death"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "exclusion", "decision_reference": "CdA 5"}, "Reason: An exclusion needs"),
        ({"kind": "exclusion", "reason": "Morosità"}, "Board decision: An exclusion needs"),
        ({"kind": "retirement"}, "Way of leaving"),
        ({"kind": "withdrawal", "redemption_amount": "51.00"}, "from 0 to the paid capital"),
    ],
    ids=["exclusion-without-reason", "exclusion-without-decision", "unknown-kind", "too-much"],
)
def test_a_bad_exit_is_refused(client, people, book_ids, data, message):
    before = ledger_size()
    response = post(client, people["admin"], url("/{id}/exit/", id=book_ids["member_id"]), data)
    assert message in error_of(response)
    assert Member.objects.get(pk=book_ids["member_id"]).status == MemberStatus.ACTIVE
    assert ledger_size() == before


def test_the_redemptions_page_highlights_what_is_overdue(
    client, people, book_ids, django_assert_num_queries
):
    Redemption.objects.filter(pk=book_ids["redemption_id"]).update(
        due_on=timezone.localdate() - timedelta(days=1)
    )
    client.force_login(people["staff"])
    client.get(url("/redemptions/"))
    # cooperative, session, user, roles, count, totals, the page (with the member)
    with django_assert_num_queries(7):
        response = client.get(url("/redemptions/"))
    html = response.content.decode()
    assert "Cognome3 Nome3" in html
    assert html.count("Overdue") == 1 and "€25.00" in html
    assert f"/members/redemptions/{book_ids['redemption_id']}/pay/" in html


def test_staff_records_a_reimbursement_once(client, people, book_ids):
    path = url("/redemptions/{id}/pay/", id=book_ids["redemption_id"])
    today = timezone.localdate()
    response = post(
        client, people["staff"], path, {"paid_on": today.isoformat(), "reference": "CRO 5"}
    )
    assert_success(response, url("/redemptions/"))
    redemption = Redemption.objects.get(pk=book_ids["redemption_id"])
    assert (redemption.paid_on, redemption.reference) == (today, "CRO 5")
    again = post(client, people["staff"], path, {"next": "member"})
    assert response.status_code == 302
    assert again["Location"] == url("/{id}/", id=redemption.member_id)
    assert "This reimbursement is paid already." in error_of(again)
    assert Redemption.objects.get(pk=redemption.pk).reference == "CRO 5"


def test_a_reimbursement_before_the_exit_is_refused(client, people, book_ids):
    path = url("/redemptions/{id}/pay/", id=book_ids["redemption_id"])
    response = post(client, people["staff"], path, {"paid_on": "2001-01-01"})
    assert "Paid on: The date must fall between the exit and today." in error_of(response)
    assert Redemption.objects.get(pk=book_ids["redemption_id"]).paid_on is None


# --- reversals --------------------------------------------------------------------------------
def test_the_board_reverses_a_payment_once(client, people, book_ids):
    member, ordinary = book_ids["member"], book_ids["ordinary"]
    path = url("/movements/{id}/reverse/", id=book_ids["movement_id"])
    ShareTransfer.objects.all().delete()
    response = post(client, people["admin"], path, {"reason": "Bonifico registrato due volte"})
    assert_success(response, url("/{id}/", id=member.pk))
    reversal = ShareMovement.objects.get(reverses_id=book_ids["movement_id"])
    assert (reversal.kind, reversal.paid, reversal.reference) == (
        MovementKind.REVERSAL,
        -2 * NV,
        "Bonifico registrato due volte",
    )
    assert holding(member, ordinary)["paid"] == 0
    before = ledger_size()
    again = post(client, people["admin"], path, {"reason": "ancora"})
    assert "This movement was reversed already." in error_of(again)
    assert ledger_size() == before


def test_a_reversal_needs_a_reason(client, people, book_ids):
    before = ledger_size()
    response = post(
        client,
        people["admin"],
        url("/movements/{id}/reverse/", id=book_ids["movement_id"]),
        {"reason": "  "},
    )
    assert "Say why the movement is reversed." in error_of(response)
    assert ledger_size() == before


def test_the_reverse_button(people, book_ids):
    """Shown to the board on payments and subscriptions not yet reversed, never on others."""
    request = RequestFactory().get("/")
    movements = ShareMovement.objects.select_related("reversed_by")
    payment = movements.get(pk=book_ids["movement_id"])
    context = {"movement": payment, "coop": people["coop"], "can_decide": True}
    html = render_to_string("members/shares/_reverse_button.html", context, request=request)
    assert f"/members/movements/{payment.pk}/reverse/" in html
    assert 'name="reason"' in html and "<label" in html
    assert "reverse/" not in render_to_string(
        "members/shares/_reverse_button.html", {**context, "can_decide": False}, request=request
    )
    redemption = ShareMovement.objects.filter(kind=MovementKind.REDEMPTION).first()
    assert "reverse/" not in render_to_string(
        "members/shares/_reverse_button.html", {**context, "movement": redemption}, request=request
    )
    shares_services.movement_reverse(actor=people["admin"], movement=payment, reason="x")
    reversed_payment = movements.get(pk=payment.pk)
    html = render_to_string(
        "members/shares/_reverse_button.html",
        {**context, "movement": reversed_payment},
        request=request,
    )
    assert "reverse/" not in html and "Reversed" in html


# --- the forms on a member's page -----------------------------------------------------------
def test_the_member_page_shows_the_forms_each_role_may_use(client, people, book_ids):
    member_page = url("/{id}/", id=book_ids["member_id"])
    client.force_login(people["staff"])
    html = client.get(member_page).content.decode()
    assert "/subscribe/" in html and "/transfer/" in html
    assert 'name="amount" value="25.00"' in html  # what is still to pay
    assert "/exit/" not in html  # the board's
    client.force_login(people["admin"])
    assert "/exit/" in client.get(member_page).content.decode()
    left = url("/{id}/", id=Member.objects.get(number=3).pk)
    html = client.get(left).content.decode()
    assert f"/redemptions/{book_ids['redemption_id']}/pay/" in html
    assert "/subscribe/" not in html and "/exit/" not in html


# --- capital ----------------------------------------------------------------------------------
def test_the_capital_on_a_date(client, people, book_ids, django_assert_num_queries):
    client.force_login(people["staff"])
    client.get(url("/capital/"))
    # cooperative, session, user, roles, one aggregate over the ledger
    with django_assert_num_queries(5):
        response = client.get(url("/capital/"))
    summary = response.context["summary"]
    # n. 1: 3 shares, 2 paid; n. 2: 1 share; n. 3 left (its shares redeemed)
    assert (summary.shares, summary.subscribed, summary.paid) == (4, 4 * NV, 2 * NV)
    html = response.content.decode()
    assert "€100.00" in html and "€50.00" in html
    assert re.search(r'<svg [^>]*role="img"', html) and "<title" in html and "<desc" in html
    earlier = timezone.localdate() - timedelta(days=200)
    before = client.get(url("/capital/"), {"on": (earlier - timedelta(days=1)).isoformat()})
    assert before.context["summary"].shares == 0
    assert "No share had been subscribed by this date." in before.content.decode()
    on_admission = client.get(url("/capital/"), {"on": earlier.isoformat()}).context["summary"]
    assert (on_admission.shares, on_admission.paid) == (5, 0)  # n. 3 not yet redeemed


def test_a_bad_capital_date_gives_a_message(client, people, book_ids):
    client.force_login(people["staff"])
    response = client.get(url("/capital/"), {"on": "31/02/2025"})
    assert response.status_code == 200
    assert response.context["summary"].on_date == timezone.localdate()
    assert [level for level, _ in flashed(response)] == [constants.ERROR]
    assert "That is not a date" in response.content.decode()


# --- configuration ----------------------------------------------------------------------------
def test_the_board_adds_renames_and_marks_categories(client, people, book_ids):
    path = url("/settings/")
    response = post(
        client,
        people["admin"],
        path,
        {"form": "category", "code": "ente-pubblico", "name": "Ente pubblico"},
    )
    assert_success(response, path)
    added = StakeholderCategory.objects.get(coop=people["coop"], code="ente-pubblico")
    assert added.position == 5 and not added.is_financing
    response = post(
        client,
        people["admin"],
        path,
        {"form": "category", "category": added.pk, "name": "Comune", "is_financing": "on"},
    )
    assert_success(response, path)
    added.refresh_from_db()
    assert (added.code, added.name, added.is_financing) == ("ente-pubblico", "Comune", True)
    html = client.get(path).content.decode()
    assert 'value="Comune"' in html


def test_a_duplicate_or_empty_category_is_refused(client, people, book_ids):
    path = url("/settings/")
    before = StakeholderCategory.objects.count()
    response = post(
        client, people["admin"], path, {"form": "category", "code": "fruitore", "name": "Doppia"}
    )
    assert response.status_code == 200
    assert response.context["new_category"].errors  # shown next to the fields
    fruitore = StakeholderCategory.objects.get(coop=people["coop"], code="fruitore")
    response = post(
        client, people["admin"], path, {"form": "category", "category": fruitore.pk, "name": ""}
    )
    assert response.status_code == 200
    assert "name" in dict(response.context["category_rows"])[fruitore].errors
    assert StakeholderCategory.objects.count() == before
    assert StakeholderCategory.objects.get(pk=fruitore.pk).name != ""


SHARE_CLASS = {
    "form": "share_class",
    "code": "ordinarie-2026",
    "name": "Azioni ordinarie 2026",
    "nominal_value": "50.00",
    "valid_from": "2026-01-01",
    "min_shares_for_admission": "2",
}


def test_the_board_issues_a_share_class(client, people, book_ids):
    path = url("/settings/")
    response = post(client, people["admin"], path, SHARE_CLASS)
    assert_success(response, path)
    created = ShareClass.objects.get(coop=people["coop"], code="ordinarie-2026")
    assert (created.nominal_value, created.valid_from, created.min_shares_for_admission) == (
        Decimal("50.00"),
        date(2026, 1, 1),
        2,
    )
    assert "Azioni ordinarie 2026" in client.get(path).content.decode()


@pytest.mark.parametrize("value", ["600.00", "10.00"], ids=["over-500", "under-25"])
def test_a_share_value_outside_art_2525_is_a_field_error(client, people, book_ids, value):
    response = post(
        client, people["admin"], url("/settings/"), {**SHARE_CLASS, "nominal_value": value}
    )
    assert response.status_code == 200
    errors = response.context["class_form"].errors["nominal_value"]
    assert "art. 2525" in errors[0]
    assert not ShareClass.objects.filter(code="ordinarie-2026").exists()
    assert "art. 2525" in response.content.decode()


def test_a_srl_cooperative_may_issue_shares_over_500(client, people, book_ids):
    people["coop"].__class__.objects.filter(pk=people["coop"].pk).update(
        legal_form=LegalForm.COOPERATIVE_SRL
    )
    response = post(
        client, people["admin"], url("/settings/"), {**SHARE_CLASS, "nominal_value": "600"}
    )
    assert_success(response, url("/settings/"))
    assert ShareClass.objects.get(code="ordinarie-2026").nominal_value == Decimal("600")


def test_an_unknown_settings_form_is_refused(client, people, book_ids):
    before = (ShareClass.objects.count(), StakeholderCategory.objects.count())
    response = post(client, people["admin"], url("/settings/"), {"form": "other"})
    assert response.status_code == 200
    assert [level for level, _ in flashed(response)] == [constants.ERROR]
    assert (ShareClass.objects.count(), StakeholderCategory.objects.count()) == before


# --- who may --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "path", "body"),
    [(m, p, b) for m, p, b, _a in matrix_shares.WEB],
    ids=[f"{m} {p}" for m, p, *_ in matrix_shares.WEB],
)
def test_a_member_is_refused_and_nothing_changes(client, people, book_ids, method, path, body):
    before = (
        ledger_size(),
        ShareTransfer.objects.filter(status="pending").count(),
        Redemption.objects.filter(paid_on__isnull=True).count(),
        StakeholderCategory.objects.count(),
        Member.objects.filter(status=MemberStatus.ACTIVE).count(),
    )
    client.force_login(people["member"])
    response = getattr(client, method)(path.format(slug="alpha", **book_ids), body or {})
    assert response.status_code == 403
    assert before == (
        ledger_size(),
        ShareTransfer.objects.filter(status="pending").count(),
        Redemption.objects.filter(paid_on__isnull=True).count(),
        StakeholderCategory.objects.count(),
        Member.objects.filter(status=MemberStatus.ACTIVE).count(),
    )


def test_staff_cannot_decide(client, people, book_ids):
    """Exits, reversals, transfer decisions and configuration are the board's."""
    for path, body in [
        (url("/{id}/exit/", id=book_ids["member_id"]), {"kind": "withdrawal"}),
        (url("/movements/{id}/reverse/", id=book_ids["movement_id"]), {"reason": "x"}),
        (
            url("/transfers/{id}/decide/", id=book_ids["transfer_id"]),
            {"decision": "approve", "decision_reference": "x"},
        ),
        (url("/settings/"), {"form": "category", "code": "x", "name": "X"}),
    ]:
        assert post(client, people["staff"], path, body).status_code == 403, path
    assert book_selectors.capital_summary(coop=people["coop"]).paid == 2 * NV


def test_a_duplicate_share_class_code_is_refused(client, people, book_ids):
    before = ShareClass.objects.count()
    response = post(
        client, people["admin"], url("/settings/"), {**SHARE_CLASS, "code": "ordinarie"}
    )
    assert response.status_code == 200
    assert response.context["class_form"].errors
    assert ShareClass.objects.count() == before


def test_another_cooperatives_category_cannot_be_renamed(client, people, book_ids):
    book_services.book_setup(coop=people["other"])
    theirs = StakeholderCategory.objects.filter(coop=people["other"]).first()
    response = post(
        client,
        people["admin"],
        url("/settings/"),
        {"form": "category", "category": theirs.pk, "name": "Presa"},
    )
    assert response.status_code == 404
    assert StakeholderCategory.objects.get(pk=theirs.pk).name != "Presa"
