"""The cash book's pages: the list (filters, totals, a constant number of queries), a movement
and its reversal, the form with its errors in place, counterparties, categories, the import."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from comunitas.economy.cashbook import services
from comunitas.economy.models import Counterparty, Movement
from tests.economy.cashbook.matrix import expense, income
from tests.helpers import make_resource

pytestmark = pytest.mark.django_db
C = "/c/alpha/economy/cash-book"
TODAY = timezone.localdate()
QUERIES = 11


@pytest.fixture
def staff(client, people):
    client.force_login(people["staff"])
    return client


def test_the_list_filters_and_totals(staff, people):
    coop = people["coop"]
    hut = make_resource(coop, people["admin"])
    expense(coop, None, "100.00", resource=hut, description="Legna")
    expense(coop, None, "20.00", description="Cancelleria")
    income(coop, None, "500.00", description="Contributo")
    page = staff.get(f"{C}/")
    assert page.status_code == 200
    assert page.context["totals"].income == Decimal("500.00")
    assert page.context["totals"].net == Decimal("380.00")
    filtered = staff.get(f"{C}/", {"direction": "expense", "resource": hut.pk})
    assert [m.description for m in filtered.context["page_obj"]] == ["Legna"]
    assert filtered.context["totals"].expense == Decimal("100.00")
    text = staff.get(f"{C}/", {"q": "cancel", "year": TODAY.year, "month": TODAY.month})
    assert [m.description for m in text.context["page_obj"]] == ["Cancelleria"]
    other_year = staff.get(f"{C}/", {"year": TODAY.year - 3})
    assert not other_year.context["page_obj"].object_list
    ignored = staff.get(f"{C}/", {"year": "abc", "category": "nope"})
    assert ignored.status_code == 200 and ignored.context["page_obj"].paginator.count == 3


def _rows(coop, resource, n: int) -> None:
    party = Counterparty.objects.create(coop=coop, name=f"Fornitore {n}", kind="supplier")
    for i in range(n):
        expense(coop, None, f"{i + 1}.00", resource=resource, counterparty=party)


def test_the_list_is_a_constant_number_of_queries(staff, people, django_assert_num_queries):
    coop = people["coop"]
    hut = make_resource(coop, people["admin"])
    _rows(coop, hut, 2)
    staff.get(f"{C}/")  # warm: the chart installed
    # QUERIES: the cooperative, the session, the user, the roles (coop_view, can() reads them
    # again from the request's cache); the chart; the filter's resources, projects and
    # counterparties; the page's count, the totals, the rows (with category, counterparty,
    # resource and project joined).
    with django_assert_num_queries(QUERIES):
        staff.get(f"{C}/")
    _rows(coop, hut, 25)
    with django_assert_num_queries(QUERIES):
        response = staff.get(f"{C}/")
    assert response.context["page_obj"].paginator.count == 27


def test_a_movement_entered_by_the_form_and_its_errors_in_place(staff, people):
    page = staff.get(f"{C}/new/")
    assert page.status_code == 200
    category = page.context["form"].fields["category"].queryset.get(code="suppliers")
    form = {
        "on_date": TODAY.isoformat(),
        "category": category.pk,
        "amount": "10.00",
        "vat": "12.00",
    }
    refused = staff.post(f"{C}/new/", form)
    assert refused.status_code == 200
    assert "more than the gross" in " ".join(refused.context["form"].errors["vat"])
    form["member_number"] = "77"
    refused = staff.post(f"{C}/new/", form)
    assert "No member has this register number" in str(refused.context["form"].errors)
    del form["member_number"]
    form["vat"] = "1.80"
    saved = staff.post(f"{C}/new/", form)
    movement = Movement.objects.get()
    assert saved.status_code == 302 and saved["Location"] == f"{C}/{movement.pk}/"
    assert movement.recorded_by == people["staff"] and movement.vat == Decimal("1.80")


def test_a_movement_page_shows_its_reversal_and_what_it_reverses(staff, people):
    original = expense(people["coop"], None, "33.00")
    page = staff.get(f"{C}/{original.pk}/")
    assert page.context["reverse_form"] is not None
    empty = staff.post(f"{C}/{original.pk}/reverse/", {"reason": ""}, follow=True)
    assert not Movement.objects.filter(reverses=original).exists()
    assert "not reversed" in empty.content.decode() or "required" in empty.content.decode()
    done = staff.post(f"{C}/{original.pk}/reverse/", {"reason": "Errore"})
    reversal = Movement.objects.get(reverses=original)
    assert done["Location"] == f"{C}/{reversal.pk}/"
    assert staff.get(f"{C}/{original.pk}/").context["reversal"] == reversal
    reversal_page = staff.get(f"{C}/{reversal.pk}/")
    assert reversal_page.context["reverse_form"] is None
    assert f"{C}/{original.pk}/" in reversal_page.content.decode()
    again = staff.post(f"{C}/{original.pk}/reverse/", {"reason": "Ancora"}, follow=True)
    assert "already reversed" in again.content.decode()
    assert staff.get(f"{C}/999999/").status_code == 404


def test_another_cooperatives_movement_is_not_found(staff, people):
    theirs = expense(people["other"], None)
    assert staff.get(f"{C}/{theirs.pk}/").status_code == 404
    assert staff.post(f"{C}/{theirs.pk}/reverse/", {"reason": "x"}).status_code == 404


def test_counterparties_pages(staff, people):
    form = {
        "name": "Ferramenta",
        "kind": "supplier",
        "tax_code": "00743110157",
        "municipality": "Mendatica (IM)",
    }
    assert staff.post(f"{C}/counterparties/new/", form).status_code == 302
    party = Counterparty.objects.get()
    listing = staff.get(f"{C}/counterparties/")
    assert [c.is_local for c in listing.context["page_obj"]] == [True]
    bad = staff.post(f"{C}/counterparties/{party.pk}/", {**form, "tax_code": "123"})
    assert "not a valid" in str(bad.context["form"].errors["tax_code"])
    edit = staff.post(f"{C}/counterparties/{party.pk}/", {**form, "municipality": "066004"})
    assert edit.status_code == 302
    assert staff.get(f"{C}/counterparties/").context["page_obj"][0].is_local is False


def test_categories_page_and_adding_one(staff, people):
    page = staff.get(f"{C}/categories/")
    assert "services" in {c.code for c in page.context["categories"]}
    form = {"code": "firewood", "name": "Legna", "direction": "expense", "flow": "purchases"}
    assert staff.post(f"{C}/categories/new/", form).status_code == 302
    again = staff.post(f"{C}/categories/new/", form)
    assert again.status_code == 200 and "already exists" in str(again.context["form"].errors)


def test_the_import_page_reports_bad_rows_then_imports(staff, people):
    bad = SimpleUploadedFile("banca.csv", b"Data;Importo\n01/03/2026;abc\n02/03/2026;5,00\n")
    refused = staff.post(f"{C}/import/", {"file": bad, "kind": "bank"})
    report = refused.context["report"]
    assert not report.written and [(e.line, e.field) for e in report.errors] == [(2, "amount")]
    assert "nothing was imported" in refused.content.decode()
    assert not Movement.objects.exists()
    good = SimpleUploadedFile("banca.csv", b"Giorno;Soldi\n01/03/2026;7,00\n")
    unmapped = staff.post(f"{C}/import/", {"file": good, "kind": "bank"})
    assert "Giorno, Soldi" in str(unmapped.context["form"].non_field_errors())
    good.seek(0)
    mapped = {"file": good, "kind": "bank", "map_date": "Giorno", "map_amount": "Soldi"}
    done = staff.post(f"{C}/import/", mapped)
    assert done.context["report"].imported == 1 and Movement.objects.count() == 1
    latin = SimpleUploadedFile(
        "b.csv", "Data;Importo;Descrizione\n01/03/2026;1,00;Caffè\n".encode("cp1252")
    )
    not_utf8 = staff.post(f"{C}/import/", {"file": latin, "kind": "bank"})
    assert "not UTF-8" in str(not_utf8.context["form"].errors["file"])


def test_members_and_residents_do_not_see_the_rows(client, people):
    expense(people["coop"], None)
    for who in ("member", "resident"):
        client.force_login(people[who])
        assert client.get(f"{C}/").status_code == 403
    services.counterparty_create(actor=None, coop=people["coop"], name="A", kind="other")
    assert client.get(f"{C}/counterparties/").status_code == 403
