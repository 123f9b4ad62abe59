"""Pages of the annual closing: closings, their allocation, proposal and approval, the ristorni and
a member's statement."""

from __future__ import annotations

from django.urls import path

from comunitas.economy.closing.views import (
    closing_allocation,
    closing_allocation_preview,
    closing_approve,
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

C = "c/<slug:slug>/economy/closings"
ONE = f"{C}/<int:closing_id>"
R = f"{C}/ristorni/<int:closing_ristorno_id>"
urlpatterns = [
    path(f"{C}/", closing_list, name="economy_closing_list"),
    path(f"{C}/new/", closing_create, name="economy_closing_create"),
    path(f"{C}/mine/", closing_mine, name="economy_closing_mine"),
    path(f"{ONE}/", closing_detail, name="economy_closing_detail"),
    path(f"{ONE}/edit/", closing_edit, name="economy_closing_edit"),
    path(f"{ONE}/allocation/", closing_allocation, name="economy_closing_allocation"),
    path(
        f"{ONE}/allocation/preview/",
        closing_allocation_preview,
        name="economy_closing_allocation_preview",
    ),
    path(f"{ONE}/propose/", closing_propose, name="economy_closing_propose"),
    path(f"{ONE}/withdraw/", closing_withdraw, name="economy_closing_withdraw"),
    path(f"{ONE}/approve/", closing_approve, name="economy_closing_approve"),
    path(f"{ONE}/ristorni/", closing_ristorni, name="economy_closing_ristorni"),
    path(
        f"{ONE}/ristorni/compute/",
        closing_ristorni_compute,
        name="economy_closing_ristorni_compute",
    ),
    path(f"{ONE}/ristorni/pay/", closing_ristorni_pay, name="economy_closing_ristorni_pay"),
    path(f"{R}/", closing_statement, name="economy_closing_statement"),
    path(f"{R}/statement.pdf", closing_statement_pdf, name="economy_closing_statement_pdf"),
]
