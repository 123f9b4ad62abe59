"""The register as a spreadsheet to download: the one answer of the page and of the API."""

from __future__ import annotations

import io
from datetime import date

from django.http import FileResponse, StreamingHttpResponse

from comunitas.core.models import Cooperative
from comunitas.members.outputs import documents


def register_spreadsheet(
    coop: Cooperative, day: date, fmt: str
) -> StreamingHttpResponse | FileResponse:
    """The register on ``day`` as CSV (streamed) or XLSX (``fmt`` any other)."""
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
