"""The member book's outputs: the register on any date (page, CSV, XLSX, PDF, API, CLI) and a
member's certificate."""

from __future__ import annotations

import csv
import io
import re
import zlib
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from typer.testing import CliRunner

from comunitas.cli import app
from comunitas.core.errors import ValidationError
from comunitas.core.models import Municipality
from comunitas.members.book import services as book_services
from comunitas.members.imports.services import import_members
from comunitas.members.models import ShareClass
from comunitas.members.outputs import documents as outputs
from comunitas.members.shares import services as shares_services
from tests.helpers import CONSENT, ORGANISATION, admit, person

# The assertions read the English texts; the Italian ones are the translation's.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_pages")]


def ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


@pytest.fixture
def history(book):
    """A book with a past: the register 150 days ago differs from today's.

    n. 1 admitted 400 days ago with 3 shares, 1 paid 300 days ago, 2 more subscribed 120 days ago;
    n. 2 admitted 380 days ago, left 160 days ago; n. 3 admitted 200 days ago, left 50 days ago;
    n. 4 admitted 100 days ago (after the date); n. 5 an organisation outside the territory."""
    coop, admin = book["coop"], book["admin"]
    ordinary = ShareClass.objects.get(coop=coop, code="ordinarie")
    first = admit(coop, {**person(1), "residence": book["mendatica"]}, days_ago=400, shares=3)
    shares_services.payment_record(
        actor=admin, member=first, share_class=ordinary, amount=Decimal("25.00"), on_date=ago(300)
    )
    shares_services.shares_subscribe(
        actor=admin, member=first, share_class=ordinary, shares=2, on_date=ago(120)
    )
    second = admit(coop, person(2), days_ago=380)
    shares_services.member_exit(actor=admin, member=second, kind="withdrawal", on_date=ago(160))
    third = admit(coop, person(3), days_ago=200)
    shares_services.member_exit(actor=admin, member=third, kind="death", on_date=ago(50))
    admit(coop, person(4), days_ago=100)
    rome = Municipality.objects.get(pk="058091")
    org = admit(coop, {**ORGANISATION, "residence": rome}, days_ago=390)
    assert org.number == 5
    return {**book, "first": first, "second": second, "third": third, "org": org}


def entries(coop, day) -> dict[int, outputs.Entry]:
    return {e.number: e for e in outputs.register_entries(coop=coop, on_date=day)}


def test_the_register_on_a_past_date_has_the_members_and_holdings_of_that_day(history):
    past = entries(history["coop"], ago(150))
    assert sorted(past) == [1, 2, 3, 5]  # n. 4 was admitted later
    first = past[1]
    assert (first.shares, first.subscribed, first.paid) == (3, Decimal("75.00"), Decimal("25.00"))
    assert first.residence == "Mendatica" and first.province == "IM" and first.in_territory
    assert first.admitted_on == ago(400) and first.admission_reference == "CdA test"
    assert past[2].exited_on == ago(160) and past[2].exit_kind == "withdrawal"
    assert past[2].shares == 0 and past[2].paid == Decimal("0.00")  # redeemed at the exit
    assert past[3].exited_on is None and past[3].shares == 1  # left only later
    assert past[5].name == "Pro Loco Mendatica" and not past[5].in_territory
    today = entries(history["coop"], timezone.localdate())
    assert sorted(today) == [1, 2, 3, 4, 5]
    assert today[1].shares == 5 and today[1].subscribed == Decimal("125.00")
    assert today[3].exited_on == ago(50) and today[3].exit_label == "Death"
    assert entries(history["coop"], ago(1000)) == {}


def test_the_register_page_is_paginated_with_a_constant_number_of_queries(
    client, history, django_assert_num_queries
):
    client.force_login(history["staff"])
    url = f"/c/alpha/members/register/?on={ago(150).isoformat()}"
    # session, user, cooperative, roles, count, the page (holdings and territory in
    # subqueries), members on the date, capital on the date
    with django_assert_num_queries(8):
        page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Cognome1 Nome1" in text and "Cognome4" not in text
    assert "register.csv?on=" + ago(150).isoformat() in text
    for n in range(6, 30):
        admit(history["coop"], person(n), days_ago=300)
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200


def test_a_bad_date_on_the_page_says_so_and_shows_no_table(client, history):
    client.force_login(history["admin"])
    page = client.get("/c/alpha/members/register/?on=2024-02-31")
    assert page.status_code == 200
    assert b"errorlist" in page.content and b"<table" not in page.content
    download = client.get("/c/alpha/members/register.csv?on=yesterday")
    assert download.status_code == 302 and download["Location"] == "/c/alpha/members/register/"
    assert "YYYY-MM-DD" in client.get(download["Location"]).content.decode()
    with pytest.raises(ValidationError):
        outputs.parse_day("31/12/2024")


def read_csv(response) -> list[dict[str, str]]:
    data = b"".join(response.streaming_content)
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_the_csv_has_the_values_of_the_date_and_reads_back_into_another_book(client, history):
    client.force_login(history["staff"])
    response = client.get(f"/c/alpha/members/register.csv?on={ago(150).isoformat()}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"libro-soci-alpha-{ago(150).isoformat()}.csv" in response["Content-Disposition"]
    rows = read_csv(response)
    assert list(rows[0]) == outputs.CSV_COLUMNS
    assert [r["number"] for r in rows] == ["1", "2", "3", "5"]
    first = rows[0]
    assert first["fiscal_code"] == person(1)["fiscal_code"]
    assert (first["shares"], first["subscribed"], first["paid"]) == ("3", "75.00", "25.00")
    assert first["admitted_on"] == ago(400).isoformat() and first["in_territory"] == "true"
    assert first["residence_istat"] == "008034" and first["category"] == "fruitore"
    assert rows[1]["exited_on"] == ago(160).isoformat() and rows[1]["exit_kind"] == "withdrawal"
    assert rows[3]["vat_number"] == "" and rows[3]["organisation_name"] == "Pro Loco Mendatica"
    # Today's book, exported and imported into another cooperative, is the same book.
    today = b"".join(client.get("/c/alpha/members/register.csv").streaming_content)
    other = history["other"]
    book_services.book_setup(coop=other)
    ShareClass.objects.filter(coop=other).update(valid_from=date(2000, 1, 1))
    report = import_members(coop=other, actor=None, file=today)
    assert report.ok, report.errors
    assert report.created == 5
    again = entries(other, timezone.localdate())
    mine = entries(history["coop"], timezone.localdate())
    for number, line in mine.items():
        copy = again[number]
        assert (copy.name, copy.shares, copy.subscribed, copy.admitted_on, copy.exited_on) == (
            line.name,
            line.shares,
            line.subscribed,
            line.admitted_on,
            line.exited_on,
        )


def test_the_xlsx_has_numbers_dates_and_euro_cells(client, history):
    client.force_login(history["admin"])
    response = client.get(f"/c/alpha/members/register.xlsx?on={ago(150).isoformat()}")
    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[0] == "Number" and header[-1] == "Capital paid (€)"
    row = list(sheet[2])
    assert row[0].value == 1 and isinstance(row[0].value, int)
    assert row[1].value == "Cognome1 Nome1" and row[3].value == "User (fruitore)"
    assert isinstance(row[7].value, datetime) and row[7].value.date() == ago(400)
    assert row[11].value == 3
    assert row[12].value == 75 and row[13].value == 25 and "€" in row[13].number_format
    assert sheet.max_row == 5  # the header and 4 members
    left = list(sheet[3])
    assert left[9].value.date() == ago(160) and left[10].value == "Withdrawal (recesso)"


def pdf_text(data: bytes) -> bytes:
    """The PDF with its compressed streams inflated: the metadata (the title) becomes readable;
    page text is glyph ids, so documents put what a test must find in their title."""
    inflated = []
    for match in re.finditer(rb"stream\n(.*?)endstream", data, re.S):
        try:
            inflated.append(zlib.decompressobj().decompress(match.group(1)))
        except zlib.error:
            continue
    return data + b"\n".join(inflated)


def test_the_pdf_of_the_register(client, history, monkeypatch):
    client.force_login(history["admin"])
    response = client.get(f"/c/alpha/members/register.pdf?on={ago(150).isoformat()}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert b"Register of members of Alpha on " + ago(150).isoformat().encode() in text
    # Its HTML is the page's table with the print stylesheet.
    seen = {}
    monkeypatch.setattr(outputs, "_weasyprint", lambda html, base: seen.setdefault("html", html))
    outputs.register_pdf(coop=history["coop"], on_date=ago(150))
    html = seen["html"]
    assert "size: A4 landscape" in html and "counter(pages)" in html
    assert "Cognome1 Nome1" in html and "Cognome4" not in html and "string-set: coop" in html


def test_a_big_book_is_not_laid_out_as_pdf_on_the_web(client, history, monkeypatch):
    monkeypatch.setattr(outputs, "PDF_WEB_MAX_ROWS", 3)
    client.force_login(history["admin"])
    response = client.get("/c/alpha/members/register.pdf")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "comunitas members export" in page


def test_the_certificate_of_a_member(client, history, monkeypatch):
    client.force_login(history["staff"])
    first = history["first"]
    response = client.get(f"/c/alpha/members/{first.pk}/certificate.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert b"Cognome1 Nome1, no. 1" in pdf_text(response.content)
    seen = {}
    monkeypatch.setattr(outputs, "_weasyprint", lambda html, base: seen.setdefault("html", html))
    outputs.certificate_pdf(first)
    html = " ".join(seen.pop("html").split())
    assert "<strong>Cognome1 Nome1</strong> is entered in the register" in html
    assert "no. <strong>1</strong>" in html and "User (fruitore)" in html
    assert "holding 5 shares for a subscribed capital of €125.00" in html
    assert "of which €25.00" in html and "The President" in html and "Mendatica," in html
    history["third"].refresh_from_db()
    outputs.certificate_pdf(history["third"])
    assert "left the cooperative on" in " ".join(seen.pop("html").split())


def test_no_certificate_for_applicants_or_other_books(client, history):
    applicant = book_services.application_submit(
        actor=None, coop=history["coop"], **person(9), consents=CONSENT
    )
    client.force_login(history["admin"])
    assert client.get(f"/c/alpha/members/{applicant.pk}/certificate.pdf").status_code == 404
    with pytest.raises(ValidationError):
        outputs.certificate_pdf(applicant)
    book_services.book_setup(coop=history["other"])
    stranger = admit(history["other"], person(8))
    assert client.get(f"/c/alpha/members/{stranger.pk}/certificate.pdf").status_code == 404


def test_outputs_are_for_staff_and_board_only(client, history):
    client.force_login(history["member"])
    for url in ("/c/alpha/members/register/", "/c/alpha/members/register.csv"):
        assert client.get(url).status_code == 403
    own = history["first"]
    assert client.get(f"/c/alpha/members/{own.pk}/certificate.pdf").status_code == 403


# --- the API ------------------------------------------------------------------------------------
def test_api_export_of_the_register(client, history):
    client.force_login(history["staff"])
    url = "/api/v1/coops/alpha/register/export"
    response = client.get(url, {"on": ago(150).isoformat()})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert [r["number"] for r in read_csv(response)] == ["1", "2", "3", "5"]
    sheet = client.get(url, {"format": "xlsx"})
    assert sheet.status_code == 200
    assert load_workbook(io.BytesIO(b"".join(sheet.streaming_content))).worksheets[0].max_row == 6
    for bad in ({"format": "pdf"}, {"on": "2024-13-01"}):
        refused = client.get(url, bad)
        assert refused.status_code == 422 and set(refused.json()) == {"detail", "errors"}
    client.force_login(history["member"])
    assert client.get(url).status_code == 403


# --- the CLI ------------------------------------------------------------------------------------
runner = CliRunner()


def test_cli_export_in_every_format(history, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    day = ago(150).isoformat()
    done = runner.invoke(app, ["members", "export", "--coop", "alpha", "--on", day])
    assert done.exit_code == 0, done.output
    written = tmp_path / f"libro-soci-alpha-{day}.csv"
    assert "4 entries" in done.output and written.read_bytes().startswith(b"\xef\xbb\xbf")
    target = tmp_path / "book.xlsx"
    done = runner.invoke(
        app, ["members", "export", "--coop", "alpha", "--format", "xlsx", "-o", str(target)]
    )
    assert done.exit_code == 0 and load_workbook(target).worksheets[0].max_row == 6
    pdf = tmp_path / "book.pdf"
    done = runner.invoke(
        app, ["members", "export", "--coop", "alpha", "--format", "pdf", "-o", str(pdf)]
    )
    assert done.exit_code == 0 and pdf.read_bytes().startswith(b"%PDF")
    bad = runner.invoke(app, ["members", "export", "--coop", "alpha", "--on", "31/12/2024"])
    assert bad.exit_code == 2
    unknown = runner.invoke(app, ["members", "export", "--coop", "nowhere"])
    assert unknown.exit_code == 2


def test_spreadsheets_never_run_a_formula_typed_in_a_name(client, history):
    """A name like '=HYPERLINK(…)' stays text in the CSV and the XLSX a spreadsheet opens, and
    comes back unchanged when the CSV is imported again."""
    formula = '=HYPERLINK("http://evil.example","x")'
    book_services.member_update(
        actor=None, member=history["org"], fields={"organisation_name": formula}
    )
    client.force_login(history["admin"])
    rows = read_csv(client.get("/c/alpha/members/register.csv"))
    assert [r["organisation_name"] for r in rows if r["number"] == "5"] == ["'" + formula]
    response = client.get("/c/alpha/members/register.xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "'" + formula in names and formula not in names
    data = b"".join(client.get("/c/alpha/members/register.csv").streaming_content)
    other = history["other"]
    book_services.book_setup(coop=other)
    ShareClass.objects.filter(coop=other).update(valid_from=date(2000, 1, 1))
    assert import_members(coop=other, actor=None, file=data).ok
    assert entries(other, timezone.localdate())[5].name == formula
