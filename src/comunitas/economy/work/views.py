"""Pages of jobs, volunteering and budgets.

- /economy/jobs/: the positions of a year with its summary (staff), the summary alone for
members (no names), new, edit and end; - /economy/volunteering/: everyone's hours with filters
and totals (staff), what waits for confirmation, a person's own hours with the form to declare
them, the value of an hour; - /economy/budgets/: a year's budget of the cooperative, a project
or a resource against the cash book, and its editable table.

Thin views over ``work.services``, ``work.selectors`` and ``work.figures``; every page declares
its action and is in the permission matrix (tests/economy/work/matrix.py)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comunitas.core.errors import ValidationError
from comunitas.core.formatting import euro
from comunitas.core.lookups import or_404
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, can, coop_view
from comunitas.core.submission import apply_errors, submit, submit_and_flash
from comunitas.economy.cashbook.chart import chart_ensure
from comunitas.economy.models import Direction, VolunteerStatus
from comunitas.economy.work import figures, selectors, services
from comunitas.economy.work.forms import (
    BudgetLinesForm,
    BudgetSubjectForm,
    JobEndForm,
    JobForm,
    RateForm,
    RejectForm,
    VolunteerDeclareForm,
    VolunteerEntryForm,
    VolunteerFilterForm,
    YearForm,
    job_initial,
)

PAGE_SIZE = 30
FORM = "economy/work/form.html"


def _page(request: HttpRequest, items) -> Any:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


# --- charts -------------------------------------------------------------------------------------
CHART = {"left": 8, "top": 18, "plot": 120, "bottom": 22, "step": 46, "bar": 30}


def bar_chart(bars: list[tuple[str, Decimal, str]], *, key: str) -> dict[str, Any]:
    """Vertical bars (label, value ≥ 0, value as a person reads it) as SVG coordinates; the
    texts are the chart's text alternative."""
    c = CHART
    highest = max([Decimal(0), *(v for _l, v, _t in bars)]) or Decimal(1)
    scale = Decimal(c["plot"]) / highest
    base = c["top"] + c["plot"]
    shown = []
    for i, (label, value, text) in enumerate(bars):
        height = round(float(value * scale), 1)
        x = c["left"] + i * c["step"]
        shown.append(
            {
                "x": x,
                "y": round(base - height, 1),
                "height": height,
                "label": label,
                "text": text,
                "middle": x + c["bar"] // 2,
            }
        )
    return {
        "id": key,
        "width": c["left"] + max(len(bars), 1) * c["step"],
        "height": base + c["bottom"],
        "base": base,
        "bar": c["bar"],
        "bars": shown,
    }


def fte_chart(series: list[figures.JobsYear]) -> dict[str, Any]:
    return bar_chart(
        [(str(y.year), y.fte_years, number_format(y.fte_years, 2)) for y in series], key="fte"
    )


def budget_bars(comparison: selectors.BudgetComparison) -> dict[str, Any]:
    """Two horizontal bars per category, planned and actual, on one scale."""
    rows = comparison.rows
    highest = max([Decimal(0), *(abs(r.planned) for r in rows), *(abs(r.actual) for r in rows)])
    scale = Decimal(300) / (highest or Decimal(1))
    lines = []
    for i, row in enumerate(rows):
        y = 8 + i * 40
        lines.append(
            {
                "label": row.category.name,
                "y": y,
                "planned": round(float(abs(row.planned) * scale), 1),
                "actual": round(float(abs(row.actual) * scale), 1),
                "text": _("%(name)s: planned %(planned)s, actual %(actual)s")
                % {
                    "name": row.category.name,
                    "planned": euro(row.planned),
                    "actual": euro(row.actual),
                },
            }
        )
    return {"width": 480, "height": 16 + 40 * max(len(rows), 1), "rows": lines}


# --- jobs ---------------------------------------------------------------------------------------
def _summary_context(coop: Cooperative, year: int) -> dict[str, Any]:
    series = figures.jobs_series(coop=coop)
    summary = figures.jobs_summary(coop=coop, year=year)
    return {
        "year": year,
        "summary": summary,
        "breakdowns": [
            (_("By common resource"), summary.by_resource),
            (_("By project"), summary.by_project),
            (_("By contract"), summary.by_contract),
            (_("By age band"), summary.by_age_band),
        ],
        "series": series,
        "chart": fte_chart(series),
    }


@coop_view(Action.VIEW_ACCOUNTS)
def jobs_list(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """The positions active in a year, with the year's summary and the FTE of every year:
    a constant number of queries (the page's count and rows, the summary, the series)."""
    filters = YearForm(request.GET)
    year = filters.chosen_year()
    context = {
        "coop": coop,
        "filters": filters,
        "page_obj": _page(request, selectors.job_list(coop=coop, year=year)),
        "can_manage": can(request.user, coop, Action.MANAGE_ACCOUNTS),
        **_summary_context(coop, year),
    }
    return render(request, "economy/work/jobs_list.html", context)


@coop_view(Action.VIEW_ECONOMY)
def jobs_summary(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """The jobs of a year for members: counts and shares, nobody's name."""
    filters = YearForm(request.GET)
    context = {"coop": coop, "filters": filters, **_summary_context(coop, filters.chosen_year())}
    return render(request, "economy/work/jobs_summary.html", context)


def _form_view(
    request: HttpRequest,
    coop: Cooperative,
    form,
    save: Callable[[], Any],
    *,
    done: str,
    back: str,
    title: str,
    button: str,
    intro: str = "",
    then: Callable[[Any], str] | None = None,
) -> HttpResponse:
    """A form on a page of its own: on a valid POST ``save()`` runs, ``done`` is said and the
    browser goes ``back`` (or to ``then(saved)``); otherwise the page again, with the errors."""
    saved = submit(request, form, save)
    if saved:
        messages.success(request, done)
        return redirect(then(saved) if then else back)
    context = {
        "coop": coop,
        "form": form,
        "title": title,
        "back": back,
        "intro": intro,
        "button": button,
    }
    return render(request, FORM, context)


@coop_view(Action.MANAGE_ACCOUNTS)
def job_create(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    form = JobForm(request.POST or None, coop=coop)
    jobs = reverse("economy:jobs", args=[coop.slug])
    return _form_view(
        request,
        coop,
        form,
        lambda: services.job_create(actor=request.user, coop=coop, **form.job_fields()),
        done=_("The job is recorded."),
        back=jobs,
        then=lambda job: f"{jobs}?year={job.start_date.year}",
        title=_("Record a job"),
        intro=_(
            "A position held by a member or another person. Previous unemployment is recorded "
            "only with the worker's consent."
        ),
        button=_("Record the job"),
    )


@coop_view(Action.MANAGE_ACCOUNTS)
def job_edit(request: HttpRequest, coop: Cooperative, work_job_id: int) -> HttpResponse:
    job = or_404(selectors.job_get, coop=coop, pk=work_job_id)
    form = JobForm(request.POST or None, coop=coop, initial=job_initial(job))
    return _form_view(
        request,
        coop,
        form,
        lambda: services.job_update(actor=request.user, job=job, fields=form.job_fields()),
        done=_("Changes saved."),
        back=reverse("economy:jobs", args=[coop.slug]),
        title=_("Edit the job “%(title)s”") % {"title": job.title},
        button=_("Save"),
    )


@coop_view(Action.MANAGE_ACCOUNTS)
def job_end(request: HttpRequest, coop: Cooperative, work_job_id: int) -> HttpResponse:
    job = or_404(selectors.job_get, coop=coop, pk=work_job_id)
    form = JobEndForm(request.POST or None)
    return _form_view(
        request,
        coop,
        form,
        lambda: services.job_end(
            actor=request.user, job=job, end_date=form.cleaned_data["end_date"]
        ),
        done=_("The job is ended."),
        back=reverse("economy:jobs", args=[coop.slug]),
        title=_("End the job “%(title)s”") % {"title": job.title},
        button=_("End the job"),
    )


# --- volunteering -------------------------------------------------------------------------------
@coop_view(Action.VIEW_ACCOUNTS)
def volunteer_list(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """Everyone's hours of a year with filters, their totals and the year's summary: a constant
    number of queries."""
    filters = VolunteerFilterForm(request.GET, coop=coop)
    year = filters.chosen_year()
    project, resource = filters.value("project"), filters.value("resource")
    entries = selectors.volunteer_list(
        coop=coop,
        filters=selectors.VolunteerFilters(
            year=year,
            status=filters.value("status") or "",
            project_id=project.pk if project else None,
            resource_id=resource.pk if resource else None,
        ),
    )
    context = {
        "coop": coop,
        "filters": filters,
        "year": year,
        "page_obj": _page(request, entries),
        "totals": selectors.volunteer_totals(entries),
        "summary": figures.volunteer_summary(coop=coop, year=year),
        "can_manage": can(request.user, coop, Action.MANAGE_ACCOUNTS),
    }
    return render(request, "economy/work/volunteer_list.html", context)


@coop_view(Action.MANAGE_ACCOUNTS)
def volunteer_create(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    form = VolunteerEntryForm(request.POST or None, coop=coop)
    return _form_view(
        request,
        coop,
        form,
        lambda: services.volunteer_enter(actor=request.user, coop=coop, **form.cleaned_data),
        done=_("The hours are recorded."),
        back=reverse("economy:volunteering", args=[coop.slug]),
        title=_("Enter volunteer hours"),
        intro=_("Hours entered by staff count as confirmed."),
        button=_("Record the hours"),
    )


@coop_view(Action.MANAGE_ACCOUNTS)
def volunteer_pending(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """Declared hours waiting for staff, oldest first: a constant number of queries."""
    entries = selectors.volunteer_list(
        coop=coop, filters=selectors.VolunteerFilters(status=VolunteerStatus.DECLARED)
    ).order_by("on_date", "id")
    context = {"coop": coop, "page_obj": _page(request, entries), "reject_form": RejectForm()}
    return render(request, "economy/work/volunteer_pending.html", context)


@require_POST
@coop_view(Action.MANAGE_ACCOUNTS)
def volunteer_confirm(request: HttpRequest, coop: Cooperative, work_entry_id: int) -> HttpResponse:
    entry = or_404(selectors.volunteer_entry_get, coop=coop, pk=work_entry_id)
    try:
        services.volunteer_confirm(actor=request.user, entry=entry)
    except ValidationError as exc:
        messages.error(request, " ".join(e.message for e in exc.errors))
    else:
        messages.success(request, _("The hours are confirmed."))
    return redirect("economy:volunteer_pending", coop.slug)


@require_POST
@coop_view(Action.MANAGE_ACCOUNTS)
def volunteer_reject(request: HttpRequest, coop: Cooperative, work_entry_id: int) -> HttpResponse:
    entry = or_404(selectors.volunteer_entry_get, coop=coop, pk=work_entry_id)
    form = RejectForm(request.POST)
    submit_and_flash(
        request,
        form,
        lambda: services.volunteer_reject(
            actor=request.user, entry=entry, reason=form.cleaned_data["reason"]
        ),
        done=_("The hours are not confirmed; the volunteer sees why."),
        failed=_("Say why the hours are not confirmed."),
    )
    return redirect("economy:volunteer_pending", coop.slug)


@coop_view(Action.DECLARE_HOURS)
def volunteer_mine(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """One's own hours and the form to declare more: nobody else's entries."""
    form = VolunteerDeclareForm(request.POST or None, coop=coop)
    entry = submit(
        request,
        form,
        lambda: services.volunteer_declare(actor=request.user, coop=coop, **form.cleaned_data),
    )
    if entry:
        messages.success(request, _("Thank you: your hours wait for staff to confirm them."))
        return redirect("economy:volunteer_mine", coop.slug)
    entries = selectors.volunteer_mine(coop=coop, user=request.user)
    context = {
        "coop": coop,
        "form": form,
        "page_obj": _page(request, entries),
        "totals": selectors.volunteer_totals(entries.filter(status=VolunteerStatus.CONFIRMED)),
    }
    return render(request, "economy/work/volunteer_mine.html", context)


@coop_view(Action.VIEW_ACCOUNTS)
def volunteer_rates(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    context = {
        "coop": coop,
        "page_obj": _page(request, selectors.volunteer_rates(coop=coop)),
        "form": RateForm() if can(request.user, coop, Action.MANAGE_ACCOUNTS) else None,
    }
    return render(request, "economy/work/volunteer_rates.html", context)


@coop_view(Action.MANAGE_ACCOUNTS)
def volunteer_rate_create(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    form = RateForm(request.POST or None)
    return _form_view(
        request,
        coop,
        form,
        lambda: services.volunteer_rate_create(actor=request.user, coop=coop, **form.cleaned_data),
        done=_("The new value of an hour is recorded."),
        back=reverse("economy:volunteer_rates", args=[coop.slug]),
        title=_("A new value of an hour of volunteering"),
        intro=_("It applies from its date on; hours before it keep the value in force then."),
        button=_("Record the value"),
    )


# --- budgets ------------------------------------------------------------------------------------
def _subject(request: HttpRequest, coop: Cooperative):
    """The year and subject chosen on the page (a forged id: the whole cooperative's)."""
    chooser = BudgetSubjectForm(request.GET, coop=coop)
    project_id, resource_id = chooser.chosen_subject()
    try:
        project, resource = selectors.budget_subject(
            coop=coop, project_id=project_id, resource_id=resource_id
        )
    except ValidationError:
        project = resource = None
    return chooser, chooser.chosen_year(), project, resource


@coop_view(Action.VIEW_ACCOUNTS)
def budgets(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """A year's budget against the cash book: three queries for the comparison."""
    chooser, year, project, resource = _subject(request, coop)
    comparison = selectors.budget_vs_actual(
        coop=coop, year=year, project=project, resource=resource
    )
    query = request.GET.urlencode()
    edit_url = reverse("economy:budget_edit", args=[coop.slug]) + (f"?{query}" if query else "")
    context = {
        "coop": coop,
        "chooser": chooser,
        "comparison": comparison,
        "bars": budget_bars(comparison),
        "edit_url": edit_url,
        "can_manage": can(request.user, coop, Action.MANAGE_ACCOUNTS),
    }
    return render(request, "economy/work/budgets.html", context)


@coop_view(Action.MANAGE_ACCOUNTS)
def budget_edit(request: HttpRequest, coop: Cooperative) -> HttpResponse:
    """The planned amount of every category for the chosen year and subject."""
    chooser, year, project, resource = _subject(request, coop)
    categories = sorted(
        chart_ensure(coop=coop).values(),
        key=lambda c: (c.direction != Direction.INCOME, c.position, c.pk),
    )
    current = selectors.budget_lines_get(coop=coop, year=year, project=project, resource=resource)
    form = BudgetLinesForm(request.POST or None, categories=categories, initial=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.budget_lines_set(
                actor=request.user,
                coop=coop,
                year=year,
                project=project,
                resource=resource,
                amounts=form.amounts(),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The budget is saved."))
            return redirect(
                f"{reverse('economy:budgets', args=[coop.slug])}?{request.GET.urlencode()}"
            )
    context = {
        "coop": coop,
        "chooser": chooser,
        "year": year,
        "subject": project or resource,
        "form": form,
        "query": request.GET.urlencode(),
    }
    return render(request, "economy/work/budget_edit.html", context)
