"""Consultations (consultazioni): non-binding questions the cooperative asks its members, its
residents or both, in the poll types Loomio made familiar — a proposal (agree / abstain /
disagree / block), single and multiple choice, a score from 0 to 5 per option, ranked choice
(counted by instant runoff), a dot vote and a meeting-time poll.

What a person answered is kept apart from the fact that they took part:

* ``ConsultationParticipation`` says who took part (the impact measurement counts
  participation), with the role they had then. One per person and consultation: a unique
  constraint.
* ``ConsultationBallot`` and its ``ConsultationMark`` rows say what was answered. In a *named*
  consultation the ballot points at its participation, so the people with a role can read who
  answered what and the participant may change the answer until the consultation closes. In an
  *anonymous* one the ballot points at nothing: no foreign key, no time, a random UUID as its
  key, and it reaches its table sealed and then mixed with others in a batch written by no
  answerer's transaction (``decisions.ballot_box``, which has the threat model), so neither the
  keys, nor the rows' order, nor PostgreSQL's transaction ids join it to its participation. The
  answer is then final, since nothing says whose it is.

Marks hold one small integer whose meaning the kind decides: 1 for a chosen option (proposal,
single and multiple choice), the score 0 to 5, the rank (1 = first choice), the number of dots,
or the availability for a time slot (2 yes, 1 if need be, 0 no). Tallies are integer sums and
counts in SQL; shares and means are computed with fractions when shown, never stored.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comunitas.core.models import Cooperative, RoleKind
from comunitas.decisions.models.limits import REASON_MAX, TEXT_MAX, TITLE_MAX

OPTION_MAX = 200
OPTION_TEXT_MAX = 1000
OUTCOME_MAX = 10_000


class ConsultationKind(models.TextChoices):
    PROPOSAL = "proposal", pgettext_lazy("consultation kind", "Proposal")
    SINGLE = "single_choice", _("Single choice")
    MULTIPLE = "multiple_choice", _("Multiple choice")
    SCORE = "score", _("Score (0 to 5)")
    RANKED = "ranked_choice", _("Ranked choice")
    DOTS = "dot_vote", _("Dot vote")
    MEETING = "meeting_time", _("Meeting time")


class ConsultationAudience(models.TextChoices):
    MEMBERS = "members", _("Members")
    RESIDENTS = "residents", _("Residents")
    BOTH = "both", _("Members and residents")


# Who answers each audience: members are the roles of the member book's side of the
# cooperative (board, staff, members), residents the people of the territory with a login.
AUDIENCE_ROLES: dict[str, frozenset[str]] = {
    ConsultationAudience.MEMBERS: frozenset({RoleKind.ADMIN, RoleKind.STAFF, RoleKind.MEMBER}),
    ConsultationAudience.RESIDENTS: frozenset({RoleKind.RESIDENT}),
    ConsultationAudience.BOTH: frozenset(RoleKind.values),
}


class ConsultationStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    OPEN = "open", pgettext_lazy("a consultation", "Open")
    CLOSED = "closed", pgettext_lazy("a consultation", "Closed")


class ConsultationPosition(models.TextChoices):
    """The four answers to a proposal, in Loomio's words."""

    AGREE = "agree", _("Agree")
    ABSTAIN = "abstain", _("Abstain")
    DISAGREE = "disagree", _("Disagree")
    BLOCK = "block", _("Block")


class Availability(models.IntegerChoices):
    """An answer for a time slot (the mark's value)."""

    NO = 0, _("No")
    MAYBE = 1, _("If need be")
    YES = 2, _("Yes")


SCORE_MIN, SCORE_MAX = 0, 5


class ConsultationQuerySet(models.QuerySet):
    def published(self) -> ConsultationQuerySet:
        """Those anyone who may read the cooperative's consultations sees (not the drafts): a
        template of a need, a proposal or a project reads ``need.consultations.published``."""
        return self.exclude(status=ConsultationStatus.DRAFT).order_by("-created_at", "-id")


class Consultation(models.Model):
    """A question to the members and/or residents, from its draft to its outcome."""

    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="consultations")
    title = models.CharField(_("question"), max_length=TITLE_MAX)
    description = models.TextField(_("background"), max_length=TEXT_MAX, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=ConsultationKind.choices)
    audience = models.CharField(
        _("who may answer"),
        max_length=10,
        choices=ConsultationAudience.choices,
        default=ConsultationAudience.BOTH,
    )
    anonymous = models.BooleanField(
        _("anonymous answers"),
        default=False,
        help_text=_("Nobody sees who answered what, and an answer cannot be changed."),
    )
    results_hidden = models.BooleanField(
        _("hide the results until it closes"),
        default=False,
        help_text=_("Nobody, staff included, sees the results while it is open."),
    )
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=ConsultationStatus.choices,
        default=ConsultationStatus.DRAFT,
    )
    closes_at = models.DateTimeField(_("closes at"))
    # Multiple choice: how many options each answer chooses (no maximum: up to all of them).
    min_choices = models.PositiveSmallIntegerField(_("at least this many choices"), default=1)
    max_choices = models.PositiveSmallIntegerField(
        _("at most this many choices"), null=True, blank=True
    )
    # Dot vote: how many dots each person places over the options.
    dots = models.PositiveSmallIntegerField(_("dots for each person"), default=10)
    # What the consultation is about, if it is about something of the cooperative's.
    need = models.ForeignKey(
        "projects.Need",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name=_("need"),
    )
    proposal = models.ForeignKey(
        "projects.Proposal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name=_("proposal"),
    )
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name=_("project"),
    )
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # How many people could answer, fixed when it closes (counted live until then).
    audience_size = models.PositiveIntegerField(_("people who could answer"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), max_length=OUTCOME_MAX, blank=True)
    outcome_on = models.DateField(_("outcome stated on"), null=True, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    synthetic = models.BooleanField(default=False)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        indexes = [
            models.Index(fields=["coop", "status", "closes_at"], name="consultation_coop_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(min_choices__gte=1), name="consultation_min_1"),
            models.CheckConstraint(
                condition=Q(max_choices__isnull=True) | Q(max_choices__gte=F("min_choices")),
                name="consultation_max_not_below_min",
            ),
            models.CheckConstraint(condition=Q(dots__gte=1), name="consultation_dots_1"),
        ]

    def __str__(self) -> str:
        return self.title

    def status_at(self, now) -> str:
        """The status that counts for answering: an open consultation past its closing time is
        closed, whether or not anyone has pressed a button (no scheduled job needed)."""
        if self.status == ConsultationStatus.OPEN and now >= self.closes_at:
            return ConsultationStatus.CLOSED
        return self.status

    @property
    def current_status(self) -> str:
        return self.status_at(timezone.now())

    @property
    def is_open(self) -> bool:
        return self.current_status == ConsultationStatus.OPEN

    @property
    def is_closed(self) -> bool:
        return self.current_status == ConsultationStatus.CLOSED

    def get_current_status_display(self) -> str:
        return str(ConsultationStatus(self.current_status).label)

    @property
    def audience_roles(self) -> frozenset[str]:
        return AUDIENCE_ROLES[self.audience]


class ConsultationOption(models.Model):
    """An option to choose, score, rank or give dots to; a time slot of a meeting-time poll; or
    one of the four answers of a proposal (``code``, created with it and not editable)."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    code = models.CharField(max_length=10, blank=True, choices=ConsultationPosition.choices)
    label = models.CharField(_("option"), max_length=OPTION_MAX, blank=True)
    description = models.TextField(_("description"), max_length=OPTION_TEXT_MAX, blank=True)
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("option of a consultation")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True)
                | Q(ends_at__isnull=True)
                | Q(ends_at__gt=F("starts_at")),
                name="consultation_slot_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        if self.code:
            return str(ConsultationPosition(self.code).label)
        return self.label


class ConsultationParticipation(models.Model):
    """That someone took part: one per person and consultation (the constraint holds it under
    concurrency). Says nothing of the answer in an anonymous consultation."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="participations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="consultation_participations",
    )
    role = models.CharField(_("role"), max_length=10, choices=RoleKind.choices)
    created_at = models.DateTimeField(_("took part on"), default=timezone.now)
    changed_at = models.DateTimeField(_("answer changed on"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("participation in a consultation")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "user"], name="consultation_participation_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.consultation_id} ← {self.user_id}"


class ConsultationBallot(models.Model):
    """An answer. Its key is random and it carries no time; ``participation`` is set only in a
    named consultation (see the module's docstring)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="ballots")
    participation = models.OneToOneField(
        ConsultationParticipation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ballot",
    )
    reason = models.TextField(_("reason"), max_length=REASON_MAX, blank=True)

    class Meta:
        verbose_name = _("answer to a consultation")

    def __str__(self) -> str:
        return str(self.pk)


class ConsultationMark(models.Model):
    """One option's part of an answer (see the module's docstring for what ``value`` means)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(ConsultationBallot, on_delete=models.CASCADE, related_name="marks")
    option = models.ForeignKey(ConsultationOption, on_delete=models.CASCADE, related_name="marks")
    value = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "option"], name="consultation_mark_once"),
        ]

    def __str__(self) -> str:
        return f"{self.option_id}: {self.value}"
