"""API of the member book's outputs: the register of members (libro soci) as CSV or XLSX."""

from __future__ import annotations

from datetime import date
from typing import Literal

from ninja import Query, Router

from comunitas.core.endpoints import answers
from comunitas.core.permissions import Action, coop_for
from comunitas.members.outputs import documents
from comunitas.members.outputs.downloads import register_spreadsheet

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
    return register_spreadsheet(coop, on or documents.parse_day(None), fmt)
