"""Importing an existing member book (libro soci) from a CSV or XLSX file, or from rows of an
API call.

Why it is not a loop over ``services.application_submit``: a book of 20,000 members must import
in seconds, so every row is checked in Python against what a few queries loaded into dicts
(categories, share classes, municipalities, the members already in the book) with the same rules
the services apply, and the members, their applications and their share movements are written
with ``bulk_create`` in one transaction. Nothing is written unless every row passes, or, with
``skip_invalid``, the good rows are written and the report lists the others.

Re-importing the same file creates nothing twice: a row is the member already in the book with
its register number (or, for a row without a number, its codice fiscale / partita IVA), and is
counted as unchanged; existing members are never modified by an import.

Files: CSV in UTF-8 (with or without BOM; Windows-1252 is accepted when the text is plainly
Western European), the delimiter sniffed among ``,`` ``;`` and tab; XLSX (the first sheet).
The first non-empty row holds the column headers; common Italian headers are recognised and
``mapping`` ({our field: the file's header}) names the others.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.formats import localize
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.it import codicefiscale

from comunitas.core.audit import audit_record
from comunitas.core.errors import FieldError, ValidationError
from comunitas.core.law import limits_on
from comunitas.core.models import Cooperative, Municipality, Postcode
from comunitas.core.selectors import NAME_WITH_PROVINCE
from comunitas.core.territory import search_key
from comunitas.core.validators import compact_code, validate_codice_fiscale, validate_partita_iva
from comunitas.members import services
from comunitas.members.models import (
    Application,
    ExitKind,
    Member,
    MemberKind,
    MemberStatus,
    MovementKind,
    OrganisationKind,
    RegisterCounter,
    ShareClass,
    ShareMovement,
    StakeholderCategory,
)

MAX_FILE_BYTES = 10 * 1024 * 1024  # the web and API limit; the CLI reads any size
PROGRESS_EVERY = 500  # rows between two calls of the progress callback
BATCH = 1000  # rows per INSERT

Progress = Callable[[str, int, int], None]


def _compact(text: Any) -> str:
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


def _words(**choices: str) -> dict[str, set[str]]:
    return {choice: set(words.split("|")) for choice, words in choices.items()}


# Values of the columns with choices, compared by _compact.
KIND_WORDS = _words(
    person="person|persona|personafisica|fisica|pf|individuo",
    organisation="organisation|organization|organizzazione|personagiuridica|giuridica|pg|ente",
)
SEX_WORDS = _words(M="m|male|maschio|uomo|maschile", F="f|female|femmina|donna|femminile")
ORGANISATION_WORDS = _words(
    association="association|associazione|aps|odv|asd",
    business="business|impresa|azienda|societa|ditta|srl|snc|sas|spa",
    public_body="publicbody|entepubblico|comune|pubblico|pubblicaamministrazione",
    cooperative="cooperative|cooperativa|coop",
    other="other|altro|altra",
)
EXIT_WORDS = _words(
    withdrawal="withdrawal|recesso|dimissioni",
    exclusion="exclusion|esclusione|espulsione",
    death="death|morte|decesso|deceduto|deceduta",
    transfer="transfer|trasferimento|cessione|cessionequote",
    dissolution="dissolution|scioglimento|estinzione|cessazione",
)
ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[ T])")
LOCAL_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})")
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal(10) ** 12  # the money fields hold 14 digits, 2 of them cents


def _word(value: str, words: Mapping[str, set[str]]) -> str | None:
    key = _compact(value)
    return next((choice for choice, known in words.items() if key in known), None)


# --- the report ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class RowError:
    line: int  # the row of the file (the header is row 1) or of the API call (from 1)
    field: str | None
    message: str


@dataclass
class ImportReport:
    rows: int = 0  # data rows read (empty rows are ignored)
    created: int = 0  # new members written (or, in a dry run, that would be)
    unchanged: int = 0  # rows already in the book
    skipped: int = 0  # bad rows left out with skip_invalid
    errors: list[RowError] = field(default_factory=list)
    written: bool = False
    dry_run: bool = False
    encoding: str = ""  # how a CSV was read
    columns: dict[str, str] = field(default_factory=dict)  # our field: the file's header
    numbers: tuple[int, int] | None = None  # first and last register number created

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def bad_rows(self) -> int:
        return len({e.line for e in self.errors})

    @property
    def good_rows(self) -> int:
        return self.rows - self.bad_rows

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "created": self.created,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "written": self.written,
            "dry_run": self.dry_run,
            "encoding": self.encoding,
            "columns": self.columns,
            "numbers": list(self.numbers) if self.numbers else None,
            "errors": [
                {"line": e.line, "field": e.field, "message": e.message} for e in self.errors
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ImportReport:
        values = dict(data)
        values["errors"] = [RowError(**e) for e in values.get("errors", [])]
        values["numbers"] = tuple(values["numbers"]) if values.get("numbers") else None
        return cls(**values)


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


def _rows_table(rows: Iterable[Mapping[str, Any]]) -> Table:
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


def _read(file: bytes | IO[bytes] | Path | str) -> bytes:
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
    keys = [_compact(h) for h in headers]
    found: dict[str, int] = {}
    for name, header in mapping.items():
        key = _compact(header)
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
            key = _compact(alias)
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


# --- values -------------------------------------------------------------------------------------
class Bad(Exception):
    """A value of one field is not valid."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone or number typed into Excel as a number
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    # Our exports put an apostrophe before text that a spreadsheet would run as a formula.
    if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@"):
        return text[1:]
    return text


def _date(value: Any, name: str) -> date | None:
    """A date cell, or text as 2024-12-31, 31/12/2024, 31-12-2024, 31.12.2024 or 31/12/24."""
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        return None
    iso = ISO_DATE.match(text)
    local = None if iso else LOCAL_DATE.fullmatch(text)
    try:
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        if local:
            year = int(local[3]) + (2000 if len(local[3]) == 2 else 0)
            if len(local[3]) == 2 and year > timezone.localdate().year:
                year -= 100
            return date(year, int(local[2]), int(local[1]))
    except ValueError:
        pass
    raise Bad(name, _("'%(value)s' is not a date (e.g. 31/12/2024).") % {"value": text[:40]})


def _int(value: Any, name: str) -> int | None:
    """A whole number of at most nine digits (what the database's integers hold)."""
    if isinstance(value, bool):
        raise Bad(name, _("Give a whole number."))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        if abs(value) >= 10**9:
            raise Bad(name, _("The number is too large."))
        return value
    text = _text(value)
    if not text:
        return None
    if re.fullmatch(r"-?\d{1,9}", text):
        return int(text)
    raise Bad(name, _("'%(value)s' is not a whole number.") % {"value": text[:40]})


def _money(value: Any, name: str) -> Decimal | None:
    """Euros as spreadsheets write them: 1234.5, 1.234,50, 1,234.50, € 25,00."""
    if isinstance(value, bool):
        raise Bad(name, _("Give an amount in euros."))
    if isinstance(value, int | float | Decimal):
        amount = Decimal(str(value))
    else:
        text = re.sub(r"[\s\u00a0€]|EUR", "", _text(value), flags=re.IGNORECASE)
        if not text:
            return None
        if "," in text and "." in text:
            thousands, decimal = (".", ",") if text.rfind(",") > text.rfind(".") else (",", ".")
            text = text.replace(thousands, "").replace(decimal, ".")
        elif "," in text:
            text = text.replace(",", ".")
        elif re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
            text = text.replace(".", "")  # 1.000: Italian thousands
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise Bad(
                name, _("'%(value)s' is not an amount in euros.") % {"value": text[:40]}
            ) from None
    if not amount.is_finite():
        raise Bad(name, _("Give an amount in euros."))
    if abs(amount) >= MAX_AMOUNT:
        raise Bad(name, _("The amount is too large."))
    rounded = amount.quantize(CENT)
    if abs(amount - rounded) > Decimal("0.000001"):
        raise Bad(name, _("Give the amount in euros and cents (two decimals)."))
    return rounded


# --- what the checks need, read once ------------------------------------------------------------
@dataclass
class Existing:
    number: int
    codes: set[str]
    status: str


class Context:
    """Categories, share classes, municipalities and the current book of one cooperative, loaded
    with a few queries so that rows are checked without touching the database."""

    def __init__(self, coop: Cooperative, table: Table, columns: dict[str, int]) -> None:
        self.coop = coop
        self.today = timezone.localdate()
        self.categories: dict[str, StakeholderCategory] = {}
        self.category_list = list(StakeholderCategory.objects.filter(coop=coop))
        for category in self.category_list:
            keys = {category.code, category.name, *re.findall(r"\(([^)]*)\)", category.name)}
            for key in keys:
                self.categories.setdefault(_compact(key), category)
        self.classes = list(ShareClass.objects.filter(coop=coop).order_by("valid_from", "code"))
        self.class_keys = {}
        for share_class in self.classes:
            for key in (share_class.code, share_class.name):
                self.class_keys.setdefault(_compact(key), share_class)
        self.by_number: dict[int, Existing] = {}
        self.active_codes: dict[str, int] = {}
        self.pending_codes: set[str] = set()
        self.last_number = 0
        found = Member.objects.filter(coop=coop).values_list(
            "number", "fiscal_code", "vat_number", "status"
        )
        for number, fiscal, vat, status in found:
            codes = {c for c in (fiscal, vat) if c}
            if status == MemberStatus.APPLICANT:
                self.pending_codes |= codes
            if number is None:
                continue
            self.by_number[number] = Existing(number, codes, status)
            self.last_number = max(self.last_number, number)
            if status == MemberStatus.ACTIVE:
                self.active_codes.update(dict.fromkeys(codes, number))
        counter = RegisterCounter.objects.filter(coop=coop).first()
        self.last_number = max(self.last_number, counter.last_number if counter else 0)
        self._load_municipalities(table, columns)

    def _load_municipalities(self, table: Table, columns: dict[str, int]) -> None:
        self.towns: dict[str, str] = {}  # istat code → istat code
        self.by_name_province: dict[tuple[str, str], str] = {}
        self.by_name: dict[str, list[str]] = {}
        self.by_postcode: dict[str, list[str]] = {}
        if "residence" not in columns:
            return
        rows = Municipality.objects.values_list(
            "istat_code", "search_name", "province_abbr", "is_current"
        ).order_by("-is_current")
        for code, name, province, current in rows:
            self.towns[code] = code
            self.by_name_province.setdefault((name, province), code)
            if current:
                self.by_name.setdefault(name, []).append(code)
        index = columns["residence"]
        postcodes = {
            text
            for _n, values in table.rows
            if index < len(values) and re.fullmatch(r"\d{5}", text := _text(values[index]))
        }
        if postcodes:
            found = Postcode.objects.filter(
                code__in=postcodes, municipality__is_current=True
            ).values_list("code", "municipality_id")
            for code, town in found:
                self.by_postcode.setdefault(code, []).append(town)

    def municipality(self, text: str, province: str) -> str:
        """The ISTAT code of what the row says, as ``selectors.municipality_resolve`` reads it."""
        candidates: list[str]
        if re.fullmatch(r"\d{6}", text):
            candidates = [text] if text in self.towns else []
        elif re.fullmatch(r"\d{5}", text):
            candidates = self.by_postcode.get(text, [])
        else:
            if match := NAME_WITH_PROVINCE.match(text):
                text, province = match["name"], match["province"]
            key = search_key(text)
            if province.strip():
                found = self.by_name_province.get((key, province.strip().upper()))
                candidates = [found] if found else []
            else:
                candidates = self.by_name.get(key, [])
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            raise Bad("residence", _("Unknown municipality: %(text)s.") % {"text": text[:100]})
        raise Bad(
            "residence",
            _("More than one municipality is called %(text)s: add the province.")
            % {"text": text[:100]},
        )

    def category(self, text: str, kind: str) -> StakeholderCategory:
        if text:
            key = _compact(text)
            found = self.categories.get(key) or self.categories.get(re.sub(r"^soci?", "", key))
            if found is None:
                names = ", ".join(c.name for c in self.category_list)
                raise Bad(
                    "category",
                    _("Unknown category '%(text)s': use one of %(names)s.")
                    % {"text": text[:60], "names": names},
                )
            return found
        default = "persona-giuridica" if kind == MemberKind.ORGANISATION else "fruitore"
        found = self.categories.get(_compact(default))
        if found is None and self.category_list:
            found = self.category_list[0]
        if found is None:
            raise Bad("category", _("This cooperative has no member categories yet."))
        return found

    def share_class(self, text: str, category: StakeholderCategory, day: date) -> ShareClass:
        if text:
            found = self.class_keys.get(_compact(text))
            if found is None:
                raise Bad(
                    "share_class",
                    _("Unknown class of shares '%(text)s'.") % {"text": text[:60]},
                )
            if not found.is_issued_on(day):
                raise Bad(
                    "share_class",
                    _("The class %(name)s was not issued on %(day)s.")
                    % {"name": found.name, "day": localize(day)},
                )
            return found
        issued = [c for c in self.classes if c.is_issued_on(day)]
        matching = [c for c in issued if c.for_financing == category.is_financing] or issued
        if not matching:
            raise Bad(
                "share_class",
                _(
                    "No class of shares was issued on %(day)s: add a share class from that "
                    "date or check the admission date."
                )
                % {"day": localize(day)},
            )
        return matching[0]


# --- one row ------------------------------------------------------------------------------------
@dataclass
class NewMember:
    line: int
    member: Member
    share_class: ShareClass
    shares: int
    subscribed: Decimal
    paid: Decimal


TEXT_LIMITS = {
    f.name: f.max_length
    for f in Member._meta.get_fields()
    if getattr(f, "max_length", None) and f.get_internal_type() == "CharField"
}


CODE_CHECKS = {"fiscal_code": validate_codice_fiscale, "vat_number": validate_partita_iva}


def _django_messages(exc: DjangoValidationError) -> list[tuple[str | None, str]]:
    if hasattr(exc, "error_dict"):
        return [(name, m) for name, items in exc.message_dict.items() for m in items]
    return [(None, m) for m in exc.messages]


def _build(ctx: Context, values: dict[str, Any]) -> tuple[Member, list[tuple[str | None, str]]]:
    """A new member from a row's values, with every error found (an empty list: valid)."""
    errors: list[tuple[str | None, str]] = []

    def value(name: str, parse: Callable[[Any, str], Any]) -> Any:
        try:
            return parse(values.get(name), name)
        except Bad as exc:
            errors.append((exc.field, exc.message))
            return None

    text = {n: _text(values.get(n)) for n in COLUMNS if n in values}
    for name, content in text.items():
        if "\x00" in content:
            errors.append((name, _("The value holds a NUL character.")))
            text[name] = content.replace("\x00", "")
    kind = _word(text.get("kind", ""), KIND_WORDS) if text.get("kind") else None
    if text.get("kind") and kind is None:
        errors.append(("kind", _("Write 'persona' or 'organizzazione'.")))
    if kind is None:
        org_only = text.get("organisation_name") and not text.get("last_name")
        kind = MemberKind.ORGANISATION if org_only else MemberKind.PERSON
    member = Member(coop_id=ctx.coop.pk, kind=kind, status=MemberStatus.ACTIVE)
    member.fiscal_code = compact_code(text.get("fiscal_code", ""))
    member.vat_number = compact_code(text.get("vat_number", ""))
    for name in ("address", "email", "phone", "admission_reference"):
        setattr(member, name, text.get(name, ""))
    if kind == MemberKind.PERSON:
        member.first_name = text.get("first_name", "")
        member.last_name = text.get("last_name", "")
        member.birth_date = value("birth_date", _date)
        if text.get("sex"):
            member.sex = _word(text["sex"], SEX_WORDS) or ""
            if not member.sex:
                errors.append(("sex", _("Write M or F.")))
    else:
        member.organisation_name = text.get("organisation_name", "")
        member.representative_name = text.get("representative_name", "")
        member.representative_role = text.get("representative_role", "")
        words = text.get("organisation_kind", "")
        member.organisation_kind = _word(words, ORGANISATION_WORDS) or OrganisationKind.OTHER
        if words and not _word(words, ORGANISATION_WORDS):
            errors.append(("organisation_kind", _("Unknown kind of organisation.")))
    # The same checks as the services: the codes, their agreement with birth date and sex,
    # the required fields of a person or an organisation.
    for name, check in CODE_CHECKS.items():
        code = getattr(member, name)
        if not code:
            continue
        try:
            check(code)
        except DjangoValidationError as exc:
            errors.append((name, exc.messages[0]))
    valid_code = not any(f == "fiscal_code" for f, _m in errors)
    if kind == MemberKind.PERSON and member.fiscal_code and valid_code:
        for error in services._identity_errors(member):
            errors.append((error.field, error.message))
        if len(member.fiscal_code) == 16:
            try:  # what the code says, when the file does not
                member.birth_date = member.birth_date or codicefiscale.get_birth_date(
                    member.fiscal_code, minyear=1900
                )
                member.sex = member.sex or codicefiscale.get_gender(member.fiscal_code)
            except StdnumError:
                pass
    elif kind == MemberKind.PERSON and not member.fiscal_code:
        errors.append(("fiscal_code", _("A person's codice fiscale is required.")))
    elif kind == MemberKind.ORGANISATION and member.fiscal_code and len(member.fiscal_code) != 11:
        errors.append(("fiscal_code", _("An organisation's codice fiscale has 11 digits.")))
    try:
        member.clean()
    except DjangoValidationError as exc:
        errors += [e for e in _django_messages(exc) if e[0] not in {f for f, _m in errors}]
    if member.email:
        try:
            validate_email(member.email)
        except DjangoValidationError as exc:
            errors.append(("email", exc.messages[0]))
    for name, limit in TEXT_LIMITS.items():
        content = getattr(member, name, "")
        if isinstance(content, str) and len(content) > limit:
            errors.append((name, _("At most %(n)s characters.") % {"n": limit}))
    return member, errors


def check_row(
    ctx: Context, values: dict[str, Any]
) -> tuple[NewMember | None, list[tuple[str | None, str]]]:
    member, errors = _build(ctx, values)

    def value(name: str, parse: Callable[[Any, str], Any]) -> Any:
        try:
            return parse(values.get(name), name)
        except Bad as exc:
            errors.append((exc.field, exc.message))
            return None

    # Residence, category, dates, shares and money.
    residence = _text(values.get("residence"))
    if residence:
        try:
            member.residence_id = ctx.municipality(residence, _text(values.get("province")))
        except Bad as exc:
            errors.append((exc.field, exc.message))
    category = None
    try:
        category = ctx.category(_text(values.get("category")), member.kind)
        member.category_id = category.pk
    except Bad as exc:
        errors.append((exc.field, exc.message))
    admitted = value("admitted_on", _date)
    if admitted is None and not any(f == "admitted_on" for f, _m in errors):
        errors.append(("admitted_on", _("Give the admission date.")))
    elif admitted and admitted > ctx.today:
        errors.append(("admitted_on", _("The admission date is in the future.")))
        admitted = None
    elif admitted and member.birth_date and admitted < member.birth_date:
        errors.append(("admitted_on", _("The admission date comes before the birth date.")))
    member.admitted_on = member.applied_on = admitted
    exited = value("exited_on", _date)
    if exited:
        words = _text(values.get("exit_kind"))
        member.exit_kind = _word(words, EXIT_WORDS) or ""
        if not member.exit_kind:
            message = (
                _(
                    "Unknown way of leaving: write recesso, esclusione, morte, trasferimento or "
                    "scioglimento."
                )
                if words
                else _("Say how the member left (recesso, esclusione, morte…).")
            )
            errors.append(("exit_kind", message))
        if exited > ctx.today:
            errors.append(("exited_on", _("The exit date is in the future.")))
        elif admitted and exited < admitted:
            errors.append(("exited_on", _("The exit date comes before the admission.")))
        member.status, member.exited_on = MemberStatus.EXITED, exited
    elif _text(values.get("exit_kind")):
        errors.append(("exited_on", _("Give the exit date too.")))
    shares = value("shares", _int)
    if shares is None and not any(f == "shares" for f, _m in errors):
        errors.append(("shares", _("Give the number of shares.")))
    elif shares is not None and shares < 1 and not (shares == 0 and exited):
        # A former member may hold nothing: the book on a later date shows them redeemed.
        errors.append(("shares", _("A member holds at least one share.")))
        shares = None
    subscribed_given = value("subscribed", _money)
    paid = value("paid", _money)
    share_class = None
    if category is not None and admitted is not None:
        try:
            share_class = ctx.share_class(_text(values.get("share_class")), category, admitted)
        except Bad as exc:
            errors.append((exc.field, exc.message))
    if errors or share_class is None or shares is None:
        return None, errors
    subscribed = share_class.nominal_value * shares
    if subscribed >= MAX_AMOUNT:
        return None, [("shares", _("The number is too large."))]
    if subscribed_given is not None and subscribed_given != subscribed:
        errors.append(
            (
                "subscribed",
                _("%(n)s shares of %(class)s are worth %(value)s €, not %(given)s €.")
                % {
                    "n": shares,
                    "class": share_class.name,
                    "value": localize(subscribed),
                    "given": localize(subscribed_given),
                },
            )
        )
    paid = paid or Decimal("0.00")
    if paid < 0:
        errors.append(("paid", _("The amount paid cannot be negative.")))
    elif paid > subscribed:
        errors.append(
            (
                "paid",
                _("Paid %(paid)s € is more than the %(subscribed)s € subscribed.")
                % {"paid": localize(paid), "subscribed": localize(subscribed)},
            )
        )
    # The holding cap of a natural person (art. 2525 c.2), as services._check_cap.
    capped = (
        member.kind == MemberKind.PERSON
        and not share_class.for_financing
        and not category.is_financing
    )
    cap = limits_on(admitted).natural_person_max_holding
    if capped and subscribed > cap:
        errors.append(
            (
                "shares",
                _(
                    "A natural person may hold at most %(cap)s € of capital (art. 2525 c.c.); "
                    "this would make %(total)s €."
                )
                % {"cap": localize(cap), "total": localize(subscribed)},
            )
        )
    if errors:
        return None, errors
    return NewMember(0, member, share_class, shares, subscribed, paid), []


# --- the import ---------------------------------------------------------------------------------
def _report_progress(progress: Progress | None, stage: str, done: int, total: int) -> None:
    if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
        progress(stage, done, total)


def _match(ctx: Context, number: int | None, codes: set[str]) -> tuple[str, str | None]:
    """("new" | "unchanged" | "error", message): is the row a member already in the book?"""
    if number is not None and number in ctx.by_number:
        existing = ctx.by_number[number]
        if not codes or not existing.codes or codes & existing.codes:
            return "unchanged", None
        return "error", _(
            "Register number %(n)s is already in the book for a member with another code."
        ) % {"n": number}
    for code in codes:
        if code in ctx.active_codes:
            if number is None:
                return "unchanged", None
            return "error", _("This member is already in the book as n. %(n)s.") % {
                "n": ctx.active_codes[code]
            }
        if code in ctx.pending_codes:
            return "error", _(
                "An application with this code is waiting for the board: decide it first."
            )
    return "new", None


def import_members(
    *,
    coop: Cooperative,
    actor,
    rows: Iterable[Mapping[str, Any]] | None = None,
    file: bytes | IO[bytes] | Path | str | None = None,
    name: str = "",
    mapping: Mapping[str, str] | None = None,
    skip_invalid: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Check every row of a member book and write the new members, unless a row is bad (then
    nothing, or with ``skip_invalid`` the good rows). File-level problems (encoding, missing
    columns, an unreadable file) raise ``ValidationError``; row problems are in the report.
    ``progress(stage, done, total)`` is called every ``PROGRESS_EVERY`` rows."""
    if (rows is None) == (file is None):
        raise ValueError("give rows or a file")
    if file is not None:
        name = name or (str(file) if isinstance(file, str | Path) else getattr(file, "name", ""))
        table = read_table(_read(file), name)
    else:
        table = _rows_table(rows or [])
    columns = match_columns(table.headers, mapping)
    report = ImportReport(rows=len(table.rows), dry_run=dry_run, encoding=table.encoding)
    report.columns = {n: table.headers[i] for n, i in columns.items()}
    services.book_setup(coop=coop)
    if dry_run:
        _check_all(coop, table, columns, report, progress)
        return report
    with transaction.atomic():
        services.book_changed(coop.pk)
        # Admissions take numbers from this row: lock it so none is given while we write.
        RegisterCounter.objects.get_or_create(coop=coop)
        RegisterCounter.objects.select_for_update().filter(coop=coop).first()
        new = _check_all(coop, table, columns, report, progress)
        if report.errors and not skip_invalid:
            return report
        report.skipped = report.bad_rows
        if new:
            _write(coop, actor, new, progress)
        report.written = True
        audit_record(
            actor=actor,
            action="members.import",
            obj=coop,
            coop=coop,
            after={
                "file": Path(name).name[:120] if name else "(rows)",
                "rows": report.rows,
                "created": report.created,
                "unchanged": report.unchanged,
                "skipped": report.skipped,
                "numbers": list(report.numbers) if report.numbers else None,
            },
        )
    return report


def _check_all(
    coop: Cooperative,
    table: Table,
    columns: dict[str, int],
    report: ImportReport,
    progress: Progress | None,
) -> list[NewMember]:
    ctx = Context(coop, table, columns)
    new: list[NewMember] = []
    seen_numbers: dict[int, int] = {}
    seen_codes: dict[str, int] = {}
    total = len(table.rows)
    stage = _("Checking rows")
    for done, (line, raw) in enumerate(table.rows, start=1):
        values = {n: raw[i] if i < len(raw) else None for n, i in columns.items()}
        errors: list[tuple[str | None, str]] = []
        try:
            number = _int(values.get("number"), "number")
        except Bad as exc:
            errors.append((exc.field, exc.message))
            number = None
        if number is not None and number < 1:
            errors.append(("number", _("A register number starts from 1.")))
            number = None
        codes = {
            c
            for c in (compact_code(_text(values.get(k))) for k in ("fiscal_code", "vat_number"))
            if c
        }
        if number is not None:
            if number in seen_numbers:
                errors.append(
                    (
                        "number",
                        _("Number %(n)s is also on row %(line)s.")
                        % {"n": number, "line": seen_numbers[number]},
                    )
                )
            seen_numbers.setdefault(number, line)
        outcome, message = _match(ctx, number, codes)
        if outcome == "unchanged" and not errors:
            report.unchanged += 1
            _report_progress(progress, stage, done, total)
            continue
        if message:
            errors.append(("number" if number in ctx.by_number else "fiscal_code", message))
        checked, row_errors = check_row(ctx, values)
        errors += row_errors
        if checked is not None and checked.member.status == MemberStatus.ACTIVE:
            for code in codes:
                if code in seen_codes:
                    errors.append(
                        (
                            "fiscal_code",
                            _("The same code is also on row %(line)s.")
                            % {"line": seen_codes[code]},
                        )
                    )
                    break
            for code in codes:
                seen_codes.setdefault(code, line)
        if errors or checked is None:
            report.errors += [RowError(line, f, m) for f, m in errors]
        else:
            checked.line = line
            checked.member.number = number
            new.append(checked)
        _report_progress(progress, stage, done, total)
    # Rows without a number follow the last number in the book and in the file.
    after = max([ctx.last_number, *seen_numbers])
    for item in new:
        if item.member.number is None:
            after += 1
            item.member.number = after
    report.created = len(new)
    if new:
        numbers = [item.member.number for item in new]
        report.numbers = (min(numbers), max(numbers))
    return new


def _write(coop: Cooperative, actor, new: list[NewMember], progress: Progress | None) -> None:
    """Members, their approved applications and their share movements, in batches. Foreign
    keys are set by id: the related objects are known, and this halves the cost of a row."""
    recorder = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    stage = _("Writing members")
    total = len(new)
    for start in range(0, total, BATCH):
        chunk = new[start : start + BATCH]
        Member.objects.bulk_create([item.member for item in chunk], batch_size=BATCH)
        applications, movements = [], []
        for item in chunk:
            member = item.member
            reference = member.admission_reference
            applications.append(
                Application(
                    member_id=member.pk,
                    share_class_id=item.share_class.pk,
                    # A former member exported with nothing left: what they asked for is
                    # unknown, the class minimum stands in (the ledger stays empty).
                    shares_requested=item.shares or item.share_class.min_shares_for_admission,
                    source=Application.Source.IMPORT,
                    status=Application.Status.APPROVED,
                    decided_on=member.admitted_on,
                    decision_reference=reference,
                )
            )
            common = {
                "coop_id": coop.pk,
                "member_id": member.pk,
                "share_class_id": item.share_class.pk,
                "recorded_by_id": recorder,
                "reference": reference,
            }
            if not item.shares:
                continue
            movements.append(
                ShareMovement(
                    kind=MovementKind.SUBSCRIPTION,
                    on_date=member.admitted_on,
                    shares=item.shares,
                    subscribed=item.subscribed,
                    **common,
                )
            )
            if item.paid:
                movements.append(
                    ShareMovement(
                        kind=MovementKind.PAYMENT,
                        on_date=member.admitted_on,
                        paid=item.paid,
                        **common,
                    )
                )
            if member.exited_on:
                common["reference"] = str(ExitKind(member.exit_kind).label)
                movements.append(
                    ShareMovement(
                        kind=MovementKind.REDEMPTION,
                        on_date=member.exited_on,
                        shares=-item.shares,
                        subscribed=-item.subscribed,
                        paid=-item.paid,
                        **common,
                    )
                )
        Application.objects.bulk_create(applications, batch_size=BATCH)
        ShareMovement.objects.bulk_create(movements, batch_size=BATCH)
        _report_progress(progress, stage, min(start + BATCH, total), total)
    last = max(item.member.number for item in new)
    RegisterCounter.objects.filter(coop=coop, last_number__lt=last).update(last_number=last)


def errors_as_fields(report: ImportReport) -> list[FieldError]:
    """The report's row errors as the API's field errors: ``row 12: fiscal_code``."""
    return [
        FieldError(f"row {e.line}: {e.field}" if e.field else f"row {e.line}", e.message)
        for e in report.errors
    ]
