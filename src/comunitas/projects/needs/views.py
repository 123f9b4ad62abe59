"""Web pages of the territory's needs (bisogni): the list with its filters and counts, telling a
need, a need's public page with its history and what answers it, supports, the operators' status
and merge forms, and the cooperative's coverage page ("needs → projects").

Thin views over ``needs.services`` and ``needs.selectors``; every page declares its action and
is in the permission matrix (tests/projects/needs/matrix.py). Nobody but the operators ever sees
who told or supports a need: the others read "you told this need" or "you support it" about
themselves only."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comunitas.core.lookups import or_404
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, can, coop_view
from comunitas.core.submission import (
    act_and_flash,
    back_to,
    form_message,
    form_page,
    submit,
    submit_and_flash,
)
from comunitas.projects.models import (
    ANSWERABLE_NEED,
    NEED_TRANSITIONS,
    SUPPORTABLE_NEED,
    AgeGroup,
    Need,
    NeedStatus,
)
from comunitas.projects.needs import selectors, services
from comunitas.projects.needs.forms import (
    NeedFilterForm,
    NeedForm,
    NeedMergeForm,
    NeedStatusForm,
    need_initial,
)

PAGE_SIZE = 50


def _need(coop: Cooperative, need_id: int) -> Need:
    """A need of this cooperative; another cooperative's number is not found."""
    return or_404(selectors.need_row, coop=coop, pk=need_id)


# --- the list -----------------------------------------------------------------------------------
@coop_view(Action.VIEW_NEEDS)
def need_list(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """Needs with their supports, filtered, counted and paginated: a constant number of queries
    (the two counts, the page's count and rows, and which of them the user supports)."""
    form = NeedFilterForm(request.GET or None)
    filters = form.filters()
    counts = selectors.need_counts(coop=coop, filters=filters)
    form.show_counts(counts)
    page = Paginator(selectors.need_list(coop=coop, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    status_links = [
        (
            "",
            _("All but merged"),
            sum(n for s, n in counts["status"].items() if s != NeedStatus.MERGED),
        )
    ] + [(value, label, counts["status"].get(value, 0)) for value, label in NeedStatus.choices]
    context = {
        "coop": coop,
        "form": form,
        "filters": filters,
        "page_obj": page,
        "status_links": status_links,
        "supported": selectors.supported_need_ids(user=request.user, needs=page.object_list),
        "can_participate": can(request.user, coop, Action.PARTICIPATE),
        "supportable": SUPPORTABLE_NEED,
        "filtered": any([filters.status, filters.category, filters.urgency, filters.q]),
    }
    return render(request, "projects/needs/list.html", context)


# --- telling and correcting a need --------------------------------------------------------------
@coop_view(Action.PARTICIPATE)
def need_create(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """Tell a need; operators also take down needs received on paper, by phone or at a meeting."""
    staff = can(request.user, coop, Action.MANAGE_NEEDS)
    form = NeedForm(request.POST or None, staff=staff)
    return form_page(
        request,
        coop,
        form,
        lambda: services.need_submit(
            actor=request.user,
            coop=coop,
            **form.need_fields(),
            channel=form.channel() if staff else "web",
            contact_email=form.contact_email() if staff else "",
        ),
        done=_("Thank you: the need is recorded and everyone can support it."),
        detail="projects:need_detail",
        template="projects/needs/form.html",
        need=None,
    )


@coop_view(Action.MANAGE_NEEDS)
def need_edit(request: HttpRequest, coop: Cooperative, need_id: int) -> HttpResponse:
    need = _need(coop, need_id)
    form = NeedForm(request.POST or None, initial=need_initial(need), staff=True, creating=False)
    return form_page(
        request,
        coop,
        form,
        lambda: services.need_update(actor=request.user, need=need, fields=form.need_fields()),
        done=_("Changes saved."),
        detail="projects:need_detail",
        template="projects/needs/form.html",
        need=need,
    )


# --- a need's page ------------------------------------------------------------------------------
def _detail_context(request: HttpRequest, coop: Cooperative, need: Need) -> dict[str, Any]:
    user = request.user
    can_manage = can(user, coop, Action.MANAGE_NEEDS)
    changes = list(need.changes.all())
    if can_manage:  # operators also read who changed it (one more query, for them only)
        changes = list(need.changes.select_related("changed_by"))
    context: dict[str, Any] = {
        "coop": coop,
        "need": need,
        "changes": changes,
        "age_groups": [AgeGroup(g).label for g in need.age_groups or [] if g in AgeGroup.values],
        "proposals": list(need.proposals.all()),
        "projects": list(need.projects.all()),
        "supported": selectors.supported_need_ids(user=user, needs=[need]),
        "supportable": SUPPORTABLE_NEED,
        "can_participate": can(user, coop, Action.PARTICIPATE),
        "can_propose": need.status in ANSWERABLE_NEED,
        "propose_url": f"{reverse('projects:proposal_create', args=[coop.slug])}?need={need.pk}",
        "can_manage": can_manage,
    }
    if can_manage:
        if NEED_TRANSITIONS.get(need.status):
            context["status_form"] = NeedStatusForm(need=need)
        if need.status != NeedStatus.MERGED:
            context["merge_form"] = NeedMergeForm(need=need, coop=coop)
    return context


@coop_view(Action.VIEW_NEEDS)
def need_detail(request: HttpRequest, coop: Cooperative, need_id: int) -> HttpResponse:
    """A need's public page: what, where, who, how urgent, its history and what answers it."""
    need = or_404(selectors.need_get, coop=coop, pk=need_id)
    return render(request, "projects/needs/detail.html", _detail_context(request, coop, need))


# --- supports -----------------------------------------------------------------------------------
def _support(request: HttpRequest, coop: Cooperative, need_id: int, service, done: str):
    need = _need(coop, need_id)
    act_and_flash(request, lambda: service(actor=request.user, need=need), done=done)
    return back_to(request, coop, "projects:need_detail", need.pk)


@require_POST
@coop_view(Action.PARTICIPATE)
def need_support(request: HttpRequest, coop: Cooperative, need_id: int) -> HttpResponse:
    return _support(
        request,
        coop,
        need_id,
        services.need_support,
        _("Thank you: your support is counted. You will be told when its status changes."),
    )


@require_POST
@coop_view(Action.PARTICIPATE)
def need_unsupport(request: HttpRequest, coop: Cooperative, need_id: int) -> HttpResponse:
    return _support(
        request, coop, need_id, services.need_unsupport, _("Your support is withdrawn.")
    )


# --- the operators' forms -----------------------------------------------------------------------
@require_POST
@coop_view(Action.MANAGE_NEEDS)
def need_status(request: HttpRequest, coop: Cooperative, need_id: int) -> HttpResponse:
    """Move the need along its public workflow; who told or supports it is told by e-mail."""
    need = _need(coop, need_id)
    form = NeedStatusForm(request.POST, need=need)
    submit_and_flash(
        request,
        form,
        lambda: services.need_set_status(
            actor=request.user,
            need=need,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
        ),
        done=_("The status is changed; who told or supports the need is told by e-mail."),
        failed=_("The status was not changed."),
    )
    return redirect("projects:need_detail", coop.slug, need.pk)


@require_POST
@coop_view(Action.MANAGE_NEEDS)
def need_merge(request: HttpRequest, coop: Cooperative, need_id: int) -> HttpResponse:
    """Merge a duplicate into the need it repeats: its supports, proposals and projects follow."""
    need = _need(coop, need_id)
    form = NeedMergeForm(request.POST, need=need, coop=coop)
    into = submit(
        request,
        form,
        lambda: services.need_merge(
            actor=request.user, duplicate=need, into=form.cleaned_data["into"]
        ),
    )
    if into:
        messages.success(request, _("The needs are merged: the supports of both count here."))
        return redirect("projects:need_detail", coop.slug, into.pk)
    messages.error(request, form_message(form) or _("The needs were not merged."))
    return redirect("projects:need_detail", coop.slug, need.pk)


# --- coverage -----------------------------------------------------------------------------------
CHART = {"label": 200, "bar": 320, "row": 30, "top": 10, "value": 56}


def coverage_chart(rows: list[selectors.CategoryCoverage]) -> dict[str, Any]:
    """Horizontal bars of coverage by category as SVG coordinates (no JavaScript: the page and
    a PDF show the same chart); the table on the page is its text alternative."""
    c = CHART
    bars = []
    for i, row in enumerate(rows):
        y = c["top"] + i * c["row"]
        width = round(c["bar"] * (row.percent or 0) / 100, 1)
        bars.append(
            {
                "label": row.label,
                "percent": row.percent,
                "y": y,
                "text_y": y + c["row"] // 2 + 4,
                "width": width,
                "value_x": c["label"] + width + 6,
            }
        )
    return {
        "width": c["label"] + c["bar"] + c["value"],
        "height": 2 * c["top"] + max(len(rows), 1) * c["row"],
        "left": c["label"],
        "bar_height": c["row"] - 10,
        "bars": bars,
    }


@coop_view(Action.VIEW_NEEDS)
def need_coverage(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """Needs → projects: which supported needs a project answers, and which are still open
    (the coverage selector's queries, whatever the number of needs)."""
    data = selectors.coverage(coop=coop)
    context = {
        "coop": coop,
        "coverage": data,
        "total": data.total,
        "chart": coverage_chart(data.by_category),
    }
    return render(request, "projects/needs/coverage.html", context)
