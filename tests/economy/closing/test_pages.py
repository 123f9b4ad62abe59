"""The closings' pages: who sees what, the allocation form with its minima and preview, the
workflow buttons, the ristorni and a member's own statement (page and PDF)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.utils import timezone

from comunitas.economy.closing import services
from comunitas.economy.models import ClosingStatus
from tests.economy.closing.matrix import allocated, approved, carried_motion, job, last_year, make
from tests.helpers import book_for

pytestmark = pytest.mark.django_db
C = "/c/alpha/economy/closings"


@pytest.fixture
def made(people):
    return make(people)


def test_the_public_sees_approved_closings_and_their_allocation_only(client, made):
    page = client.get(f"{C}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert str(made["approved"].year) in text and "Legal reserve" in text
    assert f"{C}/{made['draft'].pk}/" not in text
    assert client.get(f"{C}/{made['draft'].pk}/").status_code == 404
    client.force_login(made["staff"])
    assert f"{C}/{made['draft'].pk}/" in client.get(f"{C}/").content.decode()


@pytest.mark.parametrize("n", [2, 6])  # the years with a buoni postali rate
def test_the_list_is_a_constant_number_of_queries(client, people, n, django_assert_num_queries):
    for i in range(n):
        closing = services.closing_prepare(
            actor=people["admin"],
            coop=people["coop"],
            year=last_year() - i,
            result_source="statement",
            result=D("1000.00") + i,
        )
        services.closing_allocate(
            actor=people["admin"], closing=closing, reinvestment_percent=D(50)
        )
    client.force_login(people["staff"])
    # The session and its user, the cooperative, the caller's roles, the count, the page's
    # closings, their lines.
    with django_assert_num_queries(7):
        page = client.get(f"{C}/")
    assert page.context["page_obj"].paginator.count == n


def test_the_allocation_form_shows_the_minima_and_refuses_less(client, made):
    client.force_login(made["admin"])
    url = f"{C}/{made['draft'].pk}/allocation/"
    page = client.get(url)
    assert "3.000,00" in page.content.decode() or "€3,000.00" in page.content.decode()
    below = {
        "legal_reserve_percent": "20",
        "ristorni": "0",
        "dividends": "0",
        "reinvestment_percent": "50",
    }
    answer = client.post(url, below)
    assert answer.status_code == 200 and answer.context["form"].errors["legal_reserve_percent"]
    over_cap = {**below, "legal_reserve_percent": "30", "dividends": "1.00"}
    answer = client.post(url, over_cap)
    assert "art. 2514" in " ".join(answer.context["form"].errors["dividends"])
    done = client.post(url, {**over_cap, "dividends": "0", "reinvestment_percent": "100"})
    assert done.status_code == 302
    lines = dict(made["draft"].lines.values_list("kind", "amount"))
    assert lines["reinvestment"] == D("6700.00") and lines["indivisible"] == D("0.00")


def test_the_preview_shows_the_lines_or_the_rule_broken(client, made):
    client.force_login(made["admin"])
    url = f"{C}/{made['draft'].pk}/allocation/preview/"
    good = {"legal_reserve_percent": "30", "ristorni": "0", "dividends": "0"}
    shown = client.get(url, {**good, "reinvestment_percent": "50"}).content.decode()
    assert "Community reinvestment fund" in shown and "3,350.00" in shown
    refused = client.get(url, {**good, "ristorni": "9000", "reinvestment_percent": "50"})
    assert "at most" in refused.content.decode()


def test_propose_withdraw_and_approve_through_the_pages(client, made):
    client.force_login(made["admin"])
    draft = made["draft"]
    client.post(f"{C}/{draft.pk}/propose/")
    draft.refresh_from_db()
    assert draft.status == ClosingStatus.PROPOSED
    page = client.get(f"{C}/{draft.pk}/")
    assert page.context["approve_form"] is not None
    lost = carried_motion(made, "Respinta", carried=False)
    answer = client.post(f"{C}/{draft.pk}/approve/", {"motion": lost.pk}, follow=True)
    assert "Select a valid choice" in answer.content.decode()  # only carried motions offered
    client.post(f"{C}/{draft.pk}/approve/", {"motion": carried_motion(made).pk})
    draft.refresh_from_db()
    assert draft.status == ClosingStatus.APPROVED
    answer = client.post(f"{C}/{draft.pk}/withdraw/", follow=True)
    assert "can no longer change" in answer.content.decode()


def test_a_year_already_closed_is_refused_on_the_form(client, made):
    client.force_login(made["admin"])
    answer = client.post(f"{C}/new/", {"year": made["approved"].year, "result_source": "cash_book"})
    assert "already closed" in " ".join(answer.context["form"].errors["year"])


def test_a_member_reads_only_their_own_statement(client, made):
    own, other = made["own_ristorno"], made["other_ristorno"]
    client.force_login(made["member"])
    mine = client.get(f"{C}/mine/")
    assert [r.pk for r in mine.context["ristorni"]] == [own.pk]
    page = client.get(f"{C}/ristorni/{own.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Work" in text and str(own.exchange) in text
    assert client.get(f"{C}/ristorni/{other.pk}/").status_code == 404
    assert client.get(f"{C}/ristorni/{other.pk}/statement.pdf").status_code == 404
    pdf = client.get(f"{C}/ristorni/{own.pk}/statement.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    client.force_login(made["admin"])
    assert client.get(f"{C}/ristorni/{other.pk}/").status_code == 200


def test_paying_from_the_page_and_again_pays_nobody_twice(client, people):
    book = book_for(people)
    done = approved(book, last_year())
    client.force_login(book["admin"])
    url = f"{C}/{done.pk}/ristorni/pay/"
    day = str(timezone.localdate())
    first = client.post(url, {"on_date": day}, follow=True)
    assert "2 ristorni are paid" in first.content.decode()
    again = client.post(url, {"on_date": day}, follow=True)
    assert "paid already" in again.content.decode()


@pytest.mark.parametrize("n", [2, 7])
def test_the_ristorni_list_is_a_constant_number_of_queries(
    client, people, n, django_assert_num_queries
):
    book = book_for(people)
    year = last_year()
    closing = allocated(book, year)
    for key in ["member", "admin", 3, 4, 5, 6, 7][:n]:
        job(book["members"][key], year)
    services.ristorni_compute(actor=book["admin"], closing=closing, basis="work")
    client.force_login(book["staff"])
    # The session and its user, the cooperative, the caller's roles, the closing, the plan,
    # the rows' count, the page's rows with their members, the totals and their count.
    with django_assert_num_queries(10):
        page = client.get(f"{C}/{closing.pk}/ristorni/")
    assert page.context["page_obj"].paginator.count == n
