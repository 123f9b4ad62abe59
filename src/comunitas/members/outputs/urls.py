"""Pages of the member book's outputs: the register on a date and its downloads, a member's
certificate."""

from __future__ import annotations

from django.urls import path

from comunitas.members.outputs.views import certificate, register_download, register_page

urlpatterns = [
    path("members/register/", register_page, name="register"),
    path(
        "members/register.csv",
        register_download,
        {"fmt": "csv"},
        name="register_csv",
    ),
    path(
        "members/register.xlsx",
        register_download,
        {"fmt": "xlsx"},
        name="register_xlsx",
    ),
    path(
        "members/register.pdf",
        register_download,
        {"fmt": "pdf"},
        name="register_pdf",
    ),
    path(
        "members/<int:member_id>/certificate.pdf",
        certificate,
        name="certificate",
    ),
]
