"""Pages of the member book's import: upload, check, confirm, report."""

from django.urls import path

from comunitas.members.imports.views import import_page

urlpatterns = [
    path("c/<slug:slug>/members/import/", import_page, name="members_import"),
]
