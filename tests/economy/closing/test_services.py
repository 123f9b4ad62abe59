"""The annual closing's workflow: prepare, allocate, propose (the year freezes), approve by a
carried motion (locked for good), ristorni computed and paid; the bad inputs of issue 7."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from django.utils import timezone

from comunitas.core.models import AuditEntry
from comunitas.economy.cashbook.ledger import ensure_open
from comunitas.economy.closing import services
from comunitas.economy.models import AllocationKind as K
from comunitas.economy.models import Closing, ClosingStatus, Ristorno
from comunitas.members.models import ShareMovement
from tests.economy.closing.matrix import allocated, approved, carried_motion, job, last_year, profit
from tests.helpers import assert_refused, book_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(people):
    return book_for(people)


def test_prepare_reads_the_result_the_capital_and_the_rate(book):
    coop, year = book["coop"], last_year()
    profit(coop, year, "1234.56")
    profit(coop, year + 1, "99.00", on=date(year + 1, 1, 1))  # another year
    closing = services.closing_prepare(
        actor=book["admin"], coop=coop, year=year, result_source="cash_book"
    )
    assert closing.status == ClosingStatus.DRAFT
    assert closing.result == D("1234.56")
    assert closing.paid_in_capital == D("0.00")  # subscribed, not paid, in book_for
    assert closing.postal_bond_rate > 0
    assert AuditEntry.objects.filter(action="closing.prepare", object_id=str(closing.pk)).exists()


def test_a_statement_result_is_required_and_taken_as_entered(book):
    coop, year = book["coop"], last_year()
    assert_refused(
        lambda: services.closing_prepare(
            actor=book["admin"], coop=coop, year=year, result_source="statement"
        ),
        on="result",
    )
    closing = services.closing_prepare(
        actor=book["admin"],
        coop=coop,
        year=year,
        result_source="statement",
        result=D("-300.00"),
        postal_bond_rate=D("4.10"),
        postal_bond_rate_note="Circolare dell'associazione",
    )
    assert (closing.result, closing.postal_bond_rate) == (D("-300.00"), D("4.10"))
    assert closing.postal_bond_rate_reading == "board"


def test_only_a_year_that_is_over_and_only_once(book):
    coop, admin = book["coop"], book["admin"]
    this_year = timezone.localdate().year
    assert_refused(
        lambda: services.closing_prepare(
            actor=admin, coop=coop, year=this_year, result_source="cash_book"
        ),
        on="year",
    )
    services.closing_prepare(actor=admin, coop=coop, year=this_year - 1, result_source="cash_book")
    assert_refused(
        lambda: services.closing_prepare(
            actor=admin, coop=coop, year=this_year - 1, result_source="cash_book"
        ),
        on="year",
        saying="already being closed",
    )


def test_closing_a_year_already_closed_is_refused(book):
    done = approved(book, last_year())
    assert_refused(
        lambda: services.closing_prepare(
            actor=book["admin"], coop=book["coop"], year=done.year, result_source="cash_book"
        ),
        on="year",
        saying="already closed",
    )


def test_allocation_replaces_the_lines_and_refuses_what_the_law_forbids(book):
    closing = allocated(book, last_year())
    lines = dict(closing.lines.values_list("kind", "amount"))
    assert lines[K.LEGAL_RESERVE] == D("3000.00") and sum(lines.values()) == D("10000.00")
    admin = book["admin"]
    assert_refused(
        lambda: services.closing_allocate(
            actor=admin, closing=closing, legal_reserve_percent=D(29), reinvestment_percent=D(0)
        ),
        on="legal_reserve_percent",
    )
    # The cap: no capital is paid in, so no dividend at all.
    assert_refused(
        lambda: services.closing_allocate(
            actor=admin, closing=closing, dividends=D("0.01"), reinvestment_percent=D(0)
        ),
        on="dividends",
    )
    services.closing_allocate(
        actor=admin, closing=closing, legal_reserve_percent=D(40), reinvestment_percent=D(100)
    )
    lines = dict(closing.lines.values_list("kind", "amount"))
    assert lines[K.LEGAL_RESERVE] == D("4000.00")
    assert lines[K.REINVESTMENT_FUND] == D("5700.00")
    assert lines[K.INDIVISIBLE_RESERVE] == D("0.00")


def test_a_loss_allocates_nothing_and_may_be_proposed_with_its_coverage(book):
    closing = services.closing_prepare(
        actor=book["admin"],
        coop=book["coop"],
        year=last_year(),
        result_source="statement",
        result=D("-10.00"),
    )
    assert_refused(
        lambda: services.closing_allocate(
            actor=book["admin"], closing=closing, reinvestment_percent=D(0)
        ),
        on="result",
    )
    assert_refused(services.closing_propose, actor=book["admin"], closing=closing, on="coverage")
    services.closing_cover(actor=book["admin"], closing=closing, carried_forward=D("10.00"))
    assert services.closing_propose(actor=book["admin"], closing=closing).status == "proposed"


def test_a_profit_without_allocation_cannot_be_proposed(book):
    profit(book["coop"], last_year())
    closing = services.closing_prepare(
        actor=book["admin"], coop=book["coop"], year=last_year(), result_source="cash_book"
    )
    assert_refused(
        lambda: services.closing_propose(actor=book["admin"], closing=closing), on="result"
    )


def test_a_proposed_year_refuses_movements_until_withdrawn(book):
    closing = allocated(book, last_year())
    coop, day = book["coop"], date(last_year(), 3, 1)
    ensure_open(coop=coop, on_date=day)
    services.closing_propose(actor=book["admin"], closing=closing)
    assert_refused(lambda: ensure_open(coop=coop, on_date=day), on="on_date", saying="closed")
    ensure_open(coop=coop, on_date=date(last_year() + 1, 1, 1))  # the next year stays open
    assert_refused(
        lambda: services.closing_allocate(
            actor=book["admin"], closing=closing, reinvestment_percent=D(0)
        ),
        on=None,
        saying="withdraw",
    )
    services.closing_withdraw(actor=book["admin"], closing=closing)
    ensure_open(coop=coop, on_date=day)


def test_proposing_reads_the_cash_book_again(book):
    closing = allocated(book, last_year())
    profit(book["coop"], last_year(), "5.00")  # recorded after the allocation
    assert_refused(
        lambda: services.closing_propose(actor=book["admin"], closing=closing),
        on="result",
        saying="allocate it again",
    )
    closing = services.closing_update(actor=book["admin"], closing=closing)
    assert closing.result == D("10005.00")
    assert not closing.lines.exists()  # the old allocation no longer adds up: cleared


def test_approval_needs_a_closed_carried_motion_of_the_same_coop(book, people):
    closing = allocated(book, last_year())
    admin = book["admin"]
    motion = carried_motion(book)
    assert_refused(
        lambda: services.closing_approve(actor=admin, closing=closing, motion=motion),
        on=None,
        saying="Propose",
    )
    services.closing_propose(actor=admin, closing=closing)
    lost = carried_motion(book, "Respinta", carried=False)
    assert_refused(
        lambda: services.closing_approve(actor=admin, closing=closing, motion=lost),
        on="motion",
        saying="not carried",
    )
    other = book_for({**people, "coop": people["other"], "admin": people["stranger"]})
    foreign = carried_motion({**other, "staff": people["stranger"]})
    assert_refused(
        lambda: services.closing_approve(actor=admin, closing=closing, motion=foreign),
        on="motion",
        saying="another cooperative",
    )
    done = services.closing_approve(actor=admin, closing=closing, motion=motion)
    assert done.status == ClosingStatus.APPROVED
    assert done.approved_on == timezone.localdate()  # the assembly's day
    assert done.motion == motion


def test_after_approval_every_change_is_refused(book):
    done = approved(book, last_year())
    admin = book["admin"]
    calls = [
        lambda: services.closing_update(actor=admin, closing=done, notes="x"),
        lambda: services.closing_allocate(actor=admin, closing=done, reinvestment_percent=D(0)),
        lambda: services.closing_propose(actor=admin, closing=done),
        lambda: services.closing_withdraw(actor=admin, closing=done),
        lambda: services.closing_approve(actor=admin, closing=done, motion=done.motion),
        lambda: services.ristorni_compute(actor=admin, closing=done, basis="work"),
    ]
    for call in calls:
        assert_refused(call, on=None, saying="approved")
    assert_refused(
        lambda: ensure_open(coop=book["coop"], on_date=date(done.year, 12, 31)), on="on_date"
    )


def test_ristorni_follow_the_work_and_add_up(book):
    members, year = book["members"], last_year()
    closing = allocated(book, year, ristorni="1000.00")
    job(members["member"], year)  # 365 FTE-days (or 366)
    job(members["admin"], year, fte="0.50", start=date(year, 7, 1))  # half of half a year
    job(members[3], year - 1)  # another year: no exchange
    plan = services.ristorni_compute(
        actor=book["admin"], closing=closing, basis="work", shares_percent=D(50)
    )
    lines = {r.member_id: r for r in plan.lines.all()}
    assert set(lines) == {members["member"].pk, members["admin"].pk}
    days = (date(year + 1, 1, 1) - date(year, 1, 1)).days
    full, half = lines[members["member"].pk], lines[members["admin"].pk]
    assert full.exchange == D(days)
    assert half.exchange == D("0.50") * (date(year + 1, 1, 1) - date(year, 7, 1)).days
    assert full.amount + half.amount == D("1000.00")
    assert full.in_shares == (full.amount / 2).quantize(D("0.01"), "ROUND_FLOOR")
    assert full.cash + full.in_shares == full.amount
    # A new allocation splits again on the new amount.
    services.closing_allocate(
        actor=book["admin"], closing=closing, ristorni=D("2000.00"), reinvestment_percent=D(50)
    )
    assert sum(r.amount for r in plan.lines.all()) == D("2000.00")


def test_a_ristorno_basis_with_no_data_is_refused(book):
    closing = allocated(book, last_year())
    # No sale to a member: no part of the result is made with them (art. 2545-sexies) ...
    assert_refused(
        lambda: services.ristorni_compute(actor=book["admin"], closing=closing, basis="purchases"),
        on="basis",
        saying="€0.00 exchanged with members",
    )
    # ... and members paid through the cash book but with no position to measure them by.
    assert_refused(
        lambda: services.ristorni_compute(actor=book["admin"], closing=closing, basis="work"),
        on="basis",
        saying="no data",
    )
    nothing = allocated(book, last_year() - 1, ristorni="0")
    assert_refused(
        lambda: services.ristorni_compute(actor=book["admin"], closing=nothing, basis="work"),
        on="ristorni",
    )


def test_paying_ristorni_issues_shares_pays_the_rest_in_cash_once(book):
    members, year = book["members"], last_year()
    closing = allocated(book, year, ristorni="1000.00")
    job(members["member"], year)
    job(members["admin"], year)
    services.ristorni_compute(
        actor=book["admin"], closing=closing, basis="work", shares_percent=D(100)
    )
    assert_refused(
        lambda: services.ristorni_pay(
            actor=book["admin"], closing=closing, on_date=timezone.localdate()
        ),
        on=None,
        saying="approves",
    )
    services.closing_propose(actor=book["admin"], closing=closing)
    closing = services.closing_approve(
        actor=book["admin"], closing=closing, motion=carried_motion(book)
    )
    today = timezone.localdate()
    assert_refused(
        lambda: services.ristorni_pay(
            actor=book["admin"], closing=closing, on_date=date(year, 12, 31)
        ),
        on="on_date",
    )
    paid = services.ristorni_pay(actor=book["admin"], closing=closing, on_date=today)
    assert len(paid) == 2
    nominal = closing.coop.share_classes.get(code="ordinarie").nominal_value
    for line in Ristorno.objects.filter(plan__closing=closing):
        assert line.amount == D("500.00")
        assert line.in_shares == (D("500.00") // nominal) * nominal
        assert line.cash == D("500.00") - line.in_shares
        assert line.cash_paid_on == today
        assert line.share_movement.kind == "ristorno"
    moves = ShareMovement.objects.filter(kind="ristorno").count()
    assert services.ristorni_pay(actor=book["admin"], closing=closing, on_date=today) == []
    assert ShareMovement.objects.filter(kind="ristorno").count() == moves
    assert AuditEntry.objects.filter(action="ristorni.pay").count() == 1


def test_an_assembly_held_before_the_year_ended_cannot_approve_it(book):
    this_year = timezone.localdate().year  # made directly: a service refuses a year not over
    closing = Closing.objects.create(
        coop=book["coop"],
        year=this_year,
        result_source="statement",
        result=D("-1.00"),
        status="proposed",
        postal_bond_rate=D("4.00"),
        paid_in_capital=D("0.00"),
    )
    assert_refused(
        lambda: services.closing_approve(
            actor=book["admin"], closing=closing, motion=carried_motion(book)
        ),
        on="motion",
        saying="before the year ended",
    )
