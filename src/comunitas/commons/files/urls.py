"""Page routes of a resource's photos and documents."""

from __future__ import annotations

from django.urls import path

from comunitas.commons.files.views import file_delete, file_edit, file_serve, file_upload

urlpatterns = [
    path("commons/<int:resource_id>/files/new/", file_upload, name="resource_file_upload"),
    path("commons/files/<int:file_id>/", file_serve, name="resource_file"),
    path("commons/files/<int:file_id>/edit/", file_edit, name="resource_file_edit"),
    path("commons/files/<int:file_id>/delete/", file_delete, name="resource_file_delete"),
]
