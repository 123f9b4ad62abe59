"""Tables of jobs, volunteering and budgets: positions (posti di lavoro) with their contract, FTE
and dates, hours of volunteering and the dated value of an hour, and the amount planned for a
category of the chart in a year."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from comunitas.commons.models import CommonResource
from comunitas.core.models import MONEY, Cooperative, Municipality
from comunitas.economy.models.cashbook import NAME_MAX, Category
from comunitas.members.models import Member
from comunitas.projects.models import Project

# --- jobs and volunteering ------------------------------------------------------------------------


class ContractType(models.TextChoices):
    PERMANENT = "permanent", _("Permanent employment")
    FIXED_TERM = "fixed_term", _("Fixed-term employment")
    APPRENTICESHIP = "apprentice", _("Apprenticeship")
    SEASONAL = "seasonal", _("Seasonal")
    COLLABORATION = "collab", _("Collaboration or freelance")
    INTERNSHIP = "internship", _("Internship or traineeship")
    OTHER = "other", _("Other")


class AgeBand(models.TextChoices):
    UNDER_25 = "u25", _("Under 25")
    FROM_25 = "25-34", _("25-34")
    FROM_35 = "35-49", _("35-49")
    FROM_50 = "50-64", _("50-64")
    OVER_65 = "65+", _("65 and over")


class Job(models.Model):
    """A position (posto di lavoro): who holds it, under what contract, how much of a full-time
    job it is, from when to when. ``end_date`` is the first day it no longer exists
    (half-open), empty while it lasts."""

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="jobs")
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("member"),
    )
    person_name = models.CharField(
        _("person"), max_length=NAME_MAX, blank=True, help_text=_("When not a member.")
    )
    title = models.CharField(_("position"), max_length=120)
    contract = models.CharField(_("contract"), max_length=10, choices=ContractType.choices)
    fte = models.DecimalField(
        _("full-time equivalent"),
        max_digits=4,
        decimal_places=2,
        help_text=_("1 for a full-time position, 0.5 for half time."),
    )
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("worker's municipality of residence"),
    )
    lives_in_territory = models.BooleanField(_("lives in the territory"))
    age_band = models.CharField(_("age band"), max_length=5, choices=AgeBand.choices, blank=True)
    # Only with the worker's consent (kept with its date); empty when not known or not given.
    previously_unemployed = models.BooleanField(_("previously unemployed"), null=True, blank=True)
    unemployment_consent_on = models.DateField(null=True, blank=True)
    resource = models.ForeignKey(
        CommonResource,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("common resource"),
    )
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("project"),
    )
    synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["coop", "start_date", "id"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        constraints = [
            models.CheckConstraint(
                condition=Q(fte__gt=0) & Q(fte__lte=1), name="job_fte_between_0_and_1"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gt=F("start_date")),
                name="job_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(member__isnull=False) | ~Q(person_name=""), name="job_has_person"
            ),
            models.CheckConstraint(
                condition=Q(previously_unemployed__isnull=True)
                | Q(unemployment_consent_on__isnull=False),
                name="job_unemployment_needs_consent",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class VolunteerStatus(models.TextChoices):
    DECLARED = "declared", _("Declared, to confirm")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Not confirmed")


class VolunteerEntry(models.Model):
    """Hours of volunteering by a person on a day: entered by staff (confirmed at once) or
    declared by the volunteer and confirmed by staff."""

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="volunteering")
    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="volunteering",
        verbose_name=_("member"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The volunteer's login, when declared by the volunteer."),
    )
    person_name = models.CharField(_("volunteer"), max_length=NAME_MAX, blank=True)
    activity = models.CharField(_("activity"), max_length=NAME_MAX)
    on_date = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2)
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="volunteering",
        verbose_name=_("project"),
    )
    resource = models.ForeignKey(
        CommonResource,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="volunteering",
        verbose_name=_("common resource"),
    )
    status = models.CharField(
        _("status"),
        max_length=9,
        choices=VolunteerStatus.choices,
        default=VolunteerStatus.DECLARED,
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["coop", "-on_date", "id"]
        verbose_name = _("volunteering")
        verbose_name_plural = _("volunteering")
        indexes = [models.Index(fields=["coop", "on_date"], name="volunteer_coop_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="volunteer_hours_in_a_day"
            ),
            models.CheckConstraint(
                condition=Q(member__isnull=False) | Q(user__isnull=False) | ~Q(person_name=""),
                name="volunteer_has_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.on_date} {self.hours}"


class VolunteerRate(models.Model):
    """The value of one hour of volunteering from ``valid_from`` (used by the impact app to
    value volunteer time; a dated parameter the cooperative sets and justifies)."""

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="volunteer_rates")
    valid_from = models.DateField(_("in force from"))
    hourly_value = models.DecimalField(_("value of an hour (€)"), **MONEY)
    source = models.CharField(
        _("basis"), max_length=NAME_MAX, blank=True, help_text=_("Where the value comes from.")
    )

    class Meta:
        ordering = ["coop", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["coop", "valid_from"], name="volunteer_rate_once"),
            models.CheckConstraint(condition=Q(hourly_value__gt=0), name="volunteer_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.valid_from}: {self.hourly_value}"


# --- budgets --------------------------------------------------------------------------------------


class BudgetLine(models.Model):
    """The amount planned for a category in a year, for the whole cooperative, a project or a
    common resource (at most one of the two)."""

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="budget_lines")
    year = models.PositiveSmallIntegerField(_("year"))
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="budget_lines", verbose_name=_("category")
    )
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="economy_budget",
        verbose_name=_("project"),
    )
    resource = models.ForeignKey(
        CommonResource,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_lines",
        verbose_name=_("common resource"),
    )
    amount = models.DecimalField(_("planned (€)"), **MONEY)

    class Meta:
        ordering = ["coop", "year", "category", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_line_not_negative"),
            models.CheckConstraint(
                condition=Q(project__isnull=True) | Q(resource__isnull=True),
                name="budget_line_one_subject",
            ),
            models.UniqueConstraint(
                fields=["coop", "year", "category", "project", "resource"],
                name="budget_line_once",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.category_id} {self.amount}"
