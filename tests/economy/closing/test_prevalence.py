"""Mutual prevalence (arts. 2512-2513 c.c., issue 17 point 2): per kind of exchange the
statute names, the exchanges with members against all of that kind in the cash book; several
kinds weigh by their amounts; more than half is prevalent; two years in a row without it lose
the status (art. 2545-octies); social cooperatives are prevalent by law. The rules, the reads
(checked against a direct SQL computation over the same rows), the API and the pages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comunitas.core.coops.services import statute_create
from comunitas.core.models import Cooperative, StatuteParameters
from comunitas.economy.cashbook.chart import chart_ensure
from comunitas.economy.closing import services
from comunitas.economy.closing.rules import (
    Exchanges,
    MutualShare,
    is_prevalent,
    mutual_prevalence,
)
from comunitas.economy.closing.selectors import mutual_exchanges, prevalence_of
from comunitas.economy.models import Counterparty, Job, Movement
from tests.economy.closing.matrix import last_year, make
from tests.helpers import STATUTE_FORM, assert_refused, book_for

A = "/api/v1/coops/alpha/economy/closings"


# --- the rules (pure) ---------------------------------------------------------------------------
def kind(name: str, members: str, total: str) -> Exchanges:
    return Exchanges(name, D(members), D(total))


def test_more_than_half_is_prevalent_and_exactly_half_is_not():
    assert is_prevalent([kind("work", "500.01", "1000.00")]) is True
    assert is_prevalent([kind("work", "500.00", "1000.00")]) is False
    assert is_prevalent([kind("work", "0.00", "0.00")]) is None  # nothing to measure


def test_several_kinds_are_their_mean_weighted_by_the_amounts():
    sales, work = kind("sales", "100.00", "1000.00"), kind("work", "2700.00", "3000.00")
    found = mutual_prevalence(year=2024, exchanges=[sales, work], social=False, previous=None)
    assert (sales.percent, work.percent) == (D("10.00"), D("90.00"))
    # (100 + 2,700) ÷ (1,000 + 3,000) = 70%, not the plain mean of 10% and 90%.
    assert (found.with_members, found.total, found.percent) == (D(2800), D(4000), D("70.00"))
    assert found.prevalent and found.holds and not found.lost


def test_two_years_in_a_row_without_prevalence_lose_it_unless_social():
    under = [kind("sales", "400.00", "1000.00")]
    lost = mutual_prevalence(year=2024, exchanges=under, social=False, previous=False)
    assert lost.prevalent is False and lost.lost and not lost.holds
    assert not mutual_prevalence(year=2024, exchanges=under, social=False, previous=True).lost
    assert not mutual_prevalence(year=2024, exchanges=under, social=False, previous=None).lost
    social = mutual_prevalence(year=2024, exchanges=under, social=True, previous=False)
    assert social.by_law and social.holds and not social.lost
    assert social.percent == D("40.00")  # the figures are still shown


def test_refunds_never_push_a_share_outside_0_to_100():
    # Members bought 300 €, others were refunded 100 € net: members' part is capped at the whole.
    assert kind("sales", "300.00", "200.00").percent == D("100.00")
    assert kind("sales", "-50.00", "200.00").percent == D("0.00")
    assert kind("sales", "10.00", "-20.00").percent is None


def test_the_ceiling_is_the_result_times_the_members_share_rounded_down():
    share = MutualShare(label="members' work", with_members=D("1.00"), total=D("3.00"))
    assert share.ceiling(D("100.00")) == D("33.33")
    assert share.ceiling(D("-100.00")) == D("0.00")
    assert MutualShare("x", D("5.00"), D("0.00")).ceiling(D("100.00")) == D("0.00")
    assert MutualShare("x", D("9.00"), D("3.00")).ceiling(D("100.00")) == D("100.00")
    assert "€33.33" in share.explain(D("100.00"))
    assert "2545-sexies" in MutualShare("x", D(0), D(0)).explain(D("100.00"))


results = st.decimals(min_value=D("0.01"), max_value=D("99999999.99"), places=2)
amounts = st.decimals(min_value=D("-999999.99"), max_value=D("99999999.99"), places=2)


@settings(max_examples=300, deadline=None)
@given(result=results, with_members=amounts, total=amounts, asked=results)
def test_ristorni_never_exceed_the_part_of_the_result_made_with_members(
    result, with_members, total, asked
):
    from comunitas.core.errors import ValidationError
    from comunitas.economy.closing.rules import allocation_compute

    share = MutualShare("members' work", with_members, total)
    ceiling = share.ceiling(result)
    members, whole = max(min(with_members, total), D(0)), max(total, D(0))
    exact = result * members / whole if whole > 0 else D(0)
    assert D(0) <= ceiling <= exact and exact - ceiling < D("0.01")
    try:
        lines = allocation_compute(
            result=result,
            ristorni=asked,
            dividend_cap=D(0),
            mutual_share=share,
            reinvestment_percent=D(50),
        )
    except ValidationError as refused:
        assert refused.errors[0].field == "ristorni"
        assert asked > ceiling or "2545-sexies" not in refused.errors[0].message
        return
    assert lines["ristorni"] == asked <= ceiling
    assert sum(lines.values()) == result  # still to the cent


# --- the cash book ------------------------------------------------------------------------------
@pytest.fixture
def book(people):
    return book_for(people)


def links(book) -> dict:
    """What a movement may name: a member, a member's job, another's job, a counterparty that
    is a member, another counterparty."""
    coop, member = book["coop"], book["members"]["member"]
    year = last_year()
    common = {"coop": coop, "title": "Guida", "contract": "permanent", "fte": D(1)}
    start = {"start_date": date(year - 3, 1, 1), "lives_in_territory": True}
    return {
        "none": {},
        "member": {"member": member},
        "member_job": {"job": Job.objects.create(**common, **start, member=member)},
        "other_job": {"job": Job.objects.create(**common, **start, person_name="Altro")},
        "member_party": {
            "counterparty": Counterparty.objects.create(
                coop=coop, name="Socio fornitore", kind="supplier", member=member
            )
        },
        "other_party": {
            "counterparty": Counterparty.objects.create(coop=coop, name="Ditta", kind="supplier")
        },
    }


def move(coop, code: str, amount: str, on: date, vat: str = "0.00", **named) -> Movement:
    category = chart_ensure(coop=coop)[code]
    return Movement.objects.create(
        coop=coop,
        on_date=on,
        direction=category.direction,
        amount=D(amount),
        vat=D(vat),
        category=category,
        **named,
    )


@pytest.mark.django_db
def test_each_kind_is_read_from_the_cash_book_net_of_vat(book):
    coop, year, to = book["coop"], last_year(), links(book)
    day = date(year, 5, 1)
    move(coop, "services", "122.00", day, vat="22.00", **to["member"])  # a sale to a member
    move(coop, "products", "300.00", day)  # to someone else
    move(coop, "services", "-20.00", day, **to["member"])  # a refund to the member
    move(coop, "grants", "5000.00", day, **to["member"])  # not a sale (item A5)
    move(coop, "fees", "50.00", day, **to["member"])  # a member's fee: no exchange
    move(coop, "staff", "1500.00", day, **to["member_job"])
    move(coop, "staff", "500.00", day, **to["other_job"])
    move(coop, "suppliers", "244.00", day, vat="44.00", **to["member_party"])
    move(coop, "rent", "600.00", day, **to["other_party"])
    move(coop, "taxes", "999.00", day, **to["member"])  # other costs: no exchange
    move(coop, "staff", "700.00", date(year + 1, 1, 1), **to["member_job"])  # the next year
    found = mutual_exchanges(coop=coop, years=[year])[year]
    assert found["sales"] == Exchanges("sales", D("80.00"), D("380.00"))
    assert found["work"] == Exchanges("work", D("1500.00"), D("2000.00"))
    assert found["supplies"] == Exchanges("supplies", D("200.00"), D("800.00"))


@pytest.mark.django_db
def test_the_statute_in_force_at_the_end_of_the_year_names_the_kinds(book):
    coop, year, to = book["coop"], last_year(), links(book)
    move(coop, "services", "900.00", date(year, 3, 1), **to["member"])
    move(coop, "services", "100.00", date(year, 3, 1))
    move(coop, "staff", "100.00", date(year, 3, 1), **to["member_job"])
    move(coop, "staff", "900.00", date(year, 3, 1), **to["other_job"])
    by_default = prevalence_of(coop=coop, year=year)  # members' work, the statute's default
    assert [e.kind for e in by_default.exchanges] == ["work"]
    assert (by_default.percent, by_default.prevalent) == (D("10.00"), False)
    statute_create(
        actor=book["admin"],
        coop=coop,
        **{**STATUTE_FORM, "valid_from": date(year, 12, 31), "mutual_sales": True},
    )
    both = prevalence_of(coop=coop, year=year)
    assert [e.kind for e in both.exchanges] == ["sales", "work"]
    assert (both.percent, both.prevalent) == (D("50.00"), False)  # half is not more than half


@pytest.mark.django_db
def test_the_second_year_without_prevalence_is_flagged(book):
    coop, year, to = book["coop"], last_year(), links(book)
    for y in (year - 1, year):
        move(coop, "staff", "400.00", date(y, 6, 1), **to["member_job"])
        move(coop, "staff", "600.00", date(y, 6, 1), **to["other_job"])
    assert not prevalence_of(coop=coop, year=year - 1).lost  # the year before has no data
    found = prevalence_of(coop=coop, year=year)
    assert found.previous is False and found.lost
    Cooperative.objects.filter(pk=coop.pk).update(legal_form="social_a")
    coop.refresh_from_db()
    social = prevalence_of(coop=coop, year=year)
    assert social.by_law and social.holds and not social.lost


@pytest.mark.django_db
def test_a_statute_without_a_kind_of_exchange_is_refused(book):
    assert_refused(
        statute_create,
        actor=book["admin"],
        coop=book["coop"],
        **{**STATUTE_FORM, "valid_from": date(2025, 6, 1), "mutual_work": False},
        on="mutual_work",
        saying="arts. 2512-2513",
        unchanged=StatuteParameters.objects.count,
    )


# --- the same figures from SQL ------------------------------------------------------------------
SQL = """
SELECT kind, SUM(CASE WHEN mutual = 1 THEN cents ELSE 0 END), SUM(cents) FROM (
  SELECT
    CASE
      WHEN m.direction = 'income' AND c.flow = 'revenue'
           AND c.code NOT IN ('grants', 'fees', 'donations', 'other-income') THEN 'sales'
      WHEN m.direction = 'expense' AND c.flow = 'wages' THEN 'work'
      WHEN m.direction = 'expense' AND c.flow = 'purchases' THEN 'supplies'
    END AS kind,
    CASE WHEN m.member_id IS NOT NULL OR j.member_id IS NOT NULL OR p.member_id IS NOT NULL
         THEN 1 ELSE 0 END AS mutual,
    CAST(ROUND((m.amount - m.vat) * 100) AS BIGINT) AS cents
  FROM economy_movement m
  JOIN economy_category c ON c.id = m.category_id
  LEFT JOIN economy_job j ON j.id = m.job_id
  LEFT JOIN economy_counterparty p ON p.id = m.counterparty_id
  WHERE m.coop_id = %s AND m.on_date >= %s AND m.on_date < %s
) rows WHERE kind IS NOT NULL GROUP BY kind
"""


def sql_exchanges(coop, year: int) -> dict[str, tuple[D, D]]:
    """{kind: (cents with members, all cents)} of ``year``, straight from the tables."""
    ops = connection.ops
    bounds = [ops.adapt_datefield_value(date(y, 1, 1)) for y in (year, year + 1)]
    with connection.cursor() as cursor:
        cursor.execute(SQL, [coop.pk, *bounds])
        return {k: (D(int(m)), D(int(t))) for k, m, t in cursor.fetchall()}


def expected_percent(members: D, total: D) -> D | None:
    total = max(total, D(0))
    members = min(max(members, D(0)), total)
    if total == 0:
        return None
    return D(int(members * 10_000 // total)) / 100  # rounded down to two decimals


CODES = ["services", "products", "grants", "fees", "staff", "suppliers", "rent", "taxes"]
rows = st.lists(
    st.tuples(
        st.sampled_from(CODES),
        st.integers(min_value=-50_000, max_value=2_000_000).filter(bool),
        st.integers(min_value=0, max_value=30),  # VAT, % of the amount
        st.sampled_from(
            ["none", "member", "member_job", "other_job", "member_party", "other_party"]
        ),
        st.sampled_from([-1, 0, 0, 0, 1]),  # the year before, the year, the year after
    ),
    max_size=14,
)
kinds = st.sets(st.sampled_from(["sales", "work", "supplies"]), min_size=1)


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=rows, chosen=kinds)
def test_prevalence_is_within_0_and_100_and_matches_sql_over_the_same_rows(book, rows, chosen):
    coop, year = book["coop"], last_year()
    with transaction.atomic():
        to = links(book)
        for code, cents, vat_percent, link, offset in rows:
            amount = D(cents) / 100
            vat = (amount * vat_percent / 100).quantize(D("0.01"), "ROUND_DOWN")
            move(coop, code, str(amount), date(year + offset, 7, 1), str(vat), **to[link])
        StatuteParameters.objects.filter(coop=coop).update(
            **{f"mutual_{k}": k in chosen for k in ("sales", "work", "supplies")}
        )
        found = prevalence_of(coop=coop, year=year)
        direct = sql_exchanges(coop, year)
        members = total = D(0)
        assert [e.kind for e in found.exchanges] == [
            k for k in ("sales", "work", "supplies") if k in chosen
        ]
        for exchange in found.exchanges:
            cents_members, cents_all = direct.get(exchange.kind, (D(0), D(0)))
            assert exchange.with_members * 100 == cents_members
            assert exchange.total * 100 == cents_all
            assert exchange.percent == expected_percent(cents_members, cents_all)
            assert exchange.percent is None or D(0) <= exchange.percent <= D(100)
            counted = max(cents_all, D(0))
            members += min(max(cents_members, D(0)), counted)
            total += counted
        assert found.percent == expected_percent(members, total)
        assert found.percent is None or D(0) <= found.percent <= D(100)
        assert found.prevalent == (None if total == 0 else members * 2 > total)
        transaction.set_rollback(True)


# --- the API and the pages ----------------------------------------------------------------------
@pytest.fixture
def made(people):
    return make(people)


@pytest.mark.django_db
def test_the_api_gives_a_years_prevalence_public_once_approved(client, made):
    year = made["approved"].year  # 2,000 € of wages, all to member1
    answer = client.get(f"{A}/{year}/prevalence")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["year"] == year and body["prevalent"] is True and body["holds"] is True
    assert [k["kind"] for k in body["kinds"]] == ["work"]
    assert (body["kinds"][0]["with_members"], body["kinds"][0]["total"]) == ("2000.00", "2000.00")
    assert body["percent"] == "100.00" and body["lost"] is False and body["by_law"] is False
    draft = made["draft"].year
    assert client.get(f"{A}/{draft}/prevalence").status_code == 401  # a draft: operators only
    client.force_login(made["staff"])
    assert client.get(f"{A}/{draft}/prevalence").json()["year"] == draft
    assert client.get(f"{A}/1800/prevalence").status_code == 404
    assert client.get(f"{A}/99999/prevalence").status_code == 404


@pytest.mark.django_db
def test_the_closing_page_shows_the_prevalence_and_its_loss(client, made):
    client.force_login(made["staff"])
    draft = made["draft"]  # last year's and the year before: all the wages to member1
    page = client.get(f"/c/alpha/economy/closings/{draft.pk}/").content.decode()
    assert f"Mutual prevalence in {draft.year}" in page and "Prevalent: 100.00%" in page
    assert "Members&#x27; work (labour cost, item B9)" in page
    coop = made["coop"]
    for year in (draft.year - 1, draft.year):  # now 2,000 of 10,000 € of wages: 20%
        move(coop, "staff", "8000.00", date(year, 9, 1))
    page = client.get(f"/c/alpha/economy/closings/{draft.pk}/").content.decode()
    assert "Not prevalent: 20.00%" in page and "art. 2545-octies" in page


@pytest.mark.django_db
def test_the_economy_pages_show_the_prevalence(client, made):
    year = made["approved"].year
    client.force_login(made["member"])
    dashboard = client.get("/c/alpha/dashboard/").content.decode()
    assert f"Mutual prevalence in {year}:" in dashboard
    home = client.get(f"/c/alpha/economy/?year={year}").content.decode()
    assert f"Mutual prevalence in {year}:" in home
    draft = made["draft"].year  # not approved: the operators' only
    assert "Mutual prevalence" not in client.get(f"/c/alpha/economy/?year={draft}").content.decode()
    client.force_login(made["staff"])
    home = client.get(f"/c/alpha/economy/?year={draft}").content.decode()
    assert f"Mutual prevalence in {draft}:" in home


@pytest.mark.django_db
def test_the_statute_page_edits_and_shows_the_kinds_of_exchange(client, book):
    client.force_login(book["admin"])
    page = client.get("/c/alpha/statute/").content.decode()
    assert "Mutual exchange: work of the members" in page
    form = {k: v for k, v in STATUTE_FORM.items() if k != "mutual_work"}
    refused = client.post("/c/alpha/statute/", form)
    assert refused.status_code == 200 and "arts. 2512-2513" in refused.content.decode()
    saved = client.post("/c/alpha/statute/", {**form, "mutual_sales": "on", "mutual_work": "on"})
    assert saved.status_code == 302
    statute = StatuteParameters.objects.get(coop=book["coop"], valid_from=date(2025, 1, 1))
    assert (statute.mutual_sales, statute.mutual_work, statute.mutual_supplies) == (
        True,
        True,
        False,
    )
    page = client.get("/c/alpha/statute/").content.decode()
    assert "sales to members (A1); members' work (B9)" in page
    shown = client.get("/api/v1/coops/alpha/statutes").json()["items"]
    assert {s["valid_from"]: s["mutual_sales"] for s in shown}["2025-01-01"] is True


@pytest.mark.django_db
def test_the_ceiling_of_an_allocated_closing_reads_the_statutes_weighted_kinds(book):
    """With sales and work in the statute and no basis chosen yet, ristorni are measured on
    both together: (0 + 2,000) ÷ (12,000 + 2,000) of a 10,000 € result = 1,428.57 €."""
    from tests.economy.closing.matrix import allocated

    statute_create(
        actor=book["admin"],
        coop=book["coop"],
        **{**STATUTE_FORM, "valid_from": date(2020, 1, 1), "mutual_sales": True},
    )
    closing = allocated(book, last_year(), ristorni="1428.57")
    assert closing.lines.get(kind="ristorni").amount == D("1428.57")
    assert_refused(
        services.closing_allocate,
        actor=book["admin"],
        closing=closing,
        ristorni=D("1428.58"),
        reinvestment_percent=D(50),
        on="ristorni",
        saying="together (their weighted mean)",
    )
