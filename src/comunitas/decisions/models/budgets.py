"""Participatory budgets (bilancio partecipativo) of the community reinvestment fund.

A budget is an amount of the fund, in exact euros, that the assembly or the board earmarked
(``earmark_reference`` names that decision; the economy app, built later, will add a link to
the fund itself and read the funded projects' follow-up to track what is spent). It goes through
five phases, moved by staff: projects are *collected* from anyone with a role, staff *review*
each one (feasible or not, with a public reason, and the cost used from then on), the audience
*votes*, the *results* are counted by two rules, and the funded projects are *followed up*, each
linked to the cooperative's project that carries it out.

Ballots are approval ballots: a voter chooses any number of projects (``approval``, optionally at
most ``max_choices``) or projects whose reviewed costs together fit in the budget
(``knapsack``). One ballot per voter and budget, final once cast: a unique constraint holds it
under concurrency. The choices are kept, as Decidim and CONSUL keep them (a participatory
budget is not a secret ballot, and the Method of Equal Shares needs each voter's set), but pages
and the API show only aggregates, and each voter their own ballot. A budget may be voted by
*secret* ballot instead: its ballot rows say who voted and nothing else, and each voter's set of
projects reaches ``BudgetChoice`` mixed with others (``decisions.ballot_box``), under a random
key (``mixed``) and joined to no ballot row; nobody, the voter included, reads it back.

The results are counted once, when the vote closes, and stored in ``tally``: the two rules' outcome
with the reasons, project by project (``budgets.counting``); ``BudgetProject.votes`` and
``funded`` (under the official rule) are filled in from it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comunitas.core.models import MONEY, Cooperative, RoleKind
from comunitas.decisions.models.limits import REASON_MAX, TEXT_MAX, TITLE_MAX

PROJECT_TEXT_MAX = 5000
REFERENCE_MAX = 300


class BudgetPhase(models.TextChoices):
    COLLECTING = "collecting", _("Collecting projects")
    REVIEW = "review", _("Feasibility and cost review")
    VOTING = "voting", pgettext_lazy("budget phase", "Voting")
    RESULTS = "results", _("Results")
    FOLLOW_UP = "follow_up", _("Follow-up")


# The phases in their order, and where staff may move a budget from each (budget_phase_set
# checks the conditions of each step).
PHASE_ORDER = list(BudgetPhase.values)
PHASE_TRANSITIONS: dict[str, set[str]] = {
    BudgetPhase.COLLECTING: {BudgetPhase.REVIEW},
    BudgetPhase.REVIEW: {BudgetPhase.COLLECTING, BudgetPhase.VOTING},
    BudgetPhase.VOTING: {BudgetPhase.RESULTS},
    BudgetPhase.RESULTS: {BudgetPhase.FOLLOW_UP},
    BudgetPhase.FOLLOW_UP: set(),
}
# Phases whose rules (amount, method, audience, official rule, voting dates) are still open.
SETTABLE_PHASES = [BudgetPhase.COLLECTING, BudgetPhase.REVIEW]
COUNTED_PHASES = [BudgetPhase.RESULTS, BudgetPhase.FOLLOW_UP]


class BallotMethod(models.TextChoices):
    APPROVAL = "approval", _("Approval: choose any number of projects")
    KNAPSACK = "knapsack", _("Knapsack: choose projects that fit in the budget")


class BudgetAudience(models.TextChoices):
    MEMBERS = "members", _("Members")
    RESIDENTS = "residents", _("Residents")
    BOTH = "both", _("Members and residents")


# Who votes in each audience, as in consultations: members are the member book's side of the
# cooperative (board, staff, members), residents the people of the territory with a login.
AUDIENCE_ROLES: dict[str, frozenset[str]] = {
    BudgetAudience.MEMBERS: frozenset({RoleKind.ADMIN, RoleKind.STAFF, RoleKind.MEMBER}),
    BudgetAudience.RESIDENTS: frozenset({RoleKind.RESIDENT}),
    BudgetAudience.BOTH: frozenset(RoleKind.values),
}


class CountingRule(models.TextChoices):
    GREEDY = "greedy", _("Most votes first (as Decidim and CONSUL)")
    EQUAL_SHARES = "equal_shares", _("Method of Equal Shares (proportional)")


class ParticipatoryBudget(models.Model):
    """A participatory budget of (part of) the community reinvestment fund."""

    coop = models.ForeignKey(
        Cooperative, on_delete=models.PROTECT, related_name="participatory_budgets"
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    description = models.TextField(_("description"), max_length=TEXT_MAX, blank=True)
    amount = models.DecimalField(_("amount of the fund (€)"), **MONEY)
    # The decision that earmarked the money (e.g. "Assemblea dei soci del 27/04/2026, delibera
    # n. 3"); the economy app will add the fund it comes from and track its spending.
    earmark_reference = models.CharField(
        _("decision that earmarked the fund"), max_length=REFERENCE_MAX
    )
    method = models.CharField(
        _("ballot"), max_length=8, choices=BallotMethod.choices, default=BallotMethod.APPROVAL
    )
    max_choices = models.PositiveSmallIntegerField(
        _("most projects a voter may choose"),
        null=True,
        blank=True,
        help_text=_("Approval ballots only; empty for no limit."),
    )
    audience = models.CharField(
        _("who votes"), max_length=9, choices=BudgetAudience.choices, default=BudgetAudience.BOTH
    )
    secret = models.BooleanField(
        _("secret ballot"),
        default=False,
        help_text=_(
            "Who voted is recorded, what they chose is not: ballots are sealed and counted mixed "
            "with others, and nobody, the voter included, can read one back."
        ),
    )
    official_rule = models.CharField(
        _("official result"),
        max_length=12,
        choices=CountingRule.choices,
        default=CountingRule.EQUAL_SHARES,
        help_text=_("Both rules are always counted and compared; this one decides."),
    )
    phase = models.CharField(
        _("phase"), max_length=10, choices=BudgetPhase.choices, default=BudgetPhase.COLLECTING
    )
    phase_changed_at = models.DateTimeField(default=timezone.now)
    voting_opens_at = models.DateTimeField(_("voting opens"), null=True, blank=True)
    voting_closes_at = models.DateTimeField(_("voting closes"), null=True, blank=True)
    ballot_count = models.PositiveIntegerField(_("ballots"), default=0)
    # The count, once the vote has closed (budgets.counting.Tally.as_json): never changes.
    tally = models.JSONField(null=True, blank=True, editable=False)
    counted_at = models.DateTimeField(_("counted at"), null=True, blank=True)
    synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["coop", "-created_at", "-id"]
        verbose_name = _("participatory budget")
        verbose_name_plural = _("participatory budgets")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="budget_amount_positive"),
            models.CheckConstraint(
                condition=Q(max_choices__isnull=True) | Q(max_choices__gte=1),
                name="budget_max_choices_positive",
            ),
            models.CheckConstraint(
                condition=Q(voting_opens_at__isnull=True)
                | Q(voting_closes_at__isnull=True)
                | Q(voting_closes_at__gt=F("voting_opens_at")),
                name="budget_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def rules_open(self) -> bool:
        """Whether amount, method, audience, official rule and dates may still change."""
        return self.phase in SETTABLE_PHASES

    @property
    def is_counted(self) -> bool:
        return self.tally is not None

    def voting_open_at(self, moment) -> bool:
        """Ballots are taken in the voting phase, from the opening to the close [opens, closes)."""
        return (
            self.phase == BudgetPhase.VOTING
            and self.voting_opens_at is not None
            and self.voting_closes_at is not None
            and self.voting_opens_at <= moment < self.voting_closes_at
        )


class BudgetReviewStatus(models.TextChoices):
    PROPOSED = "proposed", _("Waiting for review")
    FEASIBLE = "feasible", _("Feasible: on the ballot")
    NOT_FEASIBLE = "not_feasible", _("Not feasible")


class BudgetProject(models.Model):
    """A project proposed for the budget. Staff review it: ``reviewed_cost`` is the cost the
    ballot and the results use; only feasible projects are on the ballot."""

    budget = models.ForeignKey(
        ParticipatoryBudget, on_delete=models.CASCADE, related_name="projects"
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    description = models.TextField(_("description"), max_length=PROJECT_TEXT_MAX)
    estimated_cost = models.DecimalField(_("estimated cost (€)"), **MONEY)
    proposal = models.ForeignKey(
        "projects.Proposal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_projects",
        verbose_name=_("proposal it comes from"),
    )
    need = models.ForeignKey(
        "projects.Need",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_projects",
        verbose_name=_("need it answers"),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="budget_projects",
    )
    status = models.CharField(
        _("review"),
        max_length=12,
        choices=BudgetReviewStatus.choices,
        default=BudgetReviewStatus.PROPOSED,
    )
    review_reason = models.TextField(_("public reason"), max_length=REASON_MAX, blank=True)
    reviewed_cost = models.DecimalField(_("reviewed cost (€)"), **MONEY, null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Filled in by the count: approvals, and funded or not under the official rule.
    votes = models.PositiveIntegerField(_("votes"), default=0)
    funded = models.BooleanField(_("funded"), null=True, blank=True)
    # The cooperative's project that carries a funded project out: its accountability page.
    follow_up = models.ForeignKey(
        "projects.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_projects",
        verbose_name=_("project that carries it out"),
    )
    synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["budget", "id"]
        verbose_name = _("project of a participatory budget")
        verbose_name_plural = _("projects of a participatory budget")
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_cost__gt=0), name="budget_project_estimate_positive"
            ),
            models.CheckConstraint(
                condition=Q(reviewed_cost__isnull=True) | Q(reviewed_cost__gt=0),
                name="budget_project_reviewed_cost_positive",
            ),
            models.CheckConstraint(
                condition=~Q(status=BudgetReviewStatus.FEASIBLE) | Q(reviewed_cost__isnull=False),
                name="budget_project_feasible_has_cost",
            ),
            models.CheckConstraint(
                condition=~Q(status=BudgetReviewStatus.NOT_FEASIBLE) | ~Q(review_reason=""),
                name="budget_project_refusal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def on_ballot(self) -> bool:
        return self.status == BudgetReviewStatus.FEASIBLE

    @property
    def cost(self):
        """The cost that counts: the reviewed one once staff gave it, the estimate before."""
        return self.reviewed_cost if self.reviewed_cost is not None else self.estimated_cost


class BudgetBallot(models.Model):
    """That ``voter`` voted in ``budget`` (once: a unique constraint), with the role they had
    then and the total reviewed cost of their choices; the choices are ``BudgetChoice`` rows."""

    budget = models.ForeignKey(
        ParticipatoryBudget, on_delete=models.CASCADE, related_name="ballots"
    )
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="budget_ballots"
    )
    role = models.CharField(max_length=8, choices=RoleKind.choices)
    total_cost = models.DecimalField(**MONEY, null=True, blank=True)  # null: a secret ballot
    cast_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["budget", "id"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "voter"], name="budget_ballot_once"),
        ]

    def __str__(self) -> str:
        # The audit trail names the ballot, never its choices.
        return f"ballot {self.pk} of budget {self.budget_id}"


class BudgetChoice(models.Model):
    """A project chosen on a ballot: on the voter's ``ballot``, or, in a secret budget, on a
    ballot known only by the random key ``mixed`` that its choices share."""

    ballot = models.ForeignKey(
        BudgetBallot, on_delete=models.CASCADE, related_name="choices", null=True, blank=True
    )
    mixed = models.UUIDField(null=True, blank=True, editable=False)
    # RESTRICT: a project that was chosen cannot go, but a whole budget (ballots included) can.
    project = models.ForeignKey(BudgetProject, on_delete=models.RESTRICT, related_name="choices")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "project"], name="budget_choice_once"),
            models.UniqueConstraint(fields=["mixed", "project"], name="budget_mixed_choice_once"),
            models.CheckConstraint(
                condition=Q(ballot__isnull=False, mixed__isnull=True)
                | Q(ballot__isnull=True, mixed__isnull=False),
                name="budget_choice_on_one_ballot",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ballot_id or self.mixed} → {self.project_id}"
