"""Every write of participatory budgets: setting one up, the phases, proposing and reviewing
projects, ballots, the count and the follow-up of the funded projects.

One transaction each, with the budget's row locked and read again first: a phase change that
committed since the page was loaded decides (no project proposed after collection closed, no
ballot after the vote closed, no cost changed once the vote is prepared). The rules are checked
here, the database constraints are the last line, every change is audited.

Ballots: one per voter and budget, final. The budget row is locked (``select_for_update``; on
SQLite every transaction is BEGIN IMMEDIATE, so they queue) and the voter's ballot looked for
again under the lock; the unique constraint catches whatever slips through, so duplicate
submissions at the same instant count once. A ballot's audit row says who voted in which
budget, how many projects and for how much, not which: the choices are kept for the count and
shown to nobody but the voter (the activity log is read by the board). In a secret budget the
audit row and the ballot row say only who voted; the choices go sealed into the ballot box and
are written mixed with others (``mixing``), all of them when the vote closes.

The count (``budget_count``) runs once the vote is closed. Closing and storing are two short
transactions and the count between them reads ballots nobody can add to any more: counting
5,000 ballots by the Method of Equal Shares takes seconds, and on SQLite a transaction that
writes holds the lock of the whole database.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comunitas.core.audit import audit_record, snapshot
from comunitas.core.errors import FieldError, ValidationError
from comunitas.core.formatting import euro
from comunitas.core.kernel.edits import edit, locked, require_text, validated
from comunitas.core.kernel.money import CENT, ZERO, money
from comunitas.core.kernel.types import Actor, user_of
from comunitas.core.models import Cooperative
from comunitas.core.permissions import role_in
from comunitas.core.tasks import defer
from comunitas.decisions import ballot_box
from comunitas.decisions.budgets.mixing import budget_mix, mix_ballots
from comunitas.decisions.budgets.selectors import budget_tally
from comunitas.decisions.models.budgets import (
    AUDIENCE_ROLES,
    COUNTED_PHASES,
    PHASE_TRANSITIONS,
    BallotMethod,
    BudgetAudience,
    BudgetBallot,
    BudgetChoice,
    BudgetPhase,
    BudgetProject,
    BudgetReviewStatus,
    CountingRule,
    ParticipatoryBudget,
)
from comunitas.decisions.moments import at_or_now
from comunitas.projects.models import Need, NeedStatus, Project, Proposal

TEXT_FIELDS = ["title", "description", "earmark_reference"]
# Fixed once the vote is prepared: changing them would change the vote under the voters' feet.
RULE_FIELDS = [
    "amount",
    "method",
    "max_choices",
    "audience",
    "official_rule",
    "secret",
    "voting_opens_at",
    "voting_closes_at",
]
BUDGET_FIELDS = TEXT_FIELDS + RULE_FIELDS
PROJECT_FIELDS = ["title", "description", "estimated_cost"]
MAX_CHOICES = 1000
MAX_BALLOT = 1000  # more project ids than any ballot can hold: refused before any query


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _locked(budget: ParticipatoryBudget) -> ParticipatoryBudget:
    return ParticipatoryBudget.objects.select_for_update().select_related("coop").get(pk=budget.pk)


# --- setting a budget up ------------------------------------------------------------------------
def _check_budget(budget: ParticipatoryBudget) -> None:
    require_text(budget, ["title", "earmark_reference"])
    budget.amount = money(budget.amount, field="amount", low=CENT)
    if budget.method not in BallotMethod.values:
        raise ValidationError(_("Choose approval or knapsack ballots."), field="method")
    if budget.audience not in BudgetAudience.values:
        raise ValidationError(_("Choose who votes."), field="audience")
    if budget.official_rule not in CountingRule.values:
        raise ValidationError(_("Choose the rule of the official result."), field="official_rule")
    if budget.max_choices is not None:
        if budget.method == BallotMethod.KNAPSACK:
            raise ValidationError(
                _("A knapsack ballot is limited by the budget, not by a number of projects."),
                field="max_choices",
            )
        if not 1 <= budget.max_choices <= MAX_CHOICES:
            raise ValidationError(
                _("Give a number from 1 to %(n)s, or leave it empty.") % {"n": MAX_CHOICES},
                field="max_choices",
            )
    opens, closes = budget.voting_opens_at, budget.voting_closes_at
    if opens is not None and closes is not None and closes <= opens:
        raise ValidationError(_("The vote must close after it opens."), field="voting_closes_at")
    validated(budget, exclude=["coop", "created_by", "tally"])


# A budget is written, checked and audited by its fields: ``_edit_budget(budget, actor=,
# action=, changes=)``.
_edit_budget = partial(edit, allowed=BUDGET_FIELDS, audited=BUDGET_FIELDS, check=_check_budget)


@transaction.atomic
def budget_create(
    *,
    actor: Actor,
    coop: Cooperative,
    title: str,
    amount: Decimal,
    earmark_reference: str,
    description: str = "",
    method: str = BallotMethod.APPROVAL,
    max_choices: int | None = None,
    audience: str = BudgetAudience.BOTH,
    official_rule: str = CountingRule.EQUAL_SHARES,
    secret: bool = False,
    voting_opens_at: datetime | None = None,
    voting_closes_at: datetime | None = None,
    synthetic: bool = False,
) -> ParticipatoryBudget:
    """Set up a participatory budget of the reinvestment fund (staff): it starts collecting."""
    budget = ParticipatoryBudget(coop=coop, created_by=user_of(actor), synthetic=synthetic)
    changes = {
        "title": title,
        "description": description,
        "earmark_reference": earmark_reference,
        "amount": amount,
        "method": method,
        "max_choices": max_choices,
        "audience": audience,
        "official_rule": official_rule,
        "secret": secret,
        "voting_opens_at": voting_opens_at,
        "voting_closes_at": voting_closes_at,
    }
    return _edit_budget(budget, actor=actor, action="budget.create", changes=changes)


@transaction.atomic
def budget_update(
    *, actor: Actor, budget: ParticipatoryBudget, fields: dict[str, Any]
) -> ParticipatoryBudget:
    """Change a budget. Its texts may change at any time; its rules (amount, ballot, audience,
    official rule, dates) only until the vote opens."""
    budget = _locked(budget)
    if not budget.rules_open:
        for name in RULE_FIELDS:
            if name in fields and fields[name] != getattr(budget, name):
                raise ValidationError(
                    _("The vote is prepared: this can no longer change."), field=name
                )
    return _edit_budget(budget, actor=actor, action="budget.update", changes=fields)


# --- phases -------------------------------------------------------------------------------------
def voting_blockers(budget: ParticipatoryBudget, now=None) -> list[FieldError]:
    """What keeps a budget under review from its vote (empty: it may open). Shown to staff on
    the budget's page before they try, and checked again when they do."""
    now = at_or_now(now)
    problems: list[FieldError] = []
    statuses = list(budget.projects.values_list("status", "title", "reviewed_cost"))
    waiting = sum(1 for status, *_ in statuses if status == BudgetReviewStatus.PROPOSED)
    if waiting:
        problems.append(
            FieldError(None, _("Review every project first: %(n)s still wait.") % {"n": waiting})
        )
    feasible = [
        (title, cost) for status, title, cost in statuses if status == BudgetReviewStatus.FEASIBLE
    ]
    if not feasible:
        problems.append(FieldError(None, _("Put at least one feasible project on the ballot.")))
    for title, cost in feasible:
        if cost > budget.amount:
            problems.append(
                FieldError(
                    None,
                    _("“%(title)s” costs more than the whole budget: review its cost.")
                    % {"title": title},
                )
            )
    if budget.voting_opens_at is None or budget.voting_closes_at is None:
        problems.append(
            FieldError("voting_opens_at", _("Set when the vote opens and when it closes."))
        )
    elif budget.voting_closes_at <= now:
        problems.append(
            FieldError(
                "voting_closes_at", _("The vote would close in the past: set a later close.")
            )
        )
    return problems


@transaction.atomic
def _move(*, actor: Actor, budget: ParticipatoryBudget, phase: str) -> ParticipatoryBudget:
    budget = _locked(budget)
    if phase not in BudgetPhase.values:
        raise ValidationError(_("Choose a phase of the budget."), field="phase")
    if phase == budget.phase == BudgetPhase.RESULTS and budget.tally is None:
        return budget  # closed, but the count did not finish: count again
    if phase not in PHASE_TRANSITIONS[budget.phase]:
        raise ValidationError(
            _("A budget in “%(now)s” cannot move to “%(next)s”.")
            % {"now": budget.get_phase_display(), "next": BudgetPhase(phase).label},
            field="phase",
        )
    now = timezone.now()
    if phase == BudgetPhase.VOTING:
        problems = voting_blockers(budget, now)
        if problems:
            raise ValidationError(errors=problems)
    before = snapshot(budget, ["phase", "voting_closes_at"])
    if phase == BudgetPhase.RESULTS and budget.voting_closes_at > now:
        budget.voting_closes_at = now  # staff close the vote early: from now on it is closed
    if phase == BudgetPhase.RESULTS and budget.secret:
        mix_ballots(budget, closing=True)  # every sealed ballot, before the count reads them
    budget.phase, budget.phase_changed_at = phase, now
    budget.save(update_fields=["phase", "phase_changed_at", "voting_closes_at"])
    audit_record(
        actor=actor,
        action="budget.phase",
        obj=budget,
        coop=budget.coop,
        before=before,
        after=snapshot(budget, ["phase", "voting_closes_at"]),
    )
    return budget


def budget_phase_set(
    *, actor: Actor, budget: ParticipatoryBudget, phase: str
) -> ParticipatoryBudget:
    """Move a budget to its next phase (staff): to review, back to collecting, to the vote
    (every project reviewed, at least one feasible, the dates set), to the results (the vote
    closes now if it had not, and the ballots are counted) and to the follow-up. Moving to the
    results again counts a budget whose count did not finish."""
    budget = _move(actor=actor, budget=budget, phase=phase)
    if budget.phase == BudgetPhase.RESULTS and budget.tally is None:
        budget = budget_count(actor=actor, budget=budget)
    return budget


def budget_count(*, actor: Actor, budget: ParticipatoryBudget) -> ParticipatoryBudget:
    """Count a closed budget by both rules and store the tally (once)."""
    if budget.phase not in COUNTED_PHASES:
        raise ValidationError(_("The ballots are counted once the vote is closed."))
    tally = budget_tally(budget=budget)  # outside the transaction: see the module's docstring
    with transaction.atomic():
        budget = _locked(budget)
        if budget.tally is not None:
            return budget  # counted meanwhile by another request
        official = tally.mes if budget.official_rule == CountingRule.EQUAL_SHARES else tally.greedy
        funded = set(official.funded)
        budget.tally = tally.as_json()
        budget.counted_at = timezone.now()
        budget.save(update_fields=["tally", "counted_at"])
        projects = list(budget.projects.filter(status=BudgetReviewStatus.FEASIBLE))
        for project in projects:
            project.votes = tally.votes.get(project.pk, 0)
            project.funded = project.pk in funded
        BudgetProject.objects.bulk_update(projects, ["votes", "funded"])
        audit_record(
            actor=actor,
            action="budget.count",
            obj=budget,
            coop=budget.coop,
            after={
                "ballots": tally.voters,
                "official_rule": budget.official_rule,
                "funded": sorted(funded),
            },
        )
    return budget


# --- projects -----------------------------------------------------------------------------------
def _check_project(project: BudgetProject, coop: Cooperative) -> None:
    require_text(project, ["title", "description"])
    project.estimated_cost = money(project.estimated_cost, field="estimated_cost", low=CENT)
    proposal: Proposal | None = project.proposal
    if proposal is not None and proposal.coop_id != coop.pk:
        raise ValidationError(_("Choose a proposal of this cooperative."), field="proposal")
    need: Need | None = project.need
    if need is not None:
        if need.coop_id != coop.pk:
            raise ValidationError(_("Choose a need of this cooperative."), field="need")
        if need.status == NeedStatus.MERGED:
            raise ValidationError(
                _("This need was merged into another one: choose that one."), field="need"
            )
    validated(project, exclude=["budget", "proposal", "need", "proposed_by", "follow_up"])


@transaction.atomic
def budget_project_propose(
    *,
    actor: Actor,
    budget: ParticipatoryBudget,
    title: str,
    description: str,
    estimated_cost: Decimal,
    proposal: Proposal | None = None,
    need: Need | None = None,
    synthetic: bool = False,
) -> BudgetProject:
    """Propose a project for the budget (any role), while it is collecting projects."""
    budget = _locked(budget)
    if budget.phase != BudgetPhase.COLLECTING:
        raise ValidationError(_("This budget no longer collects projects."))
    project = BudgetProject(
        budget=budget,
        proposal=proposal,
        need=need,
        proposed_by=user_of(actor),
        synthetic=synthetic,
    )
    return edit(
        project,
        actor=actor,
        action="budget_project.propose",
        changes={"title": title, "description": description, "estimated_cost": estimated_cost},
        allowed=PROJECT_FIELDS,
        audited=[*PROJECT_FIELDS, "proposal", "need"],
        check=partial(_check_project, coop=budget.coop),
        coop=budget.coop,
    )


REVIEW_FIELDS = ["status", "review_reason", "reviewed_cost"]


@transaction.atomic
def budget_project_review(
    *,
    actor: Actor,
    project: BudgetProject,
    status: str,
    reason: str = "",
    reviewed_cost=None,
) -> BudgetProject:
    """Staff say whether a project is feasible, and at what cost (the one the ballot and the
    results use, at most the budget), or why it is not (a public reason). Until the vote."""
    budget = _locked(project.budget)
    project = locked(project)
    if not budget.rules_open:
        raise ValidationError(_("The vote is prepared: projects can no longer be reviewed."))
    reason = (reason or "").strip()
    if len(reason) > BudgetProject._meta.get_field("review_reason").max_length:
        raise ValidationError(_("The reason is too long."), field="review_reason")
    before = snapshot(project, REVIEW_FIELDS)
    if status == BudgetReviewStatus.FEASIBLE:
        if reviewed_cost in (None, ""):
            raise ValidationError(
                _("Give the cost the project will have on the ballot."), field="reviewed_cost"
            )
        cost = money(reviewed_cost, field="reviewed_cost", low=CENT)
        if cost > budget.amount:
            raise ValidationError(
                _("It costs more than the whole budget (%(amount)s): it cannot be funded.")
                % {"amount": euro(budget.amount)},
                field="reviewed_cost",
            )
        project.reviewed_cost = cost
    elif status == BudgetReviewStatus.NOT_FEASIBLE:
        if not reason:
            raise ValidationError(
                _("Say publicly why the project is not feasible."), field="review_reason"
            )
        if reviewed_cost not in (None, ""):
            project.reviewed_cost = money(reviewed_cost, field="reviewed_cost", low=CENT)
    else:
        raise ValidationError(_("Say whether the project is feasible."), field="status")
    project.status, project.review_reason = status, reason
    project.reviewed_by, project.reviewed_at = user_of(actor), timezone.now()
    project.save()
    audit_record(
        actor=actor,
        action="budget_project.review",
        obj=project,
        coop=budget.coop,
        before=before,
        after=snapshot(project, REVIEW_FIELDS),
    )
    return project


@transaction.atomic
def budget_project_follow_up(
    *, actor: Actor, project: BudgetProject, follow_up: Project | None
) -> BudgetProject:
    """Link a funded project to the cooperative's project that carries it out (or unlink it),
    once the results are counted."""
    budget = _locked(project.budget)
    project = locked(project)
    if budget.phase not in COUNTED_PHASES or budget.tally is None:
        raise ValidationError(_("Funded projects are followed up once the results are counted."))
    if not project.funded:
        raise ValidationError(_("Only a funded project is followed up."))
    if follow_up is not None and follow_up.coop_id != budget.coop_id:
        raise ValidationError(_("Choose a project of this cooperative."), field="follow_up")
    before = snapshot(project, ["follow_up"])
    project.follow_up = follow_up
    project.save(update_fields=["follow_up"])
    audit_record(
        actor=actor,
        action="budget_project.follow_up",
        obj=project,
        coop=budget.coop,
        before=before,
        after=snapshot(project, ["follow_up"]),
    )
    return project


# --- ballots ------------------------------------------------------------------------------------
def vote_refusal(user, budget: ParticipatoryBudget, now=None) -> str | None:
    """Why ``user`` may not vote in ``budget`` now (None: they may). Whether they voted already
    is checked by ``budget_vote`` under the lock."""
    now = at_or_now(now)
    if budget.phase != BudgetPhase.VOTING:
        if budget.phase in COUNTED_PHASES:
            return _("The vote is closed.")
        return _("The vote is not open yet.")
    if budget.voting_opens_at is not None and now < budget.voting_opens_at:
        return _("The vote opens on %(when)s.") % {"when": _when(budget.voting_opens_at)}
    if budget.voting_closes_at is not None and now >= budget.voting_closes_at:
        return _("The vote closed on %(when)s.") % {"when": _when(budget.voting_closes_at)}
    role = role_in(user, budget.coop) if user.is_authenticated else None
    if role is None:
        return _("Only the members and residents of the cooperative vote in its budgets.")
    if role not in AUDIENCE_ROLES[budget.audience]:
        if budget.audience == BudgetAudience.MEMBERS:
            return _("Only the members vote in this budget.")
        return _("Only the residents vote in this budget.")
    return None


def _ballot_projects(budget: ParticipatoryBudget, project_ids: list[int]) -> list[BudgetProject]:
    """The projects chosen, each on this budget's ballot; whatever else is a field error."""
    if not isinstance(project_ids, list | tuple) or len(project_ids) > MAX_BALLOT:
        raise ValidationError(_("Choose projects of the ballot."), field="projects")
    wanted = list(dict.fromkeys(project_ids))  # a project chosen twice counts once
    if not wanted:
        raise ValidationError(_("Choose at least one project."), field="projects")
    found = {
        p.pk: p
        for p in BudgetProject.objects.filter(
            budget=budget, status=BudgetReviewStatus.FEASIBLE, pk__in=wanted
        )
    }
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        # Another budget's project, a refused one or no project at all: the same answer, so
        # nobody learns what other budgets hold.
        raise ValidationError(
            _("Project no. %(n)s is not on the ballot of this budget.") % {"n": missing[0]},
            field="projects",
        )
    return [found[pk] for pk in wanted]


@transaction.atomic
def budget_vote(
    *, actor: Actor, budget: ParticipatoryBudget, project_ids: list[int]
) -> BudgetBallot:
    """Cast the actor's ballot: once per budget, while the vote is open, if the audience
    includes their role; approval ballots up to the budget's maximum, knapsack ballots whose
    reviewed costs fit in the budget. Nothing is recorded when anything is wrong."""
    budget = _locked(budget)
    now = timezone.now()
    refusal = vote_refusal(actor, budget, now)
    if refusal:
        raise ValidationError(refusal)
    if BudgetBallot.objects.filter(budget=budget, voter=actor).exists():
        raise ValidationError(_("You have already voted in this budget: a ballot is final."))
    chosen = _ballot_projects(budget, project_ids)
    total = sum((p.reviewed_cost for p in chosen), ZERO)
    if budget.method == BallotMethod.APPROVAL:
        if budget.max_choices is not None and len(chosen) > budget.max_choices:
            raise ValidationError(
                ngettext(
                    "Choose at most %(n)s project (you chose %(chosen)s).",
                    "Choose at most %(n)s projects (you chose %(chosen)s).",
                    budget.max_choices,
                )
                % {"n": budget.max_choices, "chosen": len(chosen)},
                field="projects",
            )
    elif total > budget.amount:
        raise ValidationError(
            _(
                "Your choices cost %(total)s, more than the %(amount)s of the budget: "
                "leave out at least %(over)s."
            )
            % {
                "total": euro(total),
                "amount": euro(budget.amount),
                "over": euro(total - budget.amount),
            },
            field="projects",
        )
    try:
        with transaction.atomic():
            ballot = BudgetBallot.objects.create(
                budget=budget,
                voter=actor,
                role=role_in(actor, budget.coop),
                total_cost=None if budget.secret else total,
                cast_at=now,
            )
    except IntegrityError:
        raise ValidationError(
            _("You have already voted in this budget: a ballot is final.")
        ) from None
    trail: dict[str, Any] = {"budget": budget.pk}
    if budget.secret:
        ballot_box.seal(budget, {"projects": [p.pk for p in chosen]})
        defer(budget_mix, budget.pk)
    else:
        BudgetChoice.objects.bulk_create(BudgetChoice(ballot=ballot, project=p) for p in chosen)
        trail.update(projects_chosen=len(chosen), total_cost=str(total))
    budget.ballot_count += 1
    budget.save(update_fields=["ballot_count"])
    audit_record(actor=actor, action="budget.vote", obj=ballot, coop=budget.coop, after=trail)
    return ballot
