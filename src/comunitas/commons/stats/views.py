"""Pages of the commons' sales and use statistics (staff and the board: VIEW_SALES): the sales list
with its filters, totals and CSV export, and the statistics of a year with SVG charts (no
JavaScript, so a PDF shows them too) each followed by its table. Also the dashboard's small
chart of the year (``dashboard_block``, listed in ``web/dashboard.py``)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format, number_format

from comunitas.commons.models import CommonResource, CustomerKind
from comunitas.commons.stats import selectors
from comunitas.commons.stats.forms import SaleFilterForm, StatsForm
from comunitas.core import formatting
from comunitas.core.kernel.money import ZERO
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, coop_view
from comunitas.members.outputs.documents import as_text

PAGE_SIZE = 50


def _sale_filters(request: HttpRequest, coop: Cooperative) -> tuple[SaleFilterForm, Any]:
    """The filters of the query string; the current year when none is given."""
    given = {k: v for k, v in request.GET.items() if k != "page" and v}
    form = SaleFilterForm(given or {"year": timezone.localdate().year}, coop=coop)
    return form, form.filters()


@coop_view(Action.VIEW_SALES)
def sales_list(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """Every sale and refund of the commons, filtered, with totals; 50 a page."""
    form, filters = _sale_filters(request, coop)
    page = Paginator(selectors.sale_list(coop=coop, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "coop": coop,
        "form": form,
        "page_obj": page,
        "totals": selectors.sale_totals(coop=coop, filters=filters),
        "query": request.GET.urlencode(),
    }
    return render(request, "commons/stats/sales.html", context)


CSV_COLUMNS = [
    "date",
    "kind",
    "amount",
    "quantity",
    "resource",
    "service",
    "unit",
    "event",
    "order",
    "customer_kind",
    "member_number",
    "payment_method",
    "synthetic",
]


def sales_csv_rows(*, coop: Cooperative, filters: selectors.SaleFilters) -> Iterator[bytes]:
    """The filtered sales as CSV (UTF-8 with a BOM, ``;``), in blocks of bytes to stream."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(CSV_COLUMNS)
    for n, sale in enumerate(selectors.sale_list(coop=coop, filters=filters).iterator(2000)):
        line = sale.order_line
        writer.writerow(
            [
                sale.on_date.isoformat(),
                sale.kind,
                f"{sale.amount:.2f}",
                sale.quantity,
                as_text(sale.resource.name if sale.resource else ""),
                as_text(sale.service.name if sale.service else ""),
                as_text(sale.booking.unit.name if sale.booking else ""),
                line.event.starts_at.isoformat() if line and line.event else "",
                line.order.code if line else "",
                sale.customer_kind,
                sale.member.number if sale.member and sale.member.number else "",
                sale.payment_method,
                "true" if sale.synthetic else "false",
            ]
        )
        if n % 500 == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


@coop_view(Action.VIEW_SALES)
def sales_csv(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """The sales list, with the same filters, as CSV for a spreadsheet or the accountant."""
    _form, filters = _sale_filters(request, coop)
    response = StreamingHttpResponse(
        sales_csv_rows(coop=coop, filters=filters), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="vendite-{coop.slug}-{timezone.localdate().isoformat()}.csv"'
    )
    return response


# --- charts -------------------------------------------------------------------------------------
CHART = {"left": 56, "top": 14, "plot": 140, "bottom": 22, "step": 34, "bar": 22}


def month_label(month: int) -> str:
    return date_format(date(2000, month, 1), "M")


def month_chart(values: list, texts: list[str], *, key: str) -> dict[str, Any]:
    """Twelve bars (January … December) as SVG coordinates, negative values below the base
    line (a month of refunds); ``texts`` are the values as a person reads them."""
    c = CHART
    numbers = [Decimal(v or 0) for v in values]
    highest, lowest = max([Decimal(0), *numbers]), min([Decimal(0), *numbers])
    span = (highest - lowest) or Decimal(1)
    scale = Decimal(c["plot"]) / span
    base = c["top"] + float(highest * scale)
    bars = []
    for i, (value, text) in enumerate(zip(numbers, texts, strict=True)):
        height = float(abs(value) * scale)
        x = c["left"] + i * c["step"] + 4
        bars.append(
            {
                "x": x,
                "y": round(base - height if value >= 0 else base, 1),
                "height": round(height, 1),
                "label": month_label(i + 1),
                "label_x": x + c["bar"] // 2,
                "text": text,
                "negative": value < 0,
            }
        )
    return {
        "id": key,
        "width": c["left"] + 12 * c["step"] + 8,
        "height": c["top"] + c["plot"] + c["bottom"],
        "base": round(base, 1),
        "top": c["top"],
        "bottom_y": c["top"] + c["plot"],
        "left": c["left"],
        "bar": c["bar"],
        "bars": bars,
    }


def _percent_text(value: Decimal | None) -> str:
    return "\u2013" if value is None else f"{number_format(value, 1)} %"  # an en dash


def charts_for(data: selectors.CommonsStats) -> dict[str, dict[str, Any]]:
    occupancy = [m.occupancy for m in data.use_by_month]
    visitors = [row["checked_in"] for row in data.tickets_by_month]
    sold = [row["sold"] for row in data.tickets_by_month]
    net = [row["net"] for row in data.revenue_by_month]
    return {
        "occupancy": month_chart(occupancy, [_percent_text(v) for v in occupancy], key="occupancy"),
        "tickets": month_chart(sold, [str(v) for v in sold], key="tickets"),
        "visitors": month_chart(visitors, [str(v) for v in visitors], key="visitors"),
        "revenue": month_chart(net, [formatting.euro(v) for v in net], key="revenue"),
    }


def _with_share(rows: list[dict], total: Decimal) -> list[dict]:
    return [{**row, "share": selectors.percent(row["net"], total)} for row in rows]


@coop_view(Action.VIEW_SALES)
def commons_stats(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """Use statistics of a year: occupancy of bookable units, tickets and visitors, revenue by
    service, resource and customer kind; for all resources or one."""
    resources = list(CommonResource.objects.filter(coop=coop).order_by("name", "id"))
    this_year = timezone.localdate().year
    form = StatsForm(request.GET or {"year": this_year}, resources=resources)
    year, resource = this_year, None
    if form.is_valid():
        year = form.cleaned_data["year"]
        chosen = form.cleaned_data["resource"]
        resource = next((r for r in resources if r.pk == chosen), None)
    data = selectors.commons_stats(coop=coop, year=year, resource=resource)
    net = data.revenue["net"]
    context = {
        "coop": coop,
        "form": form,
        "data": data,
        "charts": charts_for(data),
        "by_service": _with_share(data.revenue_by_service, net),
        "by_resource": _with_share(data.revenue_by_resource, net),
        "by_kind": [
            {**row, "label": CustomerKind(row["customer_kind"]).label}
            for row in _with_share(data.revenue_by_customer_kind, net)
        ],
        "months": [month_label(m) for m in selectors.MONTHS],
        "revenue_months": [
            {**row, "label": month_label(row["month"])} for row in data.revenue_by_month
        ],
    }
    return render(request, "commons/stats/stats.html", context)


def dashboard_block(coop: Cooperative) -> dict[str, Any]:
    """The dashboard's view of the current year: net revenue, occupancy, tickets and visitors,
    and the net revenue per month as a small chart (six queries)."""
    year = timezone.localdate().year
    units = selectors.unit_use(coop=coop, year=year)
    revenue = selectors.revenue_by_month(coop=coop, year=year)
    tickets = selectors.tickets_by_month(coop=coop, year=year)
    net = [row["net"] for row in revenue]
    booked = sum((u.booked_hours for u in units), ZERO)
    open_hours = sum((u.open_hours for u in units), ZERO)
    return {
        "year": year,
        "net": sum(net, ZERO),
        "occupancy": selectors.percent(booked, open_hours),
        "has_units": bool(units),
        "sold": sum(row["sold"] for row in tickets),
        "visitors": sum(row["checked_in"] for row in tickets),
        "chart": month_chart(net, [formatting.euro(v) for v in net], key="dashboard-revenue"),
        "revenue": [{**row, "label": month_label(row["month"])} for row in revenue],
    }
