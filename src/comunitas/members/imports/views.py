"""The import page of the member book: upload a CSV or XLSX, check every row, confirm, read the
report."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from comunitas.core.errors import ValidationError
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, coop_view
from comunitas.core.submission import apply_errors
from comunitas.members.imports import reading, services

IMPORT_DIR = "member-imports"
EXTENSIONS = (".csv", ".xlsx")


# --- the import ---------------------------------------------------------------------------------
class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Member book (CSV or Excel .xlsx)"),
        help_text=gettext_lazy(
            "At most 10 MB. The first row names the columns: Numero, Cognome, Nome, Codice "
            "fiscale, Comune, Categoria, Data ammissione, Quote, Versato… (organisations: "
            "Ragione sociale, Partita IVA, Legale rappresentante). CSV in UTF-8."
        ),
    )
    skip_invalid = forms.BooleanField(
        label=gettext_lazy("Import the good rows and list the bad ones"),
        help_text=gettext_lazy("Otherwise nothing is imported until every row is right."),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, column in reading.COLUMNS.items():
            self.fields[f"map_{name}"] = forms.CharField(
                label=column.label, required=False, max_length=120
            )

    def mapping_fields(self):
        return [self[name] for name in self.fields if name.startswith("map_")]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(EXTENSIONS):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        if upload.size > reading.MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.")
                % {"mb": reading.MAX_FILE_BYTES // (1024 * 1024) or 1}
            )
        return upload

    def mapping(self) -> dict[str, str]:
        return {
            name.removeprefix("map_"): value.strip()
            for name, value in self.cleaned_data.items()
            if name.startswith("map_") and value and value.strip()
        }


def _session_key(coop: Cooperative) -> str:
    return f"members_import_{coop.pk}"


def _stored(coop: Cooperative, token: str, extension: str) -> str:
    return f"{IMPORT_DIR}/{coop.pk}/{token}{extension}"


def _forget(request: HttpRequest, coop: Cooperative) -> None:
    """Drop the file waiting for confirmation, and any left behind more than a day ago."""
    pending = request.session.pop(_session_key(coop), None)
    if pending:
        for extension in (pending["ext"], ".json"):
            default_storage.delete(_stored(coop, pending["token"], extension))
    folder = f"{IMPORT_DIR}/{coop.pk}"
    try:
        _dirs, files = default_storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        return
    old = timezone.now() - timedelta(days=1)
    for name in files:
        try:
            if default_storage.get_modified_time(f"{folder}/{name}") < old:
                default_storage.delete(f"{folder}/{name}")
        except (FileNotFoundError, NotImplementedError):
            continue


def _pending(request: HttpRequest, coop: Cooperative) -> tuple[dict, services.ImportReport] | None:
    pending = request.session.get(_session_key(coop))
    if not pending:
        return None
    try:
        with default_storage.open(_stored(coop, pending["token"], ".json")) as stored:
            report = services.ImportReport.from_dict(json.loads(stored.read()))
    except (FileNotFoundError, ValueError, TypeError, KeyError):
        request.session.pop(_session_key(coop), None)
        return None
    return pending, report


def _confirm(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    found = _pending(request, coop)
    if found is None:
        messages.error(request, _("No file is waiting to be imported: upload it again."))
        return redirect("members:import", coop.slug)
    pending, _checked = found
    try:
        with default_storage.open(_stored(coop, pending["token"], pending["ext"])) as stored:
            data = stored.read()
        report = services.import_members(
            coop=coop,
            actor=request.user,
            file=data,
            name=pending["name"],
            mapping=pending["mapping"],
            skip_invalid=pending["skip_invalid"],
        )
    except (ValidationError, FileNotFoundError) as exc:
        _forget(request, coop)
        messages.error(
            request, str(exc) if isinstance(exc, ValidationError) else _("Upload again.")
        )
        return redirect("members:import", coop.slug)
    if not report.written:
        # The book changed since the check: show the new report, keep nothing to confirm.
        _save_report(coop, pending["token"], report)
        pending["skip_invalid"] = False
        request.session[_session_key(coop)] = pending
        messages.error(request, _("Some rows are not valid any more: nothing was imported."))
        return redirect("members:import", coop.slug)
    _forget(request, coop)
    messages.success(request, summary(report))
    return redirect("members:register", coop.slug)


def summary(report: services.ImportReport) -> str:
    """The outcome of an import in one sentence."""
    parts = [
        ngettext("%(n)s new member", "%(n)s new members", report.created) % {"n": report.created},
        ngettext("%(n)s already in the book", "%(n)s already in the book", report.unchanged)
        % {"n": report.unchanged},
    ]
    if report.skipped:
        parts.append(
            ngettext("%(n)s bad row left out", "%(n)s bad rows left out", report.skipped)
            % {"n": report.skipped}
        )
    return ", ".join(parts) + "."


def _save_report(coop: Cooperative, token: str, report: services.ImportReport) -> None:
    name = _stored(coop, token, ".json")
    default_storage.delete(name)
    default_storage.save(name, ContentFile(json.dumps(report.as_dict()).encode()))


def _check_upload(request: HttpRequest, coop: Cooperative, form: ImportForm) -> bool:
    """Dry-run the uploaded file; keep it and its report for the confirmation."""
    upload = form.cleaned_data["file"]
    data = upload.read()
    try:
        report = services.import_members(
            coop=coop,
            actor=request.user,
            file=data,
            name=upload.name,
            mapping=form.mapping(),
            skip_invalid=form.cleaned_data["skip_invalid"],
            dry_run=True,
        )
    except ValidationError as exc:
        for error in exc.errors:
            if error.field == "mapping":
                error = type(error)(None, error.message)
            apply_errors(form, ValidationError(errors=[error]))
        return False
    _forget(request, coop)
    token = uuid.uuid4().hex
    extension = Path(upload.name).suffix.lower()
    default_storage.save(_stored(coop, token, extension), ContentFile(data))
    _save_report(coop, token, report)
    request.session[_session_key(coop)] = {
        "token": token,
        "ext": extension,
        "name": Path(upload.name).name[:120],
        "mapping": form.mapping(),
        "skip_invalid": form.cleaned_data["skip_invalid"],
    }
    return True


@coop_view(Action.DECIDE_MEMBERS)
def import_page(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """Upload a book, read the report of its dry run, then import it (or start again)."""
    if request.method == "POST":
        if "confirm" in request.POST:
            return _confirm(request, coop)
        if "cancel" in request.POST:
            _forget(request, coop)
            return redirect("members:import", coop.slug)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid() and _check_upload(request, coop, form):
        return redirect("members:import", coop.slug)
    found = _pending(request, coop) if request.method == "GET" else None
    context = {"coop": coop, "form": form, "columns": reading.COLUMNS}
    if found is not None:
        pending, report = found
        context.update(
            pending=pending,
            report=report,
            may_confirm=report.created > 0 and (report.ok or pending["skip_invalid"]),
            summary=summary(report),
        )
    return render(request, "members/imports/import.html", context)
