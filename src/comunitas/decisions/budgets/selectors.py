"""Every read of participatory budgets: the list, a budget with its projects, the caller's
ballot, the count (reading the ballots) and the results page, which explains project by project
why each rule funded it or not and compares the two rules.

Each is a constant number of queries whatever the number of projects or ballots (the tests
assert them): the list is one query with its counts, a budget's projects one, the count two (the
projects on the ballot, then every choice of every ballot in one pass), the results one (the
projects; the tally is stored on the budget)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from comunitas.core.formatting import euro
from comunitas.core.models import Cooperative
from comunitas.decisions.budgets import counting
from comunitas.decisions.models.budgets import (
    BudgetBallot,
    BudgetChoice,
    BudgetProject,
    BudgetReviewStatus,
    CountingRule,
    ParticipatoryBudget,
)
from comunitas.projects.models import Project

RULES = [counting.GREEDY, counting.EQUAL_SHARES]
RULE_NAMES = {
    counting.GREEDY: CountingRule.GREEDY.label,
    counting.EQUAL_SHARES: CountingRule.EQUAL_SHARES.label,
}


def budget_list(*, coop: Cooperative) -> QuerySet[ParticipatoryBudget]:
    """The cooperative's budgets, newest first, with how many projects each has and how many
    are on the ballot (one query for a page, two with its count)."""
    return (
        ParticipatoryBudget.objects.filter(coop=coop)
        .defer("tally", "description")
        .annotate(
            project_count=Count("projects"),
            feasible_count=Count(
                "projects", filter=Q(projects__status=BudgetReviewStatus.FEASIBLE)
            ),
        )
        .order_by("-created_at", "-id")
    )


def budget_get(*, coop: Cooperative, pk: int) -> ParticipatoryBudget:
    return ParticipatoryBudget.objects.select_related("coop").get(coop=coop, pk=pk)


def budget_projects(
    *, budget: ParticipatoryBudget, feasible_only: bool = False
) -> QuerySet[BudgetProject]:
    """The budget's projects in the order they were proposed, with the proposal, need and
    follow-up project they link to (one query)."""
    found = budget.projects.select_related("proposal", "need", "follow_up")
    if feasible_only:
        found = found.filter(status=BudgetReviewStatus.FEASIBLE)
    return found.order_by("id")


def budget_project_get(*, budget: ParticipatoryBudget, pk: int) -> BudgetProject:
    return budget.projects.select_related("proposal", "need", "follow_up", "budget").get(pk=pk)


def ballot_of(*, user, budget: ParticipatoryBudget) -> BudgetBallot | None:
    """The caller's own ballot with its choices (two queries), or None."""
    if not user.is_authenticated:
        return None
    return (
        BudgetBallot.objects.filter(budget=budget, voter=user)
        .prefetch_related("choices__project")
        .first()
    )


def follow_up_choices(*, coop: Cooperative) -> QuerySet[Project]:
    return Project.objects.filter(coop=coop).only("id", "title", "coop_id").order_by("title")


# --- the count ----------------------------------------------------------------------------------
def budget_election(
    *, budget: ParticipatoryBudget
) -> tuple[int, list[counting.Candidate], list[list[int]]]:
    """The fund in cents, the projects on the ballot with their reviewed costs in cents, and each
    ballot's choices in the order ballots were cast (two queries)."""
    candidates = [
        counting.Candidate(pk, int(cost * 100))
        for pk, cost in budget.projects.filter(status=BudgetReviewStatus.FEASIBLE)
        .order_by("id")
        .values_list("id", "reviewed_cost")
    ]
    ballots: list[list[int]] = []
    last = None
    # One pass over every choice of the budget, grouped by ballot as they come (a secret
    # budget's by the random key of each mixed ballot).
    rows = (
        BudgetChoice.objects.filter(project__budget=budget)
        .order_by("ballot_id", "mixed", "project_id")
        .values_list("ballot_id", "mixed", "project_id")
    )
    for ballot_id, mixed, project_id in rows.iterator(chunk_size=10_000):
        if (ballot_id, mixed) != last:
            ballots.append([])
            last = (ballot_id, mixed)
        ballots[-1].append(project_id)
    return int(budget.amount * 100), candidates, ballots


def budget_tally(*, budget: ParticipatoryBudget) -> counting.Tally:
    """Read the ballots and count them by both rules (budget_count stores the result)."""
    amount, candidates, ballots = budget_election(budget=budget)
    return counting.count(amount=amount, candidates=candidates, ballots=ballots)


# --- the results page ---------------------------------------------------------------------------
def _votes(n: int) -> str:
    return ngettext("%(n)s vote", "%(n)s votes", n) % {"n": n}


def greedy_reason(step: dict[str, Any], votes: int, cost: Decimal) -> str:
    outcome = step["outcome"]
    if outcome == counting.NO_VOTES:
        return _("Nobody chose it: a project without votes is not funded.")
    values = {
        "rank": step["rank"],
        "votes": _votes(votes),
        "cost": euro(cost),
        "left": euro(Decimal(step["left_before"])),
    }
    if outcome == counting.FUNDED:
        return _("No. %(rank)s by votes (%(votes)s): its %(cost)s fitted in the %(left)s left.") % (
            values
        )
    return (
        _(
            "No. %(rank)s by votes (%(votes)s): it costs %(cost)s but only %(left)s were left, "
            "so it did not fit and the next projects were tried."
        )
        % values
    )


def mes_reason(step: dict[str, Any], cost: Decimal) -> str:
    outcome = step["outcome"]
    if outcome == counting.NO_VOTES:
        return _("Nobody chose it: it has no supporters to pay for it.")
    if outcome == counting.FUNDED:
        values = {
            "round": step["round"],
            "n": step["supporters"],
            "payment": euro(Decimal(step["payment"])),
            "all": step["paid_all"],
        }
        if step["paid_all"]:
            return (
                ngettext(
                    "Funded in round %(round)s: its %(n)s supporter paid up to %(payment)s "
                    "from their share; %(all)s of them paid all they had left.",
                    "Funded in round %(round)s: its %(n)s supporters paid up to %(payment)s "
                    "each from their shares; %(all)s of them paid all they had left.",
                    step["supporters"],
                )
                % values
            )
        return (
            ngettext(
                "Funded in round %(round)s: its %(n)s supporter paid %(payment)s.",
                "Funded in round %(round)s: each of its %(n)s supporters paid %(payment)s.",
                step["supporters"],
            )
            % values
        )
    return ngettext(
        "Dropped in round %(round)s: its %(n)s supporter had %(money)s left, less than its "
        "cost of %(cost)s, so they could not afford it.",
        "Dropped in round %(round)s: its %(n)s supporters had %(money)s left together, less "
        "than its cost of %(cost)s, so they could not afford it.",
        step["supporters"],
    ) % {
        "round": step["round"],
        "n": step["supporters"],
        "money": euro(Decimal(step["money"])),
        "cost": euro(cost),
    }


@dataclass
class ResultRow:
    project: BudgetProject
    votes: int
    cost: Decimal
    greedy: dict[str, Any]
    mes: dict[str, Any]
    greedy_funded: bool
    mes_funded: bool
    greedy_reason: str
    mes_reason: str
    official_funded: bool


@dataclass
class RuleSummary:
    key: str
    name: str
    funded: list[BudgetProject]
    spent: Decimal
    left: Decimal
    spent_percent: int
    satisfied: int
    satisfied_percent: int
    projects_per_voter: Decimal
    euros_per_voter: Decimal
    official: bool


@dataclass
class Results:
    budget: ParticipatoryBudget
    counted: bool
    voters: int = 0
    share: Decimal = Decimal(0)
    share_used: Decimal = Decimal(0)
    raises: int = 0
    rows: list[ResultRow] = field(default_factory=list)
    rules: dict[str, RuleSummary] = field(default_factory=dict)
    both: list[BudgetProject] = field(default_factory=list)
    only_greedy: list[BudgetProject] = field(default_factory=list)
    only_mes: list[BudgetProject] = field(default_factory=list)
    votes_chart: dict[str, Any] = field(default_factory=dict)
    rules_chart: dict[str, Any] = field(default_factory=dict)

    @property
    def official(self) -> RuleSummary | None:
        return self.rules.get(
            counting.EQUAL_SHARES
            if self.budget.official_rule == CountingRule.EQUAL_SHARES
            else counting.GREEDY
        )


def _percent(part, whole) -> int:
    if not whole:
        return 0
    return int((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1), ROUND_HALF_EVEN))


# The charts, as SVG coordinates (no JavaScript: the page and a PDF show the same).
VOTES_CHART = {"label": 230, "plot": 360, "row": 26, "bar": 16, "top": 28, "marks": 90}
RULES_CHART = {"label": 230, "plot": 300, "row": 22, "group": 64, "top": 8}


def votes_chart(rows: list[ResultRow]) -> dict[str, Any]:
    """A bar per project, as long as its votes, with the marks of the rules funding it."""
    c = VOTES_CHART
    highest = max([1, *(r.votes for r in rows)])
    bars = []
    for i, row in enumerate(rows):
        y = c["top"] + i * c["row"]
        width = round(row.votes * c["plot"] / highest, 1)
        bars.append(
            {
                "label": row.project.title[:34] + ("…" if len(row.project.title) > 34 else ""),
                "title": row.project.title,
                "votes": row.votes,
                "y": y,
                "text_y": y + c["bar"] - 3,
                "width": width,
                "value_x": c["label"] + width + 6,
                "greedy": row.greedy_funded,
                "mes": row.mes_funded,
            }
        )
    marks_x = c["label"] + c["plot"] + 50
    return {
        "width": marks_x + c["marks"],
        "height": c["top"] + max(len(rows), 1) * c["row"] + 4,
        "left": c["label"],
        "bar": c["bar"],
        "greedy_x": marks_x + 18,
        "mes_x": marks_x + 62,
        "bars": bars,
    }


def rules_chart(rules: dict[str, RuleSummary]) -> dict[str, Any]:
    """For each rule, two bars: the share of the fund spent and of voters with a funded project
    they chose (percentages)."""
    c = RULES_CHART
    groups = []
    for i, key in enumerate(RULES):
        rule = rules[key]
        y = c["top"] + i * c["group"]
        bars = []
        for j, (label, value) in enumerate(
            [
                (_("fund spent"), rule.spent_percent),
                (_("voters with a funded choice"), rule.satisfied_percent),
            ]
        ):
            bar_y = y + 18 + j * c["row"]
            width = round(value * c["plot"] / 100, 1)
            bars.append(
                {
                    "label": label,
                    "value": value,
                    "y": bar_y,
                    "text_y": bar_y + 14,
                    "width": width,
                    "value_x": c["label"] + width + 6,
                    "kind": j,
                }
            )
        groups.append(
            {
                "name": rule.name,
                "y": y + 12,
                "bars": bars,
                "axis_top": bars[0]["y"] - 2,
                "axis_bottom": bars[-1]["y"] + 20,
            }
        )
    return {
        "width": c["label"] + c["plot"] + 60,
        "height": c["top"] + len(RULES) * c["group"],
        "left": c["label"],
        "groups": groups,
    }


def budget_results(*, budget: ParticipatoryBudget) -> Results:
    """The results page: the stored tally, explained project by project in the page's
    language, and the two rules compared (one query: the projects on the ballot)."""
    tally = budget.tally
    if tally is None:
        return Results(budget=budget, counted=False)
    projects = {p.pk: p for p in budget_projects(budget=budget, feasible_only=True)}
    stored = tally["projects"]
    funded = {key: {int(pk) for pk in tally["rules"][key]["funded"]} for key in RULES}
    official_key = (
        counting.EQUAL_SHARES
        if budget.official_rule == CountingRule.EQUAL_SHARES
        else counting.GREEDY
    )
    rows = []
    for key, entry in stored.items():
        project = projects.get(int(key))
        if project is None:
            continue  # cannot happen: the ballot is fixed once the vote is prepared
        cost = Decimal(entry["cost"])
        rows.append(
            ResultRow(
                project=project,
                votes=entry["votes"],
                cost=cost,
                greedy=entry[counting.GREEDY],
                mes=entry[counting.EQUAL_SHARES],
                greedy_funded=project.pk in funded[counting.GREEDY],
                mes_funded=project.pk in funded[counting.EQUAL_SHARES],
                greedy_reason=greedy_reason(entry[counting.GREEDY], entry["votes"], cost),
                mes_reason=mes_reason(entry[counting.EQUAL_SHARES], cost),
                official_funded=project.pk in funded[official_key],
            )
        )
    rows.sort(key=lambda r: (-r.votes, r.cost, r.project.pk))  # the order of the greedy count
    voters = tally["voters"]
    amount = Decimal(tally["amount"])
    rules = {}
    for key in RULES:
        stored_rule = tally["rules"][key]
        spent = Decimal(stored_rule["spent"])
        rules[key] = RuleSummary(
            key=key,
            name=str(RULE_NAMES[key]),
            funded=[projects[pk] for pk in stored_rule["funded"] if pk in projects],
            spent=spent,
            left=Decimal(stored_rule["left"]),
            spent_percent=_percent(spent, amount),
            satisfied=stored_rule["satisfied"],
            satisfied_percent=_percent(stored_rule["satisfied"], voters),
            projects_per_voter=Decimal(stored_rule["projects_per_voter"]),
            euros_per_voter=Decimal(stored_rule["euros_per_voter"]),
            official=key == official_key,
        )
    greedy_set, mes_set = funded[counting.GREEDY], funded[counting.EQUAL_SHARES]
    ordered = [r.project for r in rows]
    return Results(
        budget=budget,
        counted=True,
        voters=voters,
        share=Decimal(tally["share"]),
        share_used=Decimal(tally["share_used"]),
        raises=tally["raises"],
        rows=rows,
        rules=rules,
        both=[p for p in ordered if p.pk in greedy_set & mes_set],
        only_greedy=[p for p in ordered if p.pk in greedy_set - mes_set],
        only_mes=[p for p in ordered if p.pk in mes_set - greedy_set],
        votes_chart=votes_chart(rows),
        rules_chart=rules_chart(rules),
    )
