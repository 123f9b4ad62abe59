"""Projects the board accepts or starts, with economic and social objectives measured against the
indicator catalogue, measurements, milestones, a budget, a team and a public timeline of
updates."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comunitas.commons.models import CommonResource
from comunitas.core.models import MONEY, Cooperative
from comunitas.projects.models.needs import REASON_MAX, TEXT_MAX, TITLE_MAX, Need
from comunitas.projects.models.proposals import Proposal


# --- indicators and projects ---------------------------------------------------------------------
class ObjectiveKind(models.TextChoices):
    ECONOMIC = "economic", _("Economic")
    SOCIAL = "social", _("Social")


class Indicator(models.Model):
    """An entry of the indicator catalogue. Rows without a cooperative are the shared catalogue
    (the impact measurement extends it); a cooperative may add its own."""

    coop = models.ForeignKey(
        Cooperative, on_delete=models.CASCADE, null=True, blank=True, related_name="indicators"
    )
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=ObjectiveKind.choices)
    unit = models.CharField(_("unit"), max_length=40)
    method = models.TextField(_("how it is measured"), max_length=REASON_MAX)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("indicator")
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=Q(coop__isnull=True), name="indicator_shared_code"
            ),
            models.UniqueConstraint(fields=["coop", "code"], name="indicator_coop_code"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    COMPLETED = "completed", _("Completed")
    SUSPENDED = "suspended", _("Suspended")


class Project(models.Model):
    """A project of the cooperative, with economic and social objectives."""

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="projects")
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    summary = models.TextField(_("summary"), max_length=TEXT_MAX)
    status = models.CharField(
        _("status"), max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED
    )
    start_on = models.DateField(_("start"), null=True, blank=True)
    end_on = models.DateField(_("planned end"), null=True, blank=True)
    proposal = models.OneToOneField(
        Proposal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="project",
        verbose_name=_("proposal"),
    )
    needs = models.ManyToManyField(
        Need, blank=True, related_name="projects", verbose_name=_("needs it answers")
    )
    resources = models.ManyToManyField(
        CommonResource,
        blank=True,
        related_name="projects",
        verbose_name=_("common resources it uses"),
    )
    synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(start_on__isnull=True)
                | Q(end_on__isnull=True)
                | Q(end_on__gte=F("start_on")),
                name="project_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Objective(models.Model):
    """An economic or social objective: an indicator from a baseline to a target by a date."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="objectives")
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="objectives", verbose_name=_("indicator")
    )
    description = models.CharField(_("objective"), max_length=TITLE_MAX)
    unit = models.CharField(_("unit"), max_length=40)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, default=0)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    target_date = models.DateField(_("target date"))
    method = models.TextField(_("how it is measured"), max_length=REASON_MAX)

    class Meta:
        ordering = ["indicator__kind", "id"]
        verbose_name = _("objective")
        constraints = [
            models.CheckConstraint(condition=~Q(unit=""), name="objective_has_unit"),
            models.CheckConstraint(
                condition=~Q(target=F("baseline")), name="objective_target_differs"
            ),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def kind(self) -> str:
        return self.indicator.kind


class Measurement(models.Model):
    """A value of an objective's indicator on a date."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="measurements")
    measured_on = models.DateField(_("measured on"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    note = models.CharField(_("note"), max_length=TITLE_MAX, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["measured_on", "id"]

    def __str__(self) -> str:
        return f"{self.measured_on}: {self.value}"


class Milestone(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=TITLE_MAX)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title


class BudgetKind(models.TextChoices):
    COST = "cost", _("Cost")
    REVENUE = "revenue", _("Revenue")


class BudgetLine(models.Model):
    """A planned cost or revenue of a project (the economy issue sets it against actuals)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="budget_lines")
    kind = models.CharField(_("kind"), max_length=8, choices=BudgetKind.choices)
    label = models.CharField(_("item"), max_length=TITLE_MAX)
    amount = models.DecimalField(_("amount (€)"), **MONEY)

    class Meta:
        ordering = ["kind", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="budget_line_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.amount}"


class TeamMember(models.Model):
    """Someone who works on the project. Visitors see the role, not the name."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="project_roles",
    )
    name = models.CharField(_("name"), max_length=160)
    role = models.CharField(_("role in the project"), max_length=120)
    is_volunteer = models.BooleanField(_("volunteer"), default=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.role  # the audit trail names the role, never the person


class ProjectUpdate(models.Model):
    """A line of the project's public timeline."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="updates")
    text = models.TextField(_("update"), max_length=TEXT_MAX)
    on_date = models.DateField(_("date"), default=timezone.localdate)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-on_date", "-id"]

    def __str__(self) -> str:
        return self.text[:60]
