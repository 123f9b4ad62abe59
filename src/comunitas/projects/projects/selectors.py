"""Every read of projects: the list and a project's page with what their progress needs
(prefetched), the progress itself (milestones done, the way from each objective's baseline to
its target), counts by status, and the indicator catalogue. Each list is a constant number of
queries whatever its length (the tests assert them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet

from comunitas.core.models import Cooperative
from comunitas.projects.models import (
    Indicator,
    Measurement,
    Milestone,
    Need,
    Objective,
    Project,
    TeamMember,
)
from comunitas.projects.needs.selectors import whole_percent


# --- projects and progress -----------------------------------------------------------------------
def _ratio(done: Decimal, whole: Decimal) -> Decimal:
    return min(Decimal(1), max(Decimal(0), done / whole)) if whole else Decimal(0)


@dataclass
class ObjectiveProgress:
    objective: Objective
    latest: Measurement | None
    share: Decimal  # 0..1 of the way from the baseline to the target

    @property
    def percent(self) -> int:
        return whole_percent(self.share)


@dataclass
class Progress:
    """How far a project is: the share of milestones done and, for each objective, the share of
    the way from its baseline to its target its latest measurement covers. The percentage is
    the mean of the two parts a project has (a project with neither has none)."""

    milestones_done: int = 0
    milestones_total: int = 0
    objectives: list[ObjectiveProgress] = field(default_factory=list)

    @property
    def milestone_share(self) -> Decimal | None:
        if not self.milestones_total:
            return None
        return Decimal(self.milestones_done) / Decimal(self.milestones_total)

    @property
    def objective_share(self) -> Decimal | None:
        if not self.objectives:
            return None
        return sum((o.share for o in self.objectives), Decimal(0)) / len(self.objectives)

    @property
    def percent(self) -> int | None:
        parts = [p for p in (self.milestone_share, self.objective_share) if p is not None]
        return whole_percent(sum(parts, Decimal(0)) / len(parts)) if parts else None


def progress_of(project: Project) -> Progress:
    """The progress of a project whose milestones and objectives (with their measurements) are
    prefetched, as ``project_list`` and ``project_get`` do: no query here."""
    milestones = list(project.milestones.all())
    progress = Progress(
        milestones_done=sum(1 for m in milestones if m.done_on),
        milestones_total=len(milestones),
    )
    for objective in project.objectives.all():
        measured = list(objective.measurements.all())
        latest = measured[-1] if measured else None
        share = (
            _ratio(latest.value - objective.baseline, objective.target - objective.baseline)
            if latest
            else Decimal(0)
        )
        progress.objectives.append(ObjectiveProgress(objective, latest, share))
    return progress


def _with_progress(found: QuerySet[Project]) -> QuerySet[Project]:
    return found.prefetch_related(
        "milestones",
        Prefetch(
            "objectives",
            queryset=Objective.objects.select_related("indicator").prefetch_related(
                Prefetch("measurements", queryset=Measurement.objects.order_by("measured_on", "id"))
            ),
        ),
    )


def project_list(*, coop: Cooperative, status: str = "") -> QuerySet[Project]:
    """Projects with what their progress needs (four queries for a page, whatever its size)."""
    found = Project.objects.filter(coop=coop)
    if status:
        found = found.filter(status=status)
    return _with_progress(found).order_by("-created_at", "-id")


def project_get(*, coop: Cooperative, pk: int) -> Project:
    return (
        _with_progress(Project.objects.filter(coop=coop))
        .select_related("proposal")
        .prefetch_related(
            Prefetch("needs", queryset=Need.objects.select_related("municipality")),
            "resources",
            "budget_lines",
            "team",
            "updates",
        )
        .get(pk=pk)
    )


def project_row(*, coop: Cooperative, pk: int) -> Project:
    """A project of the cooperative with its cooperative, as the forms and services change it
    (another cooperative's project is not found: ``DoesNotExist``)."""
    return Project.objects.select_related("coop").get(coop=coop, pk=pk)


def objective_row(*, coop: Cooperative, project_id: int, pk: int) -> Objective:
    """An objective of that project of the cooperative, with its indicator."""
    return Objective.objects.select_related("project__coop", "indicator").get(
        project__coop=coop, project_id=project_id, pk=pk
    )


def milestone_row(*, coop: Cooperative, project_id: int, pk: int) -> Milestone:
    return Milestone.objects.get(project__coop=coop, project_id=project_id, pk=pk)


def team_member_row(*, coop: Cooperative, project_id: int, pk: int) -> TeamMember:
    return TeamMember.objects.select_related("project__coop").get(
        project__coop=coop, project_id=project_id, pk=pk
    )


def project_counts(*, coop: Cooperative) -> dict[str, int]:
    return dict(
        Project.objects.filter(coop=coop).values_list("status").annotate(n=Count("id")).order_by()
    )


def indicator_list(*, coop: Cooperative) -> QuerySet[Indicator]:
    """The shared catalogue and the cooperative's own indicators."""
    return Indicator.objects.filter(Q(coop__isnull=True) | Q(coop=coop)).order_by(
        "kind", "coop_id", "name"
    )
