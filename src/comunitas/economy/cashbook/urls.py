"""Pages of the cash book: movements, counterparties, categories and imports."""

from __future__ import annotations

from django.urls import path

from comunitas.economy.cashbook.views import (
    category_create,
    category_list,
    counterparty_create,
    counterparty_edit,
    counterparty_list,
    import_file,
    movement_create,
    movement_detail,
    movement_list,
    movement_reverse,
)

C = "economy/cash-book"
urlpatterns = [
    path(f"{C}/", movement_list, name="cash_list"),
    path(f"{C}/new/", movement_create, name="cash_create"),
    path(f"{C}/<int:cash_movement_id>/", movement_detail, name="cash_detail"),
    path(f"{C}/<int:cash_movement_id>/reverse/", movement_reverse, name="cash_reverse"),
    path(f"{C}/counterparties/", counterparty_list, name="cash_counterparties"),
    path(f"{C}/counterparties/new/", counterparty_create, name="cash_counterparty_create"),
    path(
        f"{C}/counterparties/<int:cash_counterparty_id>/",
        counterparty_edit,
        name="cash_counterparty_edit",
    ),
    path(f"{C}/categories/", category_list, name="cash_categories"),
    path(f"{C}/categories/new/", category_create, name="cash_category_create"),
    path(f"{C}/import/", import_file, name="cash_import"),
]
