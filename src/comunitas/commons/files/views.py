"""Pages for the photos and documents of a common resource: the upload form, the buttons that show,
hide or remove a file, and the one view that hands a file out (after asking who may see it:
``commons.files.selectors.can_see``). The resource page lists the files with the include
``commons/files/_files.html``.

MEDIA_ROOT is served by no URL (settings.py sets no MEDIA_URL route): a file reaches a browser
only through :func:`file_serve` or the API's download, both with
``files.download.file_response``."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comunitas.commons.files import selectors, services
from comunitas.commons.files.download import file_response
from comunitas.commons.files.forms import FileEditForm, FileUploadForm
from comunitas.commons.models import CommonResource, ResourceFile
from comunitas.core.lookups import or_404
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, coop_view
from comunitas.core.submission import form_message, submit


def _back(coop: Cooperative, resource_id: int) -> HttpResponse:
    return redirect(reverse("commons:resource_detail", args=[coop.slug, resource_id]) + "#files")


@coop_view(Action.MANAGE_COMMONS)
def file_upload(request: HttpRequest, coop: Cooperative, resource_id: int) -> HttpResponse:
    """Upload a photo or a document of a resource."""
    resource = get_object_or_404(CommonResource, coop=coop, pk=resource_id)
    posted = request.method == "POST"
    form = FileUploadForm(request.POST if posted else None, request.FILES if posted else None)
    item = submit(
        request,
        form,
        lambda: services.resource_file_add(
            actor=request.user,
            resource=resource,
            upload=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
            is_public=form.cleaned_data["is_public"],
        ),
    )
    if item:
        messages.success(request, _("The file is stored."))
        return _back(coop, resource.pk)
    context = {"coop": coop, "resource": resource, "form": form}
    return render(request, "commons/files/upload.html", context)


@coop_view(Action.VIEW_COMMONS)
def file_serve(request: HttpRequest, coop: Cooperative, file_id: int) -> HttpResponse:
    """A photo or document, to those allowed to see it; 404 to anyone else."""
    return file_response(or_404(selectors.file_get, user=request.user, coop=coop, pk=file_id))


def _managed(coop: Cooperative, file_id: int) -> ResourceFile:
    return get_object_or_404(
        ResourceFile.objects.select_related("resource"), pk=file_id, resource__coop=coop
    )


@require_POST
@coop_view(Action.MANAGE_COMMONS)
def file_edit(request: HttpRequest, coop: Cooperative, file_id: int) -> HttpResponse:
    """Show or hide a photo on the public page, or rename a file."""
    item = _managed(coop, file_id)
    form = FileEditForm(request.POST)
    saved = submit(
        request,
        form,
        lambda: services.resource_file_update(
            actor=request.user,
            item=item,
            title=form.cleaned_data["title"] or None,
            is_public=form.cleaned_data["is_public"],
        ),
    )
    if saved and saved.is_public:
        messages.success(request, _("The photo is shown to visitors."))
    elif saved:
        messages.success(request, _("Changes saved: visitors do not see this file."))
    else:
        messages.error(request, form_message(form) or _("Nothing was changed."))
    return _back(coop, item.resource_id)


@require_POST
@coop_view(Action.MANAGE_COMMONS)
def file_delete(request: HttpRequest, coop: Cooperative, file_id: int) -> HttpResponse:
    item = _managed(coop, file_id)
    services.resource_file_delete(actor=request.user, item=item)
    messages.success(request, _("The file is removed."))
    return _back(coop, item.resource_id)
