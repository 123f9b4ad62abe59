"""Handing a stored file out: the one response with which a photo or document of a resource
reaches a browser, used by the page (``files.views.file_serve``) and the API's download alike.
MEDIA_ROOT is served by no URL, so this is the only way out; the caller has asked
``files.selectors.can_see`` first."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpResponse

from comunitas.commons.files import services
from comunitas.commons.models import ResourceFile


def file_response(item: ResourceFile) -> HttpResponse:
    """The bytes of ``item`` with its real type, never sniffed, under a safe name; photos and
    PDFs open in the browser, office files are downloaded. The caller has checked the right."""
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        content_type=item.content_type,
        as_attachment=not services.is_inline(item),
        filename=services.download_name(item),
    )
    response["X-Content-Type-Options"] = "nosniff"
    # A browser may keep it a little, a shared cache never (most files are not public).
    response["Cache-Control"] = "private, max-age=300"
    return response
