"""Rows of the permission matrix (tests/core/coops/test_permissions.py) for the photos and documents
of a resource, the sales list and the use statistics.

``ids`` makes, on a resource shown on the public page, a photo marked public (anyone who may see
the registry opens it), a photo for the cooperative only and a document; the answers that
depend on the file, not on the role, are in WEB_EXCEPTIONS / API_EXCEPTIONS. The upload bodies
carry a real PDF, re-read for every caller."""

from __future__ import annotations

import base64
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from comunitas.commons.files import services as files_services
from comunitas.core.permissions import Action
from tests.helpers import make_resource

PATH_IDS = ["file_id"]
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (30, 120, 60)).save(buffer, "PNG")
    return buffer.getvalue()


PNG = _png()


class Upload:
    """A file for the test client's multipart encoder that gives its bytes to every request
    (the encoder reads without rewinding, and the matrix sends one body twelve times)."""

    def __init__(self, name: str, content: bytes, content_type: str) -> None:
        self.name, self.content, self.content_type = name, content, content_type

    def read(self) -> bytes:
        return self.content


UPLOAD_FORM = {"title": "Floor plan", "file": Upload("plan.pdf", PDF, "application/pdf")}
UPLOAD_JSON = {
    "title": "Entrance",
    "is_public": True,
    "filename": "entrance.png",
    "content_base64": base64.b64encode(PNG).decode(),
}

WEB = [
    ("get", "/c/{slug}/commons/{resource_id}/files/new/", None, Action.MANAGE_COMMONS),
    ("post", "/c/{slug}/commons/{resource_id}/files/new/", UPLOAD_FORM, Action.MANAGE_COMMONS),
    ("get", "/c/{slug}/commons/files/{file_id}/", None, Action.VIEW_COMMONS),
    ("get", "/c/{slug}/commons/files/{inner_photo_id}/", None, Action.VIEW_COMMONS),
    ("get", "/c/{slug}/commons/files/{document_id}/", None, Action.VIEW_COMMONS),
    (
        "post",
        "/c/{slug}/commons/files/{file_id}/edit/",
        {"is_public": "false"},
        Action.MANAGE_COMMONS,
    ),
    ("post", "/c/{slug}/commons/files/{file_id}/delete/", {}, Action.MANAGE_COMMONS),
    ("get", "/c/{slug}/commons/sales/", None, Action.VIEW_SALES),
    ("get", "/c/{slug}/commons/sales/export.csv", None, Action.VIEW_SALES),
    ("get", "/c/{slug}/commons/stats/", None, Action.VIEW_SALES),
]

FILES = "/api/v1/coops/{slug}/commons/files"
API = [
    ("get", "/api/v1/coops/{slug}/commons/{resource_id}/files", None, Action.VIEW_COMMONS),
    (
        "post",
        "/api/v1/coops/{slug}/commons/{resource_id}/files",
        UPLOAD_JSON,
        Action.MANAGE_COMMONS,
    ),
    ("get", FILES + "/{file_id}", None, Action.VIEW_COMMONS),
    ("get", FILES + "/{file_id}/download", None, Action.VIEW_COMMONS),
    ("get", FILES + "/{inner_photo_id}/download", None, Action.VIEW_COMMONS),
    ("get", FILES + "/{document_id}", None, Action.VIEW_COMMONS),
    ("get", FILES + "/{document_id}/download", None, Action.VIEW_COMMONS),
    ("patch", FILES + "/{file_id}", {"title": "Front view"}, Action.MANAGE_COMMONS),
    ("delete", FILES + "/{file_id}", None, Action.MANAGE_COMMONS),
    ("get", "/api/v1/coops/{slug}/commons/sales", None, Action.VIEW_SALES),
    ("get", "/api/v1/coops/{slug}/commons/sales/totals", None, Action.VIEW_SALES),
    ("get", "/api/v1/coops/{slug}/commons/stats", None, Action.VIEW_SALES),
]

# A photo for the cooperative only: any role sees it, people without one get 404 (as for a
# private cooperative). A document: staff and the board only; other roles get 404 too.
OUTSIDERS_404 = {"anonymous": 404, "stranger": 404}
ROLES_404 = {**OUTSIDERS_404, "resident": 404, "member": 404}
WEB_EXCEPTIONS = {
    ("get", "/c/{slug}/commons/files/{inner_photo_id}/"): OUTSIDERS_404,
    ("get", "/c/{slug}/commons/files/{document_id}/"): ROLES_404,
}
API_EXCEPTIONS = {
    ("get", FILES + "/{inner_photo_id}/download"): OUTSIDERS_404,
    ("get", FILES + "/{document_id}"): ROLES_404,
    ("get", FILES + "/{document_id}/download"): ROLES_404,
}


def add(resource, actor, content: bytes, *, name="x", title="A file", is_public=False):
    """A file of ``resource`` stored through the service, as the upload form sends it."""
    return files_services.resource_file_add(
        actor=actor,
        resource=resource,
        upload=SimpleUploadedFile(name, content, content_type="application/octet-stream"),
        title=title,
        is_public=is_public,
    )


def ids(people) -> dict[str, int]:
    """In "alpha", on a public resource of its own: a public photo, an inner photo, a deed."""
    admin = people["admin"]
    resource = make_resource(people["coop"], admin, name="Cinema Modernissimo", is_public=True)
    return {
        "file_id": add(resource, admin, PNG, name="front.png", title="Front", is_public=True).pk,
        "inner_photo_id": add(resource, admin, PNG, name="cellar.png", title="Cellar").pk,
        "document_id": add(resource, admin, PDF, name="deed.pdf", title="Concession deed").pk,
    }
