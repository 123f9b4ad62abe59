"""A participatory budget of Post-modernissimo's community reinvestment fund (issue 6, point 5).

The reopened Modernissimo cinema of Perugia (DOMAIN.md §6) lets its members and the people of
the centro storico decide part of its reinvestment fund: nine projects for the two screens and
their public (subtitles for deaf viewers, a ramp and wheelchair places in the small hall, new
seats, a sound system, afternoons for older people, films in the original language, a workshop
with the schools; a bar in place of the small hall and a summer screen in the square are not
feasible), reviewed by staff, voted on knapsack ballots by 120 synthetic residents and the demo
logins, counted by both rules, the funded projects linked to the cooperative's projects that
carry them out. Every name, amount, ballot and date is synthetic and marked so; only the
cinema, its two halls and their seats are public facts.

Written through the services, as people would (residents and members propose, staff review
and move the phases, each voter casts a ballot), so the rules and the audit trail hold, with
no e-mail queued (``quiet``). The services stamp "now"; the dates are then moved back to a vote
held a month ago, in a few bulk updates. A cooperative that already has a budget is left as it
is: loading twice changes nothing. The step runs after the projects' (needs, proposals and
projects come first: see ``demo/steps.py``). The budget is the case's ``[budget]`` in
``demo/data``.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from comunitas.core.audit import audit_record
from comunitas.core.coops.services import role_grant
from comunitas.core.models import Cooperative, Role, RoleKind
from comunitas.core.notify import quiet
from comunitas.decisions.budgets import services
from comunitas.decisions.models.budgets import (
    BudgetBallot,
    BudgetProject,
    BudgetReviewStatus,
    ParticipatoryBudget,
)
from comunitas.demo.plans import CASE_PLANS, COMMON, BudgetPlan
from comunitas.projects.models import Need, Project, Proposal

BUDGETS: dict[str, BudgetPlan] = {slug: p.budget for slug, p in CASE_PLANS.items() if p.budget}
FIRST_NAMES, LAST_NAMES = COMMON.names.first, COMMON.names.last


def _voters(coop: Cooperative, rng: random.Random, count: int) -> list:
    """The synthetic residents who vote (created once, without a usable password: they never
    log in), with the demo logins and the residents of the projects' step."""
    users = get_user_model().objects
    planned = {
        f"{coop.slug}.spettatore{n:03d}": (rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES))
        for n in range(1, count + 1)
    }
    found = {u.username: u for u in users.filter(username__in=planned)}
    unusable = make_password(None)
    with_role = set(
        Role.objects.filter(coop=coop, user__username__in=planned).values_list(
            "user__username", flat=True
        )
    )
    for username, (first, last) in planned.items():
        user = found.get(username)
        if user is None:
            user = users.create(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@example.org",
                password=unusable,
            )
        if username not in with_role:
            role_grant(actor=None, coop=coop, user=user, kind=RoleKind.RESIDENT)
    prefix = f"{coop.slug}."
    return list(
        users.filter(coop_roles__coop=coop, username__startswith=prefix).order_by("username")
    )


def _ballot(
    rng: random.Random, costs: dict[str, Decimal], keys: tuple[str, ...], fund: Decimal
) -> list[str]:
    """A knapsack ballot: a group's preferences, shuffled a little, taken while they fit."""
    wanted = list(keys)
    if rng.random() < 0.4:
        i = rng.randrange(len(wanted) - 1)
        wanted[i], wanted[i + 1] = wanted[i + 1], wanted[i]
    if rng.random() < 0.3:
        wanted.append(rng.choice(sorted(costs)))
    chosen, total = [], Decimal(0)
    for key in dict.fromkeys(wanted):
        if total + costs[key] <= fund and rng.random() < 0.85:
            chosen.append(key)
            total += costs[key]
    return chosen or [keys[-1]]


def _origin(coop: Cooperative, link: str | None) -> dict:
    if link is None:
        return {}
    kind, title = link.split(":", 1)
    if kind == "need":
        return {
            "need": Need.objects.filter(coop=coop, title=title).exclude(status="merged").first()
        }
    return {"proposal": Proposal.objects.filter(coop=coop, title=title).first()}


def _propose(coop: Cooperative, plan: BudgetPlan, budget, logins: dict) -> dict:
    """Residents, members and staff propose the ideas; returns them by key."""
    return {
        idea.key: services.budget_project_propose(
            actor=logins[idea.proposer],
            budget=budget,
            title=idea.title,
            description=idea.description,
            estimated_cost=idea.estimate,
            synthetic=True,
            **_origin(coop, idea.origin or None),
        )
        for idea in plan.ideas
    }


def _review(plan: BudgetPlan, made: dict[str, BudgetProject], staff) -> None:
    for idea in plan.ideas:
        feasible = idea.reviewed_cost is not None
        services.budget_project_review(
            actor=staff,
            project=made[idea.key],
            status=BudgetReviewStatus.FEASIBLE if feasible else BudgetReviewStatus.NOT_FEASIBLE,
            reviewed_cost=idea.reviewed_cost,
            reason=idea.not_feasible,
        )


def _vote(plan: BudgetPlan, budget, made: dict[str, BudgetProject], voters, rng) -> None:
    """Each voter casts the knapsack ballot of the group they are drawn into."""
    costs = {i.key: i.reviewed_cost for i in plan.ideas if i.reviewed_cost is not None}
    shares = [group.share for group in plan.groups]
    for voter in voters:
        group = rng.choices(plan.groups, weights=shares)[0]
        chosen = _ballot(rng, costs, group.prefers, plan.fund)
        services.budget_vote(
            actor=voter, budget=budget, project_ids=[made[key].pk for key in chosen]
        )


def _follow_up(coop: Cooperative, plan: BudgetPlan, made: dict[str, BudgetProject], staff) -> int:
    """The funded projects linked to the cooperative's projects that carry them out."""
    projects = {p.title: p for p in Project.objects.filter(coop=coop)}
    linked = 0
    for key, project in made.items():
        project.refresh_from_db()
        if not project.funded:
            continue
        carried = projects.get(plan.follow_ups.get(key, "")) or (
            projects.get(plan.fallback_follow_up) if not linked else None
        )
        if carried is not None:
            services.budget_project_follow_up(actor=staff, project=project, follow_up=carried)
            linked += 1
    return linked


@transaction.atomic
def budget_generate(coop: Cooperative, rng: random.Random) -> dict:
    """The budget, from its set-up to its follow-up; returns what was written (nothing when the
    case has no budget or the cooperative has one already)."""
    plan = BUDGETS.get(coop.slug)
    if plan is None or ParticipatoryBudget.objects.filter(coop=coop).exists():
        return {}
    users = get_user_model().objects
    logins = {
        u.username.split(".", 1)[1]: u for u in users.filter(username__startswith=f"{coop.slug}.")
    }
    admin, staff = logins["presidente"], logins["staff"]
    voters = _voters(coop, rng, plan.voters)
    now = timezone.now()
    budget = services.budget_create(
        actor=admin,
        coop=coop,
        **plan.setup,
        amount=plan.fund,
        voting_opens_at=now - timedelta(minutes=5),
        voting_closes_at=now + timedelta(days=14),
        synthetic=True,
    )
    made = _propose(coop, plan, budget, logins)
    budget = services.budget_phase_set(actor=staff, budget=budget, phase="review")
    _review(plan, made, staff)
    budget = services.budget_phase_set(actor=staff, budget=budget, phase="voting")
    _vote(plan, budget, made, voters, rng)
    budget = services.budget_phase_set(actor=staff, budget=budget, phase="results")
    linked = _follow_up(coop, plan, made, staff)
    budget = services.budget_phase_set(actor=staff, budget=budget, phase="follow_up")
    _date_everything(budget, rng)
    summary = {
        "budget": budget.pk,
        "projects": len(made),
        "ballots": budget.ballot_count,
        "funded": sorted(p.title for p in made.values() if p.funded),
        "followed_up": linked,
        "synthetic": True,
    }
    audit_record(actor=None, action="budget.synthetic", obj=budget, coop=coop, after=summary)
    return summary


def _date_everything(budget: ParticipatoryBudget, rng: random.Random) -> None:
    """The vote held a month ago: proposals two months before, the review after them, the
    ballots spread over the two weeks of the vote, the count on its last day."""
    now = timezone.now()
    closes = now - timedelta(days=30)
    opens = closes - timedelta(days=14)
    ParticipatoryBudget.objects.filter(pk=budget.pk).update(
        created_at=opens - timedelta(days=60),
        voting_opens_at=opens,
        voting_closes_at=closes,
        counted_at=closes,
        phase_changed_at=closes + timedelta(days=7),
    )
    for project in BudgetProject.objects.filter(budget=budget).order_by("id"):
        proposed = opens - timedelta(days=rng.randint(35, 55))
        BudgetProject.objects.filter(pk=project.pk).update(
            created_at=proposed, reviewed_at=proposed + timedelta(days=rng.randint(10, 20))
        )
    for ballot in BudgetBallot.objects.filter(budget=budget).only("id"):
        cast = opens + timedelta(minutes=rng.randint(0, 14 * 24 * 60 - 1))
        BudgetBallot.objects.filter(pk=ballot.pk).update(cast_at=cast)


def demo_budget(coop: Cooperative, rng: random.Random, password: str = "") -> None:
    """Post-modernissimo's participatory budget (a demo step: the password is unused, its
    voters never log in)."""
    with quiet():  # synthetic people have nobody to tell
        budget_generate(coop, rng)
