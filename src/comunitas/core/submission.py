"""How every page hands a posted form to a service and shows the outcome: ``submit`` (field errors
back on the form), ``submit_and_flash`` and ``act_and_flash`` (for a form or a button posted
from another page), ``apply_errors`` and ``form_message``; ``form_page`` (a page with one form)
and ``back_to`` (the page a small form was posted from)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from comunitas.core.errors import ValidationError
from comunitas.core.models import Cooperative


def form_message(form: forms.Form) -> str:
    """All of a form's errors in one line, each after its field's label, for a flash message
    (for a form posted from a page it redirects back to)."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        text = " ".join(str(e) for e in errors)
        parts.append(f"{label}: {text}" if label else text)
    return " ".join(parts)


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's field errors next to the fields (or above the form)."""
    for error in exc.errors:
        form.add_error(error.field if error.field in form.fields else None, error.message)


def submit(request, form: forms.Form, save: Callable[[], Any]) -> Any:
    """Run ``save()`` (a service call) for a posted, valid form and return what it returns;
    None when the form was not posted or not valid, or the service refused the input, whose
    field errors are then shown on the form."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return save()
    except ValidationError as exc:
        apply_errors(form, exc)
        return None


def submit_and_flash(request, form: forms.Form, save: Callable[[], Any], *, done, failed) -> Any:
    """``submit`` for a form posted from another page: flash ``done``, or the form's errors
    (``failed`` when it has none), and return what ``save`` returned."""
    result = submit(request, form, save)
    if result:
        messages.success(request, done)
    else:
        messages.error(request, form_message(form) or failed)
    return result


def act_and_flash(request, act: Callable[[], Any], *, done) -> bool:
    """Run a one-button action (a service call without a form) and flash its outcome."""
    try:
        act()
    except ValidationError as exc:
        messages.error(request, " ".join(e.message for e in exc.errors))
        return False
    messages.success(request, done)
    return True


def back_to(request: HttpRequest, coop: Cooperative, fallback: str, *args) -> HttpResponse:
    """Back to the page a small form was posted from (``next``, one of this cooperative's
    pages only), otherwise to ``fallback``."""
    target = request.POST.get("next", "")
    if target.startswith(f"/c/{coop.slug}/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback, coop.slug, *args)


def form_page(
    request: HttpRequest,
    coop: Cooperative,
    form,
    save,
    *,
    done: str,
    detail: str,
    template: str,
    **context: Any,
) -> HttpResponse:
    """A page with a form: a valid post runs ``save`` (a service returning what it saved); once
    saved, ``done`` is flashed and the ``detail`` page of what was saved follows; otherwise the
    form again, with its errors (``template`` with the cooperative, the form and ``context``)."""
    saved = submit(request, form, save)
    if saved:
        messages.success(request, done)
        return redirect(detail, coop.slug, saved.pk)
    return render(request, template, {"coop": coop, "form": form, **context})
