"""Pages of the annual closing: closings, their allocation, proposal and approval, the ristorni and
a member's statement."""

from __future__ import annotations

from django.urls import path

from comunitas.economy.closing.views import (
    closing_allocation,
    closing_allocation_preview,
    closing_approve,
    closing_coverage,
    closing_create,
    closing_detail,
    closing_edit,
    closing_list,
    closing_mine,
    closing_propose,
    closing_ristorni,
    closing_ristorni_compute,
    closing_ristorni_pay,
    closing_statement,
    closing_statement_pdf,
    closing_withdraw,
)

C = "economy/closings"
ONE = f"{C}/<int:closing_id>"
R = f"{C}/ristorni/<int:closing_ristorno_id>"
urlpatterns = [
    path(f"{C}/", closing_list, name="closing_list"),
    path(f"{C}/new/", closing_create, name="closing_create"),
    path(f"{C}/mine/", closing_mine, name="closing_mine"),
    path(f"{ONE}/", closing_detail, name="closing_detail"),
    path(f"{ONE}/edit/", closing_edit, name="closing_edit"),
    path(f"{ONE}/allocation/", closing_allocation, name="closing_allocation"),
    path(
        f"{ONE}/allocation/preview/",
        closing_allocation_preview,
        name="closing_allocation_preview",
    ),
    path(f"{ONE}/coverage/", closing_coverage, name="closing_coverage"),
    path(f"{ONE}/propose/", closing_propose, name="closing_propose"),
    path(f"{ONE}/withdraw/", closing_withdraw, name="closing_withdraw"),
    path(f"{ONE}/approve/", closing_approve, name="closing_approve"),
    path(f"{ONE}/ristorni/", closing_ristorni, name="closing_ristorni"),
    path(
        f"{ONE}/ristorni/compute/",
        closing_ristorni_compute,
        name="closing_ristorni_compute",
    ),
    path(f"{ONE}/ristorni/pay/", closing_ristorni_pay, name="closing_ristorni_pay"),
    path(f"{R}/", closing_statement, name="closing_statement"),
    path(f"{R}/statement.pdf", closing_statement_pdf, name="closing_statement_pdf"),
]
