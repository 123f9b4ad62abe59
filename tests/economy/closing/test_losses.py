"""Losses (issue 17, point 4): a loss is covered from the reserves (indivisible first, the legal
reserve last) or carried forward; a loss carried forward appears in every later closing until a
profit covers it; while capital is impaired no dividends and no ristorni in cash. The bad inputs
first: each refused with the rule, the article and the figures, nothing written."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comunitas.core.models import AuditEntry
from comunitas.economy.closing import rules, selectors, services
from comunitas.economy.models import AllocationKind as K
from comunitas.economy.models import (
    Closing,
    ClosingStatus,
    LossCoverage,
    RistornoPlan,
)
from tests.economy.closing.matrix import allocated, job, last_year
from tests.helpers import assert_refused, book_for

pytestmark = pytest.mark.django_db
IND, LEGAL, CARRIED = "indivisible", "legal_reserve", "carried_forward"
ALL_WITH_MEMBERS = rules.MutualShare(label="members' work", with_members=D(1), total=D(1))


@pytest.fixture
def book(people):
    return book_for(people)


def stated(book, year: int, result: str) -> Closing:
    """A draft closing of ``year`` with the result of the approved statement."""
    return services.closing_prepare(
        actor=book["admin"],
        coop=book["coop"],
        year=year,
        result_source="statement",
        result=D(result),
    )


def approve(closing: Closing) -> Closing:
    """Marked approved directly (the assembly's workflow is test_services' business): only
    approved allocations put money in the reserves."""
    Closing.objects.filter(pk=closing.pk).update(
        status=ClosingStatus.APPROVED, approved_on=date(closing.year + 1, 4, 30)
    )
    closing.refresh_from_db()
    return closing


def reserves_of(book, year: int) -> Closing:
    """An approved profit of 10,000 € in ``year``: 3,000 € to the legal reserve, 300 € to the
    fondi mutualistici, 6,700 € to the indivisible reserve."""
    closing = stated(book, year, "10000.00")
    services.closing_allocate(actor=book["admin"], closing=closing, reinvestment_percent=D(0))
    return approve(closing)


def written(closing: Closing):
    return lambda: (
        sorted(LossCoverage.objects.filter(closing=closing).values_list("source", "amount")),
        AuditEntry.objects.count(),
        sorted(closing.lines.values_list("kind", "amount")),
        RistornoPlan.objects.filter(closing=closing).count(),
    )


# --- bad input ------------------------------------------------------------------------------------
def test_a_coverage_that_does_not_add_up_to_the_loss_is_refused_to_the_cent(book):
    year = last_year()
    reserves_of(book, year - 1)
    loss = stated(book, year, "-8000.00")
    error = assert_refused(
        services.closing_cover,
        actor=book["admin"],
        closing=loss,
        indivisible=D("6700.00"),
        legal_reserve=D("1299.99"),
        on=CARRIED,
        unchanged=written(loss),
    )
    assert "€7,999.99" in error.messages[0] and "€8,000.00" in error.messages[0]
    assert_refused(  # one cent over is as wrong as one cent short
        services.closing_cover,
        actor=book["admin"],
        closing=loss,
        indivisible=D("6700.00"),
        legal_reserve=D("1300.00"),
        carried_forward=D("0.01"),
        on=CARRIED,
        unchanged=written(loss),
    )


@pytest.mark.parametrize(
    ("parts", "field", "held"),
    [
        ({IND: "6700.01", LEGAL: "1299.99"}, IND, "€6,700.00"),
        ({IND: "4000.00", LEGAL: "3000.01", CARRIED: "999.99"}, LEGAL, "€3,000.00"),
        ({IND: "-1.00", CARRIED: "8001.00"}, IND, ""),
    ],
)
def test_a_reserve_cannot_give_more_than_it_holds(book, parts, field, held):
    year = last_year()
    reserves_of(book, year - 1)
    loss = stated(book, year, "-8000.00")
    assert_refused(
        services.closing_cover,
        actor=book["admin"],
        closing=loss,
        **{name: D(value) for name, value in parts.items()},
        on=field,
        saying=held,
        unchanged=written(loss),
    )


def test_a_profit_has_no_loss_to_cover_and_a_proposed_loss_cannot_change(book):
    year = last_year()
    profit = stated(book, year - 1, "100.00")
    assert_refused(
        services.closing_cover,
        actor=book["admin"],
        closing=profit,
        carried_forward=D("0.00"),
        on="result",
        unchanged=written(profit),
    )
    loss = stated(book, year, "-50.00")
    services.closing_cover(actor=book["admin"], closing=loss, carried_forward=D("50.00"))
    services.closing_propose(actor=book["admin"], closing=loss)
    assert_refused(
        services.closing_cover,
        actor=book["admin"],
        closing=loss,
        carried_forward=D("50.00"),
        saying="withdraw it to draft",
    )


def test_dividends_with_a_loss_carried_forward_are_refused_with_the_rule_and_figures(book):
    year = last_year()
    loss = stated(book, year - 1, "-9000.00")
    services.closing_cover(actor=book["admin"], closing=loss, carried_forward=D("9000.00"))
    closing = stated(book, year, "10000.00")
    assert closing.loss_brought_forward == D("9000.00")
    error = assert_refused(
        services.closing_allocate,
        actor=book["admin"],
        closing=closing,
        dividends=D("0.01"),
        reinvestment_percent=D(0),
        on="dividends",
        saying="art. 2433 c.3",
        unchanged=written(closing),
    )
    # 10,000 - 3,000 - 300 = 6,700 covered of the 9,000 brought forward, 2,300 left.
    message = error.messages[0]
    assert "€9,000.00" in message and "€6,700.00" in message and "€2,300.00" in message
    assert "art. 2519" in message


def test_dividends_are_refused_by_the_rules_even_within_the_cap():
    values = {
        "result": D("10000.00"),
        "dividend_cap": D("500.00"),
        "mutual_share": ALL_WITH_MEMBERS,
        "reinvestment_percent": D(50),
        "loss_brought_forward": D("6700.01"),  # one cent more than the profit can cover
    }
    assert_refused(rules.allocation_compute, dividends=D("1.00"), on="dividends", **values)
    values["loss_brought_forward"] = D("6700.00")  # covered to the cent: capital is whole
    lines = rules.allocation_compute(dividends=D("0.00"), **values)
    assert lines[K.LOSS_COVERAGE] == D("6700.00") and lines[K.DIVIDENDS] == D(0)
    values["loss_brought_forward"] = D("6000.00")
    lines = rules.allocation_compute(dividends=D("500.00"), **values)
    assert lines[K.LOSS_COVERAGE] == D("6000.00") and lines[K.DIVIDENDS] == D("500.00")
    assert sum(lines.values()) == D("10000.00")
    assert_refused(  # the cap still holds once the loss is covered
        rules.allocation_compute, dividends=D("500.01"), on="dividends", saying="2514", **values
    )


def _impaired_with_ristorni(book) -> Closing:
    """Last year's profit of 10,000 € (2,000 € of wages to member1, all the labour cost), with a
    loss of 5,000 € carried forward from the year before: ristorni of 1,000 € leave 5,700 €,
    which cover it whole."""
    year = last_year()
    loss = stated(book, year - 1, "-5000.00")
    services.closing_cover(actor=book["admin"], closing=loss, carried_forward=D("5000.00"))
    job(book["members"]["member"], year)
    return allocated(book, year, ristorni="1000.00")


def test_cash_ristorni_while_capital_impaired_are_refused_shares_are_not(book):
    closing = _impaired_with_ristorni(book)
    assert closing.lines.get(kind=K.LOSS_COVERAGE).amount == D("5000.00")
    services.ristorni_compute(actor=book["admin"], closing=closing, basis="work")  # all cash
    # 2,000 € of ristorni leave 4,700 € for the 5,000 € brought forward: 300 € uncovered.
    error = assert_refused(
        services.closing_allocate,
        actor=book["admin"],
        closing=closing,
        ristorni=D("2000.00"),
        reinvestment_percent=D(50),
        on="ristorni",
        saying="No ristorni in cash while capital is impaired",
        unchanged=written(closing),
    )
    assert "€4,700.00" in error.messages[0] and "€300.00" in error.messages[0]
    # As new shares they keep the money in the cooperative: allowed.
    services.ristorni_compute(
        actor=book["admin"], closing=closing, basis="work", shares_percent=D(100)
    )
    services.closing_allocate(
        actor=book["admin"], closing=closing, ristorni=D("2000.00"), reinvestment_percent=D(50)
    )
    lines = dict(closing.lines.values_list("kind", "amount"))
    assert lines[K.LOSS_COVERAGE] == D("4700.00") and sum(lines.values()) == D("10000.00")
    # Back to cash while 300 € stay uncovered: refused, the plan unchanged.
    assert_refused(
        services.ristorni_compute,
        actor=book["admin"],
        closing=closing,
        basis="work",
        shares_percent=D("99.99"),
        on="shares_percent",
        saying="art. 2433 c.3",
        unchanged=lambda: RistornoPlan.objects.get(closing=closing).shares_percent,
    )
    assert selectors.losses_of(closing).impaired
    assert selectors.losses_of(closing).carried_forward == D("300.00")


# --- behaviour ------------------------------------------------------------------------------------
def test_a_loss_proposes_indivisible_reserve_then_legal_reserve_then_carried_forward(book):
    year = last_year()
    reserves_of(book, year - 2)
    # A draft's allocation puts nothing in the reserves until the assembly approves it.
    services.closing_allocate(
        actor=book["admin"], closing=stated(book, year - 1, "1000.00"), reinvestment_percent=D(0)
    )
    loss = stated(book, year, "-12000.00")
    losses = selectors.losses_of(loss)
    assert losses.reserves == {IND: D("6700.00"), LEGAL: D("3000.00")}
    assert losses.proposal == {IND: D("6700.00"), LEGAL: D("3000.00"), CARRIED: D("2300.00")}
    assert losses.to_cover == D("12000.00") and losses.impaired  # nothing recorded yet
    small = rules.coverage_propose(loss=D("8000.00"), reserves=losses.reserves)
    assert small == {IND: D("6700.00"), LEGAL: D("1300.00"), CARRIED: D("0.00")}


def test_the_coverage_is_recorded_audited_and_takes_from_the_reserves(book):
    year = last_year()
    reserves_of(book, year - 2)
    loss = stated(book, year - 1, "-8000.00")
    services.closing_cover(
        actor=book["admin"],
        closing=loss,
        indivisible=D("6700.00"),
        legal_reserve=D("300.00"),
        carried_forward=D("1000.00"),
    )
    entry = AuditEntry.objects.get(action="closing.cover", object_id=str(loss.pk))
    assert entry.changes["coverage"] == {
        "before": {},
        "after": {CARRIED: "1000.00", IND: "6700.00", LEGAL: "300.00"},
    }
    assert selectors.losses_of(loss).carried_forward == D("1000.00")
    # Recorded again: replaced, not added.
    services.closing_cover(
        actor=book["admin"], closing=loss, indivisible=D("5000.00"), carried_forward=D("3000.00")
    )
    assert selectors.coverage_of(loss) == {IND: D("5000.00"), LEGAL: D(0), CARRIED: D("3000.00")}
    # The next year sees the reserves less what the coverage took, and the loss carried.
    later = stated(book, year, "-100.00")
    assert later.loss_brought_forward == D("3000.00")
    assert selectors.reserve_balances(coop=book["coop"], year=year) == {
        IND: D("1700.00"),
        LEGAL: D("3000.00"),
    }
    assert selectors.losses_of(later).to_cover == D("3100.00")


def test_a_loss_carried_forward_appears_in_every_later_closing_until_covered(book):
    year = last_year()
    loss = stated(book, year - 3, "-1000.00")
    services.closing_cover(actor=book["admin"], closing=loss, carried_forward=D("1000.00"))
    even = stated(book, year - 2, "0.00")  # a break-even covers nothing: carried again
    assert even.loss_brought_forward == D("1000.00")
    assert_refused(services.closing_propose, actor=book["admin"], closing=even, on="coverage")
    services.closing_cover(actor=book["admin"], closing=even, carried_forward=D("1000.00"))
    services.closing_propose(actor=book["admin"], closing=even)
    small = stated(book, year - 1, "1000.00")  # 1,000 - 300 - 30 = 670 covered, 330 left
    services.closing_allocate(actor=book["admin"], closing=small, reinvestment_percent=D(0))
    assert small.loss_brought_forward == D("1000.00")
    assert selectors.losses_of(small).covered_by_result == D("670.00")
    last = stated(book, year, "2000.00")
    assert last.loss_brought_forward == D("330.00")
    services.closing_allocate(actor=book["admin"], closing=last, reinvestment_percent=D(0))
    losses = selectors.losses_of(last)
    assert (losses.covered_by_result, losses.carried_forward) == (D("330.00"), D(0))
    assert not losses.impaired
    lines = dict(last.lines.values_list("kind", "amount"))
    assert lines[K.LEGAL_RESERVE] == D("600.00")  # 30% of the year's whole profit
    assert lines[K.INDIVISIBLE_RESERVE] == D("2000.00") - D("600.00") - D("60.00") - D("330.00")


def test_a_change_before_is_caught_until_the_closing_reads_it_again(book):
    year = last_year()
    loss = stated(book, year - 1, "-500.00")
    later = stated(book, year, "1000.00")
    assert later.loss_brought_forward == D("500.00")
    services.closing_update(actor=book["admin"], closing=loss, result=D("-600.00"))
    assert_refused(
        services.closing_allocate,
        actor=book["admin"],
        closing=later,
        reinvestment_percent=D(0),
        on="loss_brought_forward",
        saying="€600.00",
    )
    later = services.closing_update(actor=book["admin"], closing=later, notes="")
    assert later.loss_brought_forward == D("600.00")
    services.closing_allocate(actor=book["admin"], closing=later, reinvestment_percent=D(0))


def test_a_coverage_no_longer_within_the_reserves_cannot_be_proposed(book):
    year = last_year()
    reserves_of(book, year - 2)  # 6,700 € in the indivisible reserve
    first = stated(book, year - 1, "-6000.00")
    services.closing_cover(actor=book["admin"], closing=first, carried_forward=D("6000.00"))
    second = stated(book, year, "-1000.00")
    assert second.loss_brought_forward == D("6000.00")
    services.closing_cover(
        actor=book["admin"], closing=second, indivisible=D("6700.00"), carried_forward=D("300.00")
    )
    # The year before changes its loss and now takes 6,000 € of the same reserve, still
    # carrying 6,000 € forward: the second counted on 6,700 € and only 700 € are left.
    services.closing_update(actor=book["admin"], closing=first, result=D("-12000.00"))
    services.closing_cover(
        actor=book["admin"], closing=first, indivisible=D("6000.00"), carried_forward=D("6000.00")
    )
    assert_refused(
        services.closing_propose,
        actor=book["admin"],
        closing=second,
        on=IND,
        saying="€700.00",
        unchanged=lambda: Closing.objects.get(pk=second.pk).status,
    )


# --- properties -----------------------------------------------------------------------------------
cents = st.integers(min_value=0, max_value=10**11).map(lambda n: D(n) / 100)


@settings(max_examples=200, deadline=None)
@given(loss=cents, indivisible=cents, legal=cents)
def test_the_proposed_coverage_plus_carried_forward_is_the_loss_to_the_cent(
    loss, indivisible, legal
):
    reserves = {IND: indivisible, LEGAL: legal}
    proposal = rules.coverage_propose(loss=loss, reserves=reserves)
    assert sum(proposal.values()) == loss
    assert all(amount >= 0 and amount == amount.quantize(D("0.01")) for amount in proposal.values())
    assert proposal[IND] <= indivisible and proposal[LEGAL] <= legal
    # The legal reserve is touched only once the indivisible one is used up.
    assert proposal[LEGAL] == 0 or proposal[IND] == indivisible
    chosen = rules.coverage_check(
        result=-loss, brought_forward=D(0), chosen=proposal, reserves=reserves
    )
    assert chosen == proposal
    assert (
        rules.carried_forward(result=-loss, brought_forward=D(0), lines={}, coverage=chosen)
        == proposal[CARRIED]
    )


@settings(max_examples=200, deadline=None)
@given(
    profit=st.integers(min_value=1, max_value=10**9).map(lambda n: D(n) / 100),
    brought=cents,
    ristorni_share=st.integers(min_value=0, max_value=100),
)
def test_a_profit_covers_the_loss_brought_forward_and_the_lines_still_add_up(
    profit, brought, ristorni_share
):
    left = profit - rules._share_up(profit, rules.LEGAL_RESERVE_MIN) - rules._mutual_funds(profit)
    ristorni = (left * ristorni_share / 100).quantize(D("0.01"), rounding="ROUND_FLOOR")
    lines = rules.allocation_compute(
        result=profit,
        ristorni=ristorni,
        dividend_cap=D(0),
        mutual_share=ALL_WITH_MEMBERS,
        reinvestment_percent=D(50),
        loss_brought_forward=brought,
        ristorni_shares_percent=D(100),
    )
    assert sum(lines.values()) == profit
    covered = lines.get(K.LOSS_COVERAGE, D(0))
    carried = rules.carried_forward(
        result=profit, brought_forward=brought, lines=lines, coverage={}
    )
    assert covered + carried == brought and covered >= 0 and carried >= 0
    assert covered == min(brought, left - ristorni)


# --- the faces ------------------------------------------------------------------------------------
def test_the_api_records_the_coverage_and_shows_the_losses(client, book):
    year = last_year()
    reserves_of(book, year - 1)
    loss = stated(book, year, "-8000.00")
    client.force_login(book["admin"])
    one = f"/api/v1/coops/alpha/economy/closings/{loss.pk}"
    shown = client.get(one).json()["losses"]
    assert shown["to_cover"] == "8000.00" and shown["capital_impaired"] is True
    assert [(p["source"], p["amount"]) for p in shown["proposal"]] == [
        (IND, "6700.00"),
        (LEGAL, "1300.00"),
        (CARRIED, "0.00"),
    ]
    bad = client.put(f"{one}/coverage", {IND: "6700.00"}, "application/json")
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == [CARRIED]
    assert not LossCoverage.objects.exists()
    body = {IND: "6000.00", LEGAL: "0.00", CARRIED: "2000.00"}
    done = client.put(f"{one}/coverage", body, "application/json").json()["losses"]
    assert [p["amount"] for p in done["coverage"]] == ["6000.00", "0.00", "2000.00"]
    assert (done["carried_forward"], done["capital_impaired"]) == ("2000.00", True)
    client.force_login(book["member"])  # a draft is the operators'
    assert client.put(f"{one}/coverage", body, "application/json").status_code == 403


def test_the_pages_propose_the_coverage_and_show_impaired_capital(client, book):
    year = last_year()
    reserves_of(book, year - 1)
    loss = stated(book, year, "-12000.00")
    client.force_login(book["admin"])
    page = f"/c/alpha/economy/closings/{loss.pk}"
    detail = client.get(f"{page}/").content.decode()
    assert "Capital is impaired" in detail and "€2,300.00" in detail
    form = client.get(f"{page}/coverage/").content.decode()
    assert 'value="6700.00"' in form and 'value="2300.00"' in form
    refused = client.post(
        f"{page}/coverage/", {IND: "6700.01", LEGAL: "3000.00", CARRIED: "2299.99"}
    )
    assert refused.status_code == 200 and "holds €6,700.00" in refused.content.decode()
    assert not LossCoverage.objects.exists()
    saved = client.post(f"{page}/coverage/", {IND: "6700.00", LEGAL: "3000.00", CARRIED: "2300.00"})
    assert saved.status_code == 302
    assert selectors.losses_of(loss).carried_forward == D("2300.00")
