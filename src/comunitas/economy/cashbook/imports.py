"""Importing a bank statement or an accountant's export into the cash book, from CSV or XLSX.

Why not a loop over ``cashbook.services.movement_create``: a year of a busy cooperative's bank
is tens of thousands of rows, and one query per row would take minutes. So every row is checked
in Python against what a few queries loaded (the chart, the counterparties, the frozen years,
the movements already in the book in the file's dates), with the rules the services apply, and
the movements are written with ``bulk_create`` in one transaction with their ``ImportBatch``.
Nothing is written unless every row passes; the report lists every bad row with its line
number (the header is line 1) and why.

Each row is money in (positive) or out (negative): the sign of ``amount``, or a ``credit``
(money in, *accrediti*) and a ``debit`` (money out, *addebiti*) column. A row with a category
code takes that category's direction, and the amount keeps its meaning: a negative amount
under an income category is a refund. Without a category, money in goes to ``other-income``
and money out to ``other``.

Duplicates: a row with the date, amount and reference of a movement already in the book, or
of an earlier row of the file, is the same movement: it is skipped and counted, not an error,
so re-importing a statement (or one overlapping the last) writes nothing twice.

Text: CSV in UTF-8 (with or without BOM); a file in Windows-1252 or Latin-1 is read only when
the user says so (``encoding``), since guessing wrong would store garbled descriptions. XLSX:
the first sheet, read-only. Descriptions, references and counterparty names longer than the
book keeps are shortened; amounts in Italian ("1.234,56", "-12,30") or plain ("1234.56")
form; dates as "31/12/2025", "31.12.2025" or ISO "2025-12-31".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from comunitas.core.audit import audit_record
from comunitas.core.errors import FieldError, ValidationError
from comunitas.core.kernel.money import CENT, MAX_MONEY, ZERO, parse_euros
from comunitas.core.kernel.types import Actor, Progress, user_of
from comunitas.core.models import Cooperative
from comunitas.economy.cashbook import ledger
from comunitas.economy.cashbook.chart import chart_ensure
from comunitas.economy.models import (
    Counterparty,
    CounterpartyKind,
    Direction,
    ImportBatch,
    ImportKind,
    Movement,
    MovementSource,
)
from comunitas.members.imports.reading import Table, compact_header, read_table

MAX_FILE_BYTES = 10 * 1024 * 1024  # the web and API limit; the CLI reads any size
PROGRESS_EVERY = 1000
BATCH = 2000
ENCODINGS = {"": "utf-8", "utf-8": "utf-8", "windows-1252": "cp1252", "latin-1": "latin-1"}
FIELDS = (
    "date",
    "amount",
    "debit",
    "credit",
    "description",
    "reference",
    "counterparty",
    "category",
)
# Headers recognised without a mapping, compared by members.imports.reading.compact_header.
ALIASES: dict[str, tuple[str, ...]] = {
    "date": ("date", "data", "dataoperazione", "datacontabile", "datamovimento"),
    "amount": ("amount", "importo", "importoeur", "importoeuro"),
    "debit": ("debit", "addebiti", "addebito", "uscite", "uscita"),
    "credit": ("credit", "accrediti", "accredito", "entrate", "entrata"),
    "description": ("description", "descrizione", "causale", "descrizioneoperazione"),
    "reference": ("reference", "riferimento", "rif", "numerodocumento", "cro", "trn"),
    "counterparty": ("counterparty", "controparte", "beneficiario", "ordinante"),
    "category": ("category", "categoria", "codicecategoria"),
}
LIMITS = {"description": 200, "reference": 80, "counterparty": 200, "category": 40}
FALLBACK = {Direction.INCOME: "other-income", Direction.EXPENSE: "other"}
ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[ T])")
LOCAL_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})$")


@dataclass(frozen=True)
class RowError:
    line: int
    field: str | None
    message: str


@dataclass
class ImportReport:
    rows: int = 0
    imported: int = 0
    duplicates: int = 0
    errors: list[RowError] = field(default_factory=list)
    written: bool = False
    encoding: str = ""
    columns: dict[str, str] = field(default_factory=dict)  # our field: the file's header
    batch_id: int | None = None

    @property
    def bad_rows(self) -> int:
        return len({e.line for e in self.errors})

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "imported": self.imported,
            "duplicates": self.duplicates,
            "written": self.written,
            "encoding": self.encoding,
            "columns": self.columns,
            "batch_id": self.batch_id,
            "errors": [e.__dict__ for e in self.errors],
        }


class Bad(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


# --- reading ------------------------------------------------------------------------------------
def _file_error(message: str) -> ValidationError:
    return ValidationError(message, field="file")


def _read(file: bytes | IO[bytes] | Path | str) -> bytes:
    if isinstance(file, bytes):
        return file
    if isinstance(file, str | Path):
        return Path(file).read_bytes()
    if hasattr(file, "seek"):
        file.seek(0)
    return file.read()


def _as_utf8(data: bytes, encoding: str) -> tuple[bytes, str]:
    """The CSV's bytes in UTF-8 and the encoding it was read in; an XLSX is left as it is."""
    if data.startswith(b"PK\x03\x04"):
        return data, ""
    if encoding not in ENCODINGS:
        raise ValidationError(_("Choose UTF-8, Windows-1252 or Latin-1."), field="encoding")
    codec = ENCODINGS[encoding]
    if data.startswith(b"\xef\xbb\xbf"):
        data, codec = data[3:], "utf-8"
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        if codec == "utf-8":
            raise _file_error(
                _(
                    "The file is not UTF-8. Save it as UTF-8 CSV, or say it is in "
                    "Windows-1252 or Latin-1 (encoding) if that is how it was saved."
                )
            ) from None
        raise _file_error(
            _("The file cannot be read as %(encoding)s.") % {"encoding": encoding}
        ) from None
    return text.encode("utf-8"), encoding or "utf-8"


def match_columns(headers: list[str], mapping: Mapping[str, str] | None) -> dict[str, int]:
    """Our field → the column index, from the mapping first, then the usual headers."""
    keys = [compact_header(h) for h in headers]
    columns: dict[str, int] = {}
    errors = []
    for name, header in (mapping or {}).items():
        if name not in FIELDS:
            errors.append(
                FieldError("mapping", _("Unknown field: %(name)s.") % {"name": str(name)[:40]})
            )
        elif compact_header(header) not in keys:
            errors.append(
                FieldError(
                    "mapping",
                    _("The file has no column %(header)s (it has: %(headers)s).")
                    % {"header": str(header)[:80], "headers": ", ".join(headers)[:300]},
                )
            )
        else:
            columns[name] = keys.index(compact_header(header))
    if errors:
        raise ValidationError(errors=errors)
    used = set(columns.values())
    for name in FIELDS:
        if name in columns:
            continue
        found = next((i for i, k in enumerate(keys) if k in ALIASES[name] and i not in used), None)
        if found is not None:
            columns[name] = found
            used.add(found)
    if "date" not in columns:
        errors.append(_("Name the column of the date."))
    if "amount" not in columns and not {"debit", "credit"} <= set(columns):
        errors.append(_("Name the column of the amount, or the debit and credit columns."))
    if errors:
        raise ValidationError(
            errors=[
                FieldError(
                    "mapping",
                    f"{message} "
                    + _("The file's columns: %(headers)s.") % {"headers": ", ".join(headers)[:300]},
                )
                for message in errors
            ]
        )
    if "amount" in columns:
        columns.pop("debit", None)
        columns.pop("credit", None)
    return columns


# --- parsing values -------------------------------------------------------------------------------
def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_amount(value: Any, name: str = "amount") -> Decimal | None:
    """Euros as a bank or an accountant writes them (``core.kernel.money.parse_euros``), to
    the cent and within what the book holds; None when empty. ``Bad`` names the column."""
    not_an_amount = _("Not an amount: %(value)s.") % {"value": str(value)[:40]}
    try:
        amount = parse_euros(value)
    except ValueError:
        raise Bad(name, not_an_amount) from None
    if amount is None:
        return None
    if abs(amount) > MAX_MONEY:
        raise Bad(name, not_an_amount)
    if amount != amount.quantize(CENT):
        raise Bad(name, _("The amount has more than two decimals: %(value)s.") % {"value": value})
    return amount.quantize(CENT)


def parse_date(value: Any) -> date:
    """A date as 31/12/2025, 31.12.2025, 31-12-25 or ISO 2025-12-31 (or an Excel date)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if not text:
        raise Bad("date", _("The date is missing."))
    try:
        if match := ISO_DATE.match(text):
            year, month, day = (int(g) for g in match.groups())
        elif match := LOCAL_DATE.match(text):
            day, month, year = (int(g) for g in match.groups())
            year += 2000 if year < 100 else 0
        else:
            raise ValueError
        return date(year, month, day)
    except ValueError:
        raise Bad("date", _("Not a date: %(value)s.") % {"value": text[:40]}) from None


def _text(value: Any, name: str) -> str:
    if _blank(value):
        return ""
    text = str(value).strip().replace("\x00", "")
    return text[: LIMITS[name]]


# --- checking and writing -------------------------------------------------------------------------
@dataclass
class Row:
    line: int
    on_date: date
    direction: str
    amount: Decimal
    category_code: str
    description: str
    reference: str
    counterparty: str


def _signed(values: dict[str, Any]) -> Decimal:
    """Money in positive, money out negative."""
    if "amount" in values:
        amount = parse_amount(values["amount"])
        if amount is None:
            raise Bad("amount", _("The amount is missing."))
        return amount
    credit = parse_amount(values.get("credit"), "credit") or ZERO
    debit = parse_amount(values.get("debit"), "debit") or ZERO
    return credit - debit


class Checker:
    """The rules of a row against what a few queries loaded."""

    def __init__(self, coop: Cooperative) -> None:
        self.coop = coop
        self.chart = chart_ensure(coop=coop)
        self.frozen: dict[int, bool] = {}

    def year_frozen(self, year: int) -> bool:
        if year not in self.frozen:
            self.frozen[year] = ledger.year_frozen(coop=self.coop, year=year)
        return self.frozen[year]

    def row(self, line: int, values: dict[str, Any]) -> tuple[Row | None, list[RowError]]:
        errors: list[RowError] = []
        on_date = signed = None
        try:
            on_date = parse_date(values.get("date"))
            if self.year_frozen(on_date.year):
                raise Bad(
                    "date",
                    _("The year %(year)s is closed: its accounts can no longer change.")
                    % {"year": on_date.year},
                )
        except Bad as exc:
            errors.append(RowError(line, exc.field, exc.message))
        try:
            signed = _signed(values)
            if signed == 0:
                raise Bad("amount", _("The amount is zero."))
        except Bad as exc:
            errors.append(RowError(line, exc.field, exc.message))
        code = _text(values.get("category"), "category").lower()
        if code and code not in self.chart:
            errors.append(
                RowError(line, "category", _("Unknown category: %(code)s.") % {"code": code[:40]})
            )
        if errors:
            return None, errors
        if code:
            direction = self.chart[code].direction
        else:
            direction = Direction.INCOME if signed > 0 else Direction.EXPENSE
            code = FALLBACK[direction]
        amount = signed if direction == Direction.INCOME else -signed
        return Row(
            line=line,
            on_date=on_date,
            direction=direction,
            amount=amount,
            category_code=code,
            description=_text(values.get("description"), "description"),
            reference=_text(values.get("reference"), "reference"),
            counterparty=_text(values.get("counterparty"), "counterparty"),
        ), []


def _report_progress(progress: Progress | None, stage: str, done: int, total: int) -> None:
    if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
        progress(stage, done, total)


def _existing_keys(coop: Cooperative, rows: list[Row]) -> set[tuple[date, Decimal, str]]:
    if not rows:
        return set()
    first = min(r.on_date for r in rows)
    last = max(r.on_date for r in rows)
    return set(
        Movement.objects.filter(coop=coop, on_date__gte=first, on_date__lte=last).values_list(
            "on_date", "amount", "reference"
        )
    )


def _rows_table(rows: list[Mapping[str, Any]]) -> Table:
    """Rows given as objects {header: value} (the API, e.g. a script reading the bank's own
    API), numbered from 1."""
    headers: dict[str, None] = {}
    for row in rows:
        headers.update(dict.fromkeys(str(k) for k in row))
    names = list(headers)
    return Table(names, [(i, [row.get(h) for h in names]) for i, row in enumerate(rows, start=1)])


def import_movements(
    *,
    coop: Cooperative,
    actor: Actor,
    file: bytes | IO[bytes] | Path | str | None = None,
    rows: list[Mapping[str, Any]] | None = None,
    name: str = "",
    kind: str = ImportKind.BANK,
    mapping: Mapping[str, str] | None = None,
    encoding: str = "",
    progress: Progress | None = None,
) -> ImportReport:
    """Check every row of a bank or accountant's file and write its new movements, all of them
    or none. File-level problems (encoding, columns, an unreadable file) raise
    ``ValidationError``; row problems are in the report. ``progress(stage, done, total)``.
    Give a file or ``rows`` ({header: value} each, numbered from 1)."""
    if (rows is None) == (file is None):
        raise ValueError("give rows or a file")
    if kind not in ImportKind.values:
        raise ValidationError(_("Choose a bank statement or an accountant's export."), field="kind")
    if file is not None:
        name = name or (str(file) if isinstance(file, str | Path) else getattr(file, "name", ""))
        data, read_as = _as_utf8(_read(file), encoding)
        table = read_table(data, name)
    else:
        table, read_as = _rows_table(rows or []), ""
    columns = match_columns(table.headers, mapping)
    report = ImportReport(rows=len(table.rows), encoding=read_as)
    report.columns = {n: table.headers[i] for n, i in columns.items()}
    checker = Checker(coop)
    good: list[Row] = []
    total = len(table.rows)
    stage = _("Checking rows")
    for done, (line, raw) in enumerate(table.rows, start=1):
        values = {n: raw[i] if i < len(raw) else None for n, i in columns.items()}
        row, errors = checker.row(line, values)
        if row is not None:
            good.append(row)
        report.errors.extend(errors)
        _report_progress(progress, stage, done, total)
    if report.errors:
        return report
    with transaction.atomic():
        seen = _existing_keys(coop, good)
        new: list[Row] = []
        for row in good:
            key = (row.on_date, row.amount, row.reference)
            if key in seen:
                report.duplicates += 1
                continue
            seen.add(key)
            new.append(row)
        _write(coop, actor, kind, name, new, checker, report, progress)
    return report


def _counterparties(coop: Cooperative, rows: list[Row]) -> dict[str, int]:
    """The counterparties the rows name, by lower-case name; the new ones are added."""
    known = {
        n.lower(): pk for pk, n in Counterparty.objects.filter(coop=coop).values_list("pk", "name")
    }
    missing: dict[str, Counterparty] = {}
    for row in rows:
        key = row.counterparty.lower()
        if row.counterparty and key not in known and key not in missing:
            kind = (
                CounterpartyKind.CUSTOMER
                if row.direction == Direction.INCOME
                else (CounterpartyKind.SUPPLIER)
            )
            missing[key] = Counterparty(coop=coop, name=row.counterparty, kind=kind)
    if missing:
        Counterparty.objects.bulk_create(missing.values(), batch_size=BATCH)
        known = {
            n.lower(): pk
            for pk, n in Counterparty.objects.filter(coop=coop).values_list("pk", "name")
        }
    return known


def _write(
    coop: Cooperative,
    actor: Actor,
    kind: str,
    name: str,
    rows: list[Row],
    checker: Checker,
    report: ImportReport,
    progress: Progress | None,
) -> None:
    user = user_of(actor)
    batch = ImportBatch.objects.create(
        coop=coop,
        kind=kind,
        filename=Path(name).name[:255] if name else "(file)",
        rows=len(rows),
        duplicates=report.duplicates,
        created_by=user,
    )
    counterparty_ids = _counterparties(coop, rows)
    category_ids = {code: c.pk for code, c in checker.chart.items()}
    stage = _("Writing movements")
    total = len(rows)
    for start in range(0, total, BATCH):
        chunk = rows[start : start + BATCH]
        Movement.objects.bulk_create(
            [
                Movement(
                    coop_id=coop.pk,
                    on_date=r.on_date,
                    direction=r.direction,
                    amount=r.amount,
                    category_id=category_ids[r.category_code],
                    description=r.description,
                    reference=r.reference,
                    counterparty_id=counterparty_ids.get(r.counterparty.lower()),
                    source=MovementSource.IMPORT,
                    batch_id=batch.pk,
                    recorded_by=user,
                )
                for r in chunk
            ]
        )
        done = start + len(chunk)
        if progress is not None:
            progress(stage, done, total)
    report.imported = total
    report.written = True
    report.batch_id = batch.pk
    audit_record(
        actor=actor,
        action="cashbook.import",
        obj=batch,
        coop=coop,
        after={
            "file": batch.filename,
            "kind": kind,
            "rows": report.rows,
            "imported": report.imported,
            "duplicates": report.duplicates,
        },
    )


def errors_as_fields(report: ImportReport) -> list[FieldError]:
    """The report's row errors as the API's field errors: ``row 12: amount``."""
    return [
        FieldError(f"row {e.line}: {e.field}" if e.field else f"row {e.line}", e.message)
        for e in report.errors
    ]
