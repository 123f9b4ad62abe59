"""Pages of the member book's outputs: the register on a date and its downloads, a member's
certificate."""

from __future__ import annotations

from django.urls import path

from comunitas.members.outputs.views import certificate, register_download, register_page

urlpatterns = [
    path("c/<slug:slug>/members/register/", register_page, name="members_register"),
    path(
        "c/<slug:slug>/members/register.csv",
        register_download,
        {"fmt": "csv"},
        name="members_register_csv",
    ),
    path(
        "c/<slug:slug>/members/register.xlsx",
        register_download,
        {"fmt": "xlsx"},
        name="members_register_xlsx",
    ),
    path(
        "c/<slug:slug>/members/register.pdf",
        register_download,
        {"fmt": "pdf"},
        name="members_register_pdf",
    ),
    path(
        "c/<slug:slug>/members/<int:member_id>/certificate.pdf",
        certificate,
        name="members_certificate",
    ),
]
