"""API of jobs, volunteering and budgets.

- jobs: ``GET/POST /coops/{slug}/economy/jobs`` (staff: the positions, with personal data),
  ``GET/PATCH …/jobs/{id}``, ``POST …/jobs/{id}/end``; ``GET …/jobs/summary?year=`` and
  ``GET …/jobs/series`` are aggregates without names, for members too (VIEW_ECONOMY);
- volunteering: ``GET/POST …/volunteering`` (staff list and staff entry, confirmed at once),
  ``GET/POST …/volunteering/mine`` (anyone with a role: their own hours, declared),
  ``POST …/volunteering/{id}/confirm|reject`` (staff), ``GET …/volunteering/summary?year=``
  (aggregates), ``GET/POST …/volunteering/rates``;
- budgets: ``GET/PUT …/budgets/lines`` and ``GET …/budgets/comparison`` (budget vs actual).

Objects are fetched within the cooperative (another's id answers 404 in a path, 422 in a body).
Parsing here, rules in ``work.services``."""

# No ``from __future__ import annotations`` here: ninja reads the Query[...] annotations.

from typing import Any

from django.utils import timezone
from ninja import Query, Router, Status
from ninja.pagination import paginate

from comunitas.commons.models import CommonResource
from comunitas.core.endpoints import Pagination, answers
from comunitas.core.lookups import or_404
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, coop_for
from comunitas.core.territory.selectors import municipality_resolve
from comunitas.economy.cashbook.selectors import owned
from comunitas.economy.models import Job, VolunteerEntry
from comunitas.economy.work import figures, selectors, services
from comunitas.economy.work.schemas import (
    JobEndIn,
    JobIn,
    JobOut,
    JobPatch,
    JobQuery,
    JobsSummaryOut,
    JobsSummaryQuery,
    JobsYearOut,
    VolunteerDeclareIn,
    VolunteerEntryIn,
    VolunteerEntryOut,
    VolunteerOwnOut,
    VolunteerQuery,
    VolunteerRateIn,
    VolunteerRateOut,
    VolunteerRejectIn,
    VolunteerSummaryOut,
    WorkBudgetComparisonOut,
    WorkBudgetLinesIn,
    WorkBudgetLinesOut,
    WorkBudgetQuery,
)
from comunitas.members.models import Member
from comunitas.projects.models import Project

router = Router(tags=["economy"])
BASE = "/coops/{slug}/economy"
JOBS = f"{BASE}/jobs"
JOB = f"{JOBS}/{{int:work_job_id}}"
HOURS = f"{BASE}/volunteering"
ENTRY = f"{HOURS}/{{int:work_entry_id}}"
BUDGETS = f"{BASE}/budgets"
JOB_TAGS, HOURS_TAGS, BUDGET_TAGS = ["jobs"], ["volunteering"], ["economy budgets"]


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.value if hasattr(v, "value") else v for k, v in values.items()}


def _links(coop: Cooperative, values: dict[str, Any]) -> dict[str, Any]:
    """Body ids (``member_id``, ``project_id``, ``resource_id``) as this cooperative's objects,
    and a municipality's code as the municipality."""
    named = {
        "member_id": (Member, "member", "Choose a member of the cooperative."),
        "project_id": (Project, "project", "Choose a project of the cooperative."),
        "resource_id": (CommonResource, "resource", "Choose a resource of the cooperative."),
    }
    fields = {}
    for key, value in values.items():
        if key in named:
            model, name, message = named[key]
            fields[name] = owned(model, coop=coop, pk=value, field=name, message=message)
        elif key == "municipality":
            fields[key] = municipality_resolve(value, field=key) if value else None
        elif key == "age_band":
            fields[key] = value or ""
        else:
            fields[key] = value
    return fields


def _year(year: int | None) -> int:
    return year or timezone.localdate().year


# --- jobs ---------------------------------------------------------------------------------------
def _job(coop: Cooperative, pk: int) -> Job:
    return or_404(selectors.job_get, coop=coop, pk=pk)


@router.get(JOBS, response=answers(200, list[JobOut]), tags=JOB_TAGS)
@paginate(Pagination)
def job_list(request, slug: str, filters: Query[JobQuery]):
    """The positions, newest first (those active in ``year`` when given), with personal data:
    staff and the board only."""
    coop = coop_for(request.auth, slug, Action.VIEW_ACCOUNTS)
    return selectors.job_list(coop=coop, year=filters.year)


@router.post(JOBS, response=answers(201, JobOut), tags=JOB_TAGS)
def job_create(request, slug: str, payload: JobIn):
    coop = coop_for(request.auth, slug, Action.MANAGE_ACCOUNTS)
    job = services.job_create(actor=request.auth, coop=coop, **_links(coop, _plain(payload.dict())))
    return Status(201, _job(coop, job.pk))


@router.get(f"{JOBS}/summary", response=answers(200, JobsSummaryOut), tags=JOB_TAGS)
def jobs_summary(request, slug: str, query: Query[JobsSummaryQuery]):
    """The year's positions, FTE-years and local shares: aggregates, no names (members too)."""
    coop = coop_for(request.auth, slug, Action.VIEW_ECONOMY)
    return figures.jobs_summary(coop=coop, year=_year(query.year))


@router.get(f"{JOBS}/series", response=answers(200, list[JobsYearOut]), tags=JOB_TAGS)
def jobs_series(request, slug: str):
    """Positions and FTE-years of every year with jobs."""
    return figures.jobs_series(coop=coop_for(request.auth, slug, Action.VIEW_ECONOMY))


@router.get(JOB, response=answers(200, JobOut), tags=JOB_TAGS)
def job_get(request, slug: str, work_job_id: int):
    return _job(coop_for(request.auth, slug, Action.VIEW_ACCOUNTS), work_job_id)


@router.patch(JOB, response=answers(200, JobOut), tags=JOB_TAGS)
def job_update(request, slug: str, work_job_id: int, payload: JobPatch):
    coop = coop_for(request.auth, slug, Action.MANAGE_ACCOUNTS)
    job = _job(coop, work_job_id)
    fields = _links(coop, _plain(payload.dict(exclude_unset=True)))
    services.job_update(actor=request.auth, job=job, fields=fields)
    return _job(coop, job.pk)


@router.post(f"{JOB}/end", response=answers(200, JobOut), tags=JOB_TAGS)
def job_end(request, slug: str, work_job_id: int, payload: JobEndIn):
    """End a running position: ``end_date`` is the first day without it."""
    coop = coop_for(request.auth, slug, Action.MANAGE_ACCOUNTS)
    job = services.job_end(
        actor=request.auth, job=_job(coop, work_job_id), end_date=payload.end_date
    )
    return _job(coop, job.pk)


# --- volunteering -------------------------------------------------------------------------------
def _entry(coop: Cooperative, pk: int) -> VolunteerEntry:
    return or_404(selectors.volunteer_entry_get, coop=coop, pk=pk)


@router.get(HOURS, response=answers(200, list[VolunteerEntryOut]), tags=HOURS_TAGS)
@paginate(Pagination)
def volunteer_list(request, slug: str, filters: Query[VolunteerQuery]):
    """Everyone's hours, newest first, with the filters of the page: staff and the board."""
    coop = coop_for(request.auth, slug, Action.VIEW_ACCOUNTS)
    return selectors.volunteer_list(
        coop=coop,
        filters=selectors.VolunteerFilters(
            year=filters.year,
            status=filters.status.value if filters.status else "",
            project_id=filters.project_id,
            resource_id=filters.resource_id,
        ),
    )


@router.post(HOURS, response=answers(201, VolunteerEntryOut), tags=HOURS_TAGS)
def volunteer_enter(request, slug: str, payload: VolunteerEntryIn):
    """Staff enter hours for a member or a named person: confirmed at once."""
    coop = coop_for(request.auth, slug, Action.MANAGE_ACCOUNTS)
    entry = services.volunteer_enter(actor=request.auth, coop=coop, **_links(coop, payload.dict()))
    return Status(201, _entry(coop, entry.pk))


@router.get(f"{HOURS}/mine", response=answers(200, list[VolunteerOwnOut]), tags=HOURS_TAGS)
@paginate(Pagination)
def volunteer_mine(request, slug: str):
    """The caller's own hours, newest first; nobody else's."""
    coop = coop_for(request.auth, slug, Action.DECLARE_HOURS)
    return selectors.volunteer_mine(coop=coop, user=request.auth)


@router.post(f"{HOURS}/mine", response=answers(201, VolunteerOwnOut), tags=HOURS_TAGS)
def volunteer_declare(request, slug: str, payload: VolunteerDeclareIn):
    """Declare one's own hours; staff confirm them."""
    coop = coop_for(request.auth, slug, Action.DECLARE_HOURS)
    values = _links(coop, payload.dict())
    entry = services.volunteer_declare(actor=request.auth, coop=coop, **values)
    return Status(201, selectors.volunteer_mine(coop=coop, user=request.auth).get(pk=entry.pk))


@router.post(f"{ENTRY}/confirm", response=answers(200, VolunteerEntryOut), tags=HOURS_TAGS)
def volunteer_confirm(request, slug: str, work_entry_id: int):
    coop = coop_for(request.auth, slug, Action.MANAGE_ACCOUNTS)
    services.volunteer_confirm(actor=request.auth, entry=_entry(coop, work_entry_id))
    return _entry(coop, work_entry_id)


@router.post(f"{ENTRY}/reject", response=answers(200, VolunteerEntryOut), tags=HOURS_TAGS)
def volunteer_reject(request, slug: str, work_entry_id: int, payload: VolunteerRejectIn):
    """Decline declared hours, saying why (the volunteer reads it)."""
    coop = coop_for(request.auth, slug, Action.MANAGE_ACCOUNTS)
    entry = _entry(coop, work_entry_id)
    services.volunteer_reject(actor=request.auth, entry=entry, reason=payload.reason)
    return _entry(coop, work_entry_id)


@router.get(f"{HOURS}/summary", response=answers(200, VolunteerSummaryOut), tags=HOURS_TAGS)
def volunteer_summary(request, slug: str, query: Query[JobsSummaryQuery]):
    """Confirmed hours of the year by activity, project and resource, people counted and the
    hours valued: aggregates, no names (members too)."""
    coop = coop_for(request.auth, slug, Action.VIEW_ECONOMY)
    return figures.volunteer_summary(coop=coop, year=_year(query.year))


@router.get(f"{HOURS}/rates", response=answers(200, list[VolunteerRateOut]), tags=HOURS_TAGS)
@paginate(Pagination)
def volunteer_rate_list(request, slug: str):
    """The dated values of an hour of volunteering, newest first, with their basis."""
    return selectors.volunteer_rates(coop=coop_for(request.auth, slug, Action.VIEW_ECONOMY))


@router.post(f"{HOURS}/rates", response=answers(201, VolunteerRateOut), tags=HOURS_TAGS)
def volunteer_rate_create(request, slug: str, payload: VolunteerRateIn):
    """A new value of an hour from a date; earlier rates stay as they were."""
    coop = coop_for(request.auth, slug, Action.MANAGE_ACCOUNTS)
    return Status(
        201, services.volunteer_rate_create(actor=request.auth, coop=coop, **payload.dict())
    )


# --- budgets ------------------------------------------------------------------------------------
@router.get(f"{BUDGETS}/lines", response=answers(200, WorkBudgetLinesOut), tags=BUDGET_TAGS)
def budget_lines_get(request, slug: str, query: Query[WorkBudgetQuery]):
    """The planned amounts of a year for the whole cooperative, a project or a resource."""
    coop = coop_for(request.auth, slug, Action.VIEW_ACCOUNTS)
    project, resource = selectors.budget_subject(
        coop=coop, project_id=query.project_id, resource_id=query.resource_id
    )
    amounts = selectors.budget_lines_get(
        coop=coop, year=_year(query.year), project=project, resource=resource
    )
    return {
        "year": _year(query.year),
        "project_id": query.project_id,
        "resource_id": query.resource_id,
        "amounts": amounts,
    }


@router.put(f"{BUDGETS}/lines", response=answers(200, WorkBudgetLinesOut), tags=BUDGET_TAGS)
def budget_lines_set(request, slug: str, payload: WorkBudgetLinesIn):
    """Replace the subject's planned amounts of the year, all together."""
    coop = coop_for(request.auth, slug, Action.MANAGE_ACCOUNTS)
    project, resource = selectors.budget_subject(
        coop=coop, project_id=payload.project_id, resource_id=payload.resource_id
    )
    services.budget_lines_set(
        actor=request.auth,
        coop=coop,
        year=payload.year,
        project=project,
        resource=resource,
        amounts=payload.amounts,
    )
    amounts = selectors.budget_lines_get(
        coop=coop, year=payload.year, project=project, resource=resource
    )
    return {
        "year": payload.year,
        "project_id": payload.project_id,
        "resource_id": payload.resource_id,
        "amounts": amounts,
    }


def comparison_out(comparison: selectors.BudgetComparison) -> dict[str, Any]:
    def totals(t: selectors.BudgetTotals) -> dict[str, Any]:
        return {
            "planned": t.planned,
            "actual": t.actual,
            "variance": t.variance,
            "percent_used": t.percent_used,
        }

    return {
        "year": comparison.year,
        "project_id": comparison.project.pk if comparison.project else None,
        "resource_id": comparison.resource.pk if comparison.resource else None,
        "rows": [
            {
                "category": row.category.code,
                "name": row.category.name,
                "direction": row.category.direction,
                **totals(row),
            }
            for row in comparison.rows
        ],
        "income": totals(comparison.income_total),
        "expense": totals(comparison.expense_total),
        "result": totals(comparison.result),
    }


@router.get(
    f"{BUDGETS}/comparison", response=answers(200, WorkBudgetComparisonOut), tags=BUDGET_TAGS
)
def budget_vs_actual(request, slug: str, query: Query[WorkBudgetQuery]):
    """Planned, actual, variance and per cent used by category, with the totals."""
    coop = coop_for(request.auth, slug, Action.VIEW_ACCOUNTS)
    project, resource = selectors.budget_subject(
        coop=coop, project_id=query.project_id, resource_id=query.resource_id
    )
    return comparison_out(
        selectors.budget_vs_actual(
            coop=coop, year=_year(query.year), project=project, resource=resource
        )
    )
