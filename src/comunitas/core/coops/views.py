"""Web pages of cooperatives: the home page's list, a cooperative's public page and dashboard,
registering and editing it, its statute, roles and activity log; and the load balancers' health
check. Thin views over the services and selectors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from comunitas.core.accounts import selectors as accounts_selectors
from comunitas.core.coops import selectors, services
from comunitas.core.coops.forms import (
    AuditFilterForm,
    CooperativeForm,
    RoleChangeForm,
    RoleGrantForm,
    StatuteForm,
)
from comunitas.core.coops.services import COOP_EDITABLE
from comunitas.core.errors import ValidationError
from comunitas.core.models import Cooperative, Role, RoleKind
from comunitas.core.permissions import Action, authorize, can, coop_view
from comunitas.core.submission import submit
from comunitas.core.territory import selectors as territory_selectors

PAGE_SIZE = 50


def home(request: HttpRequest) -> HttpResponse:
    coops = selectors.coop_list(user=request.user)
    return render(request, "core/home.html", {"coops": coops})


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers: exactly one query."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"status": "ok"})


# --- a cooperative's pages ----------------------------------------------------------------------
@coop_view(Action.VIEW)
def coop_public(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    selectors.coop_detail(coop=coop)
    return render(
        request,
        "core/coop_public.html",
        {"coop": coop, "territory": selectors.territory_summary(coop=coop)},
    )


@coop_view(Action.VIEW_DASHBOARD)
def coop_dashboard(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """The sections (web/dashboard.py) the visitor's role allows."""
    role = RoleKind(request.coop_role).label
    return render(request, "core/coop_dashboard.html", {"coop": coop, "role": role})


def _coop_fields(form: CooperativeForm, names: list[str]) -> dict:
    fields = {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}
    fields["seat"] = territory_selectors.municipality_resolve(
        form.cleaned_data["seat"], field="seat"
    )
    return fields


def _territory(form: CooperativeForm):
    return [
        territory_selectors.municipality_resolve(t, field="territory")
        for t in form.territory_lines()
    ]


@login_required
def coop_create(request: HttpRequest) -> HttpResponse:
    form = CooperativeForm(request.POST or None, creating=True)
    coop = submit(
        request,
        form,
        lambda: services.coop_create(
            actor=request.user,
            **_coop_fields(form, services.COOP_FIELDS),
            statute={"share_nominal_value": form.cleaned_data["share_nominal_value"]},
            territory=_territory(form),
        ),
    )
    if coop:
        messages.success(request, _("The cooperative is registered: you are its admin."))
        return redirect("core:coop_dashboard", coop.slug)
    return render(request, "core/coop_create.html", {"form": form, "creating": True})


@coop_view(Action.EDIT_COOPERATIVE)
def coop_edit(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    served = [str(m) for m in coop.territory.all() if m.pk != coop.seat_id]
    initial = {name: getattr(coop, name) for name in COOP_EDITABLE}
    initial.update(seat=str(coop.seat), territory="\n".join(served))
    form = CooperativeForm(request.POST or None, initial=initial, creating=False)
    saved = submit(
        request,
        form,
        lambda: services.coop_update(
            actor=request.user,
            coop=coop,
            fields=_coop_fields(form, COOP_EDITABLE),
            territory=_territory(form),
        ),
    )
    if saved:
        messages.success(request, _("Changes saved."))
        return redirect("core:coop_edit", coop.slug)
    return render(request, "core/coop_edit.html", {"form": form, "coop": coop})


@coop_view(Action.VIEW_STATUTE)
def coop_statute(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    may_edit = can(request.user, coop, Action.EDIT_STATUTE)
    form = StatuteForm(request.POST or None) if may_edit else None
    if request.method == "POST":
        authorize(request.user, coop, Action.EDIT_STATUTE)
        statute = submit(
            request,
            form,
            lambda: services.statute_create(actor=request.user, coop=coop, **form.cleaned_data),
        )
        if statute:
            messages.success(request, _("The new statute parameters are recorded."))
            return redirect("core:coop_statute", coop.slug)
    context = {
        "coop": coop,
        "versions": selectors.statute_history(coop=coop),
        "in_force": selectors.statute_on(coop=coop),
        "form": form,
    }
    return render(request, "core/coop_statute.html", context)


@coop_view(Action.MANAGE_ROLES)
def coop_roles(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    form = RoleGrantForm(request.POST or None)
    role = submit(
        request,
        form,
        lambda: services.role_grant(
            actor=request.user,
            coop=coop,
            user=accounts_selectors.user_find(form.cleaned_data["user"]),
            kind=form.cleaned_data["kind"],
        ),
    )
    if role:
        messages.success(request, _("Role saved."))
        return redirect("core:coop_roles", coop.slug)
    context = {
        "coop": coop,
        "roles": selectors.role_list(coop=coop),
        "role_choices": RoleKind.choices,
        "form": form,
    }
    return render(request, "core/coop_roles.html", context)


@require_POST
@coop_view(Action.MANAGE_ROLES)
def coop_role_update(request: HttpRequest, coop: Cooperative, role_id: int) -> HttpResponse:
    """Change a role (``kind`` sent) or revoke it (``revoke`` sent)."""
    role = get_object_or_404(Role.objects.select_related("user"), pk=role_id, coop=coop)
    try:
        if "revoke" in request.POST:
            services.role_revoke(actor=request.user, role=role)
        else:
            form = RoleChangeForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Unknown role."), field="kind")
            services.role_grant(
                actor=request.user, coop=coop, user=role.user, kind=form.cleaned_data["kind"]
            )
    except ValidationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Role saved."))
    return redirect("core:coop_roles", coop.slug)


@coop_view(Action.VIEW_AUDIT)
def coop_audit(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    actions, object_types = selectors.audit_choices(coop=coop)
    form = AuditFilterForm(request.GET or None, actions=actions, object_types=object_types)
    filters = selectors.AuditFilters()
    if form.is_bound and form.is_valid():
        filters = selectors.AuditFilters(**form.cleaned_data)
    entries = selectors.audit_list(coop=coop, filters=filters)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "core/coop_audit.html", {"coop": coop, "form": form, "page_obj": page})
