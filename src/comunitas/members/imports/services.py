"""Importing an existing member book (libro soci) from a CSV or XLSX file, or from rows of an
API call.

Why it is not a loop over ``book.services.application_submit``: a book of 20,000 members must
import in seconds, so every row is checked in Python (``rows.check_row``) against what a few
queries loaded into dicts (categories, share classes, municipalities, the members already in the
book) with the same rules the services apply, and the members, their applications and their
share movements are written with ``bulk_create`` in one transaction. Nothing is written unless
every row passes, or, with ``skip_invalid``, the good rows are written and the report lists the
others.

Re-importing the same file creates nothing twice: a row is the member already in the book with
its register number (or, for a row without a number, its codice fiscale / partita IVA), and is
counted as unchanged; existing members are never modified by an import.

Files: CSV in UTF-8 (with or without BOM; Windows-1252 is accepted when the text is plainly
Western European), the delimiter sniffed among ``,`` ``;`` and tab; XLSX (the first sheet).
The first non-empty row holds the column headers; common Italian headers are recognised and
``mapping`` ({our field: the file's header}) names the others."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from comunitas.core.audit import audit_record
from comunitas.core.errors import FieldError
from comunitas.core.kernel.types import Actor, Progress, user_of
from comunitas.core.models import Cooperative
from comunitas.core.validators import compact_code
from comunitas.members.book import services as book_services
from comunitas.members.imports.reading import (
    Table,
    match_columns,
    read_table,
    read_upload,
    rows_table,
)
from comunitas.members.imports.rows import (
    Context,
    Errors,
    NewMember,
    RowError,
    cell_text,
    check_row,
    parsed,
    whole_number,
)
from comunitas.members.models import (
    Application,
    ExitKind,
    Member,
    MemberStatus,
    MovementKind,
    RegisterCounter,
    ShareMovement,
)

PROGRESS_EVERY = 500  # rows between two calls of the progress callback
BATCH = 1000  # rows per INSERT


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
    actor: Actor,
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
        table = read_table(read_upload(file), name)
    else:
        table = rows_table(rows or [])
    columns = match_columns(table.headers, mapping)
    report = ImportReport(rows=len(table.rows), dry_run=dry_run, encoding=table.encoding)
    report.columns = {n: table.headers[i] for n, i in columns.items()}
    book_services.book_setup(coop=coop)
    if dry_run:
        _check_all(coop, table, columns, report, progress)
        return report
    with transaction.atomic():
        book_services.book_changed(coop.pk)
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
        errors: Errors = []
        number = parsed(values, "number", whole_number, errors)
        if number is not None and number < 1:
            errors.append(("number", _("A register number starts from 1.")))
            number = None
        codes = {
            c
            for c in (compact_code(cell_text(values.get(k))) for k in ("fiscal_code", "vat_number"))
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


def _write(
    coop: Cooperative, actor: Actor, new: list[NewMember], progress: Progress | None
) -> None:
    """Members, their approved applications and their share movements, in batches. Foreign
    keys are set by id: the related objects are known, and this halves the cost of a row."""
    user = user_of(actor)
    recorder = user.pk if user is not None else None
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
