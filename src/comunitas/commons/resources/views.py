"""Web pages of the commons registry: the list, a resource's page with its legal bases, obligations
and history, and the forms staff use to keep them.

Thin views over ``commons.resources.services`` and ``commons.resources.selectors``; every page
declares its action (``core.permissions``) and is listed in the permission matrix
(tests/commons/matrix.py)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comunitas.commons.models import CommonResource, Obligation
from comunitas.commons.resources import selectors, services
from comunitas.commons.resources.forms import (
    FORM_RESOURCE_FIELDS,
    DoneForm,
    LogForm,
    ObligationForm,
    ResourceForm,
    UseRightForm,
)
from comunitas.core.lookups import or_404
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, can, coop_view
from comunitas.core.submission import form_message, submit

PAGE_SIZE = 50


def _resource(request: HttpRequest, coop: Cooperative, resource_id: int) -> CommonResource:
    return or_404(
        selectors.resource_get,
        coop=coop,
        pk=resource_id,
        visible_to_public=request.coop_role is None,
    )


@coop_view(Action.VIEW_COMMONS)
def commons_list(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """The registry: each resource with its legal basis in force and its next obligation."""
    found = selectors.resource_list(coop=coop, visible_to_public=request.coop_role is None)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "coop": coop,
        "page_obj": page,
        "can_manage": can(request.user, coop, Action.MANAGE_COMMONS),
    }
    return render(request, "commons/resources/list.html", context)


@coop_view(Action.MANAGE_COMMONS)
def resource_create(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    form = ResourceForm(request.POST or None)
    resource = submit(
        request,
        form,
        lambda: services.resource_create(actor=request.user, coop=coop, **form.resource_fields()),
    )
    if resource:
        messages.success(request, _("The resource is registered."))
        return redirect("commons:resource_detail", coop.slug, resource.pk)
    return render(
        request, "commons/resources/form.html", {"coop": coop, "form": form, "resource": None}
    )


@coop_view(Action.MANAGE_COMMONS)
def resource_edit(request: HttpRequest, coop: Cooperative, resource_id: int) -> HttpResponse:
    resource = _resource(request, coop, resource_id)
    initial = {name: getattr(resource, name) for name in FORM_RESOURCE_FIELDS}
    initial["municipality"] = (
        f"{resource.municipality.name} ({resource.municipality.province_abbr})"
        if resource.municipality
        else ""
    )
    form = ResourceForm(request.POST or None, initial=initial)
    saved = submit(
        request,
        form,
        lambda: services.resource_update(
            actor=request.user, resource=resource, fields=form.resource_fields()
        ),
    )
    if saved:
        messages.success(request, _("Changes saved."))
        return redirect("commons:resource_detail", coop.slug, resource.pk)
    context = {"coop": coop, "form": form, "resource": resource}
    return render(request, "commons/resources/form.html", context)


def _detail_page(
    request: HttpRequest, coop: Cooperative, resource: CommonResource, **forms
) -> HttpResponse:
    can_manage = can(request.user, coop, Action.MANAGE_COMMONS)
    context = {
        "coop": coop,
        "resource": resource,
        "current": resource.current_rights[0] if resource.current_rights else None,
        "can_manage": can_manage,
        # Deeds, obligations and history are the cooperative's own business, not the public's.
        "show_internal": request.coop_role is not None,
    }
    if can_manage:
        context.update(
            right_form=forms.get("right_form") or UseRightForm(),
            obligation_form=forms.get("obligation_form") or ObligationForm(),
            log_form=forms.get("log_form") or LogForm(),
        )
    return render(request, "commons/resources/detail.html", context)


@coop_view(Action.VIEW_COMMONS)
def resource_detail(request: HttpRequest, coop: Cooperative, resource_id: int) -> HttpResponse:
    """A resource: data, legal bases, obligations, history; staff get the forms to add them."""
    return _detail_page(request, coop, _resource(request, coop, resource_id))


# The forms of the detail page, each with the service that saves it.
DETAIL_FORMS = {"right_form": UseRightForm, "obligation_form": ObligationForm, "log_form": LogForm}


def _add_to_resource(request, coop, resource_id, form_name, add, message) -> HttpResponse:
    """Post one of the detail page's forms to ``add``: on success back to the page with
    ``message``, otherwise the page again with that form's errors."""
    resource = _resource(request, coop, resource_id)
    form = DETAIL_FORMS[form_name](request.POST)
    saved = submit(
        request,
        form,
        lambda: add(actor=request.user, resource=resource, **form.cleaned_data),
    )
    if saved:
        messages.success(request, message)
        return redirect("commons:resource_detail", coop.slug, resource.pk)
    return _detail_page(request, coop, resource, **{form_name: form})


@require_POST
@coop_view(Action.MANAGE_COMMONS)
def use_right_add(request: HttpRequest, coop: Cooperative, resource_id: int) -> HttpResponse:
    message = _("The legal basis is recorded.")
    return _add_to_resource(
        request, coop, resource_id, "right_form", services.use_right_add, message
    )


@require_POST
@coop_view(Action.MANAGE_COMMONS)
def obligation_add(request: HttpRequest, coop: Cooperative, resource_id: int) -> HttpResponse:
    message = _("The obligation is recorded.")
    return _add_to_resource(
        request, coop, resource_id, "obligation_form", services.obligation_add, message
    )


@require_POST
@coop_view(Action.MANAGE_COMMONS)
def log_add(request: HttpRequest, coop: Cooperative, resource_id: int) -> HttpResponse:
    message = _("The history is updated.")
    return _add_to_resource(request, coop, resource_id, "log_form", services.log_add, message)


@require_POST
@coop_view(Action.MANAGE_COMMONS)
def obligation_done(request: HttpRequest, coop: Cooperative, obligation_id: int) -> HttpResponse:
    """Mark an obligation done (today unless a date is given); a recurring one comes back."""
    obligation = get_object_or_404(Obligation, pk=obligation_id, resource__coop=coop)
    form = DoneForm(request.POST)
    result = submit(
        request,
        form,
        lambda: services.obligation_done(
            actor=request.user, obligation=obligation, done_on=form.cleaned_data["done_on"]
        ),
    )
    if result:
        following = result[1]
        if following:
            messages.success(
                request,
                _("Done. The next one is due on %(day)s.")
                % {"day": date_format(following.due_on, "SHORT_DATE_FORMAT")},
            )
        else:
            messages.success(request, _("Done."))
    else:
        messages.error(request, form_message(form) or _("The obligation was not marked done."))
    next_page = request.POST.get("next", "")
    if next_page == "dashboard":
        return redirect("core:coop_dashboard", coop.slug)
    return redirect("commons:resource_detail", coop.slug, obligation.resource_id)
