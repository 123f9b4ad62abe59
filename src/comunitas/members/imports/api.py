"""API of the member book's import: rows as JSON or a CSV/XLSX file, checked before anything is
written."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Body, File, Router, Schema, Status, UploadedFile
from pydantic import Field
from pydantic import ValidationError as PydanticError

from comunitas.core.endpoints import answers
from comunitas.core.errors import FieldError, ValidationError
from comunitas.core.permissions import Action, coop_for
from comunitas.core.shapes import InputSchema
from comunitas.members.imports import reading, services

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
    if file is not None and file.size > reading.MAX_FILE_BYTES:
        raise ValidationError(_("The file is larger than 10 MB."), field="file")
    report = services.import_members(
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
            {"field": e.field, "message": e.message} for e in services.errors_as_fields(report)
        ]
        return Status(422, {"detail": detail, "errors": errors})
    return report.as_dict()
