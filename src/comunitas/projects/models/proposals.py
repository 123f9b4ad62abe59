"""Proposals: a member's or resident's answer to one or more needs, its supports (counted on the
proposal, as on a need), its comments and the board's decision."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comunitas.commons.models import CommonResource
from comunitas.core.models import MONEY, Cooperative
from comunitas.projects.models.needs import REASON_MAX, TEXT_MAX, TITLE_MAX, Need

COMMENT_MAX = 2000


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


# The board's answer to a live proposal: not stored, it sets the proposal's status (the form,
# the API and the services offer these three; no docstring, so that the API's schema of it
# stays the bare list of values).
class Decision(models.TextChoices):
    ACCEPT = "accept", _("Accept: it becomes a project")
    CHANGES = "changes", _("Ask for changes")
    DECLINE = "decline", _("Decline")


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
