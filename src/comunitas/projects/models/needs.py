"""The territory's needs (bisogni): what was told, where, for whom and how urgent, its public
status workflow, the supports and the history of its status; also the text limits the proposals
and projects share.

Support counts are kept on the need (one row per person in the support table, the count moved in
the same transaction), so that a list of thousands of needs sorts by support without counting
hundreds of thousands of rows on every request."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comunitas.core.models import Cooperative, Municipality

TITLE_MAX = 200
TEXT_MAX = 5000
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
