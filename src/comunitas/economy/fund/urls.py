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

E = "economy"
F = f"{E}/fund"
EARMARK = f"{F}/earmarks/<int:fund_earmark_id>"
FLOW = f"{E}/flow/<int:fund_flow_year>"
urlpatterns = [
    path(f"{E}/", economy_home, name="home"),
    path(f"{E}/export/aggregates.csv", export_aggregates_csv, name="export_aggregates_csv"),
    path(f"{E}/export/aggregates.xlsx", export_aggregates_xlsx, name="export_aggregates_xlsx"),
    path(f"{E}/export/movements.csv", export_movements_csv, name="export_movements_csv"),
    path(f"{E}/export/movements.xlsx", export_movements_xlsx, name="export_movements_xlsx"),
    path(f"{F}/", fund, name="fund"),
    path(f"{F}/earmarks/new/", earmark_create, name="fund_earmark_create"),
    path(f"{F}/from-budget/", earmarks_from_budget, name="fund_from_budget"),
    path(f"{EARMARK}/", earmark_detail, name="fund_earmark"),
    path(f"{EARMARK}/release/", earmark_release, name="fund_earmark_release"),
    path(f"{E}/flow/", flow_latest, name="flow"),
    path(f"{FLOW}/", flow_year, name="flow_year"),
    path(f"{FLOW}/pdf/", flow_pdf, name="flow_pdf"),
]
