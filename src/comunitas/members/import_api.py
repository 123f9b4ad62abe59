"""API of the member book's import and export.

``POST /coops/{slug}/members/import`` takes either a file (``multipart/form-data``, field
``file``: CSV or XLSX, at most 10 MB; options such as a column mapping in the JSON form field
``payload``) or a JSON body ``{"rows": [{header: value}], "mapping": {field: header}}``, so a
script can send what it read elsewhere. ``dry_run`` and ``skip_invalid`` are query parameters
for both. When a row is bad and nothing was written the answer is a 422 in the API's error shape
with one error per bad value, ``{"field": "row 12: fiscal_code", "message": …}``; otherwise the
report of the import.

``GET /coops/{slug}/register/export?format=csv|xlsx&on=YYYY-MM-DD`` downloads the register
(libro soci) as it stood on that date, as the web page does.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Literal

from django.core.exceptions import RequestDataTooBig
from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Body, File, Query, Router, Schema, Status, UploadedFile
from pydantic import Field
from pydantic import ValidationError as PydanticError

from comunitas.core.api import answers
from comunitas.core.errors import FieldError, ValidationError
from comunitas.core.permissions import Action, coop_for
from comunitas.core.schemas import InputSchema
from comunitas.members import imports, outputs

router = Router(tags=["members"])

Value = str | int | float | bool | None


class MemberImportIn(InputSchema):
    """Rows as objects {column header: value}, and the mapping of our fields to headers."""

    rows: list[dict[str, Value]] | None = Field(None, max_length=50_000)
    mapping: dict[str, str] = Field(default_factory=dict)


class ImportRowError(Schema):
    line: int
    field: str | None
    message: str


class ImportReportOut(Schema):
    rows: int
    created: int
    unchanged: int
    skipped: int
    written: bool
    dry_run: bool
    encoding: str
    columns: dict[str, str]
    numbers: list[int] | None
    errors: list[ImportRowError]


BINARY = {"schema": {"type": "string", "format": "binary"}}
# In a multipart request the options come in the form field "payload" (JSON); a JSON request is
# read by the endpoint itself, since ninja parses one content type per operation.
OPTIONAL_BODY = Body(None)
IMPORT_BODY = {
    "requestBody": {
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/MemberImportIn"}}}
    }
}


def _json_payload(request) -> MemberImportIn:
    try:
        body = request.body
    except RequestDataTooBig:
        raise ValidationError(
            _("The body is too large: send the file as multipart/form-data."),
            field="file",
        ) from None
    try:
        return MemberImportIn.model_validate_json(body or b"{}")
    except PydanticError as exc:
        raise ValidationError(
            errors=[
                FieldError(".".join(str(p) for p in e["loc"]) or None, e["msg"])
                for e in exc.errors()
            ]
        ) from None


@router.post(
    "/coops/{slug}/members/import",
    response=answers(200, ImportReportOut),
    openapi_extra=IMPORT_BODY,
)
def members_import(
    request,
    slug: str,
    dry_run: bool = False,
    skip_invalid: bool = False,
    file: File[UploadedFile] = None,
    payload: MemberImportIn = OPTIONAL_BODY,
):
    """Import an existing member book (board only). Rows already in the book are left as they
    are; nothing is written unless every row passes, or with ``skip_invalid`` the good rows."""
    coop = coop_for(request.auth, slug, Action.DECIDE_MEMBERS)
    if request.content_type == "application/json":
        payload = _json_payload(request)
    payload = payload or MemberImportIn()
    if file is None and payload.rows is None:
        raise ValidationError(_("Send a CSV or XLSX file, or rows."), field="file")
    if file is not None and file.size > imports.MAX_FILE_BYTES:
        raise ValidationError(_("The file is larger than 10 MB."), field="file")
    report = imports.import_members(
        coop=coop,
        actor=request.auth,
        file=file.read() if file is not None else None,
        rows=payload.rows if file is None else None,
        name=file.name if file is not None else "",
        mapping=payload.mapping,
        skip_invalid=skip_invalid,
        dry_run=dry_run,
    )
    if not report.written and not dry_run:
        detail = ngettext(
            "%(n)s row is not valid: nothing was imported.",
            "%(n)s rows are not valid: nothing was imported.",
            report.bad_rows,
        ) % {"n": report.bad_rows}
        errors = [
            {"field": e.field, "message": e.message} for e in imports.errors_as_fields(report)
        ]
        return Status(422, {"detail": detail, "errors": errors})
    return report.as_dict()


@router.get(
    "/coops/{slug}/register/export",
    response=answers(200, None),
    openapi_extra={
        "responses": {
            200: {
                "description": "The register as CSV or XLSX",
                "content": {
                    "text/csv": BINARY,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": BINARY,
                },
            }
        }
    },
)
def register_export(
    request,
    slug: str,
    fmt: Literal["csv", "xlsx"] = Query("csv", alias="format"),
    on: date | None = None,
):
    """The register of members (libro soci) as it stood on ``on`` (today by default)."""
    coop = coop_for(request.auth, slug, Action.VIEW_MEMBERS)
    day = on or outputs.parse_day(None)
    name = outputs.file_name(coop, day, fmt)
    if fmt == "csv":
        response = StreamingHttpResponse(
            outputs.register_csv(coop=coop, on_date=day), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    buffer = io.BytesIO()
    outputs.register_xlsx(coop=coop, on_date=day, out=buffer)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename=name)
