"""The first half of the loop: the territory's needs (bisogni), the proposals that answer them,
and the projects the board accepts, each with economic and social objectives measured against
indicators, milestones, a budget, a team and a public record of progress.

Support counts are kept on the need and the proposal (one row per person in the support
tables, the count moved in the same transaction), so that a list of thousands of needs sorts
by support without counting hundreds of thousands of rows on every request."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comunitas.commons.models import CommonResource
from comunitas.core.models import MONEY, Cooperative, Municipality

TITLE_MAX = 200
TEXT_MAX = 5000
COMMENT_MAX = 2000
REASON_MAX = 1000


# --- needs --------------------------------------------------------------------------------------
class NeedCategory(models.TextChoices):
    CARE = "care", _("Care and assistance")
    MOBILITY = "mobility", _("Mobility")
    SHOPS = "shops", _("Shops and basic services")
    CULTURE = "culture", _("Culture and leisure")
    WORK = "work", _("Work")
    HOUSING = "housing", _("Housing")
    ENVIRONMENT = "environment", _("Environment")
    EDUCATION = "education", _("Education")
    DIGITAL = "digital", _("Digital")
    OTHER = "other", _("Other")


class AgeGroup(models.TextChoices):
    CHILDREN = "children", _("Children (0-14)")
    YOUNG = "young", _("Young people (15-29)")
    ADULTS = "adults", _("Adults (30-64)")
    ELDERLY = "elderly", _("Older people (65+)")


class Urgency(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Channel(models.TextChoices):
    """How the need reached the cooperative (kept for the impact reports, not shown publicly)."""

    WEB = "web", _("Online")
    PAPER = "paper", _("On paper")
    PHONE = "phone", _("By phone")
    MEETING = "meeting", _("At a meeting")


class NeedStatus(models.TextChoices):
    NEW = "new", _("New")
    UNDER_REVIEW = "under_review", _("Under review")
    ANSWERED = "answered", _("Answered by a project")
    MET = "met", _("Met")
    DECLINED = "declined", _("Declined")
    MERGED = "merged", _("Merged into another need")


# The public workflow; merging is its own step (``need_merge``), answering comes from a project.
NEED_TRANSITIONS: dict[str, set[str]] = {
    NeedStatus.NEW: {NeedStatus.UNDER_REVIEW, NeedStatus.DECLINED},
    NeedStatus.UNDER_REVIEW: {NeedStatus.NEW, NeedStatus.ANSWERED, NeedStatus.DECLINED},
    NeedStatus.ANSWERED: {NeedStatus.MET, NeedStatus.UNDER_REVIEW},
    NeedStatus.MET: {NeedStatus.ANSWERED},
    NeedStatus.DECLINED: {NeedStatus.UNDER_REVIEW},
    NeedStatus.MERGED: set(),
}
# Needs still waiting for an answer, and needs counted when measuring coverage.
OPEN_NEED = [NeedStatus.NEW, NeedStatus.UNDER_REVIEW]
ANSWERED_NEED = [NeedStatus.ANSWERED, NeedStatus.MET]
# Needs people may still support, and needs a proposal or a project may answer.
SUPPORTABLE_NEED = [*OPEN_NEED, NeedStatus.ANSWERED]
ANSWERABLE_NEED = [*SUPPORTABLE_NEED, NeedStatus.MET]


class Need(models.Model):
    """A need of the territory (bisogno), told by a resident or member or taken down by staff."""

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="needs")
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    description = models.TextField(_("description"), max_length=TEXT_MAX)
    category = models.CharField(_("category"), max_length=12, choices=NeedCategory.choices)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    locality = models.CharField(_("locality"), max_length=120, blank=True)
    age_groups = models.JSONField(_("age groups affected"), default=list, blank=True)
    people_affected = models.PositiveIntegerField(
        _("people affected (approximately)"), null=True, blank=True
    )
    urgency = models.CharField(
        _("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.MEDIUM
    )
    status = models.CharField(
        _("status"), max_length=14, choices=NeedStatus.choices, default=NeedStatus.NEW
    )
    status_reason = models.TextField(_("public reason"), max_length=REASON_MAX, blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_needs",
        verbose_name=_("merged into"),
    )
    channel = models.CharField(
        _("received"), max_length=8, choices=Channel.choices, default=Channel.WEB
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="needs_submitted",
    )
    # A need taken down from paper or the phone: whom to tell (staff only ever see it).
    contact_email = models.EmailField(_("e-mail of the person who reported it"), blank=True)
    support_count = models.PositiveIntegerField(_("supports"), default=0)
    synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-support_count", "-created_at", "-id"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        indexes = [
            models.Index(fields=["coop", "status", "-support_count"], name="need_coop_status"),
            # Covers the coverage page's count by category and status.
            models.Index(
                fields=["coop", "category", "status", "support_count"], name="need_coop_cat"
            ),
            models.Index(
                fields=["coop", "-support_count", "-created_at"], name="need_coop_support"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=NeedStatus.MERGED) | Q(merged_into__isnull=False),
                name="need_merged_has_target",
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | ~Q(merged_into=F("pk")),
                name="need_not_merged_into_itself",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class NeedSupport(models.Model):
    """One person's support of a need: at most one each (the unique constraint holds it)."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="need_supports"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("support of a need")
        constraints = [
            models.UniqueConstraint(fields=["need", "user"], name="need_support_once"),
        ]

    def __str__(self) -> str:
        return f"{self.need_id} ← {self.user_id}"


class NeedStatusChange(models.Model):
    """The public history of a need's status."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="changes")
    status = models.CharField(_("status"), max_length=14, choices=NeedStatus.choices)
    reason = models.TextField(_("public reason"), max_length=REASON_MAX, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.need_id}: {self.status}"


# --- proposals ----------------------------------------------------------------------------------
class ProposalStatus(models.TextChoices):
    OPEN = "open", _("Collecting support")
    BOARD_REVIEW = "board_review", _("Awaiting the board")
    CHANGES = "changes", _("Changes requested")
    ACCEPTED = "accepted", _("Accepted: a project")
    DECLINED = "declined", pgettext_lazy("a proposal", "Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# A proposal still in play: it can be supported, commented, changed and decided.
LIVE_PROPOSAL = [ProposalStatus.OPEN, ProposalStatus.BOARD_REVIEW, ProposalStatus.CHANGES]


class Proposal(models.Model):
    """A member's or resident's answer to one or more needs."""

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="proposals")
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    description = models.TextField(_("description"), max_length=TEXT_MAX)
    needs = models.ManyToManyField(Need, related_name="proposals", verbose_name=_("needs"))
    resource = models.ForeignKey(
        CommonResource,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("common resource it would use"),
    )
    estimated_costs = models.DecimalField(_("estimated costs (€)"), **MONEY, default=0)
    estimated_revenues = models.DecimalField(_("estimated revenues (€)"), **MONEY, default=0)
    volunteers_needed = models.PositiveIntegerField(_("volunteers needed"), default=0)
    status = models.CharField(
        _("status"), max_length=14, choices=ProposalStatus.choices, default=ProposalStatus.OPEN
    )
    board_reason = models.TextField(_("the board's answer"), max_length=REASON_MAX, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals_made",
    )
    support_count = models.PositiveIntegerField(_("supports"), default=0)
    review_due_since = models.DateTimeField(
        _("reached the support threshold at"), null=True, blank=True
    )
    synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_costs__gte=0) & Q(estimated_revenues__gte=0),
                name="proposal_estimates_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_PROPOSAL


class ProposalSupport(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="proposal_supports"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="proposal_support_once"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} ← {self.user_id}"


class ProposalComment(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("comment"), max_length=COMMENT_MAX)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


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
