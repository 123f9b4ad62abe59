"""The buoni postali rate of the art. 2514 dividend cap (issue 17, point 8): the highest rate in
force in the year by default, stored with its source and the reading; the board may enter
another one, but only with a note saying why (a field error otherwise, nothing written)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal as D

import pytest

from comunitas.core.models import AuditEntry
from comunitas.economy.closing import selectors, services
from comunitas.economy.models import Closing, PostalBondRate
from tests.economy.closing.matrix import last_year
from tests.helpers import assert_refused, book_for

pytestmark = pytest.mark.django_db
A = "/api/v1/coops/alpha/economy/closings"
NOTE = "Circolare Legacoop: tasso in vigore alla chiusura"


@pytest.fixture
def book(people):
    return book_for(people)


@pytest.fixture
def rates(db):
    """Two rates in last year, the higher first: the default takes it, not the mean."""
    year = last_year()
    PostalBondRate.objects.all().delete()
    PostalBondRate.objects.create(valid_from=date(year - 1, 3, 1), rate=D("3.00"), source="CDP A")
    PostalBondRate.objects.create(valid_from=date(year, 2, 1), rate=D("5.00"), source="CDP B")
    PostalBondRate.objects.create(valid_from=date(year, 9, 1), rate=D("4.00"), source="CDP C")
    return year


def prepare(book, year, **extra) -> Closing:
    return services.closing_prepare(
        actor=book["admin"],
        coop=book["coop"],
        year=year,
        result_source="statement",
        result=D("1000.00"),
        **extra,
    )


def test_the_default_is_the_highest_rate_in_force_in_the_year_with_its_source(book, rates):
    closing = prepare(book, rates)
    assert closing.postal_bond_rate == D("5.00")  # the mean by days would be 4.08
    assert closing.postal_bond_rate_reading == "highest"
    assert closing.postal_bond_rate_source.startswith("CDP B")
    assert f"01/02/{rates}" in closing.postal_bond_rate_source
    assert "highest in force" in closing.postal_bond_rate_source
    assert closing.postal_bond_rate_note == ""
    changes = AuditEntry.objects.get(action="closing.prepare").changes
    assert changes["postal_bond_rate_reading"]["after"] == "highest"


def test_a_rate_of_the_board_without_a_note_is_refused_and_nothing_is_written(book, rates):
    error = assert_refused(
        prepare,
        book,
        rates,
        postal_bond_rate=D("3.00"),
        on="postal_bond_rate_note",
        saying="art. 2514",
        unchanged=Closing.objects.count,
    )
    assert "5.00%" in error.messages[0]  # the highest of the year, for comparison
    assert_refused(
        prepare,
        book,
        rates,
        postal_bond_rate=D("3.00"),
        postal_bond_rate_note="   ",
        on="postal_bond_rate_note",
        unchanged=Closing.objects.count,
    )


def test_a_rate_of_the_board_with_a_note_is_stored_as_the_board_s(book, rates):
    closing = prepare(book, rates, postal_bond_rate=D("4.00"), postal_bond_rate_note=NOTE)
    assert (closing.postal_bond_rate, closing.postal_bond_rate_reading) == (D("4.00"), "board")
    assert closing.postal_bond_rate_source == "Entered by the board"
    assert closing.postal_bond_rate_note == NOTE
    # The highest rate entered by hand is the default, and needs no note.
    other = services.closing_update(actor=book["admin"], closing=closing, postal_bond_rate=D(5))
    assert (other.postal_bond_rate_reading, other.postal_bond_rate_note) == ("highest", "")


def test_changing_the_rate_needs_a_note_keeping_it_does_not(book, rates):
    closing = prepare(book, rates)
    admin = book["admin"]
    assert_refused(
        services.closing_update,
        actor=admin,
        closing=closing,
        postal_bond_rate=D("2.50"),
        on="postal_bond_rate_note",
        unchanged=lambda: Closing.objects.filter(pk=closing.pk).values().get(),
    )
    closing = services.closing_update(
        actor=admin, closing=closing, postal_bond_rate=D("2.50"), postal_bond_rate_note=NOTE
    )
    # The same rate again keeps its note; another rate asks for one again.
    closing = services.closing_update(actor=admin, closing=closing, postal_bond_rate=D("2.50"))
    assert closing.postal_bond_rate_note == NOTE
    assert_refused(
        services.closing_update,
        actor=admin,
        closing=closing,
        postal_bond_rate=D("2.00"),
        on="postal_bond_rate_note",
    )
    # The note of a board's rate cannot be emptied.
    assert_refused(
        services.closing_update,
        actor=admin,
        closing=closing,
        postal_bond_rate_note="",
        on="postal_bond_rate_note",
    )
    # None: back to the default.
    closing = services.closing_update(actor=admin, closing=closing, postal_bond_rate=None)
    assert (closing.postal_bond_rate, closing.postal_bond_rate_reading) == (D("5.00"), "highest")
    entry = AuditEntry.objects.filter(action="closing.update").first()
    assert entry.changes["postal_bond_rate_reading"] == {"before": "board", "after": "highest"}


def test_a_year_without_a_known_rate_needs_the_board_s_rate_and_note(book):
    PostalBondRate.objects.all().delete()
    year = last_year()
    assert_refused(prepare, book, year, on="postal_bond_rate", unchanged=Closing.objects.count)
    assert_refused(prepare, book, year, postal_bond_rate=D("4.00"), on="postal_bond_rate_note")
    closing = prepare(book, year, postal_bond_rate=D("4.00"), postal_bond_rate_note=NOTE)
    assert closing.postal_bond_rate_reading == "board"
    assert selectors.closing_get(coop=book["coop"], pk=closing.pk, all_statuses=True)


def test_the_api_and_the_page_show_the_rate_its_source_and_the_note(client, book, rates):
    client.force_login(book["admin"])

    def post(body):
        return client.post(A, json.dumps(body), content_type="application/json")

    body = {"year": rates, "result_source": "statement", "result": "10.00"}
    refused = post({**body, "postal_bond_rate": "3.00"})
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["postal_bond_rate_note"]
    assert not Closing.objects.exists()
    made = post({**body, "postal_bond_rate": "3.00", "postal_bond_rate_note": NOTE}).json()
    assert made["postal_bond_rate_reading"] == "board"
    assert made["postal_bond_rate_note"] == NOTE
    one = f"{A}/{made['id']}"
    back = client.patch(one, json.dumps({"postal_bond_rate": None}), "application/json").json()
    assert (back["postal_bond_rate"], back["postal_bond_rate_reading"]) == ("5.00", "highest")
    assert back["postal_bond_rate_source"].startswith("CDP B")
    untouched = client.patch(one, json.dumps({"notes": "x"}), "application/json").json()
    assert untouched["postal_bond_rate"] == "5.00"
    page = client.get(f"/c/alpha/economy/closings/{made['id']}/").content.decode()
    assert "CDP B" in page and "The highest rate in force in the year" in page
    form = client.post(
        f"/c/alpha/economy/closings/{made['id']}/edit/",
        {"result_source": "statement", "result": "10.00", "postal_bond_rate": "3.50"},
    )
    assert form.status_code == 200 and "needs a note" in form.content.decode()
    assert Closing.objects.get().postal_bond_rate == D("5.00")
