"""Pages of the member book's import: upload, check, confirm, report."""

from django.urls import path

from comunitas.members.imports.views import import_page

urlpatterns = [
    path("members/import/", import_page, name="import"),
]
