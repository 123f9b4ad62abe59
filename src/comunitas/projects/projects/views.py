"""Web pages of projects: the list with each project's progress, the forms that create and change a
project, the public accountability page (progress and how it is computed, objectives,
milestones, budget, the needs and resources it serves, team, timeline) with the operators' forms
on it, and the indicator catalogue.

Thin views over ``projects.projects.services`` and ``projects.projects.selectors``; every page
declares its action (``core.permissions``) and is listed in the permission matrix
(tests/projects/projects/matrix.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comunitas.core.kernel.money import ZERO
from comunitas.core.lookups import or_404
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, can, coop_view
from comunitas.core.submission import form_page, submit, submit_and_flash
from comunitas.projects.models import (
    BudgetKind,
    Milestone,
    Objective,
    ObjectiveKind,
    Project,
    ProjectStatus,
)
from comunitas.projects.needs.selectors import visible, whole_percent
from comunitas.projects.projects import selectors, services
from comunitas.projects.projects.forms import (
    BudgetLineForm,
    DoneForm,
    IndicatorForm,
    MeasurementForm,
    MilestoneForm,
    ObjectiveForm,
    ProjectForm,
    TeamForm,
    UpdateForm,
    indicator_name,
    indicator_unit,
)

PAGE_SIZE = 50
BAR_WIDTH = 240  # the objectives' SVG bars, in user units


def _linked(through) -> Coalesce:
    """How many rows of a project's many-to-many table point at it (a subquery per row, so
    the page stays one query and the paginator's count is not multiplied by joins)."""
    rows = (
        through.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def _with_link_counts(found: QuerySet[Project]) -> QuerySet[Project]:
    return found.annotate(
        needs_count=_linked(Project.needs.through),
        resources_count=_linked(Project.resources.through),
    )


def _project(coop: Cooperative, project_id: int) -> Project:
    """The project a form posts to: the cooperative's, or 404."""
    return or_404(selectors.project_row, coop=coop, pk=project_id)


# --- list, create, edit --------------------------------------------------------------------------
@coop_view(Action.VIEW_NEEDS)
def project_list(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """The projects with their progress, filtered by status (a constant number of queries)."""
    status = request.GET.get("status", "")
    if status not in ProjectStatus.values:
        status = ""
    found = _with_link_counts(selectors.project_list(coop=coop, status=status))
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.project_counts(coop=coop)
    context = {
        "coop": coop,
        "page_obj": page,
        "rows": [(project, selectors.progress_of(project)) for project in page],
        "status": status,
        "statuses": [
            ("", _("All"), sum(counts.values())),
            *((value, label, counts.get(value, 0)) for value, label in ProjectStatus.choices),
        ],
        "can_manage": can(request.user, coop, Action.MANAGE_PROJECTS),
    }
    return render(request, "projects/projects/list.html", context)


@coop_view(Action.MANAGE_PROJECTS)
def project_create(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    form = ProjectForm(request.POST or None, coop=coop)
    return form_page(
        request,
        coop,
        form,
        lambda: services.project_create(
            actor=request.user, coop=coop, **form.project_fields(), **form.links()
        ),
        done=_("The project is created."),
        detail="projects:project_detail",
        template="projects/projects/form.html",
        project=None,
    )


@coop_view(Action.MANAGE_PROJECTS)
def project_edit(request: HttpRequest, coop: Cooperative, project_id: int) -> HttpResponse:
    """Change a project; a status change the workflow refuses shows on the status field."""
    project = _project(coop, project_id)
    initial = {
        "title": project.title,
        "summary": project.summary,
        "status": project.status,
        "start_on": project.start_on,
        "end_on": project.end_on,
        "needs": list(project.needs.values_list("pk", flat=True)),
        "resources": list(project.resources.values_list("pk", flat=True)),
    }
    form = ProjectForm(request.POST or None, coop=coop, project=project, initial=initial)
    return form_page(
        request,
        coop,
        form,
        lambda: services.project_update(
            actor=request.user, project=project, fields=form.project_fields(), **form.links()
        ),
        done=_("Changes saved."),
        detail="projects:project_detail",
        template="projects/projects/form.html",
        project=project,
    )


# --- the accountability page ---------------------------------------------------------------------
@dataclass
class ObjectiveRow:
    """An objective as its page shows it: its progress, names in the page's language, the
    width of its bar and, for operators, the form to record a measurement."""

    progress: selectors.ObjectiveProgress
    name: str
    bar: int
    form: MeasurementForm | None = None

    @property
    def objective(self) -> Objective:
        return self.progress.objective


@dataclass
class MilestoneRow:
    milestone: Milestone
    form: DoneForm | None = None


def _objective_groups(
    progress: selectors.Progress, can_manage: bool, bound: MeasurementForm | None, bound_for
) -> list[tuple[str, list[ObjectiveRow]]]:
    groups: dict[str, list[ObjectiveRow]] = {kind: [] for kind in ObjectiveKind.values}
    for item in progress.objectives:
        objective = item.objective
        form = None
        if can_manage:
            form = (
                bound
                if bound is not None and bound_for == objective.pk
                else MeasurementForm(
                    prefix="measurement",
                    auto_id=f"id_objective{objective.pk}_%s",
                    initial={"measured_on": timezone.localdate()},
                )
            )
        row = ObjectiveRow(
            progress=item,
            name=indicator_name(objective.indicator),
            bar=int(item.share * BAR_WIDTH),
            form=form,
        )
        groups.setdefault(objective.indicator.kind, []).append(row)
    headings = {
        ObjectiveKind.ECONOMIC: _("Economic objectives"),
        ObjectiveKind.SOCIAL: _("Social objectives"),
    }
    return [(headings.get(kind, kind), rows) for kind, rows in groups.items()]


def _detail_page(
    request: HttpRequest, coop: Cooperative, project_id: int, **forms: Any
) -> HttpResponse:
    project = or_404(selectors.project_get, coop=coop, pk=project_id)
    can_manage = can(request.user, coop, Action.MANAGE_PROJECTS)
    progress = selectors.progress_of(project)
    lines = list(project.budget_lines.all())
    costs = [line for line in lines if line.kind == BudgetKind.COST]
    revenues = [line for line in lines if line.kind == BudgetKind.REVENUE]
    cost_total = sum((line.amount for line in costs), ZERO)
    revenue_total = sum((line.amount for line in revenues), ZERO)
    # Visitors see only the resources the registry shows them (commons' public page rule).
    named = request.coop_role is not None
    resources = [r for r in project.resources.all() if visible(r, named=named)]
    context = {
        "coop": coop,
        "project": project,
        "progress": progress,
        "milestone_percent": whole_percent(progress.milestone_share),
        "objective_percent": whole_percent(progress.objective_share),
        "objective_groups": _objective_groups(
            progress,
            can_manage,
            forms.get("measurement_form"),
            forms.get("measurement_for"),
        ),
        "milestones": [
            MilestoneRow(
                m,
                DoneForm(prefix="done", auto_id=f"id_milestone{m.pk}_%s")
                if can_manage and not m.done_on
                else None,
            )
            for m in project.milestones.all()
        ],
        "costs": costs,
        "revenues": revenues,
        "cost_total": cost_total,
        "revenue_total": revenue_total,
        "balance": revenue_total - cost_total,
        "resources": resources,
        "can_manage": can_manage,
        "bar_width": BAR_WIDTH,
    }
    if can_manage:
        objective_form = forms.get("objective_form") or ObjectiveForm(coop=coop)
        context.update(
            objective_form=objective_form,
            milestone_form=forms.get("milestone_form") or MilestoneForm(),
            budget_form=forms.get("budget_form") or BudgetLineForm(),
            team_form=forms.get("team_form") or TeamForm(coop=coop),
            update_form=forms.get("update_form") or UpdateForm(),
            units=sorted({indicator_unit(i) for i in selectors.indicator_list(coop=coop)}),
            measurement_failed=forms.get("measurement_for"),
        )
    return render(request, "projects/projects/detail.html", context)


@coop_view(Action.VIEW_NEEDS)
def project_detail(request: HttpRequest, coop: Cooperative, project_id: int) -> HttpResponse:
    """The public accountability page of a project."""
    return _detail_page(request, coop, project_id)


def _post_on_project(
    request: HttpRequest,
    coop: Cooperative,
    project_id: int,
    form_name: str,
    form,
    save,
    message: str,
) -> HttpResponse:
    """Post one of the project page's forms: on success back to the page with ``message``,
    otherwise the page again with that form's errors."""
    project = _project(coop, project_id)
    if submit(request, form, lambda: save(project, form.cleaned_data)):
        messages.success(request, message)
        return redirect("projects:project_detail", coop.slug, project.pk)
    return _detail_page(request, coop, project.pk, **{form_name: form})


@require_POST
@coop_view(Action.MANAGE_PROJECTS)
def objective_add(request: HttpRequest, coop: Cooperative, project_id: int) -> HttpResponse:
    return _post_on_project(
        request,
        coop,
        project_id,
        "objective_form",
        ObjectiveForm(request.POST, coop=coop),
        lambda project, data: services.objective_add(actor=request.user, project=project, **data),
        _("The objective is added."),
    )


@require_POST
@coop_view(Action.MANAGE_PROJECTS)
def measurement_add(
    request: HttpRequest, coop: Cooperative, project_id: int, objective_id: int
) -> HttpResponse:
    objective = or_404(selectors.objective_row, coop=coop, project_id=project_id, pk=objective_id)
    form = MeasurementForm(
        request.POST, prefix="measurement", auto_id=f"id_objective{objective.pk}_%s"
    )
    saved = submit(
        request,
        form,
        lambda: services.measurement_add(
            actor=request.user,
            objective=objective,
            measured_on=form.cleaned_data["measured_on"],
            value=form.cleaned_data["value"],
            note=form.cleaned_data["note"],
        ),
    )
    if saved:
        messages.success(request, _("The measurement is recorded."))
        return redirect("projects:project_detail", coop.slug, project_id)
    return _detail_page(
        request, coop, project_id, measurement_form=form, measurement_for=objective.pk
    )


@require_POST
@coop_view(Action.MANAGE_PROJECTS)
def milestone_add(request: HttpRequest, coop: Cooperative, project_id: int) -> HttpResponse:
    return _post_on_project(
        request,
        coop,
        project_id,
        "milestone_form",
        MilestoneForm(request.POST),
        lambda project, data: services.milestone_add(actor=request.user, project=project, **data),
        _("The milestone is added."),
    )


@require_POST
@coop_view(Action.MANAGE_PROJECTS)
def milestone_done(
    request: HttpRequest, coop: Cooperative, project_id: int, milestone_id: int
) -> HttpResponse:
    """Mark a milestone done, today unless a date is given."""
    milestone = or_404(selectors.milestone_row, coop=coop, project_id=project_id, pk=milestone_id)
    form = DoneForm(request.POST, prefix="done")
    submit_and_flash(
        request,
        form,
        lambda: services.milestone_update(
            actor=request.user,
            milestone=milestone,
            fields={"done_on": form.cleaned_data["done_on"] or timezone.localdate()},
        ),
        done=_("The milestone is marked done."),
        failed=_("The milestone was not marked done."),
    )
    return redirect("projects:project_detail", coop.slug, project_id)


@require_POST
@coop_view(Action.MANAGE_PROJECTS)
def budget_line_add(request: HttpRequest, coop: Cooperative, project_id: int) -> HttpResponse:
    return _post_on_project(
        request,
        coop,
        project_id,
        "budget_form",
        BudgetLineForm(request.POST),
        lambda project, data: services.budget_line_add(
            actor=request.user,
            project=project,
            kind=data["kind"],
            label=data["label"],
            amount=data["amount"],
        ),
        _("The budget line is added."),
    )


@require_POST
@coop_view(Action.MANAGE_PROJECTS)
def team_add(request: HttpRequest, coop: Cooperative, project_id: int) -> HttpResponse:
    return _post_on_project(
        request,
        coop,
        project_id,
        "team_form",
        TeamForm(request.POST, coop=coop),
        lambda project, data: services.team_add(
            actor=request.user,
            project=project,
            name=data["name"],
            role=data["role"],
            user=data["username"],
            is_volunteer=data["is_volunteer"],
        ),
        _("The team is updated."),
    )


@require_POST
@coop_view(Action.MANAGE_PROJECTS)
def team_remove(
    request: HttpRequest, coop: Cooperative, project_id: int, team_id: int
) -> HttpResponse:
    person = or_404(selectors.team_member_row, coop=coop, project_id=project_id, pk=team_id)
    services.team_remove(actor=request.user, person=person)
    messages.success(request, _("Removed from the team."))
    return redirect("projects:project_detail", coop.slug, project_id)


@require_POST
@coop_view(Action.MANAGE_PROJECTS)
def project_update_add(request: HttpRequest, coop: Cooperative, project_id: int) -> HttpResponse:
    return _post_on_project(
        request,
        coop,
        project_id,
        "update_form",
        UpdateForm(request.POST),
        lambda project, data: services.project_update_add(
            actor=request.user, project=project, text=data["text"], on_date=data["on_date"]
        ),
        _("The update is published."),
    )


# --- the indicator catalogue ---------------------------------------------------------------------
def _indicator_row(indicator) -> dict[str, Any]:
    shared = indicator.coop_id is None
    return {
        "indicator": indicator,
        "name": indicator_name(indicator),
        "unit": indicator_unit(indicator),
        "method": gettext(indicator.method) if shared else indicator.method,
    }


@coop_view(Action.VIEW_NEEDS)
def indicator_list(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """The shared catalogue and the cooperative's own indicators; operators add their own."""
    can_manage = can(request.user, coop, Action.MANAGE_PROJECTS)
    if request.method == "POST" and not can_manage:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
    form = IndicatorForm(request.POST or None) if can_manage else None
    created = (
        submit(
            request,
            form,
            lambda: services.indicator_create(actor=request.user, coop=coop, **form.cleaned_data),
        )
        if form is not None
        else None
    )
    if created:
        messages.success(request, _("The indicator is added to the cooperative's catalogue."))
        return redirect("projects:indicator_list", coop.slug)
    indicators = selectors.indicator_list(coop=coop)
    page = Paginator(indicators.filter(coop=coop), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "coop": coop,
        "shared": [_indicator_row(i) for i in indicators.filter(coop__isnull=True)],
        "page_obj": page,
        "own": [_indicator_row(i) for i in page],
        "form": form,
        "can_manage": can_manage,
    }
    return render(request, "projects/projects/indicators.html", context)
