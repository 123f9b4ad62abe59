"""The cash book's API: movements (filters, pagination, one, entering, reversing), counterparties,
categories and the import, with 422 answers in the shape {"detail", "errors"}."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from comunitas.economy.models import Movement
from tests.economy.cashbook.matrix import expense, income

pytestmark = pytest.mark.django_db
A = "/api/v1/coops/alpha/economy"
TODAY = timezone.localdate().isoformat()


@pytest.fixture
def staff(client, people):
    client.force_login(people["staff"])
    return client


def post(client, url: str, body: dict):
    return client.post(url, json.dumps(body), content_type="application/json")


def errors_of(response) -> dict[str | None, str]:
    assert response.status_code == 422, response.content
    body = response.json()
    assert set(body) == {"detail", "errors"}
    return {e["field"]: e["message"] for e in body["errors"]}


def test_movements_list_filters_and_pages(staff, people, django_assert_num_queries):
    coop = people["coop"]
    for i in range(5):
        expense(coop, None, f"{i + 1}.00", description=f"spesa {i}")
    income(coop, None, "70.00", description="contributo")
    page = staff.get(f"{A}/movements", {"limit": 2})
    body = page.json()
    assert body["count"] == 6 and len(body["items"]) == 2
    assert body["items"][0]["category"] in {"suppliers", "grants"}
    rest = staff.get(f"{A}/movements", {"limit": 2, "offset": 4}).json()
    assert len(rest["items"]) == 2
    only = staff.get(f"{A}/movements", {"direction": "income"}).json()
    assert [m["amount"] for m in only["items"]] == ["70.00"]
    text = staff.get(f"{A}/movements", {"q": "spesa 3", "category": "suppliers"}).json()
    assert text["count"] == 1
    # The session, the user, the cooperative, the roles; the count and the rows (the category
    # joined): the same with 6 rows and with 30.
    with django_assert_num_queries(6):
        staff.get(f"{A}/movements", {"limit": 50})
    for i in range(24):
        income(coop, None, f"{i + 1}.00")
    with django_assert_num_queries(6):
        assert staff.get(f"{A}/movements", {"limit": 50}).json()["count"] == 30


def test_create_get_and_reverse(staff, people):
    created = post(
        staff,
        f"{A}/movements",
        {"on_date": TODAY, "category": "rent", "amount": "300.00", "vat": "54.10"},
    )
    assert created.status_code == 201, created.content
    movement = created.json()
    assert (movement["direction"], movement["category"]) == ("expense", "rent")
    got = staff.get(f"{A}/movements/{movement['id']}").json()
    assert got["amount"] == "300.00" and got["source"] == "manual"
    reversed_ = post(staff, f"{A}/movements/{movement['id']}/reverse", {"reason": "Errore"})
    assert reversed_.status_code == 201
    assert reversed_.json()["reverses_id"] == movement["id"]
    assert reversed_.json()["amount"] == "-300.00"
    again = post(staff, f"{A}/movements/{movement['id']}/reverse", {"reason": "Ancora"})
    assert "already reversed" in errors_of(again)[None]


def test_422_names_the_field(staff, people):
    zero = post(staff, f"{A}/movements", {"on_date": TODAY, "category": "rent", "amount": "0"})
    assert "zero" in errors_of(zero)["amount"]
    unknown = post(staff, f"{A}/movements", {"on_date": TODAY, "category": "x", "amount": "1"})
    assert "Unknown category" in errors_of(unknown)["category"]
    theirs = expense(people["other"], None)
    foreign = post(
        staff,
        f"{A}/movements",
        {"on_date": TODAY, "category": "rent", "amount": "1", "counterparty_id": 999_999},
    )
    assert "this cooperative" in errors_of(foreign)["counterparty"]
    assert staff.get(f"{A}/movements/{theirs.pk}").status_code == 404
    typo = post(staff, f"{A}/movements", {"on_date": TODAY, "categoria": "rent", "amount": "1"})
    errors_of(typo)
    assert not Movement.objects.filter(coop=people["coop"]).exists()


def test_counterparties_and_categories(staff, people):
    created = post(
        staff,
        f"{A}/counterparties",
        {"name": "Bar", "kind": "customer", "municipality": "008034", "tax_code": "00743110157"},
    )
    assert created.status_code == 201 and created.json()["is_local"] is True
    party = created.json()["id"]
    moved = staff.patch(
        f"{A}/counterparties/{party}",
        json.dumps({"municipality": "066004"}),
        content_type="application/json",
    )
    assert moved.json()["is_local"] is False and moved.json()["name"] == "Bar"
    listed = staff.get(f"{A}/counterparties").json()
    assert listed["count"] == 1
    bad = post(staff, f"{A}/counterparties", {"name": "X", "kind": "other", "tax_code": "1"})
    assert "not a valid" in errors_of(bad)["tax_code"]
    codes = {c["code"] for c in staff.get(f"{A}/categories").json()}
    assert {"services", "products", "other"} <= codes
    new = post(
        staff,
        f"{A}/categories",
        {"code": "rentals", "name": "Affitti", "direction": "income"},
    )
    assert new.status_code == 201 and new.json()["flow"] == "revenue"


def test_import_answers_422_per_row_and_writes_nothing(staff, people):
    bad = SimpleUploadedFile("b.csv", b"Data;Importo\n01/03/2026;x\n31/02/2026;1,00\n")
    refused = staff.post(f"{A}/import", {"file": bad})
    errors = errors_of(refused)
    assert set(errors) == {"row 2: amount", "row 3: date"}
    assert "2 rows are not valid" in refused.json()["detail"]
    assert not Movement.objects.exists()
    good = SimpleUploadedFile("b.csv", b"Giorno;Soldi;Rif\n01/03/2026;-5,00;R1\n")
    mapping = {"date": "Giorno", "amount": "Soldi", "reference": "Rif"}
    options = json.dumps({"kind": "accountant", "mapping": mapping})
    done = staff.post(f"{A}/import", {"file": good, "payload": options})
    assert done.status_code == 200, done.content
    assert done.json()["imported"] == 1 and done.json()["columns"]["date"] == "Giorno"
    good.seek(0)
    again = staff.post(f"{A}/import", {"file": good, "payload": options})
    assert (again.json()["imported"], again.json()["duplicates"]) == (0, 1)
    good.seek(0)
    broken = staff.post(f"{A}/import", {"file": good, "payload": json.dumps({"kind": "x"})})
    errors_of(broken)
    assert "file" in errors_of(staff.post(f"{A}/import", {}))


def test_import_of_rows_as_json(staff, people):
    rows = [
        {"Data": "2026-03-01", "Importo": 12.5, "Rif": "A1"},
        {"Data": "2026-03-02", "Importo": "-3,00", "Rif": "A2"},
    ]
    body = {"rows": rows, "mapping": {"reference": "Rif"}}
    done = post(staff, f"{A}/import", body)
    assert done.status_code == 200, done.content
    assert done.json()["imported"] == 2 and done.json()["encoding"] == ""
    bad = post(staff, f"{A}/import", {"rows": [{"Data": "ieri", "Importo": 1}]})
    assert set(errors_of(bad)) == {"row 1: date"}
    typo = post(staff, f"{A}/import", {"righe": []})
    errors_of(typo)
    assert Movement.objects.count() == 2
