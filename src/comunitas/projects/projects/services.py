"""Every write on projects: creation (by hand or from an accepted proposal), objectives and
their measurements, milestones, budget lines, the team and the public updates.

Linking a need to a project answers it (``needs.services.needs_answered``), which tells the
people who told and supported it. One transaction each, audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from comunitas.commons.models import CommonResource
from comunitas.core.audit import audit_record, snapshot
from comunitas.core.errors import ValidationError
from comunitas.core.kernel.edits import assign, edit, require_text, save_unique, validated
from comunitas.core.kernel.money import CENT, MAX_MONEY, ZERO, money
from comunitas.core.kernel.types import Actor
from comunitas.core.models import Cooperative, Role
from comunitas.projects.models import (
    BudgetKind,
    BudgetLine,
    Indicator,
    Measurement,
    Milestone,
    Need,
    NeedStatus,
    Objective,
    Project,
    ProjectStatus,
    ProjectUpdate,
    Proposal,
    TeamMember,
)
from comunitas.projects.needs.cache import needs_changed
from comunitas.projects.needs.services import needs_answered

PROJECT_FIELDS = ["title", "summary", "status", "start_on", "end_on"]
OBJECTIVE_FIELDS = [
    "indicator",
    "description",
    "unit",
    "baseline",
    "target",
    "target_date",
    "method",
]
MILESTONE_FIELDS = ["title", "due_on", "done_on"]
INDICATOR_FIELDS = ["code", "name", "kind", "unit", "method", "source"]
EARLIEST, LATEST = date(1900, 1, 1), date(2200, 12, 31)
PROJECT_TRANSITIONS: dict[str, set[str]] = {
    ProjectStatus.PLANNED: {ProjectStatus.RUNNING, ProjectStatus.SUSPENDED},
    ProjectStatus.RUNNING: {ProjectStatus.COMPLETED, ProjectStatus.SUSPENDED},
    ProjectStatus.SUSPENDED: {ProjectStatus.PLANNED, ProjectStatus.RUNNING},
    ProjectStatus.COMPLETED: {ProjectStatus.RUNNING},
}


def _check_dates(obj, names: list[str]) -> None:
    for name in names:
        value = getattr(obj, name)
        if value is not None and not EARLIEST <= value <= LATEST:
            raise ValidationError(
                _("Give a date between %(first)s and %(last)s.")
                % {"first": EARLIEST.year, "last": LATEST.year},
                field=name,
            )


def _check_project(project: Project) -> None:
    require_text(project, ["title", "summary"])
    _check_dates(project, ["start_on", "end_on"])
    if project.start_on and project.end_on and project.end_on < project.start_on:
        raise ValidationError(_("The end cannot come before the start."), field="end_on")
    validated(project, exclude=["coop", "proposal"])


def _fresh(needs: list[Need] | None) -> list[Need] | None:
    """The needs as they are now, locked: one merged or answered since the form was loaded must
    be seen so (in one order, so that two writers never wait on each other)."""
    if needs is None:
        return None
    ids = sorted({need.pk for need in needs})
    return list(Need.objects.select_for_update().filter(pk__in=ids).order_by("pk"))


def _check_links(
    coop: Cooperative, needs: list[Need] | None, resources: list[CommonResource] | None
) -> None:
    if any(n.coop_id != coop.pk for n in needs or []):
        raise ValidationError(_("A project can only answer needs of this cooperative."), "needs")
    if any(n.status == NeedStatus.MERGED for n in needs or []):
        raise ValidationError(_("A merged need cannot be linked: link the one it became."), "needs")
    if any(r.coop_id != coop.pk for r in resources or []):
        raise ValidationError(_("Choose common resources of this cooperative."), "resources")


def _link(actor: Actor, project: Project, needs, resources) -> None:
    needs_changed(project.coop_id)  # the coverage page names the projects answering needs
    if needs is not None:
        project.needs.set(needs)
        needs_answered(actor=actor, needs=needs, project_title=project.title)
    if resources is not None:
        project.resources.set(resources)


AUDITED = [*PROJECT_FIELDS, "needs", "resources"]


def _save(
    actor: Actor,
    project: Project,
    fields: dict[str, Any],
    needs: list[Need] | None,
    resources: list[CommonResource] | None,
    *,
    action: str,
    before: dict[str, Any] | None = None,
) -> Project:
    """Assign and check the project and its links, save it, link it, and audit it with its
    links (which is why this is not ``edit``: they are set after the save, before the audit)."""
    assign(project, fields, PROJECT_FIELDS)
    _check_project(project)
    needs = _fresh(needs)
    _check_links(project.coop, needs, resources)
    project.save()
    _link(actor, project, needs, resources)
    audit_record(
        actor=actor,
        action=action,
        obj=project,
        coop=project.coop,
        before=before,
        after=snapshot(project, AUDITED),
    )
    return project


@transaction.atomic
def project_create(
    *,
    actor: Actor,
    coop: Cooperative,
    title: str,
    summary: str,
    status: str = ProjectStatus.PLANNED,
    start_on: date | None = None,
    end_on: date | None = None,
    needs: list[Need] | None = None,
    resources: list[CommonResource] | None = None,
    proposal: Proposal | None = None,
    synthetic: bool = False,
) -> Project:
    """A project of the cooperative; the needs it answers move to “answered”."""
    project = Project(coop=coop, proposal=proposal, synthetic=synthetic)
    fields = {
        "title": title,
        "summary": summary,
        "status": status,
        "start_on": start_on,
        "end_on": end_on,
    }
    return _save(actor, project, fields, needs, resources, action="project.create")


def project_from_proposal(
    *,
    actor: Actor,
    proposal: Proposal,
    title: str | None = None,
    summary: str | None = None,
    status: str = ProjectStatus.PLANNED,
    start_on: date | None = None,
    end_on: date | None = None,
) -> Project:
    """The project an accepted proposal becomes: its needs and resource, and its estimates as
    the first budget lines; its title and summary are the proposal's unless given (the board
    may retitle it)."""
    project = project_create(
        actor=actor,
        coop=proposal.coop,
        title=proposal.title if title is None else title,
        summary=proposal.description if summary is None else summary,
        status=status,
        start_on=start_on,
        end_on=end_on,
        needs=list(proposal.needs.exclude(status=NeedStatus.MERGED)),
        resources=[proposal.resource] if proposal.resource_id else [],
        proposal=proposal,
        synthetic=proposal.synthetic,
    )
    for kind, amount in (
        (BudgetKind.COST, proposal.estimated_costs),
        (BudgetKind.REVENUE, proposal.estimated_revenues),
    ):
        if amount:
            BudgetLine.objects.create(
                project=project,
                kind=kind,
                label=_("Estimate of the proposal"),
                amount=amount,
            )
    return project


def _locked(project: Project) -> Project:
    return Project.objects.select_for_update().select_related("coop").get(pk=project.pk)


@transaction.atomic
def project_update(
    *,
    actor: Actor,
    project: Project,
    fields: dict[str, Any],
    needs: list[Need] | None = None,
    resources: list[CommonResource] | None = None,
) -> Project:
    """Change a project; its status follows planned → running → completed, or suspended."""
    project = _locked(project)
    before = snapshot(project, AUDITED)
    status = fields.get("status", project.status)
    if status != project.status and status not in PROJECT_TRANSITIONS.get(project.status, set()):
        raise ValidationError(
            _("A project that is “%(now)s” cannot become “%(next)s”.")
            % {
                "now": project.get_status_display(),
                "next": ProjectStatus(status).label if status in ProjectStatus.values else status,
            },
            field="status",
        )
    return _save(actor, project, fields, needs, resources, action="project.update", before=before)


# --- objectives and measurements -----------------------------------------------------------------
def _check_number(obj, name: str) -> None:
    """A value, baseline or target of an indicator: two decimals, negative allowed, within what
    the database holds."""
    value = getattr(obj, name)
    if value is None or not -MAX_MONEY <= Decimal(value) <= MAX_MONEY:
        raise ValidationError(_("Give a number."), field=name)


def _check_objective(objective: Objective) -> None:
    indicator: Indicator | None = getattr(objective, "indicator", None)
    if indicator is None or indicator.coop_id not in (None, objective.project.coop_id):
        raise ValidationError(_("Choose an indicator of the catalogue."), field="indicator")
    if not (objective.method or "").strip():
        # The catalogue's method unless told otherwise, in the language of who set it.
        objective.method = (
            gettext(indicator.method) if indicator.coop_id is None else indicator.method
        )
    require_text(objective, ["description", "unit"])
    if objective.target_date is None:
        raise ValidationError(_("An objective needs a target date."), field="target_date")
    _check_dates(objective, ["target_date"])
    for name in ("baseline", "target"):
        _check_number(objective, name)
    if Decimal(objective.target) == Decimal(objective.baseline):
        raise ValidationError(_("The target must differ from the baseline."), field="target")
    validated(objective, exclude=["project", "indicator"])


def _edit_part(
    actor: Actor,
    part: Objective | Milestone,
    fields: dict[str, Any],
    action: str,
    allowed: list[str],
    check: Callable[[Any], None],
) -> Any:
    """``edit`` of an objective or a milestone, audited in its project's cooperative."""
    return edit(
        part,
        actor=actor,
        action=action,
        changes=fields,
        allowed=allowed,
        audited=allowed,
        check=check,
        coop=part.project.coop,
    )


@transaction.atomic
def objective_add(
    *,
    actor: Actor,
    project: Project,
    indicator: Indicator,
    description: str,
    unit: str,
    target: Decimal,
    target_date: date,
    baseline: Decimal = ZERO,
    method: str = "",
) -> Objective:
    """An economic or social objective (its kind is its indicator's); no ``method``: the
    indicator's."""
    fields = {
        "indicator": indicator,
        "description": description,
        "unit": unit,
        "baseline": baseline,
        "target": target,
        "target_date": target_date,
        "method": method,
    }
    objective = Objective(project=project)
    return _edit_part(actor, objective, fields, "objective.add", OBJECTIVE_FIELDS, _check_objective)


@transaction.atomic
def objective_update(*, actor: Actor, objective: Objective, fields: dict[str, Any]) -> Objective:
    objective = (
        Objective.objects.select_for_update().select_related("project__coop").get(pk=objective.pk)
    )
    return _edit_part(
        actor, objective, fields, "objective.update", OBJECTIVE_FIELDS, _check_objective
    )


def _check_measurement(measurement: Measurement) -> None:
    if measurement.measured_on is None:
        raise ValidationError(_("Give the date of the measurement."), field="measured_on")
    _check_dates(measurement, ["measured_on"])
    _not_future(measurement, "measured_on", _("A value cannot be measured on a future day."))
    _check_number(measurement, "value")
    validated(measurement, exclude=["objective", "recorded_by"])


@transaction.atomic
def measurement_add(
    *, actor: Actor, objective: Objective, measured_on: date, value: Decimal, note: str = ""
) -> Measurement:
    """A value of the objective's indicator on a date."""
    fields = {"measured_on": measured_on, "value": value, "note": note or ""}
    return edit(
        Measurement(objective=objective, recorded_by=actor),
        actor=actor,
        action="measurement.add",
        changes=fields,
        allowed=list(fields),
        audited=["objective", *fields],
        check=_check_measurement,
        coop=objective.project.coop,
    )


# --- milestones, budget, team, updates -----------------------------------------------------------
def _not_future(obj, name: str, message: str) -> None:
    value = getattr(obj, name)
    if value is not None and value > timezone.localdate():
        raise ValidationError(message, field=name)


def _check_milestone(milestone: Milestone) -> None:
    require_text(milestone, ["title"])
    if milestone.due_on is None:
        raise ValidationError(_("A milestone needs a date."), field="due_on")
    _check_dates(milestone, ["due_on", "done_on"])
    _not_future(milestone, "done_on", _("A milestone cannot be done on a future day."))
    validated(milestone, exclude=["project"])


@transaction.atomic
def milestone_add(
    *,
    actor: Actor,
    project: Project,
    title: str,
    due_on: date | None = None,
    done_on: date | None = None,
) -> Milestone:
    """A milestone due on a date (``due_on``, which the check asks for), done or not yet."""
    milestone = Milestone(project=project)
    fields = {"title": title, "due_on": due_on, "done_on": done_on}
    return _edit_part(actor, milestone, fields, "milestone.add", MILESTONE_FIELDS, _check_milestone)


@transaction.atomic
def milestone_update(*, actor: Actor, milestone: Milestone, fields: dict[str, Any]) -> Milestone:
    """Change a milestone, or mark it done (``done_on``) or not done (``done_on=None``)."""
    milestone = (
        Milestone.objects.select_for_update().select_related("project__coop").get(pk=milestone.pk)
    )
    return _edit_part(
        actor, milestone, fields, "milestone.update", MILESTONE_FIELDS, _check_milestone
    )


def _check_budget_line(line: BudgetLine) -> None:
    require_text(line, ["label"])
    money(line.amount, field="amount", low=CENT)
    validated(line, exclude=["project"])


@transaction.atomic
def budget_line_add(
    *, actor: Actor, project: Project, kind: str, label: str, amount: Decimal
) -> BudgetLine:
    fields = {"kind": kind, "label": label or "", "amount": amount}
    return edit(
        BudgetLine(project=project),
        actor=actor,
        action="budget_line.add",
        changes=fields,
        allowed=list(fields),
        audited=list(fields),
        check=_check_budget_line,
        coop=project.coop,
    )


def _check_team_member(person: TeamMember) -> None:
    require_text(person, ["name", "role"])
    validated(person, exclude=["project", "user"])


@transaction.atomic
def team_add(
    *,
    actor: Actor,
    project: Project,
    name: str,
    role: str,
    user: AbstractBaseUser | None = None,
    is_volunteer: bool = False,
) -> TeamMember:
    """Someone working on the project; with a login, the name defaults to theirs."""
    if user is not None and not Role.objects.filter(coop=project.coop, user=user).exists():
        raise ValidationError(
            _("Only people with a role in the cooperative can be linked by their login."),
            field="user",
        )
    if user is not None and not name:
        name = user.get_full_name() or user.get_username()
    return edit(
        TeamMember(project=project, user=user, is_volunteer=is_volunteer),
        actor=actor,
        action="team.add",
        changes={"name": name or "", "role": role or ""},
        allowed=["name", "role"],
        audited=["role", "is_volunteer"],  # the name is personal: not logged
        check=_check_team_member,
        coop=project.coop,
    )


@transaction.atomic
def team_remove(*, actor: Actor, person: TeamMember) -> None:
    audit_record(
        actor=actor,
        action="team.remove",
        obj=person,
        coop=person.project.coop,
        before=snapshot(person, ["role", "is_volunteer"]),
    )
    person.delete()


def _check_update(update: ProjectUpdate) -> None:
    require_text(update, ["text"])
    _check_dates(update, ["on_date"])
    validated(update, exclude=["project", "author"])


@transaction.atomic
def project_update_add(
    *, actor: Actor, project: Project, text: str, on_date: date | None = None
) -> ProjectUpdate:
    """A line of the project's public timeline (its text kept as written; the day, today's
    unless given)."""
    return edit(
        ProjectUpdate(project=project, text=text or "", author=actor),
        actor=actor,
        action="project_update.add",
        changes={} if on_date is None else {"on_date": on_date},
        allowed=["on_date"],
        audited=["on_date", "text"],
        check=_check_update,
        coop=project.coop,
    )


@transaction.atomic
def indicator_create(
    *,
    actor: Actor,
    coop: Cooperative,
    code: str,
    name: str,
    kind: str,
    unit: str,
    method: str,
    source: str = "",
) -> Indicator:
    """A cooperative's own indicator, next to the shared catalogue."""
    indicator = Indicator(coop=coop)
    values = {
        "code": code,
        "name": name,
        "kind": kind,
        "unit": unit,
        "method": method,
        "source": source,
    }
    assign(indicator, values, INDICATOR_FIELDS)
    require_text(indicator, ["code", "name", "unit", "method"])
    if Indicator.objects.filter(Q(coop=coop) | Q(coop__isnull=True), code=indicator.code).exists():
        raise ValidationError(_("An indicator with this code exists already."), field="code")
    validated(indicator, exclude=["coop"])
    # Two people adding the same code at once: the constraint decides, with the same message.
    save_unique(indicator, "code", _("An indicator with this code exists already."))
    audit_record(
        actor=actor,
        action="indicator.create",
        obj=indicator,
        coop=coop,
        after=snapshot(indicator, INDICATOR_FIELDS),
    )
    return indicator
