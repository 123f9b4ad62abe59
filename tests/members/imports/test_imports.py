"""Importing an existing member book: CSV and XLSX, column mapping, every bad row reported,
all-or-nothing (or skip_invalid), idempotent re-import; the web page, the API and the CLI."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook
from typer.testing import CliRunner

from comunitas.cli import app
from comunitas.core.errors import ValidationError
from comunitas.core.models import AuditEntry
from comunitas.members.book import services as book_services
from comunitas.members.book.selectors import holdings
from comunitas.members.imports import reading
from comunitas.members.imports.services import import_members
from comunitas.members.models import (
    Application,
    Member,
    MemberStatus,
    RegisterCounter,
    ShareClass,
    ShareMovement,
)
from tests.helpers import ORGANISATION, admit, fiscal_code, person

# The assertions read the English texts; the Italian ones are the translation's.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_pages")]


HEADER = (
    "Numero;Cognome;Nome;Codice fiscale;Sesso;Data di nascita;Comune;Categoria;Data ammissione;"
    "Quote;Versato"
)


def line(n: int, number: int | str = "", **change) -> str:
    """One row of an Italian member book, for the person ``person(n)`` of the fixtures."""
    data = person(n)
    values = {
        "number": number,
        "last": data["last_name"],
        "first": data["first_name"],
        "code": data["fiscal_code"],
        "sex": "M",
        "born": data["birth_date"].strftime("%d/%m/%Y"),
        "town": "Mendatica",
        "category": "fruitore",
        "admitted": "15/03/2021",
        "shares": "2",
        "paid": "50,00",
        **change,
    }
    return ";".join(str(v) for v in values.values())


def csv_file(*rows: str, header: str = HEADER, bom: bool = True) -> bytes:
    text = "\r\n".join([header, *rows]) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode()


def run(book, data: bytes, **options):
    return import_members(coop=book["coop"], actor=book["admin"], file=data, **options)


def test_a_good_file_enters_the_book_with_its_numbers_dates_and_shares(book):
    before = AuditEntry.objects.count()
    data = csv_file(line(1, 1), line(2, 2, paid="0"), line(3, 7, admitted="2022-01-31"))
    report = run(book, data, name="soci.csv")
    assert report.ok and report.written, report.errors
    assert (report.rows, report.created, report.unchanged) == (3, 3, 0)
    members = list(Member.objects.filter(coop=book["coop"]).order_by("number"))
    assert [m.number for m in members] == [1, 2, 7]
    first = members[0]
    assert first.status == MemberStatus.ACTIVE
    assert first.admitted_on == date(2021, 3, 15) and first.applied_on == date(2021, 3, 15)
    assert first.residence_id == "008034" and first.category.code == "fruitore"
    assert members[2].admitted_on == date(2022, 1, 31)
    # Shares: subscription and payment dated at admission (no payment row when nothing paid).
    kinds = list(
        ShareMovement.objects.filter(member=first).values_list("kind", "on_date", "shares", "paid")
    )
    assert kinds == [
        ("subscription", date(2021, 3, 15), 2, Decimal("0.00")),
        ("payment", date(2021, 3, 15), 0, Decimal("50.00")),
    ]
    assert ShareMovement.objects.filter(member=members[1]).count() == 1
    [held] = holdings(member=first)
    assert (held.shares, held.subscribed, held.paid) == (2, Decimal("50.00"), Decimal("50.00"))
    application = Application.objects.get(member=first)
    assert (application.source, application.status) == ("import", "approved")
    # The next admission follows the highest imported number.
    assert RegisterCounter.objects.get(coop=book["coop"]).last_number == 7
    newcomer = admit(book["coop"], person(9), actor=book["admin"])
    assert newcomer.number == 8
    # One summary entry in the audit trail, with the counts.
    entry = AuditEntry.objects.filter(action="members.import").get()
    assert entry.changes["created"]["after"] == 3 and entry.changes["file"]["after"] == "soci.csv"
    assert AuditEntry.objects.count() > before


def test_every_bad_row_is_reported_and_nothing_is_written(book):
    other_code, _born = fiscal_code(2, sex="F")
    data = csv_file(
        line(1, 1),
        line(2, 2, code=other_code),  # a woman's code for a man
        line(3, 3, code="RSSMRA80A41H501X"),  # wrong check digit
        line(4, 4, category="astronauti"),
        line(5, 5, town="Atlantide"),
        line(6, 6, admitted="31/02/2021"),
        line(7, 7, shares="0"),
        line(8, 8, paid="75,00"),  # 2 shares of 25 €
        line(9, 9, shares="5000"),  # 125,000 € over the art. 2525 cap
        line(10, 1),  # number 1 again
        line(1, 11),  # the same person again
        line(12, 12, admitted=(timezone.localdate() + timedelta(days=3)).isoformat()),
    )
    report = run(book, data)
    assert not report.written
    assert Member.objects.filter(coop=book["coop"]).count() == 0
    assert ShareMovement.objects.count() == 0
    assert not AuditEntry.objects.filter(action="members.import").exists()
    by_line = {}
    for error in report.errors:
        by_line.setdefault(error.line, []).append(error.field)
    # The header is row 1: the first data row is row 2 and is good.
    assert 2 not in by_line
    assert by_line == {
        3: ["sex"],
        4: ["fiscal_code"],
        5: ["category"],
        6: ["residence"],
        7: ["admitted_on"],
        8: ["shares"],
        9: ["paid"],
        10: ["shares"],
        11: ["number"],
        12: ["fiscal_code"],
        13: ["admitted_on"],
    }
    messages = {e.line: e.message for e in report.errors}
    assert "Atlantide" in messages[6]
    assert "row 2" in messages[11] and "row 2" in messages[12]
    assert "100" in messages[10]  # the cap


def test_skip_invalid_writes_the_good_rows_and_lists_the_others(book):
    data = csv_file(line(1, 1), line(2, 2, shares="zero"), line(3, 3))
    report = run(book, data, skip_invalid=True)
    assert report.written and (report.created, report.skipped) == (2, 1)
    assert [(e.line, e.field) for e in report.errors] == [(3, "shares")]
    numbers = Member.objects.filter(coop=book["coop"]).values_list("number", flat=True)
    assert sorted(numbers) == [1, 3]


def test_reimporting_the_same_file_creates_no_duplicates(book):
    data = csv_file(line(1, 1), line(2, 2), line(3, ""))
    first = run(book, data)
    assert (first.created, first.unchanged) == (3, 0)
    assert first.numbers == (1, 3)  # the row without a number gets the next one
    second = run(book, data)
    assert second.ok and (second.created, second.unchanged) == (0, 3)
    assert Member.objects.filter(coop=book["coop"]).count() == 3
    assert ShareMovement.objects.count() == 6
    # A grown file adds only its new rows.
    third = run(book, csv_file(line(1, 1), line(2, 2), line(3, ""), line(4, "")))
    assert (third.created, third.unchanged, third.numbers) == (1, 3, (4, 4))


def test_a_number_or_code_that_belongs_to_someone_else_is_an_error(book):
    admitted = admit(book["coop"], person(1), actor=book["admin"])
    assert admitted.number == 1
    report = run(book, csv_file(line(2, 1), line(1, 5)))
    assert [(e.line, e.field) for e in report.errors] == [(2, "number"), (3, "fiscal_code")]
    assert "n. 1" in report.errors[1].message
    assert Member.objects.filter(coop=book["coop"]).count() == 1


def test_a_file_that_is_not_utf8_is_refused_with_a_clear_message(book):
    broken = csv_file(line(1, 1)) + b"\x81\x8d\xff\xfe garbage"
    with pytest.raises(ValidationError) as caught:
        run(book, broken)
    assert caught.value.errors[0].field == "file"
    assert "UTF-8" in caught.value.errors[0].message
    assert Member.objects.count() == 0


def test_a_windows_1252_file_is_read(book):
    data = csv_file(line(1, 1, town="Forlì")).decode("utf-8-sig").encode("cp1252")
    report = run(book, data)
    assert report.ok, report.errors
    assert report.encoding == "windows-1252"
    assert Member.objects.get().residence.name == "Forlì"


def test_excel_unicode_text_is_read(book):
    """Excel's "Unicode text": UTF-16 with a BOM, tab-separated."""
    text = "\r\n".join([HEADER.replace(";", "\t"), line(1, 1).replace(";", "\t")])
    report = run(book, text.encode("utf-16"))
    assert report.ok and report.created == 1 and report.encoding == "utf-16"


def test_missing_columns_are_named_and_nothing_is_written(book):
    data = csv_file("1;Rossi;2", header="Numero;Cognome;Quote")
    with pytest.raises(ValidationError) as caught:
        run(book, data)
    message = caught.value.errors[0].message
    assert "data ammissione" in message and "nome" in message and "codice fiscale" in message
    assert "quote" not in message.split("(or")[0]
    assert Member.objects.count() == 0


def test_an_empty_file_and_a_wrong_mapping_are_clear_errors(book):
    with pytest.raises(ValidationError, match="empty"):
        run(book, b"\xef\xbb\xbf\r\n;;\r\n")
    with pytest.raises(ValidationError) as caught:
        run(book, csv_file(line(1, 1)), mapping={"fiscal_code": "CF socio"})
    assert caught.value.errors[0].field == "mapping"
    with pytest.raises(ValidationError, match="Unknown field"):
        run(book, csv_file(line(1, 1)), mapping={"shoe_size": "Numero"})


def test_a_mapping_names_unusual_headers_and_commas_are_sniffed(book):
    header = "Socio n.,Surname,Given,CF socio,Town,Joined,Holding,Paid in"
    row = line(1, 4, town="Mendatica (IM)", admitted="2021-03-15").split(";")
    data = "\n".join([header, ",".join(row[i] for i in (0, 1, 2, 3, 6, 8, 9, 10))]).encode()
    mapping = {
        "number": "Socio n.",
        "last_name": "Surname",
        "first_name": "Given",
        "fiscal_code": "CF socio",
        "residence": "Town",
        "admitted_on": "Joined",
        "shares": "Holding",
        "paid": "Paid in",
    }
    report = run(book, data, mapping=mapping)
    assert report.ok, report.errors
    member = Member.objects.get()
    assert (member.number, member.last_name, member.residence_id) == (4, "Cognome1", "008034")
    # Birth date and sex come from the codice fiscale when the file has no such columns.
    assert member.birth_date == person(1)["birth_date"] and member.sex == "M"


def xlsx_file(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_file_with_date_and_number_cells(book):
    data = person(1)
    org = ORGANISATION
    rows = [
        [],  # a blank first row is skipped
        ["N.", "Cognome", "Nome", "Codice Fiscale", "Ragione sociale", "Partita IVA",
         "Legale rappresentante", "Categoria", "Data ammissione", "Quote", "Versato",
         "Telefono"],
        [1, data["last_name"], data["first_name"], data["fiscal_code"], None, None, None,
         "Fruitore", date(2020, 5, 4), 3, 75, 3331234567],
        [2.0, None, None, org["fiscal_code"], org["organisation_name"], None,
         org["representative_name"], "persona giuridica", date(2020, 6, 1), 4, 62.5, None],
    ]  # fmt: skip
    report = run(book, xlsx_file(rows), name="libro.xlsx")
    assert report.ok, report.errors
    person_row, organisation = Member.objects.order_by("number")
    assert person_row.admitted_on == date(2020, 5, 4) and person_row.phone == "3331234567"
    assert organisation.kind == "organisation" and organisation.organisation_kind == "other"
    assert organisation.category.code == "persona-giuridica"
    [held] = holdings(member=organisation)
    assert (held.shares, held.paid) == (4, Decimal("62.50"))


def test_a_broken_xlsx_is_a_clear_error(book):
    with pytest.raises(ValidationError, match="Excel"):
        run(book, b"PK\x03\x04 not really a zip file", name="x.xlsx")


def test_former_members_keep_their_history(book):
    header = HEADER + ";Data uscita;Causa uscita"
    data = csv_file(
        line(1, 1) + ";10/10/2023;recesso",
        line(2, 2) + ";;",
        line(3, 3) + ";10/10/2023;",
        header=header,
    )
    report = run(book, data)
    assert [(e.line, e.field) for e in report.errors] == [(4, "exit_kind")]
    report = run(book, csv_file(line(1, 1) + ";10/10/2023;recesso", line(2, 2) + ";;",
                                header=header))  # fmt: skip
    assert report.ok
    gone = Member.objects.get(number=1)
    assert (gone.status, gone.exited_on, gone.exit_kind) == ("exited", date(2023, 10, 10),
                                                             "withdrawal")  # fmt: skip
    assert holdings(member=gone) == []  # redeemed at the exit
    assert holdings(member=gone, on_date=date(2023, 1, 1))[0].shares == 2
    # A former member may be in the book again under a new number.
    again = run(book, csv_file(line(1, 5), header=HEADER))
    assert again.ok and again.created == 1


def test_a_dry_run_writes_nothing_and_progress_is_reported(book):
    calls = []
    rows = [line(n, n) for n in range(1, 1202)]
    report = run(book, csv_file(*rows), dry_run=True, progress=lambda *a: calls.append(a))
    assert report.ok and report.created == 1201 and not report.written
    assert Member.objects.count() == 0
    assert [done for _stage, done, _total in calls] == [500, 1000, 1201]
    calls.clear()
    report = run(book, csv_file(*rows), progress=lambda *a: calls.append(a))
    assert report.written and Member.objects.count() == 1201
    assert ("Writing members", 1201, 1201) in calls


def test_rows_from_the_api_and_the_pending_applicants(book):
    applicant = book_services.application_submit(
        actor=None, coop=book["coop"], **person(3), consents={"privacy": True}
    )
    rows = [
        {"cognome": "Cognome1", "nome": "Nome1", "codice fiscale": person(1)["fiscal_code"],
         "data ammissione": "2021-01-01", "quote": 1},
        {"cognome": "Cognome3", "nome": "Nome3", "codice fiscale": applicant.fiscal_code,
         "data ammissione": "2021-01-01", "quote": 1},
    ]  # fmt: skip
    report = import_members(coop=book["coop"], actor=None, rows=rows)
    assert [(e.line, e.field) for e in report.errors] == [(2, "fiscal_code")]
    assert "waiting for the board" in report.errors[0].message


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"paid": "25,001"}, "paid"),
        ({"paid": "-5"}, "paid"),
        ({"born": "02/02/1990"}, "birth_date"),
        ({"number": "-3"}, "number"),
        ({"sex": "X"}, "sex"),
        ({"town": "Castro"}, "residence"),  # two current municipalities are called Castro
        ({"last": "x" * 81}, "last_name"),
    ],
)
def test_one_bad_value_gives_one_clear_error(book, change, field):
    report = run(book, csv_file(line(1, **{"number": 1, **change})))
    assert [e.field for e in report.errors] == [field], report.errors
    assert report.errors[0].message


def test_a_share_class_and_the_subscribed_capital_are_checked(book):
    header = HEADER + ";Classe;Sottoscritto"
    report = run(
        book,
        csv_file(line(1, 1) + ";sovventori;50", line(2, 2) + ";ordinarie;49", header=header),
    )
    assert [(e.line, e.field) for e in report.errors] == [(3, "subscribed")]
    assert ShareClass.objects.filter(coop=book["coop"], code="sovventori").exists()


# --- the CLI ------------------------------------------------------------------------------------
runner = CliRunner()


def test_cli_import_writes_and_prints_a_summary(book, tmp_path):
    path = tmp_path / "soci.csv"
    path.write_bytes(csv_file(line(1, 1), line(2, 2)))
    result = runner.invoke(app, ["members", "import", str(path), "--coop", "alpha"])
    assert result.exit_code == 0, result.output
    assert "2 new members" in result.output
    assert Member.objects.filter(coop=book["coop"]).count() == 2


def test_cli_import_exits_1_with_a_table_of_bad_rows(book, tmp_path):
    path = tmp_path / "soci.csv"
    path.write_bytes(csv_file(line(1, 1), line(2, 2, town="Atlantide")))
    result = runner.invoke(app, ["members", "import", str(path), "--coop", "alpha"])
    assert result.exit_code == 1
    assert "Atlantide" in result.output and "nothing was written" in result.output.lower()
    assert Member.objects.count() == 0
    skipped = runner.invoke(
        app, ["members", "import", str(path), "--coop", "alpha", "--skip-invalid"]
    )
    assert skipped.exit_code == 0 and Member.objects.count() == 1


def test_cli_import_dry_run_mapping_and_bad_input(book, tmp_path):
    path = tmp_path / "soci.csv"
    path.write_bytes(csv_file(line(1, 1), header=HEADER.replace("Quote", "Pezzi")))
    dry = runner.invoke(
        app,
        ["members", "import", str(path), "--coop", "alpha", "--dry-run", "--map", "shares=Pezzi"],
    )
    assert dry.exit_code == 0, dry.output
    assert "1 new member" in dry.output and Member.objects.count() == 0
    missing = runner.invoke(app, ["members", "import", str(path), "--coop", "alpha"])
    assert missing.exit_code == 1 and "quote" in missing.output
    wrong_map = runner.invoke(
        app, ["members", "import", str(path), "--coop", "alpha", "--map", "shares"]
    )
    assert wrong_map.exit_code == 2
    unknown = runner.invoke(app, ["members", "import", str(path), "--coop", "nowhere"])
    assert unknown.exit_code == 2 and "nowhere" in unknown.output


# --- the web page -------------------------------------------------------------------------------
@pytest.fixture
def media(settings, tmp_path):
    """Uploads waiting for confirmation are kept in the media storage: a private one."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_web_upload_dry_run_then_import(client, book, media):
    client.force_login(book["admin"])
    page = client.get("/c/alpha/members/import/")
    assert page.status_code == 200 and b'type="file"' in page.content
    data = csv_file(line(1, 1), line(2, 2, town="Atlantide"), line(3, 3))
    checked = client.post("/c/alpha/members/import/", {"file": upload("soci.csv", data)})
    assert checked.status_code == 302
    report_page = client.get(checked["Location"])
    text = report_page.content.decode()
    assert "Atlantide" in text and "Row 3" in text
    assert Member.objects.count() == 0
    # All-or-nothing: the import button is offered only with skip-invalid or a clean file.
    assert 'name="confirm"' not in text
    checked = client.post(
        "/c/alpha/members/import/", {"file": upload("soci.csv", data), "skip_invalid": "on"}
    )
    text = client.get(checked["Location"]).content.decode()
    assert 'name="confirm"' in text
    done = client.post("/c/alpha/members/import/", {"confirm": "1"})
    assert done.status_code == 302
    assert sorted(Member.objects.values_list("number", flat=True)) == [1, 3]
    # The stored file is used once, then deleted.
    again = client.post("/c/alpha/members/import/", {"confirm": "1"})
    assert again.status_code == 302 and Member.objects.count() == 2
    assert not list((media / "member-imports").rglob("*.*"))


def test_web_upload_refuses_big_or_strange_files(client, book, media, monkeypatch):
    client.force_login(book["admin"])
    url = "/c/alpha/members/import/"
    wrong = client.post(url, {"file": upload("soci.pdf", b"%PDF-1.4")})
    assert wrong.status_code == 200 and ".csv" in wrong.content.decode()
    broken = client.post(url, {"file": upload("soci.csv", b"\xff\xfa\x81 bad")})
    assert broken.status_code == 200 and "UTF-8" in broken.content.decode()
    mapped = client.post(
        url, {"file": upload("soci.csv", csv_file(line(1, 1))), "map_email": "PEC"}
    )
    assert mapped.status_code == 200 and "PEC" in mapped.content.decode()
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", 10)
    big = client.post(url, {"file": upload("soci.csv", csv_file(line(1, 1)))})
    assert big.status_code == 200 and "MB" in big.content.decode()
    assert Member.objects.count() == 0 and not list(media.rglob("*.*"))


def test_web_import_can_be_cancelled(client, book, media):
    client.force_login(book["admin"])
    url = "/c/alpha/members/import/"
    client.post(url, {"file": upload("soci.csv", csv_file(line(1, 1)))})
    assert len(list(media.rglob("*.*"))) == 2  # the file and its report
    assert "Import 1 new member" in client.get(url).content.decode()
    assert client.post(url, {"cancel": "1"}).status_code == 302
    assert not list(media.rglob("*.*"))
    nothing = client.post(url, {"confirm": "1"}, follow=True)
    assert "upload it again" in nothing.content.decode() and Member.objects.count() == 0


def test_web_import_is_for_the_board_only(client, book):
    client.force_login(book["staff"])
    assert client.get("/c/alpha/members/import/").status_code == 403


# --- the API ------------------------------------------------------------------------------------
def test_api_import_of_a_multipart_file(client, book):
    client.force_login(book["admin"])
    url = "/api/v1/coops/alpha/members/import"
    data = csv_file(line(1, 1), line(2, 2, code="RSSMRA80A41H501X"))
    bad = client.post(url, {"file": upload("soci.csv", data)})
    assert bad.status_code == 422
    body = bad.json()
    assert set(body) == {"detail", "errors"}
    assert body["errors"] == [
        {"field": "row 3: fiscal_code", "message": body["errors"][0]["message"]}
    ]
    assert Member.objects.count() == 0
    dry = client.post(url + "?dry_run=true", {"file": upload("soci.csv", csv_file(line(1, 1)))})
    assert dry.status_code == 200 and dry.json()["created"] == 1 and not dry.json()["written"]
    done = client.post(
        url + "?skip_invalid=true", {"file": upload("soci.csv", data), "mapping": ["number=Numero"]}
    )
    assert done.status_code == 200, done.content
    assert done.json()["created"] == 1 and done.json()["skipped"] == 1
    assert done.json()["errors"][0]["line"] == 3


def test_api_import_of_json_rows_and_file_errors(client, book):
    client.force_login(book["admin"])
    url = "/api/v1/coops/alpha/members/import"
    rows = [{"Cognome": "Cognome1", "Nome": "Nome1", "CF": person(1)["fiscal_code"],
             "Ammissione": "2021-01-01", "Quote": "1"}]  # fmt: skip
    mapping = {"fiscal_code": "CF", "admitted_on": "Ammissione"}
    done = client.post(
        url, json.dumps({"rows": rows, "mapping": mapping}), content_type="application/json"
    )
    assert done.status_code == 200, done.content
    assert done.json()["created"] == 1 and done.json()["numbers"] == [1, 1]
    missing = client.post(url, json.dumps({"rows": [{"x": 1}]}), content_type="application/json")
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "file"
    nothing = client.post(url, {})
    assert nothing.status_code == 422 and nothing.json()["errors"][0]["field"] == "file"
    garbage = client.post(url, b"{not json", content_type="application/json")
    assert garbage.status_code in (400, 422) and set(garbage.json()) == {"detail", "errors"}
    client.force_login(book["staff"])
    assert client.post(url, {}).status_code == 403


def test_api_import_of_a_json_body_too_large(client, book, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 200
    client.force_login(book["admin"])
    rows = [{"cognome": "x" * 300}]
    response = client.post(
        "/api/v1/coops/alpha/members/import",
        json.dumps({"rows": rows}),
        content_type="application/json",
    )
    assert response.status_code == 422 and "multipart" in response.json()["errors"][0]["message"]
