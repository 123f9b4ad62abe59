"""The closings' API: the workflow end to end, 422 with field errors for what the law or the
status forbids, the public and private reads, one's own ristorni, constant queries."""

from __future__ import annotations

import json
from decimal import Decimal as D

import pytest
from django.utils import timezone

from comunitas.economy.closing import services
from tests.economy.closing.matrix import (
    allocated,
    carried_motion,
    job,
    last_year,
    make,
    profit,
    wage,
)
from tests.helpers import book_for

pytestmark = pytest.mark.django_db
A = "/api/v1/coops/alpha/economy/closings"


def send(client, method: str, url: str, body=None):
    return getattr(client, method)(url, json.dumps(body or {}), content_type="application/json")


def fields(answer) -> set:
    assert answer.status_code == 422, answer.content
    return {e["field"] for e in answer.json()["errors"]}


def test_the_whole_closing_through_the_api(client, people):
    book = book_for(people)
    year, members = last_year(), book["members"]
    profit(book["coop"], year, "24000.00")
    wage(book["coop"], year, "4000.00", job=job(members["member"], year))  # the labour cost
    job(members["admin"], year)
    client.force_login(book["admin"])
    made = send(client, "post", A, {"year": year, "result_source": "cash_book"})
    assert made.status_code == 201
    closing = made.json()
    assert closing["result"] == "20000.00" and closing["status"] == "draft"
    assert {m["kind"] for m in closing["legal_minima"]} == {"legal_reserve", "mutual_funds"}
    one = f"{A}/{closing['id']}"
    allocation = {"ristorni": "2000.01", "reinvestment_percent": "60"}
    preview = send(client, "post", f"{one}/allocation/preview", allocation).json()
    assert sum(D(line["amount"]) for line in preview["lines"]) == D("20000.00")
    assert send(client, "put", f"{one}/allocation", allocation).status_code == 200
    computed = send(client, "put", f"{one}/ristorni", {"basis": "work", "shares_percent": "0"})
    assert computed.json()["ristorni"]["amount"] == "2000.01"
    lines = client.get(f"{one}/ristorni").json()["items"]
    assert sorted(line["amount"] for line in lines) == ["1000.00", "1000.01"]
    assert send(client, "post", f"{one}/propose").json()["status"] == "proposed"
    motion = carried_motion(book)
    listed = client.get(f"{A}/motions").json()["items"]
    assert [m["id"] for m in listed] == [motion.pk]
    approved = send(client, "post", f"{one}/approve", {"motion_id": motion.pk}).json()
    assert approved["status"] == "approved" and approved["motion_id"] == motion.pk
    paid = send(client, "post", f"{one}/ristorni/pay", {"on_date": str(timezone.localdate())})
    assert paid.json() == {"paid": 2}
    again = send(client, "post", f"{one}/ristorni/pay", {"on_date": str(timezone.localdate())})
    assert again.json() == {"paid": 0}
    assert fields(send(client, "patch", one, {"notes": "late"})) == {None}  # locked


def test_bad_allocations_and_approvals_answer_422_with_the_field(client, people):
    made = make(people)
    client.force_login(made["admin"])
    draft = f"{A}/{made['draft'].pk}"
    below = {"legal_reserve_percent": "29.99", "reinvestment_percent": "0"}
    assert fields(send(client, "put", f"{draft}/allocation", below)) == {"legal_reserve_percent"}
    over_cap = {"dividends": "0.01", "reinvestment_percent": "0"}
    assert fields(send(client, "put", f"{draft}/allocation", over_cap)) == {"dividends"}
    assert fields(send(client, "post", f"{draft}/allocation/preview", over_cap)) == {"dividends"}
    closed = {"year": made["approved"].year, "result_source": "cash_book"}
    answer = send(client, "post", A, closed)
    assert fields(answer) == {"year"} and "already closed" in answer.json()["errors"][0]["message"]
    send(client, "post", f"{draft}/propose")
    lost = carried_motion(made, "Respinta", carried=False)
    assert fields(send(client, "post", f"{draft}/approve", {"motion_id": lost.pk})) == {"motion"}
    other = book_for({**people, "coop": people["other"], "admin": people["stranger"]})
    foreign = carried_motion({**other, "staff": people["stranger"]})
    answer = send(client, "post", f"{draft}/approve", {"motion_id": foreign.pk})
    assert fields(answer) == {"motion_id"}
    assert fields(send(client, "put", f"{draft}/ristorni", {"basis": "services"})) == {"basis"}
    assert fields(
        send(client, "post", A, {"year": timezone.localdate().year, "result_source": "cash_book"})
    ) == {"year"}


def test_the_public_reads_approved_closings_and_a_member_only_their_own_ristorni(client, people):
    made = make(people)
    listed = client.get(A).json()
    assert [c["id"] for c in listed["items"]] == [made["approved"].pk]
    assert "ristorni" in client.get(f"{A}/{made['approved'].pk}").json()
    assert client.get(f"{A}/{made['approved'].pk}").json()["ristorni"] is None  # not public
    assert client.get(f"{A}/{made['draft'].pk}").status_code == 404
    client.force_login(made["member"])
    mine = client.get(f"{A}/mine").json()["items"]
    assert [r["id"] for r in mine] == [made["own_ristorno"].pk]
    own = client.get(f"{A}/ristorni/{made['own_ristorno'].pk}").json()
    assert own["total_amount"] == "1000.00" and own["basis"] == "work"
    assert client.get(f"{A}/ristorni/{made['other_ristorno'].pk}").status_code == 404


@pytest.mark.parametrize("n", [2, 6])
def test_the_list_is_a_constant_number_of_queries(client, people, n, django_assert_num_queries):
    for i in range(n):
        closing = services.closing_prepare(
            actor=people["admin"],
            coop=people["coop"],
            year=last_year() - i,
            result_source="statement",
            result=D("500.00"),
        )
        services.closing_allocate(actor=people["admin"], closing=closing, reinvestment_percent=D(0))
    client.force_login(people["staff"])
    # The session and its user, the cooperative, the caller's roles, the count, the page's
    # closings, their lines.
    with django_assert_num_queries(7):
        listed = client.get(A).json()
    assert listed["count"] == n and all(len(c["lines"]) == 6 for c in listed["items"])


@pytest.mark.parametrize("n", [2, 7])
def test_the_ristorni_endpoint_is_a_constant_number_of_queries(
    client, people, n, django_assert_num_queries
):
    book = book_for(people)
    year = last_year()
    closing = allocated(book, year)
    for key in ["member", "admin", 3, 4, 5, 6, 7][:n]:
        job(book["members"][key], year)
    services.ristorni_compute(actor=book["admin"], closing=closing, basis="work")
    client.force_login(book["staff"])
    # The session and its user, the cooperative, the caller's roles, the closing, the count,
    # the page's rows with their members, closing and share movement.
    with django_assert_num_queries(7):
        listed = client.get(f"{A}/{closing.pk}/ristorni").json()
    assert listed["count"] == n
