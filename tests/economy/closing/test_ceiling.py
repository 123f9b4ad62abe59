"""The ceiling of ristorni (art. 2545-sexies c.c.): at most the part of the result made with
members, the result times the exchanges with members divided by all exchanges of the basis
(issue 17, point 3). The issue's example: 67,000 € of ristorni to the one member who worked
0.10 FTE for two days was accepted; it is refused with the ceiling and its figures, nothing
written."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal as D

import pytest

from comunitas.core.models import AuditEntry
from comunitas.economy.closing import services
from comunitas.economy.models import AllocationLine, Job, Ristorno
from tests.economy.closing.matrix import allocated, job, last_year, profit, wage
from tests.helpers import assert_refused, book_for

pytestmark = pytest.mark.django_db
A = "/api/v1/coops/alpha/economy/closings"
C = "/c/alpha/economy/closings"


@pytest.fixture
def book(people):
    return book_for(people)


def two_days(book) -> dict:
    """The issue's books: 150,000 € of takings, 50,000 € of wages to a worker who is not a
    member and 30 € to member1 for two days at 0.10 FTE: a result of 99,970 €."""
    coop, year = book["coop"], last_year()
    profit(coop, year, "150000.00")
    other = Job.objects.create(
        coop=coop,
        person_name="Dipendente non socio",
        title="Guida",
        contract="permanent",
        fte=D(1),
        start_date=date(year, 1, 1),
        lives_in_territory=True,
    )
    wage(coop, year, "50000.00", job=other)
    short = job(book["members"]["member"], year, fte="0.10", start=date(year, 3, 1))
    Job.objects.filter(pk=short.pk).update(end_date=date(year, 3, 3))
    wage(coop, year, "30.00", job=short)
    closing = services.closing_prepare(
        actor=book["admin"], coop=coop, year=year, result_source="cash_book"
    )
    assert closing.result == D("99970.00")
    return {"closing": closing, "year": year}


def test_the_issues_67000_of_ristorni_to_two_days_of_work_are_refused(book):
    closing = two_days(book)["closing"]
    audited = AuditEntry.objects.filter(action="closing.allocate").count
    refused = assert_refused(
        services.closing_allocate,
        actor=book["admin"],
        closing=closing,
        ristorni=D("67000.00"),
        reinvestment_percent=D(50),
        on="ristorni",
        saying="art. 2545-sexies",
        unchanged=lambda: (AllocationLine.objects.count(), audited()),
    )
    message = refused.errors[0].message
    # 99,970.00 x 30.00 / 50,030.00 = 59.946… → 59.94, rounded down
    for figure in ("€59.94", "€99,970.00", "€30.00", "€50,030.00"):
        assert figure in message, message
    # Within the ceiling the same allocation is accepted.
    services.closing_allocate(
        actor=book["admin"], closing=closing, ristorni=D("59.94"), reinvestment_percent=D(50)
    )
    assert closing.lines.get(kind="ristorni").amount == D("59.94")
    assert_refused(
        services.closing_allocate,
        actor=book["admin"],
        closing=closing,
        ristorni=D("59.95"),
        reinvestment_percent=D(50),
        on="ristorni",
    )


def test_no_work_of_members_in_the_cash_book_allows_no_ristorni_on_work(book):
    coop, year = book["coop"], last_year()
    profit(coop, year, "10000.00")
    job(book["members"]["member"], year)  # a position, but no wages recorded
    closing = services.closing_prepare(
        actor=book["admin"], coop=coop, year=year, result_source="cash_book"
    )
    assert_refused(
        services.closing_allocate,
        actor=book["admin"],
        closing=closing,
        ristorni=D("0.01"),
        reinvestment_percent=D(50),
        on="ristorni",
        saying="2545-sexies",
        unchanged=AllocationLine.objects.count,
    )
    services.closing_allocate(actor=book["admin"], closing=closing, reinvestment_percent=D(50))


def test_the_basis_chosen_for_the_ristorni_sets_their_ceiling(book):
    """The allocation is measured on the statute's kind (members' work) until a basis is
    chosen; choosing purchases measures it on the sales to members, here none: refused, and
    the plan and its lines stay as they were."""
    members, year = book["members"], last_year()
    closing = allocated(book, year, ristorni="1000.00")
    job(members["member"], year)
    plan = services.ristorni_compute(actor=book["admin"], closing=closing, basis="work")
    before = list(Ristorno.objects.values_list("member_id", "amount"))
    assert_refused(
        services.ristorni_compute,
        actor=book["admin"],
        closing=closing,
        basis="purchases",
        on="basis",
        saying="2545-sexies",
        unchanged=lambda: list(Ristorno.objects.values_list("member_id", "amount")),
    )
    plan.refresh_from_db()
    assert plan.basis == "work" and before


def test_proposing_checks_the_ceiling_again_on_the_books_of_now(book):
    coop, year = book["coop"], last_year()
    closing = allocated(book, year, ristorni="5000.00")  # 2,000 € of wages, all to members
    wage(coop, year, "6000.00")  # later: a worker who is not a member, 3/4 of the labour cost
    profit(coop, year, "6000.00")  # the result stays 10,000 €
    assert_refused(
        services.closing_propose,
        actor=book["admin"],
        closing=closing,
        on="ristorni",
        saying="€2,500.00",
    )
    closing.refresh_from_db()
    assert closing.status == "draft"


def test_the_api_answers_422_on_ristorni_with_the_ceiling_and_shows_it(client, book):
    closing = two_days(book)["closing"]
    client.force_login(book["admin"])
    one = f"{A}/{closing.pk}"
    body = json.dumps({"ristorni": "67000.00", "reinvestment_percent": "50"})
    for method, url in (("put", f"{one}/allocation"), ("post", f"{one}/allocation/preview")):
        answer = getattr(client, method)(url, body, content_type="application/json")
        assert answer.status_code == 422, answer.content
        errors = answer.json()["errors"]
        assert [e["field"] for e in errors] == ["ristorni"]
        assert "art. 2545-sexies" in errors[0]["message"] and "€59.94" in errors[0]["message"]
    assert not closing.lines.exists()
    shown = client.get(one).json()["ristorni_ceiling"]
    assert shown["ceiling"] == "59.94" and shown["basis"] == ""
    assert (shown["with_members"], shown["total"]) == ("30.00", "50030.00")


def test_the_allocation_page_shows_the_computation_and_refuses_more(client, book):
    closing = two_days(book)["closing"]
    client.force_login(book["admin"])
    url = f"{C}/{closing.pk}/allocation/"
    page = client.get(url).content.decode()
    assert "art. 2545-sexies" in page
    for figure in ("€59.94", "€99,970.00", "€30.00", "€50,030.00"):
        assert figure in page
    form = {
        "legal_reserve_percent": "30",
        "ristorni": "67000.00",
        "dividends": "0",
        "reinvestment_percent": "50",
    }
    answer = client.post(url, form)
    assert answer.status_code == 200
    assert "€59.94" in answer.content.decode()
    assert not closing.lines.exists()
