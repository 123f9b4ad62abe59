"""Page routes of the commons' sales and statistics."""

from __future__ import annotations

from django.urls import path

from comunitas.commons.stats.views import commons_stats, sales_csv, sales_list

urlpatterns = [
    path("commons/sales/", sales_list, name="sales_list"),
    path("commons/sales/export.csv", sales_csv, name="sales_csv"),
    path("commons/stats/", commons_stats, name="stats"),
]
