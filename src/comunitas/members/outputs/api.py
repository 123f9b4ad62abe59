"""API of the member book's outputs: the register of members (libro soci) as CSV or XLSX."""

from __future__ import annotations

import io
from datetime import date
from typing import Literal

from django.http import FileResponse, StreamingHttpResponse
from ninja import Query, Router

from comunitas.core.endpoints import answers
from comunitas.core.permissions import Action, coop_for
from comunitas.members.outputs import documents

router = Router(tags=["members"])


BINARY = {"schema": {"type": "string", "format": "binary"}}


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
    day = on or documents.parse_day(None)
    name = documents.file_name(coop, day, fmt)
    if fmt == "csv":
        response = StreamingHttpResponse(
            documents.register_csv(coop=coop, on_date=day), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    buffer = io.BytesIO()
    documents.register_xlsx(coop=coop, on_date=day, out=buffer)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename=name)
