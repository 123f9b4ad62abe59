"""API of projects: the projects with their progress, objectives and measurements, milestones,
budget lines, team, the public timeline of updates, and the indicator catalogue.

Same rules as the pages: anyone reads a public cooperative's projects (the accountability page)
and its indicators; staff and the board keep them. Team members are named only to staff and
the board; anyone else reads their role and whether they volunteer. Objects are always fetched
within the cooperative (another's id answers 404, in a body 422). Parsing here, rules in
``projects.projects.services``."""

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from comunitas.commons.models import CommonResource
from comunitas.core.accounts.selectors import user_find
from comunitas.core.endpoints import PUBLIC, Pagination, Shaped, answers, plain_values
from comunitas.core.errors import ValidationError
from comunitas.core.kernel.money import ZERO
from comunitas.core.lookups import or_404
from comunitas.core.models import Cooperative, Role
from comunitas.core.permissions import Action, can, coop_for, role_in
from comunitas.projects.models import BudgetKind, Indicator, Objective, Project
from comunitas.projects.needs.api import needs_of, rows_of
from comunitas.projects.needs.selectors import visible, whole_percent
from comunitas.projects.projects import selectors, services
from comunitas.projects.projects.schemas import (
    BudgetLineIn,
    BudgetLineOut,
    IndicatorIn,
    IndicatorOut,
    IndicatorQuery,
    MeasurementIn,
    MeasurementOut,
    MilestoneIn,
    MilestoneOut,
    MilestonePatch,
    ObjectiveIn,
    ObjectiveOut,
    ObjectivePatch,
    ProjectIn,
    ProjectItem,
    ProjectOut,
    ProjectPatch,
    ProjectQuery,
    TeamIn,
    TeamMemberOut,
    UpdateIn,
    UpdateOut,
)

router = Router()
BASE = "/coops/{slug}"
PROJECTS = f"{BASE}/projects"
PROJECT = f"{PROJECTS}/{{int:project_id}}"
OBJECTIVE = f"{PROJECT}/objectives/{{int:objective_id}}"
TAGS = ["projects"]


def _project(coop: Cooperative, project_id: int) -> Project:
    return or_404(selectors.project_row, coop=coop, pk=project_id)


def indicator_out(indicator: Indicator) -> dict[str, Any]:
    """A shared indicator in the caller's language (its texts are in the catalogue of
    messages), a cooperative's own as typed."""
    shared = indicator.coop_id is None

    def text(value: str) -> str:
        return gettext(value) if shared and value else value

    return {
        "id": indicator.pk,
        "code": indicator.code,
        "name": text(indicator.name),
        "kind": indicator.kind,
        "unit": text(indicator.unit),
        "method": text(indicator.method),
        "source": indicator.source,
        "shared": shared,
    }


def _progress(project: Project) -> dict[str, Any]:
    """``selectors.progress_of`` on the prefetched project: no query."""
    progress = selectors.progress_of(project)
    return {
        "percent": progress.percent,
        "milestones_done": progress.milestones_done,
        "milestones_total": progress.milestones_total,
        "milestone_percent": whole_percent(progress.milestone_share),
        "objectives": [
            {
                "objective_id": o.objective.pk,
                "kind": o.objective.indicator.kind,
                "latest_value": o.latest.value if o.latest else None,
                "latest_on": o.latest.measured_on if o.latest else None,
                "percent": o.percent,
            }
            for o in progress.objectives
        ],
    }


def _item(project: Project) -> dict[str, Any]:
    return {
        "id": project.pk,
        "title": project.title,
        "status": project.status,
        "start_on": project.start_on,
        "end_on": project.end_on,
        "proposal_id": project.proposal_id,
        "created_at": project.created_at,
        "synthetic": project.synthetic,
        "progress": _progress(project),
    }


def _items(projects: list[Project]) -> list[dict[str, Any]]:
    return [_item(p) for p in projects]


def _indicators(indicators: list[Indicator]) -> list[dict[str, Any]]:
    return [indicator_out(i) for i in indicators]


def _objective(objective: Objective) -> dict[str, Any]:
    return {
        "id": objective.pk,
        "kind": objective.indicator.kind,
        "indicator": indicator_out(objective.indicator),
        "description": objective.description,
        "unit": objective.unit,
        "baseline": objective.baseline,
        "target": objective.target,
        "target_date": objective.target_date,
        "method": objective.method,
        "measurements": list(objective.measurements.all()),
    }


def project_out(request, coop: Cooperative, project_id: int) -> dict[str, Any]:
    """The accountability page of a project: progress, objectives, needs, budget, timeline;
    team names for staff and the board only, common resources the registry does not show
    publicly for people with a role only. A constant number of queries (prefetched)."""
    project = or_404(selectors.project_get, coop=coop, pk=project_id)
    named = can(request.auth, coop, Action.MANAGE_PROJECTS)
    with_role = role_in(request.auth, coop) is not None
    lines = list(project.budget_lines.all())
    return {
        **_item(project),
        "summary": project.summary,
        "needs": list(project.needs.all()),
        "resources": [r for r in project.resources.all() if visible(r, named=with_role)],
        "objectives": [_objective(o) for o in project.objectives.all()],
        "milestones": list(project.milestones.all()),
        "budget": {
            "costs": sum((x.amount for x in lines if x.kind == BudgetKind.COST), ZERO),
            "revenues": sum((x.amount for x in lines if x.kind == BudgetKind.REVENUE), ZERO),
            "lines": lines,
        },
        "team": [
            {
                "id": person.pk,
                "name": person.name if named else None,
                "role": person.role,
                "is_volunteer": person.is_volunteer,
            }
            for person in project.team.all()
        ],
        "updates": list(project.updates.all()),
    }


def _resources_of(coop: Cooperative, ids: list[int]) -> list[CommonResource]:
    message = _("Choose common resources of this cooperative.")
    return rows_of(CommonResource, coop, ids, message, "resources")


def _links(coop: Cooperative, values: dict[str, Any]) -> dict[str, Any]:
    """The needs and resources of a body, resolved within the cooperative (None: unchanged)."""
    needs, resources = values.pop("needs", None), values.pop("resources", None)
    return {
        "needs": None
        if needs is None
        else needs_of(coop, needs, _("A project can only answer needs of this cooperative.")),
        "resources": None if resources is None else _resources_of(coop, resources),
    }


# --- projects -----------------------------------------------------------------------------------
@router.get(PROJECTS, response=answers(200, list[ProjectItem]), tags=TAGS, openapi_extra=PUBLIC)
@paginate(Pagination)
def project_list(request, slug: str, filters: Query[ProjectQuery]) -> Shaped:
    """Projects, newest first, with their progress; by ``status``. Five queries for a visitor
    (the cooperative, the count, the page, its milestones, its objectives with indicators and
    measurements), whatever the number of projects."""
    coop = coop_for(request.auth, slug, Action.VIEW_NEEDS)
    status = filters.status.value if filters.status else ""
    return Shaped(selectors.project_list(coop=coop, status=status), _items)


@router.post(PROJECTS, response=answers(201, ProjectOut), tags=TAGS)
def project_create(request, slug: str, payload: ProjectIn):
    """A project of the cooperative; the needs it answers move to “answered” and whoever told
    or supports them is told."""
    coop = coop_for(request.auth, slug, Action.MANAGE_PROJECTS)
    fields = plain_values(payload.dict())
    links = _links(coop, fields)
    project = services.project_create(actor=request.auth, coop=coop, **fields, **links)
    return Status(201, project_out(request, coop, project.pk))


@router.get(PROJECT, response=answers(200, ProjectOut), tags=TAGS, openapi_extra=PUBLIC)
def project_get(request, slug: str, project_id: int):
    coop = coop_for(request.auth, slug, Action.VIEW_NEEDS)
    return project_out(request, coop, project_id)


@router.patch(PROJECT, response=answers(200, ProjectOut), tags=TAGS)
def project_update(request, slug: str, project_id: int, payload: ProjectPatch):
    """Change a project; its status goes planned → running → completed, or suspended."""
    coop = coop_for(request.auth, slug, Action.MANAGE_PROJECTS)
    fields = plain_values(payload.dict(exclude_unset=True))
    links = _links(coop, fields)
    services.project_update(
        actor=request.auth, project=_project(coop, project_id), fields=fields, **links
    )
    return project_out(request, coop, project_id)


# --- objectives and measurements ----------------------------------------------------------------
def _indicator(coop: Cooperative, indicator_id: int) -> Indicator:
    found = Indicator.objects.filter(Q(coop__isnull=True) | Q(coop=coop), pk=indicator_id).first()
    if found is None:
        raise ValidationError(_("Choose an indicator of the catalogue."), field="indicator_id")
    return found


def _objective_fields(coop: Cooperative, values: dict[str, Any]) -> dict[str, Any]:
    fields = dict(values)
    if "indicator_id" in fields:
        fields["indicator"] = _indicator(coop, fields.pop("indicator_id"))
    return fields


def _objective_of(coop: Cooperative, project_id: int, objective_id: int) -> Objective:
    return or_404(selectors.objective_row, coop=coop, project_id=project_id, pk=objective_id)


def _objective_out(objective: Objective) -> dict[str, Any]:
    objective = Objective.objects.select_related("indicator").get(pk=objective.pk)
    return _objective(objective)


@router.post(f"{PROJECT}/objectives", response=answers(201, ObjectiveOut), tags=TAGS)
def objective_add(request, slug: str, project_id: int, payload: ObjectiveIn):
    """An economic or social objective (its kind is its indicator's): unit, baseline, target
    and target date; the indicator's method unless told otherwise."""
    coop = coop_for(request.auth, slug, Action.MANAGE_PROJECTS)
    project = _project(coop, project_id)
    objective = services.objective_add(
        actor=request.auth, project=project, **_objective_fields(coop, payload.dict())
    )
    return Status(201, _objective_out(objective))


@router.patch(OBJECTIVE, response=answers(200, ObjectiveOut), tags=TAGS)
def objective_update(
    request, slug: str, project_id: int, objective_id: int, payload: ObjectivePatch
):
    coop = coop_for(request.auth, slug, Action.MANAGE_PROJECTS)
    objective = services.objective_update(
        actor=request.auth,
        objective=_objective_of(coop, project_id, objective_id),
        fields=_objective_fields(coop, payload.dict(exclude_unset=True)),
    )
    return _objective_out(objective)


@router.post(f"{OBJECTIVE}/measurements", response=answers(201, MeasurementOut), tags=TAGS)
def measurement_add(request, slug: str, project_id: int, objective_id: int, payload: MeasurementIn):
    """A value of the objective's indicator on a date: the project's progress follows."""
    coop = coop_for(request.auth, slug, Action.MANAGE_PROJECTS)
    measurement = services.measurement_add(
        actor=request.auth,
        objective=_objective_of(coop, project_id, objective_id),
        measured_on=payload.measured_on,
        value=payload.value,
        note=payload.note,
    )
    return Status(201, measurement)


# --- milestones, budget, team, updates ----------------------------------------------------------
@router.post(f"{PROJECT}/milestones", response=answers(201, MilestoneOut), tags=TAGS)
def milestone_add(request, slug: str, project_id: int, payload: MilestoneIn):
    coop = coop_for(request.auth, slug, Action.MANAGE_PROJECTS)
    milestone = services.milestone_add(
        actor=request.auth, project=_project(coop, project_id), **payload.dict()
    )
    return Status(201, milestone)


@router.patch(
    f"{PROJECT}/milestones/{{int:milestone_id}}", response=answers(200, MilestoneOut), tags=TAGS
)
def milestone_update(
    request, slug: str, project_id: int, milestone_id: int, payload: MilestonePatch
):
    """Change a milestone; ``done_on`` marks it done, ``null`` not done."""
    coop = coop_for(request.auth, slug, Action.MANAGE_PROJECTS)
    milestone = or_404(selectors.milestone_row, coop=coop, project_id=project_id, pk=milestone_id)
    return services.milestone_update(
        actor=request.auth, milestone=milestone, fields=payload.dict(exclude_unset=True)
    )


@router.post(f"{PROJECT}/budget-lines", response=answers(201, BudgetLineOut), tags=TAGS)
def budget_line_add(request, slug: str, project_id: int, payload: BudgetLineIn):
    """A planned cost or revenue, in euros and cents, more than zero."""
    coop = coop_for(request.auth, slug, Action.MANAGE_PROJECTS)
    line = services.budget_line_add(
        actor=request.auth,
        project=_project(coop, project_id),
        kind=payload.kind.value,
        label=payload.label,
        amount=payload.amount,
    )
    return Status(201, line)


def _team_user(coop: Cooperative, identifier: str):
    """A login with a role in the cooperative, by username or e-mail (None when not given)."""
    if not identifier.strip():
        return None
    user = user_find(identifier)
    if not Role.objects.filter(coop=coop, user=user).exists():
        raise ValidationError(_("Choose someone with a role in this cooperative."), field="user")
    return user


@router.post(f"{PROJECT}/team", response=answers(201, TeamMemberOut), tags=TAGS)
def team_add(request, slug: str, project_id: int, payload: TeamIn):
    """Someone working on the project; with a ``user`` the name defaults to theirs."""
    coop = coop_for(request.auth, slug, Action.MANAGE_PROJECTS)
    person = services.team_add(
        actor=request.auth,
        project=_project(coop, project_id),
        name=payload.name,
        role=payload.role,
        user=_team_user(coop, payload.user),
        is_volunteer=payload.is_volunteer,
    )
    return Status(
        201,
        {
            "id": person.pk,
            "name": person.name,  # the caller is staff or the board
            "role": person.role,
            "is_volunteer": person.is_volunteer,
        },
    )


@router.delete(f"{PROJECT}/team/{{int:team_id}}", response=answers(204, None), tags=TAGS)
def team_remove(request, slug: str, project_id: int, team_id: int):
    coop = coop_for(request.auth, slug, Action.MANAGE_PROJECTS)
    person = or_404(selectors.team_member_row, coop=coop, project_id=project_id, pk=team_id)
    services.team_remove(actor=request.auth, person=person)
    return Status(204, None)


@router.get(
    f"{PROJECT}/updates", response=answers(200, list[UpdateOut]), tags=TAGS, openapi_extra=PUBLIC
)
@paginate(Pagination)
def update_list(request, slug: str, project_id: int):
    """The project's public timeline, newest first."""
    coop = coop_for(request.auth, slug, Action.VIEW_NEEDS)
    return _project(coop, project_id).updates.order_by("-on_date", "-id")


@router.post(f"{PROJECT}/updates", response=answers(201, UpdateOut), tags=TAGS)
def update_add(request, slug: str, project_id: int, payload: UpdateIn):
    """A line of the project's public timeline."""
    coop = coop_for(request.auth, slug, Action.MANAGE_PROJECTS)
    update = services.project_update_add(
        actor=request.auth,
        project=_project(coop, project_id),
        text=payload.text,
        on_date=payload.on_date,
    )
    return Status(201, update)


# --- indicators ---------------------------------------------------------------------------------
@router.get(
    f"{BASE}/indicators",
    response=answers(200, list[IndicatorOut]),
    tags=TAGS,
    openapi_extra=PUBLIC,
)
@paginate(Pagination)
def indicator_list(request, slug: str, filters: Query[IndicatorQuery]):
    """The shared catalogue (in the caller's language) and the cooperative's own indicators."""
    coop = coop_for(request.auth, slug, Action.VIEW_NEEDS)
    found = selectors.indicator_list(coop=coop)
    if filters.kind:
        found = found.filter(kind=filters.kind.value)
    return Shaped(found, _indicators)


@router.post(f"{BASE}/indicators", response=answers(201, IndicatorOut), tags=TAGS)
def indicator_create(request, slug: str, payload: IndicatorIn):
    """A cooperative's own indicator, next to the shared catalogue (staff and the board)."""
    coop = coop_for(request.auth, slug, Action.MANAGE_PROJECTS)
    indicator = services.indicator_create(
        actor=request.auth, coop=coop, **plain_values(payload.dict())
    )
    return Status(201, indicator_out(indicator))
