"""API for the photos and documents of a common resource.

``POST /coops/{slug}/commons/{resource_id}/files`` takes the file as ``multipart/form-data``
(fields ``file``, ``title``, ``is_public``), or, for a script that holds the bytes already, a
JSON body ``{"title", "is_public", "filename", "content_base64"}`` (the JSON body is bounded by
the server's request size, about 2.5 MB: send larger files as multipart). The same checks as the
web form: the type read from the first bytes, the size, a title.

Who sees which file is decided by ``commons.files.selectors.can_see``: another caller gets 404."""

from __future__ import annotations

import base64
import binascii

from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import SimpleUploadedFile
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Body, File, Router, Status, UploadedFile
from ninja.pagination import paginate
from pydantic import ValidationError as PydanticError

from comunitas.commons.files import selectors, services
from comunitas.commons.files.download import file_response
from comunitas.commons.files.schemas import FileOut, FilePatch, FileUploadIn
from comunitas.commons.models import CommonResource, ResourceFile
from comunitas.core.endpoints import PUBLIC, Pagination, answers
from comunitas.core.errors import FieldError, ValidationError
from comunitas.core.lookups import or_404
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, coop_for, role_in

router = Router(tags=["commons"])
BASE = "/coops/{slug}/commons"


BINARY = {"schema": {"type": "string", "format": "binary"}}
UPLOAD_BODY = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "title": {"type": "string", "maxLength": services.TITLE_MAX},
                        "is_public": {"type": "boolean", "default": False},
                    },
                    "required": ["file", "title"],
                }
            },
            "application/json": {"schema": {"$ref": "#/components/schemas/FileUploadIn"}},
        },
        "required": True,
    }
}
# Declared so that the JSON form is documented; the endpoint reads both forms itself (ninja
# parses one content type per operation).
OPTIONAL_BODY = Body(None)
DOWNLOAD = {
    **PUBLIC,
    "responses": {
        200: {
            "description": "The file, with its real type",
            "content": {t: BINARY for t in services.TYPES},
        }
    },
}


def _resource(request, coop: Cooperative, resource_id: int) -> CommonResource:
    found = CommonResource.objects.filter(coop=coop)
    if role_in(request.auth, coop) is None:
        found = found.filter(is_public=True)
    return get_object_or_404(found.select_related("coop"), pk=resource_id)


def _file(request, coop: Cooperative, file_id: int) -> ResourceFile:
    return or_404(selectors.file_get, user=request.auth, coop=coop, pk=file_id)


def _checked(data) -> FileUploadIn:
    try:
        if isinstance(data, bytes):
            return FileUploadIn.model_validate_json(data or b"{}")
        return FileUploadIn.model_validate(data)
    except PydanticError as exc:
        raise ValidationError(
            errors=[
                FieldError(".".join(str(p) for p in e["loc"]) or None, e["msg"])
                for e in exc.errors()
            ]
        ) from None


def _form_upload(request) -> FileUploadIn:
    """The form fields of a multipart upload, checked as the JSON body is."""
    return _checked({k: request.POST[k] for k in ("title", "is_public") if k in request.POST})


def _json_upload(request) -> tuple[FileUploadIn, SimpleUploadedFile | None]:
    try:
        body = request.body
    except RequestDataTooBig:
        raise ValidationError(
            _("The body is too large: send the file as multipart/form-data."), field="file"
        ) from None
    payload = _checked(body)
    if payload.content_base64 is None:
        return payload, None
    try:
        content = base64.b64decode(payload.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError(
            _("content_base64 is not valid base64."), field="content_base64"
        ) from None
    return payload, SimpleUploadedFile(payload.filename or "upload", content)


@router.get(
    f"{BASE}/{{int:resource_id}}/files",
    response=answers(200, list[FileOut]),
    openapi_extra=PUBLIC,
)
@paginate(Pagination)
def file_list(request, slug: str, resource_id: int):
    """The photos and documents of a resource the caller may see: staff and the board all,
    other roles the photos, visitors the photos marked public of a public resource."""
    coop = coop_for(request.auth, slug, Action.VIEW_COMMONS)
    resource = _resource(request, coop, resource_id)
    return selectors.visible_files(user=request.auth, coop=coop, resource=resource).select_related(
        "resource__coop"
    )


@router.post(
    f"{BASE}/{{int:resource_id}}/files",
    response=answers(201, FileOut),
    openapi_extra=UPLOAD_BODY,
)
def file_upload(
    request,
    slug: str,
    resource_id: int,
    file: File[UploadedFile] = None,
    payload: FileUploadIn = OPTIONAL_BODY,
):
    """Upload a photo (JPEG, PNG, WebP, ≤ 5 MB) or a document (PDF, ODT, ODS, DOCX, XLSX,
    ≤ 10 MB) as multipart/form-data, or as JSON with the bytes in ``content_base64``."""
    coop = coop_for(request.auth, slug, Action.MANAGE_COMMONS)
    resource = get_object_or_404(CommonResource, coop=coop, pk=resource_id)
    if request.content_type == "application/json":
        payload, file = _json_upload(request)
    else:
        payload = _form_upload(request)
    item = services.resource_file_add(
        actor=request.auth,
        resource=resource,
        upload=file,
        title=payload.title,
        is_public=payload.is_public,
    )
    return Status(201, item)


@router.get(f"{BASE}/files/{{int:file_id}}", response=answers(200, FileOut), openapi_extra=PUBLIC)
def file_get(request, slug: str, file_id: int):
    coop = coop_for(request.auth, slug, Action.VIEW_COMMONS)
    return _file(request, coop, file_id)


@router.get(
    f"{BASE}/files/{{int:file_id}}/download", response=answers(200, None), openapi_extra=DOWNLOAD
)
def file_download(request, slug: str, file_id: int):
    """The bytes, with the file's real type and ``X-Content-Type-Options: nosniff``."""
    coop = coop_for(request.auth, slug, Action.VIEW_COMMONS)
    return file_response(_file(request, coop, file_id))


@router.patch(f"{BASE}/files/{{int:file_id}}", response=answers(200, FileOut))
def file_update(request, slug: str, file_id: int, payload: FilePatch):
    """Rename a file or show/hide a photo on the public page."""
    coop = coop_for(request.auth, slug, Action.MANAGE_COMMONS)
    item = services.resource_file_update(
        actor=request.auth,
        item=_file(request, coop, file_id),
        title=payload.title,
        is_public=payload.is_public,
    )
    return _file(request, coop, item.pk)


@router.delete(f"{BASE}/files/{{int:file_id}}", response=answers(204, None))
def file_delete(request, slug: str, file_id: int):
    coop = coop_for(request.auth, slug, Action.MANAGE_COMMONS)
    services.resource_file_delete(actor=request.auth, item=_file(request, coop, file_id))
    return Status(204, None)
