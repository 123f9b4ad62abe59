"""Routes of the needs pages and of the coverage page."""

from __future__ import annotations

from django.urls import path

from comunitas.projects.needs.views import (
    need_coverage,
    need_create,
    need_detail,
    need_edit,
    need_list,
    need_merge,
    need_status,
    need_support,
    need_unsupport,
)

N = "needs"
urlpatterns = [
    path(f"{N}/", need_list, name="need_list"),
    path(f"{N}/new/", need_create, name="need_create"),
    path(f"{N}/<int:need_id>/", need_detail, name="need_detail"),
    path(f"{N}/<int:need_id>/edit/", need_edit, name="need_edit"),
    path(f"{N}/<int:need_id>/support/", need_support, name="need_support"),
    path(f"{N}/<int:need_id>/unsupport/", need_unsupport, name="need_unsupport"),
    path(f"{N}/<int:need_id>/status/", need_status, name="need_status"),
    path(f"{N}/<int:need_id>/merge/", need_merge, name="need_merge"),
    path("coverage/", need_coverage, name="need_coverage"),
]
