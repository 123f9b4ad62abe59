"""Pages of the economy's dashboard and exports, the reinvestment fund and the money flow."""

from __future__ import annotations

from django.urls import path

from comunitas.economy.fund.views import (
    earmark_create,
    earmark_detail,
    earmark_release,
    earmarks_from_budget,
    economy_home,
    export_aggregates_csv,
    export_aggregates_xlsx,
    export_movements_csv,
    export_movements_xlsx,
    flow_latest,
    flow_pdf,
    flow_year,
    fund,
)

E = "c/<slug:slug>/economy"
F = f"{E}/fund"
EARMARK = f"{F}/earmarks/<int:fund_earmark_id>"
FLOW = f"{E}/flow/<int:fund_flow_year>"
urlpatterns = [
    path(f"{E}/", economy_home, name="economy_home"),
    path(f"{E}/export/aggregates.csv", export_aggregates_csv, name="economy_export_aggregates_csv"),
    path(
        f"{E}/export/aggregates.xlsx", export_aggregates_xlsx, name="economy_export_aggregates_xlsx"
    ),
    path(f"{E}/export/movements.csv", export_movements_csv, name="economy_export_movements_csv"),
    path(f"{E}/export/movements.xlsx", export_movements_xlsx, name="economy_export_movements_xlsx"),
    path(f"{F}/", fund, name="economy_fund"),
    path(f"{F}/earmarks/new/", earmark_create, name="economy_fund_earmark_create"),
    path(f"{F}/from-budget/", earmarks_from_budget, name="economy_fund_from_budget"),
    path(f"{EARMARK}/", earmark_detail, name="economy_fund_earmark"),
    path(f"{EARMARK}/release/", earmark_release, name="economy_fund_earmark_release"),
    path(f"{E}/flow/", flow_latest, name="economy_flow"),
    path(f"{FLOW}/", flow_year, name="economy_flow_year"),
    path(f"{FLOW}/pdf/", flow_pdf, name="economy_flow_pdf"),
]
