"""The economy as files: the year's aggregates (for members) and the year's movements (for
operators), as CSV and XLSX, named by cooperative and year, and the year's money flow as PDF;
each as the download the pages and the API answer with.

The same formats as the member book (members/outputs/documents.py): CSV in UTF-8 with a BOM,
``;`` between columns, ISO dates and dot decimals, streamed; XLSX with translated headers, date
and euro cells, built in write-only mode in memory. Text that a spreadsheet would run as a
formula is quoted (``as_text``)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from comunitas.core.models import Cooperative
from comunitas.economy.fund import dashboard, sankey
from comunitas.economy.fund.dashboard import Dashboard
from comunitas.economy.fund.sankey import year_range
from comunitas.economy.models import Movement
from comunitas.members.outputs.documents import DATE_FORMAT, EURO_FORMAT, as_text

FORMATS = ("csv", "xlsx")
AGGREGATE_COLUMNS = ["year", "section", "label", "amount"]
MOVEMENT_COLUMNS = [
    "date",
    "direction",
    "category",
    "amount",
    "vat",
    "description",
    "reference",
    "counterparty",
    "resource",
    "project",
    "service",
    "job",
    "earmark",
    "source",
    "synthetic",
]


def file_name(coop: Cooperative, what: str, year: int, fmt: str) -> str:
    return f"{what}-{coop.slug}-{year}.{fmt}"


def _plain(value: object) -> object:
    """A CSV cell: ISO dates, dot decimals, true/false, text safe from spreadsheets."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return as_text(value)


def _csv(header: list[str], rows: Iterable[list[object]]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")

    def flush() -> bytes:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text.encode()

    writer.writerow(header)
    yield "\ufeff".encode() + flush()
    for n, row in enumerate(rows, start=1):
        writer.writerow([_plain(v) for v in row])
        if n % 1000 == 0:
            yield flush()
    yield flush()


def _xlsx(title: str, headers: list[tuple[str, int]], rows: Iterable[list[object]]) -> bytes:
    """A one-sheet workbook; ``rows`` hold plain values, dates and Decimals get typed cells."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
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
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, Decimal):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = EURO_FORMAT
            elif isinstance(value, date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = DATE_FORMAT
            else:
                cell = WriteOnlyCell(sheet, value=as_text(value))
            cells.append(cell)
        sheet.append(cells)
    book.properties.title = title
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- aggregates -----------------------------------------------------------------------------------
def aggregates_rows(board: Dashboard) -> list[list[object]]:
    rows: list[list[object]] = [[board.year, s, label, v] for s, label, v in board.rows()]
    rows += [[y.year, _("Result per year"), str(y.year), y.result] for y in board.years]
    return rows


def aggregates_csv(board: Dashboard) -> Iterator[bytes]:
    return _csv(AGGREGATE_COLUMNS, aggregates_rows(board))


def aggregates_xlsx(*, coop: Cooperative, board: Dashboard) -> bytes:
    headers = [(_("Year"), 8), (_("Section"), 28), (_("Line"), 36), (_("Amount (€)"), 16)]
    title = _("Economy of %(coop)s in %(year)s") % {"coop": coop.name, "year": board.year}
    return _xlsx(title, headers, aggregates_rows(board))


# --- movements ------------------------------------------------------------------------------------
def year_movements(*, coop: Cooperative, year: int):
    return (
        Movement.objects.filter(year_range(year), coop=coop)
        .select_related("category", "counterparty", "resource", "project", "service", "job")
        .order_by("on_date", "id")
        .iterator(chunk_size=2000)
    )


def _movement_row(m: Movement) -> list[object]:
    return [
        m.on_date,
        m.direction,
        m.category.code,
        m.amount,
        m.vat,
        m.description,
        m.reference,
        m.counterparty.name if m.counterparty_id else "",
        m.resource.name if m.resource_id else "",
        m.project.title if m.project_id else "",
        m.service.name if m.service_id else "",
        m.job.title if m.job_id else "",
        m.earmark_id or "",
        m.source,
        m.synthetic,
    ]


def movements_csv(*, coop: Cooperative, year: int) -> Iterator[bytes]:
    rows = (_movement_row(m) for m in year_movements(coop=coop, year=year))
    return _csv(MOVEMENT_COLUMNS, rows)


def movements_xlsx(*, coop: Cooperative, year: int) -> bytes:
    headers = [
        (_("Date"), 12),
        (_("Direction"), 10),
        (_("Category"), 16),
        (_("Amount (€)"), 14),
        (_("VAT (€)"), 12),
        (_("Description"), 36),
        (_("Reference"), 18),
        (_("Counterparty"), 28),
        (_("Common resource"), 22),
        (_("Project"), 22),
        (_("Service"), 22),
        (_("Job"), 18),
        (_("Earmark"), 10),
        (_("Source"), 10),
        (_("Synthetic"), 10),
    ]
    title = _("Movements of %(coop)s in %(year)s") % {"coop": coop.name, "year": year}
    rows = (_movement_row(m) for m in year_movements(coop=coop, year=year))
    return _xlsx(title, headers, rows)


# --- downloads ------------------------------------------------------------------------------------
def this_year() -> int:
    """The year a download is of when none is asked for."""
    return timezone.localdate().year


def _download(content, name: str, fmt: str) -> HttpResponse:
    if fmt == "csv":
        response = StreamingHttpResponse(content, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return FileResponse(io.BytesIO(content), as_attachment=True, filename=name)


def aggregates_file(coop: Cooperative, year: int, fmt: str) -> HttpResponse:
    """The year's aggregates as a download (the pages and the API)."""
    board = dashboard.dashboard(coop=coop, year=year)
    name = file_name(coop, "economia", board.year, fmt)
    if fmt == "csv":
        return _download(aggregates_csv(board), name, fmt)
    return _download(aggregates_xlsx(coop=coop, board=board), name, fmt)


def movements_file(coop: Cooperative, year: int, fmt: str) -> HttpResponse:
    """The year's movements as a download (the pages and the API)."""
    name = file_name(coop, "movimenti", year, fmt)
    if fmt == "csv":
        return _download(movements_csv(coop=coop, year=year), name, fmt)
    return _download(movements_xlsx(coop=coop, year=year), name, fmt)


# --- the money flow -------------------------------------------------------------------------------
def flow_context(flow: sankey.MoneyFlow) -> dict:
    """What the diagram's page and its PDF show of a year's flow."""
    return {
        "flow": flow,
        "labels": sankey.node_labels(flow),
        "rows": flow.labelled_links(),
        "node_width": sankey.NODE_WIDTH,
    }


def flow_pdf_bytes(*, coop: Cooperative, flow: sankey.MoneyFlow) -> bytes:
    """The diagram of the page, printed (WeasyPrint, from the same SVG and table)."""
    from weasyprint import HTML

    context = {"coop": coop, **flow_context(flow), "printed": timezone.localdate()}
    return HTML(string=render_to_string("economy/fund/flow_pdf.html", context)).write_pdf()
