"""The consultations' page routes, under ``c/<slug>/consultations/``."""

from __future__ import annotations

from django.urls import path

from comunitas.decisions.consultations.views import (
    consultation_close,
    consultation_create,
    consultation_detail,
    consultation_edit,
    consultation_list,
    consultation_open,
    consultation_outcome,
    consultation_results,
    consultation_vote,
    option_add,
    option_remove,
)

C = "consultations"
ONE = f"{C}/<int:consultation_id>"
urlpatterns = [
    path(f"{C}/", consultation_list, name="consultation_list"),
    path(f"{C}/new/", consultation_create, name="consultation_create"),
    path(f"{ONE}/", consultation_detail, name="consultation_detail"),
    path(f"{ONE}/vote/", consultation_vote, name="consultation_vote"),
    path(f"{ONE}/edit/", consultation_edit, name="consultation_edit"),
    path(f"{ONE}/options/", option_add, name="consultation_option_add"),
    path(
        f"{ONE}/options/<int:option_id>/remove/",
        option_remove,
        name="consultation_option_remove",
    ),
    path(f"{ONE}/open/", consultation_open, name="consultation_open"),
    path(f"{ONE}/close/", consultation_close, name="consultation_close"),
    path(f"{ONE}/results/", consultation_results, name="consultation_results"),
    path(f"{ONE}/outcome/", consultation_outcome, name="consultation_outcome"),
]
