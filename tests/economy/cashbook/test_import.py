"""Importing a bank statement or an accountant's export: CSV and XLSX, Italian formats, debit
and credit columns, encodings, every bad row reported with its line and nothing saved,
duplicates skipped, a re-import writing nothing twice, and the CLI."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook
from typer.testing import CliRunner

from comunitas.cli import app
from comunitas.core.errors import ValidationError
from comunitas.core.models import AuditEntry
from comunitas.economy.cashbook.imports import import_movements, parse_amount, parse_date
from comunitas.economy.models import Counterparty, ImportBatch, Movement, MovementSource
from tests.economy.cashbook.matrix import expense, freeze
from tests.helpers import assert_refused

pytestmark = pytest.mark.django_db

BANK = (
    "Data;Importo;Descrizione;Riferimento;Controparte\n"
    "31/12/2025;1.234,56;Contributo regionale;CRO 1;Regione Liguria\n"
    "02/01/2026;-12,30;Commissioni;;Banca\n"
    "2026-01-03;-250,00;Legna;FT 7;Segheria Rossi\n"
)
MAPPING = {"date": "Data", "amount": "Importo", "reference": "Riferimento"}


def run(coop, text: str | bytes, **options):
    data = text.encode("utf-8") if isinstance(text, str) else text
    options.setdefault("name", "estratto.csv")
    return import_movements(coop=coop, actor=None, file=data, **options)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,56", "1234.56"),
        ("-12,30", "-12.30"),
        ("1234.56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("€ 5", "5.00"),
        ("+7,5", "7.50"),
        ("1.000.000", "1000000.00"),
        (12.3, "12.30"),
    ],
)
def test_amounts_in_italian_and_plain_form(text, expected):
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31/12/2025", date(2025, 12, 31)),
        ("31.12.25", date(2025, 12, 31)),
        ("2025-12-31", date(2025, 12, 31)),
    ],
)
def test_dates_in_italian_and_iso_form(text, expected):
    assert parse_date(text) == expected


@given(cents=st.integers(min_value=-(10**14) + 1, max_value=10**14 - 1))
def test_an_amount_written_the_italian_way_reads_back(cents):
    amount = Decimal(cents) / 100
    italian = f"{amount:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    assert parse_amount(italian) == amount
    assert parse_amount(f"{amount:.2f}") == amount


def test_a_bank_csv_imports_with_its_directions_and_counterparties(people):
    coop = people["coop"]
    report = run(coop, "\ufeff" + BANK, mapping=MAPPING)
    assert report.written and (report.rows, report.imported, report.duplicates) == (3, 3, 0)
    assert report.encoding == "utf-8"
    rows = {m.reference or m.description: m for m in Movement.objects.select_related("category")}
    grant = rows["CRO 1"]
    assert (grant.direction, grant.amount, grant.category.code) == (
        "income",
        Decimal("1234.56"),
        "other-income",
    )
    fees = rows["Commissioni"]
    assert (fees.direction, fees.amount, fees.category.code) == (
        "expense",
        Decimal("12.30"),
        "other",
    )
    assert fees.on_date == date(2026, 1, 2) and fees.source == MovementSource.IMPORT
    assert rows["FT 7"].counterparty.name == "Segheria Rossi"
    assert Counterparty.objects.filter(coop=coop).count() == 3
    batch = ImportBatch.objects.get()
    assert (batch.kind, batch.filename, batch.rows, batch.duplicates) == (
        "bank",
        "estratto.csv",
        3,
        0,
    )
    assert Movement.objects.filter(batch=batch).count() == 3
    assert AuditEntry.objects.filter(action="cashbook.import").count() == 1


def test_re_importing_skips_every_row_and_duplicates_within_a_file(people):
    coop = people["coop"]
    run(coop, BANK, mapping=MAPPING)
    again = run(coop, BANK, mapping=MAPPING)
    assert again.written and (again.imported, again.duplicates) == (0, 3)
    assert Movement.objects.count() == 3
    twice = "Data;Importo;Riferimento\n05/01/2026;10,00;A\n05/01/2026;10,00;A\n05/01/2026;10,00;B\n"
    report = run(coop, twice)
    assert (report.imported, report.duplicates) == (2, 1)
    # A movement entered by hand with the same date, amount and reference is the same too.
    expense(coop, None, "40.00", on_date=date(2026, 1, 6), reference="FT 9")
    report = run(coop, "Data;Importo;Riferimento\n06/01/2026;-40,00;FT 9\n")
    assert (report.imported, report.duplicates) == (0, 1)


def test_debit_and_credit_columns_and_category_codes(people):
    coop = people["coop"]
    text = (
        "Data,Accrediti,Addebiti,Causale,Categoria\n"
        "10/02/2026,500.00,,Quota soci,fees\n"
        "11/02/2026,,80.00,Assicurazione,insurance\n"
        "12/02/2026,,24.00,Rimborso biglietto,services\n"
    )
    report = run(coop, text)
    assert report.written and report.columns["credit"] == "Accrediti"
    found = {
        m.description: (m.direction, m.amount, m.category.code) for m in Movement.objects.all()
    }
    assert found == {
        "Quota soci": ("income", Decimal("500.00"), "fees"),
        "Assicurazione": ("expense", Decimal("80.00"), "insurance"),
        # Money out under an income category is a refund: a negative income.
        "Rimborso biglietto": ("income", Decimal("-24.00"), "services"),
    }


def test_bad_rows_are_reported_by_line_and_nothing_is_saved(people):
    coop = people["coop"]
    freeze(coop, 2024)
    text = (
        "Data;Importo;Categoria\n"
        "01/03/2026;12,00;\n"
        "32/01/2026;5,00;\n"
        "02/03/2026;dodici;\n"
        "03/03/2026;0,00;\n"
        "15/06/2024;7,00;\n"
        "04/03/2026;8,00;nonesiste\n"
        "05/03/2026;1,005;\n"
    )
    report = run(coop, text)
    assert not report.written and report.imported == 0
    problems = {(e.line, e.field): e.message for e in report.errors}
    assert set(problems) == {
        (3, "date"),
        (4, "amount"),
        (5, "amount"),
        (6, "date"),
        (7, "category"),
        (8, "amount"),
    }
    assert "Not a date" in problems[(3, "date")] and "zero" in problems[(5, "amount")]
    assert "2024 is closed" in problems[(6, "date")]
    assert "nonesiste" in problems[(7, "category")]
    assert not Movement.objects.exists() and not ImportBatch.objects.exists()


def test_an_xlsx_file_imports(people):
    book = Workbook()
    sheet = book.active
    sheet.append(["Data operazione", "Importo", "Descrizione"])
    sheet.append([date(2026, 3, 1), 1500.5, "Bando fondazione"])
    sheet.append(["02/03/2026", "-99,90", "Vernice"])
    buffer = io.BytesIO()
    book.save(buffer)
    report = run(people["coop"], buffer.getvalue(), name="banca.xlsx")
    assert report.written and report.imported == 2
    assert sorted(Movement.objects.values_list("amount", flat=True)) == [
        Decimal("99.90"),
        Decimal("1500.50"),
    ]


def test_a_file_not_in_utf8_needs_its_encoding_said(people):
    coop = people["coop"]
    text = "Data;Importo;Descrizione\n01/03/2026;10,00;Caffè e caffè\n".encode("cp1252")
    assert_refused(run, coop, text, on="file", saying="not UTF-8")
    report = run(coop, text, encoding="windows-1252")
    assert report.written and report.encoding == "windows-1252"
    assert Movement.objects.get().description == "Caffè e caffè"
    assert_refused(run, coop, text, saying="UTF-8, Windows-1252 or Latin-1", encoding="ebcdic")


def test_the_columns_must_be_found(people):
    with pytest.raises(ValidationError) as caught:
        run(people["coop"], "Giorno;Soldi\n01/03/2026;10\n")
    messages = " ".join(e.message for e in caught.value.errors)
    assert "date" in messages and "Giorno, Soldi" in messages
    assert_refused(run, people["coop"], BANK, saying="no column Valuta", mapping={"date": "Valuta"})
    assert_refused(run, people["coop"], BANK, saying="Unknown field", mapping={"colour": "Data"})


def test_progress_is_reported_by_stage(people):
    seen: list[tuple[str, int, int]] = []
    run(people["coop"], BANK, progress=lambda *args: seen.append(args))
    assert ("Checking rows", 3, 3) in seen and ("Writing movements", 3, 3) in seen


def test_the_cli_imports_with_a_mapping_and_fails_on_bad_rows(people, tmp_path):
    good = tmp_path / "banca.csv"
    good.write_text("Giorno;Soldi;Rif\n01/03/2026;10,00;X\n", encoding="utf-8")
    runner = CliRunner()
    args = ["economy", "import", str(good), "--coop", "alpha", "--kind", "bank"]
    mapping = ["--map", "date=Giorno", "--map", "amount=Soldi", "--map", "reference=Rif"]
    result = runner.invoke(app, [*args, *mapping])
    assert result.exit_code == 0, result.output
    assert "1 movements imported" in result.output
    again = runner.invoke(app, [*args, *mapping])
    assert "0 movements imported, 1 already" in again.output
    bad = tmp_path / "rotto.csv"
    bad.write_text("Giorno;Soldi\n01/03/2026;dieci\n", encoding="utf-8")
    failed = runner.invoke(app, ["economy", "import", str(bad), "--coop", "alpha", *mapping[:4]])
    assert failed.exit_code == 1 and "Nothing was written" in failed.output
    unmapped = runner.invoke(app, ["economy", "import", str(bad), "--coop", "alpha"])
    assert unmapped.exit_code == 1 and "Nothing was written" in unmapped.output
    assert Movement.objects.count() == 1
