"""Counting a participatory budget by two rules, with the reasons project by project.

Both rules read the same approval ballots (a knapsack ballot is an approval ballot whose total
cost was checked when it was cast: the constraint is about which ballots are valid, not about
how they are counted, as in Pabulib's data of the Polish cities). Money is in integer cents
throughout, and every intermediate value of the Method of Equal Shares is an exact fraction
(pabutools computes with gmpy2's ``mpq``); amounts are rounded to the cent, half to even, only
when the tally is stored for showing (``Tally.as_json``).

**Greedy by votes** is what Decidim and CONSUL do: projects in order of approvals, most first;
each is funded if its cost still fits in what is left, skipped otherwise (the next ones may still
fit). Ties: the cheaper project first (more money stays for the others), then the one proposed
first (the lower number). A project nobody chose is never funded.

**The Method of Equal Shares** (Peters and Skowron; equalshares.net) gives each voter an equal
share of the fund; a project is funded when its supporters can pay for it together, splitting
its cost as equally as their remaining money allows, and the project whose supporters each pay
the least per euro of project is chosen first. We run pabutools' implementation
(``method_of_equal_shares``) with:

* ``Cost_Sat``: a voter's satisfaction is the cost of the funded projects they approved. It is
  the measure equalshares.net and the cities that use the method (Wieliczka, Świecie, Aarau)
  use for approval ballots: a project is worth as much to its supporters as it costs, so the
  rule does not favour cheap projects for being cheap, which ``Cardinality_Sat`` (one point per
  funded project) would.
* the **add1** completion (``voter_budget_increment`` of 1 € per voter): plain equal shares may
  leave money unspent, so every voter's share is raised by 1 € at a time and the count run again,
  keeping the last outcome that still fits in the fund (and stopping early once nothing more
  could fit). pabutools starts from the exact share, fund ÷ voters.
* ties broken as in the greedy count (most approvals, then the cheaper, then the lower number).

Analytics (``analytics=True``) keep each round of the final run: who had how much before and
after, which project was chosen and which were dropped as unaffordable. From them we say, for
each project, "funded in round k, each of its n supporters paid x €" or "its supporters had only
y € left together, less than its cost". Then the two outcomes are compared.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import Any

from pabutools.election import ApprovalBallot, ApprovalProfile, Cost_Sat, Instance, Project
from pabutools.rules import method_of_equal_shares
from pabutools.tiebreaking import TieBreakingRule

from comunitas.core.kernel.money import CENT

GREEDY = "greedy"
EQUAL_SHARES = "equal_shares"
ADD1_STEP = 100  # cents: the add1 completion raises each voter's share by 1 € at a time
AVERAGE = Decimal("0.01")
TALLY_VERSION = 1

# Outcomes of a project under a rule, as stored in the tally.
FUNDED = "funded"
DID_NOT_FIT = "did_not_fit"  # greedy: its turn came when less than its cost was left
UNAFFORDABLE = "unaffordable"  # equal shares: its supporters ran out of money for it
NO_VOTES = "no_votes"


@dataclass(frozen=True)
class Candidate:
    """A project on the ballot: its number and reviewed cost in cents."""

    id: int
    cost: int


@dataclass
class RuleOutcome:
    """What one rule funds, in the order it funds them, and how voters fare with it."""

    funded: list[int] = field(default_factory=list)
    spent: int = 0  # cents
    steps: dict[int, dict[str, Any]] = field(default_factory=dict)  # project id -> reason
    satisfied: int = 0  # voters with at least one funded project they chose
    projects_per_voter: Fraction = Fraction(0)  # funded projects a voter chose, on average
    euros_per_voter: Fraction = Fraction(0)  # cents of funded projects a voter chose, on average


@dataclass
class Tally:
    amount: int  # cents
    voters: int
    votes: dict[int, int]
    costs: dict[int, int]
    greedy: RuleOutcome
    mes: RuleOutcome
    share: Fraction = Fraction(0)  # each voter's equal share of the fund, in cents
    share_used: Fraction = Fraction(0)  # the share after the add1 completion

    def as_json(self) -> dict[str, Any]:
        """The tally as stored on the budget: amounts in euros, rounded to the cent."""
        rules = {GREEDY: self.greedy, EQUAL_SHARES: self.mes}
        return {
            "version": TALLY_VERSION,
            "amount": euros(self.amount),
            "voters": self.voters,
            "share": euros(self.share),
            "share_used": euros(self.share_used),
            "raises": int((self.share_used - self.share) / ADD1_STEP),
            "rules": {
                name: {
                    "funded": outcome.funded,
                    "spent": euros(outcome.spent),
                    "left": euros(self.amount - outcome.spent),
                    "satisfied": outcome.satisfied,
                    "projects_per_voter": str(decimal(outcome.projects_per_voter, AVERAGE)),
                    "euros_per_voter": euros(outcome.euros_per_voter),
                }
                for name, outcome in rules.items()
            },
            "projects": {
                str(pk): {
                    "votes": self.votes[pk],
                    "cost": euros(self.costs[pk]),
                    GREEDY: _shown(self.greedy.steps[pk]),
                    EQUAL_SHARES: _shown(self.mes.steps[pk]),
                }
                for pk in sorted(self.costs)
            },
        }


def decimal(value: Fraction | int, step: Decimal) -> Decimal:
    value = Fraction(value)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        step, rounding=ROUND_HALF_EVEN
    )


def euros(cents: Fraction | int) -> str:
    """Cents (exact) as euros to the cent, half to even: the one rounding step of a tally."""
    return str(decimal(Fraction(cents) / 100, CENT))


def _shown(step: dict[str, Any]) -> dict[str, Any]:
    return {
        key: euros(value) if key in ("left_before", "payment", "money") else value
        for key, value in step.items()
    }


def _exact(value) -> Fraction:
    """An ``mpq`` (or int) of pabutools as a Python fraction."""
    return Fraction(int(value.numerator), int(value.denominator))


def approvals(candidates: Sequence[Candidate], ballots: Sequence[Sequence[int]]) -> dict[int, int]:
    votes = {c.id: 0 for c in candidates}
    for ballot in ballots:
        for pk in ballot:
            votes[pk] += 1
    return votes


def order_key(votes: dict[int, int], pk: int, cost: int) -> tuple[int, int, int]:
    """The order of the greedy count and of every tie: most votes, then cheaper, then older."""
    return (-votes[pk], cost, pk)


# --- greedy -------------------------------------------------------------------------------------
def greedy(amount: int, candidates: Sequence[Candidate], votes: dict[int, int]) -> RuleOutcome:
    outcome = RuleOutcome()
    left = amount
    ranked = sorted(candidates, key=lambda c: order_key(votes, c.id, c.cost))
    for rank, candidate in enumerate(ranked, start=1):
        step: dict[str, Any] = {"rank": rank, "left_before": left}
        if votes[candidate.id] == 0:
            step["outcome"] = NO_VOTES
        elif candidate.cost <= left:
            step["outcome"] = FUNDED
            outcome.funded.append(candidate.id)
            left -= candidate.cost
        else:
            step["outcome"] = DID_NOT_FIT
        outcome.steps[candidate.id] = step
    outcome.spent = amount - left
    return outcome


# --- the Method of Equal Shares -----------------------------------------------------------------
def project_name(pk: int) -> str:
    # Zero-padded, so that pabutools' names sort as the numbers do.
    return f"{pk:012d}"


def mes_election(
    amount: int, candidates: Sequence[Candidate], ballots: Sequence[Sequence[int]]
) -> tuple[Instance, ApprovalProfile]:
    """The pabutools instance (projects with their costs in cents, the fund as budget limit)
    and the profile (one approval ballot per voter, in the order given)."""
    projects = {c.id: Project(project_name(c.id), c.cost) for c in candidates}
    instance = Instance(projects.values(), budget_limit=amount)
    profile = ApprovalProfile(
        [ApprovalBallot(projects[pk] for pk in ballot) for ballot in ballots], instance=instance
    )
    return instance, profile


def mes_options(votes: dict[int, int]) -> dict[str, Any]:
    """The options of our ``method_of_equal_shares`` call (the bench makes the same call)."""
    tie_breaking = TieBreakingRule(lambda inst, prof, p: order_key(votes, int(p.name), p.cost))
    return {
        "sat_class": Cost_Sat,
        "tie_breaking": tie_breaking,
        "voter_budget_increment": ADD1_STEP,
        "analytics": True,
    }


def equal_shares(
    amount: int,
    candidates: Sequence[Candidate],
    ballots: Sequence[Sequence[int]],
    votes: dict[int, int],
) -> tuple[RuleOutcome, Fraction, Fraction]:
    """The outcome of the Method of Equal Shares, the equal share and the share used at last."""
    outcome = RuleOutcome()
    share = Fraction(amount, len(ballots)) if ballots else Fraction(0)
    for candidate in candidates:
        if votes[candidate.id] == 0:
            outcome.steps[candidate.id] = {"outcome": NO_VOTES}
    if not ballots:
        return outcome, share, share
    instance, profile = mes_election(amount, candidates, ballots)
    allocation = method_of_equal_shares(instance, profile, **mes_options(votes))
    supporters: dict[int, list[int]] = {c.id: [] for c in candidates}
    for index, ballot in enumerate(ballots):
        for pk in ballot:
            supporters[pk].append(index)
    rounds = allocation.details.iterations
    used = _exact(rounds[0].voters_budget[0]) if rounds else share
    for number, iteration in enumerate(rounds, start=1):
        before = iteration.voters_budget
        for detail in iteration:
            if detail.discarded:
                pk = int(detail.project.name)
                outcome.steps[pk] = {
                    "outcome": UNAFFORDABLE,
                    "round": number,
                    "supporters": len(supporters[pk]),
                    "money": sum((_exact(before[i]) for i in supporters[pk]), Fraction(0)),
                }
        chosen = iteration.selected_project
        if chosen is None:
            continue
        pk = int(chosen.name)
        after = iteration.voters_budget_after_selection
        paid = [_exact(before[i]) - _exact(after[i]) for i in supporters[pk]]
        payment = max(paid)
        outcome.steps[pk] = {
            "outcome": FUNDED,
            "round": number,
            "supporters": len(paid),
            "payment": payment,
            # Supporters who had less than the others' payment left and paid all of it.
            "paid_all": sum(1 for p in paid if p < payment),
        }
    if rounds:
        # Every project with supporters is chosen or dropped in some round (the last round
        # drops all that remain); should one not be, it is reported as unaffordable at the end.
        last = rounds[-1].voters_budget_after_selection or rounds[-1].voters_budget
        for candidate in candidates:
            if candidate.id not in outcome.steps:
                outcome.steps[candidate.id] = {
                    "outcome": UNAFFORDABLE,
                    "round": len(rounds),
                    "supporters": len(supporters[candidate.id]),
                    "money": sum((_exact(last[i]) for i in supporters[candidate.id]), Fraction(0)),
                }
    outcome.funded = [int(p.name) for p in allocation]
    outcome.spent = sum(p.cost for p in allocation)
    return outcome, share, used


# --- both, compared -----------------------------------------------------------------------------
def _satisfaction(
    outcome: RuleOutcome, ballots: Sequence[Sequence[int]], costs: dict[int, int]
) -> None:
    funded = set(outcome.funded)
    satisfied = chosen = cents = 0
    for ballot in ballots:
        mine = [pk for pk in ballot if pk in funded]
        if mine:
            satisfied += 1
            chosen += len(mine)
            cents += sum(costs[pk] for pk in mine)
    outcome.satisfied = satisfied
    if ballots:
        outcome.projects_per_voter = Fraction(chosen, len(ballots))
        outcome.euros_per_voter = Fraction(cents, len(ballots))


def count(
    *, amount: int, candidates: Sequence[Candidate], ballots: Sequence[Sequence[int]]
) -> Tally:
    """Count ``ballots`` (each the ids of the projects a voter chose, all among ``candidates``)
    for a fund of ``amount`` cents by both rules."""
    votes = approvals(candidates, ballots)
    costs = {c.id: c.cost for c in candidates}
    by_votes = greedy(amount, candidates, votes)
    mes, share, used = equal_shares(amount, candidates, ballots, votes)
    for outcome in (by_votes, mes):
        _satisfaction(outcome, ballots, costs)
    return Tally(
        amount=amount,
        voters=len(ballots),
        votes=votes,
        costs=costs,
        greedy=by_votes,
        mes=mes,
        share=share,
        share_used=used,
    )
