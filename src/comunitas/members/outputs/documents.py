"""The member book as documents: the register (libro soci, art. 2421 c.c.) as it stood on any
date, as CSV, XLSX and PDF, and a member's certificate of membership as PDF.

Formats, and why
    CSV is for machines: UTF-8 with a BOM (so Excel does not guess another encoding), ``;`` as
    separator (so Italian Excel still splits the columns), ISO dates, dot decimals, stable
    column names that ``imports.services.import_members`` reads back unchanged (``CSV_COLUMNS``).
    XLSX is for people: translated headers, real date cells, whole numbers and euro amounts as
    numbers with a € format, so sums and filters work. Both read the book with ``iterator()``
    and never hold it in memory as models; the CSV is streamed.
    PDF is the printable book: the same table template as the page, A4 landscape, the
    cooperative's name, codice fiscale and the date in every page's header, page numbers in the
    footer. WeasyPrint lays out a table row in several milliseconds, so the web offers the PDF
    up to ``PDF_WEB_MAX_ROWS`` entries (a request must end before the server's timeout); the
    CLI (``comunitas members export --format pdf``) prints a book of any size.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import IO

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from comunitas.core.errors import ValidationError
from comunitas.core.kernel.money import ZERO
from comunitas.core.models import Cooperative
from comunitas.members.book import selectors as book_selectors
from comunitas.members.models import ExitKind, Member, MemberKind

PDF_WEB_MAX_ROWS = 1000
CHUNK = 2000  # rows fetched at a time from the database
CSV_COLUMNS = [
    "number",
    "kind",
    "last_name",
    "first_name",
    "organisation_name",
    "organisation_kind",
    "representative_name",
    "fiscal_code",
    "vat_number",
    "category",
    "residence_istat",
    "residence",
    "province",
    "in_territory",
    "admitted_on",
    "admission_reference",
    "exited_on",
    "exit_kind",
    "shares",
    "subscribed",
    "paid",
]


@dataclass(frozen=True)
class Entry:
    """One line of the register as it stood on a date."""

    number: int
    kind: str
    name: str
    last_name: str
    first_name: str
    organisation_name: str
    organisation_kind: str
    representative_name: str
    fiscal_code: str
    vat_number: str
    category_code: str
    category: str
    residence_istat: str
    residence: str
    province: str
    in_territory: bool
    admitted_on: date
    admission_reference: str
    exited_on: date | None  # only when the member had left by the date of the register
    exit_kind: str
    exit_label: str
    shares: int
    subscribed: Decimal
    paid: Decimal

    @property
    def codes(self) -> str:
        return " / ".join(code for code in (self.fiscal_code, self.vat_number) if code)


def entry(member: Member, day: date) -> Entry:
    """A member of ``book.selectors.register`` (holdings and territory annotated) as a line of
    the book on ``day``: an exit after that day did not exist yet."""
    left = member.exited_on is not None and member.exited_on <= day
    town = member.residence
    return Entry(
        number=member.number,
        kind=member.kind,
        name=member.display_name,
        last_name=member.last_name,
        first_name=member.first_name,
        organisation_name=member.organisation_name,
        organisation_kind=member.organisation_kind,
        representative_name=member.representative_name,
        fiscal_code=member.fiscal_code,
        vat_number=member.vat_number,
        category_code=member.category.code,
        category=member.category.name,
        residence_istat=town.istat_code if town else "",
        residence=town.name if town else "",
        province=town.province_abbr if town else "",
        in_territory=bool(member.in_territory),
        admitted_on=member.admitted_on,
        admission_reference=member.admission_reference,
        exited_on=member.exited_on if left else None,
        exit_kind=member.exit_kind if left else "",
        exit_label=str(ExitKind(member.exit_kind).label) if left and member.exit_kind else "",
        shares=member.shares_held,
        subscribed=member.capital_subscribed,
        paid=member.capital_paid,
    )


def register_entries(*, coop: Cooperative, on_date: date) -> Iterator[Entry]:
    """Every line of the book on a date, read in chunks."""
    for member in book_selectors.register(coop=coop, on_date=on_date).iterator(chunk_size=CHUNK):
        yield entry(member, on_date)


def parse_day(value: str | None) -> date:
    """The ``?on=`` of a register address: ISO YYYY-MM-DD, today when absent."""
    if not value:
        return timezone.localdate()
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(
            _("'%(value)s' is not a date: write it as YYYY-MM-DD.") % {"value": value[:40]},
            field="on",
        ) from None


def file_name(coop: Cooperative, on_date: date, extension: str) -> str:
    return f"libro-soci-{coop.slug}-{on_date.isoformat()}.{extension}"


# --- CSV ----------------------------------------------------------------------------------------
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text(value: object) -> object:
    """Text a spreadsheet must not run as a formula (CSV/formula injection) gets a leading
    apostrophe, which spreadsheets hide and the import removes."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_values(e: Entry) -> list[object]:
    return [as_text(value) for value in _csv_raw(e)]


def _csv_raw(e: Entry) -> list[object]:
    return [
        e.number,
        e.kind,
        e.last_name,
        e.first_name,
        e.organisation_name,
        e.organisation_kind,
        e.representative_name,
        e.fiscal_code,
        e.vat_number,
        e.category_code,
        e.residence_istat,
        e.residence,
        e.province,
        "true" if e.in_territory else "false",
        e.admitted_on.isoformat(),
        e.admission_reference,
        e.exited_on.isoformat() if e.exited_on else "",
        e.exit_kind,
        e.shares,
        f"{e.subscribed:.2f}",
        f"{e.paid:.2f}",
    ]


def register_csv(*, coop: Cooperative, on_date: date) -> Iterator[bytes]:
    """The book as CSV, in blocks of bytes to stream."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")

    def flush() -> bytes:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text.encode()

    writer.writerow(CSV_COLUMNS)
    yield "\ufeff".encode() + flush()
    for n, line in enumerate(register_entries(coop=coop, on_date=on_date), start=1):
        writer.writerow(_csv_values(line))
        if n % 500 == 0:
            yield flush()
    yield flush()


# --- XLSX ---------------------------------------------------------------------------------------
EURO_FORMAT = '#,##0.00 "€"'
DATE_FORMAT = "DD/MM/YYYY"


def _xlsx_headers() -> list[tuple[str, int]]:
    """(header, column width) of the spreadsheet."""
    return [
        (_("Number"), 8),
        (_("Name"), 32),
        (_("Codice fiscale / partita IVA"), 20),
        (_("Category"), 26),
        (_("Municipality"), 22),
        (_("Province"), 9),
        (_("In the territory"), 12),
        (_("Admitted on"), 12),
        (_("Admission decision"), 22),
        (_("Left on"), 12),
        (_("Way of leaving"), 22),
        (_("Shares"), 9),
        (_("Capital subscribed (€)"), 16),
        (_("Capital paid (€)"), 16),
    ]


def register_xlsx(*, coop: Cooperative, on_date: date, out: IO[bytes]) -> None:
    """The book as an Excel workbook written to ``out``: one row per member, numbers and dates
    as typed cells. Write-only mode keeps the memory flat whatever the size of the book."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_("Register") + f" {on_date.isoformat()}"[:31])
    headers = _xlsx_headers()
    for index, (_label, width) in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for label, _width in headers:
        cell = WriteOnlyCell(sheet, value=label)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    yes, no = _("yes"), _("no")

    def typed(value, number_format: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = number_format
        return cell

    for e in register_entries(coop=coop, on_date=on_date):
        sheet.append(
            [
                as_text(value)
                for value in (
                    e.number,
                    e.name,
                    e.codes,
                    e.category,
                    e.residence,
                    e.province,
                    (yes if e.in_territory else no) if e.residence else "",
                    typed(e.admitted_on, DATE_FORMAT),
                    e.admission_reference,
                    typed(e.exited_on, DATE_FORMAT) if e.exited_on else None,
                    e.exit_label,
                    e.shares,
                    typed(e.subscribed, EURO_FORMAT),
                    typed(e.paid, EURO_FORMAT),
                )
            ]
        )
    book.properties.title = _("Member register of %(coop)s on %(day)s") % {
        "coop": coop.name,
        "day": on_date.isoformat(),
    }
    book.save(out)


# --- HTML and PDF -------------------------------------------------------------------------------
def register_summary(*, coop: Cooperative, on_date: date) -> dict[str, object]:
    """What the page and the PDF say above the table: members on the date and the capital."""
    current = Member.objects.members_on(on_date).filter(coop=coop).count()
    return {
        "current": current,
        "capital": book_selectors.capital_summary(coop=coop, on_date=on_date),
    }


def _weasyprint(html: str, base_url: str | None) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url).write_pdf()


def register_pdf(*, coop: Cooperative, on_date: date, base_url: str | None = None) -> bytes:
    """The printable book from the page's own table template."""
    context = {
        "coop": coop,
        "day": on_date,
        "entries": register_entries(coop=coop, on_date=on_date),
        "printed": timezone.localdate(),
        **register_summary(coop=coop, on_date=on_date),
    }
    html = render_to_string("members/outputs/register_pdf.html", context)
    return _weasyprint(html, base_url)


def certificate_pdf(member: Member, *, on_date: date | None = None) -> bytes:
    """A certificate of membership (certificato di iscrizione al libro soci) in the active
    language: number, admission date, category and the shares and capital held on the date,
    with a place for the president's signature. Only for someone who is in the book."""
    if member.number is None or member.admitted_on is None:
        raise ValidationError(_("Only a member in the book has a certificate."))
    day = on_date or timezone.localdate()
    held = book_selectors.holdings(member=member, on_date=day)
    coop = member.coop
    context = {
        "coop": coop,
        "member": member,
        "is_person": member.kind == MemberKind.PERSON,
        "day": day,
        "left": member.exited_on is not None and member.exited_on <= day,
        "shares": sum(h.shares for h in held),
        "subscribed": sum((h.subscribed for h in held), ZERO),
        "paid": sum((h.paid for h in held), ZERO),
        "place": coop.seat.name if coop.seat_id else "",
    }
    html = render_to_string("members/outputs/certificate.html", context)
    return _weasyprint(html, None)
