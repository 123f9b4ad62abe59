"""Reading a member book from a file: CSV (encoding and delimiter sniffed) or XLSX, and matching
its column headers (Italian ones recognised) to our fields."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comunitas.core.errors import ValidationError

MAX_FILE_BYTES = 10 * 1024 * 1024  # the web and API limit; the CLI reads any size


def compact_header(text: Any) -> str:
    """A header or a label as a comparison key: lower case, no accents, letters and digits."""
    plain = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.lower())


@dataclass(frozen=True)
class Column:
    label: Any  # what the report calls it (translated)
    headers: tuple[str, ...]  # headers recognised without a mapping, compared by _compact


# Our field names and the headers that name them in the spreadsheets cooperatives keep, compared
# by _compact. Our own export (outputs.CSV_COLUMNS) uses the field names, so an exported book
# imports back as it is. Aliases are "|"-separated.
def _column(label: Any, aliases: str) -> Column:
    return Column(label, tuple(aliases.split("|")))


COLUMNS: dict[str, Column] = {
    "number": _column(
        gettext_lazy("register number (numero)"),
        "number|numero|n|nr|num|numero socio|n socio|numero iscrizione|numero libro soci|"
        "matricola|register number",
    ),
    "kind": _column(
        gettext_lazy("person or organisation (tipo)"),
        "kind|tipo|tipo socio|tipologia socio|persona fisica o giuridica",
    ),
    "last_name": _column(gettext_lazy("last name (cognome)"), "last_name|cognome|surname"),
    "first_name": _column(gettext_lazy("first name (nome)"), "first_name|nome|given name"),
    "birth_date": _column(
        gettext_lazy("birth date (data di nascita)"),
        "birth_date|data nascita|data di nascita|nato il|nata il|date of birth",
    ),
    "sex": _column(gettext_lazy("sex (sesso)"), "sex|sesso|genere|gender"),
    "fiscal_code": _column(
        gettext_lazy("codice fiscale"),
        "fiscal_code|codice fiscale|cf|cod fiscale|cod fisc|codice fiscale socio",
    ),
    "organisation_name": _column(
        gettext_lazy("organisation name (ragione sociale)"),
        "organisation_name|ragione sociale|denominazione|organisation|organization|ente",
    ),
    "organisation_kind": _column(
        gettext_lazy("kind of organisation (natura giuridica)"),
        "organisation_kind|natura giuridica|forma giuridica|tipo ente|tipo organizzazione",
    ),
    "vat_number": _column(gettext_lazy("partita IVA"), "vat_number|partita iva|p iva|piva|vat"),
    "representative_name": _column(
        gettext_lazy("legal representative (legale rappresentante)"),
        "representative_name|legale rappresentante|rappresentante legale|rappresentante",
    ),
    "representative_role": _column(
        gettext_lazy("representative's role (carica)"),
        "representative_role|carica|ruolo rappresentante|carica rappresentante",
    ),
    "residence": _column(
        gettext_lazy("municipality of residence (comune)"),
        "residence_istat|codice istat comune|codice istat|istat|residence|comune|"
        "comune di residenza|comune residenza|residenza|citta|municipality|sede|comune sede",
    ),
    "province": _column(gettext_lazy("province (provincia)"), "province|provincia|prov|pr|sigla"),
    "address": _column(
        gettext_lazy("address (indirizzo)"),
        "address|indirizzo|via|indirizzo di residenza|indirizzo residenza",
    ),
    "email": _column(gettext_lazy("e-mail"), "email|e-mail|mail|posta elettronica"),
    "phone": _column(
        gettext_lazy("phone (telefono)"), "phone|telefono|tel|cellulare|cell|recapito"
    ),
    "category": _column(
        gettext_lazy("category (categoria)"),
        "category|categoria|categoria socio|categoria di soci|tipologia",
    ),
    "admitted_on": _column(
        gettext_lazy("admission date (data ammissione)"),
        "admitted_on|data ammissione|data di ammissione|ammesso il|data iscrizione|"
        "data di iscrizione|iscritto il|admission date",
    ),
    "admission_reference": _column(
        gettext_lazy("admission decision (delibera)"),
        "admission_reference|delibera|delibera ammissione|delibera di ammissione|estremi delibera",
    ),
    "share_class": _column(
        gettext_lazy("class of shares (classe)"), "share_class|classe|classe quote|classe azioni"
    ),
    "shares": _column(
        gettext_lazy("shares (quote)"),
        "shares|quote|numero quote|n quote|quote sottoscritte|azioni|numero azioni|n azioni|"
        "azioni sottoscritte",
    ),
    "subscribed": _column(
        gettext_lazy("capital subscribed (sottoscritto)"),
        "subscribed|sottoscritto|capitale sottoscritto|importo sottoscritto",
    ),
    "paid": _column(
        gettext_lazy("capital paid (versato)"),
        "paid|versato|capitale versato|importo versato|quota versata",
    ),
    "exited_on": _column(
        gettext_lazy("exit date (data uscita)"),
        "exited_on|data uscita|data di uscita|data recesso|data cessazione|uscito il",
    ),
    "exit_kind": _column(
        gettext_lazy("way of leaving (causa uscita)"),
        "exit_kind|causa uscita|motivo uscita|modalita uscita|tipo uscita|causa cessazione",
    ),
}
PERSON_COLUMNS = ("last_name", "first_name", "fiscal_code")


# --- reading the file ---------------------------------------------------------------------------
@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[Any]]]  # (row number, values in header order)
    encoding: str = ""


def _file_error(message: str) -> ValidationError:
    return ValidationError(message, field="file")


# Characters Windows-1252 gives to Western European text: a file whose bytes above 127 all decode
# to these is taken for Windows-1252 (Excel's "CSV" on Italian Windows); anything else is refused
# rather than read as mojibake.
WESTERN = set("àèéìíòóùúÀÈÉÌÍÒÓÙÚâêîôûäëïöüçñÇÑ’‘“”€–—°«»·ªº´¨ß")  # noqa: RUF001


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"  # Excel's "Unicode text"
    else:
        encoding = "utf-8"
    try:
        return data.decode(encoding), encoding.removesuffix("-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = ""
    high = {ch for ch in text if ord(ch) > 127}
    if text and high <= WESTERN:
        return text, "windows-1252"
    raise _file_error(_("The file is not UTF-8: save it as UTF-8 CSV and upload it again."))


def _sniff(text: str) -> str:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        first = text.splitlines()[0] if text else ""
        return max(",;\t", key=first.count)


def _csv_table(data: bytes) -> Table:
    text, encoding = _decode(data)
    if "\x00" in text:
        raise _file_error(_("The file holds NUL characters: is it really a CSV file?"))
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=_sniff(text)))
    except csv.Error as exc:
        raise _file_error(_("The CSV file cannot be read: %(error)s.") % {"error": exc}) from None
    return _table(((i, r) for i, r in enumerate(records, start=1)), encoding)


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date()
    return value


def _xlsx_table(data: bytes) -> Table:
    """The first sheet of a workbook. openpyxl raises many kinds of errors on a damaged file
    (zip, XML, missing parts); each of them is the same problem for the person uploading it."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise _xlsx_error(exc) from None
    try:
        sheet = book.worksheets[0]
        rows = (
            (i, [_cell(v) for v in values])
            for i, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        )
        return _table(rows, "")
    except ValidationError:
        raise
    except Exception as exc:
        raise _xlsx_error(exc) from None
    finally:
        book.close()


def _xlsx_error(exc: Exception) -> ValidationError:
    return _file_error(
        _("The Excel file cannot be read (%(error)s): save it again as .xlsx.")
        % {"error": str(exc)[:120] or type(exc).__name__}
    )


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _table(records: Iterable[tuple[int, list[Any]]], encoding: str) -> Table:
    headers: list[str] | None = None
    rows: list[tuple[int, list[Any]]] = []
    for number, values in records:
        if all(_blank(v) for v in values):
            continue
        if headers is None:
            headers = [str(v).strip() if v is not None else "" for v in values]
            continue
        rows.append((number, list(values)))
    if headers is None:
        raise _file_error(_("The file is empty."))
    return Table(headers, rows, encoding)


def rows_table(rows: Iterable[Mapping[str, Any]]) -> Table:
    """Rows given as objects {header: value} (the API), numbered from 1."""
    rows = list(rows)
    headers: dict[str, None] = {}
    for row in rows:
        headers.update(dict.fromkeys(str(k) for k in row))
    names = list(headers)
    return Table(names, [(i, [row.get(h) for h in names]) for i, row in enumerate(rows, start=1)])


def read_table(data: bytes, name: str = "") -> Table:
    """The headers and rows of a CSV or XLSX file, told apart by their content."""
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_table(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _file_error(_("This is an old Excel file (.xls): save it as .xlsx or as CSV."))
    if name.lower().endswith(".xlsx"):
        raise _file_error(_("The file is not a valid .xlsx file."))
    return _csv_table(data)


def read_upload(file: bytes | IO[bytes] | Path | str) -> bytes:
    if isinstance(file, bytes):
        return file
    if isinstance(file, str | Path):
        return Path(file).read_bytes()
    if hasattr(file, "seek"):
        file.seek(0)
    return file.read()


# --- columns ------------------------------------------------------------------------------------
def match_columns(headers: list[str], mapping: Mapping[str, str] | None = None) -> dict[str, int]:
    """{our field: index of its column}: the mapping first, then the recognised headers.
    Raise a file error naming every missing required column, or a mapping error."""
    mapping = {k: v for k, v in (mapping or {}).items() if v and str(v).strip()}
    unknown = sorted(set(mapping) - set(COLUMNS))
    if unknown:
        raise ValidationError(
            _("Unknown field in the mapping: %(names)s.") % {"names": ", ".join(unknown)},
            field="mapping",
        )
    keys = [compact_header(h) for h in headers]
    found: dict[str, int] = {}
    for name, header in mapping.items():
        key = compact_header(header)
        if key not in keys:
            raise ValidationError(
                _("The file has no column '%(header)s' (mapped to %(field)s).")
                % {"header": str(header)[:80], "field": COLUMNS[name].label},
                field="mapping",
            )
        found[name] = keys.index(key)
    taken = set(found.values())
    for name, column in COLUMNS.items():
        if name in found:
            continue
        for alias in column.headers:
            key = compact_header(alias)
            if key in keys and keys.index(key) not in taken:
                found[name] = keys.index(key)
                taken.add(found[name])
                break
    missing = [n for n in ("admitted_on", "shares") if n not in found]
    has_person = any(n in found for n in PERSON_COLUMNS)
    if has_person or "organisation_name" not in found:
        missing += [n for n in PERSON_COLUMNS if n not in found]
    if missing:
        names = "; ".join(str(COLUMNS[n].label) for n in missing)
        if not has_person and "organisation_name" not in found:
            names += " " + _("(or, for organisations, %(name)s)") % {
                "name": COLUMNS["organisation_name"].label
            }
        raise _file_error(
            _("The file has no column for: %(names)s. Rename the columns or map them.")
            % {"names": names}
        )
    return found
