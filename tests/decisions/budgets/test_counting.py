"""The two counts of a participatory budget (decisions/budgets/counting.py), without a database:
hand-computed examples, among them the classic one where a majority takes everything by votes
and the Method of Equal Shares gives the minority its share, and properties on random budgets:
our equal-shares outcome is pabutools' own (called here directly, from its own objects), no rule
ever spends more than the fund, and the comparison's figures are pabutools' satisfaction
measures."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st
from pabutools.analysis.votersatisfaction import avg_satisfaction, percent_non_empty_handed
from pabutools.election import (
    ApprovalBallot,
    ApprovalProfile,
    Cardinality_Sat,
    Cost_Sat,
    Instance,
    Project,
)
from pabutools.rules import method_of_equal_shares
from pabutools.tiebreaking import TieBreakingRule

from comunitas.decisions.budgets.counting import (
    DID_NOT_FIT,
    FUNDED,
    NO_VOTES,
    UNAFFORDABLE,
    Candidate,
    count,
    euros,
)


def candidates(*costs: int) -> list[Candidate]:
    """Projects no. 1, 2, … costing ``costs`` cents."""
    return [Candidate(n, cost) for n, cost in enumerate(costs, start=1)]


# --- hand-computed examples ---------------------------------------------------------------------
def test_a_majority_takes_everything_by_votes_and_its_share_by_equal_shares():
    """100 voters, a fund of 100 €, six projects of 30 €: 60 voters want 1, 2 and 3, the other
    40 want 4, 5 and 6. By votes, 1, 2 and 3 are funded (90 €) and 10 € are too few for 4.
    Equal shares give each voter 1 €: the 60 pay 0.50 € each for 1, then for 2 (their money
    is gone, 3 is dropped), the 40 pay 0.75 € each for 4 and have 10 € left for 5, which costs
    30. Raising each share to 2 € (add1) would fund 1, 2, 3, 4 and 5: 150 €, over the fund, so
    the shares stay at 1 €."""
    ballots = [[1, 2, 3]] * 60 + [[4, 5, 6]] * 40
    tally = count(amount=10_000, candidates=candidates(*[3000] * 6), ballots=ballots)

    assert tally.greedy.funded == [1, 2, 3]
    assert tally.greedy.spent == 9000
    assert [tally.greedy.steps[n]["outcome"] for n in range(1, 7)] == [FUNDED] * 3 + [
        DID_NOT_FIT
    ] * 3
    assert tally.greedy.steps[4] == {"rank": 4, "left_before": 1000, "outcome": DID_NOT_FIT}

    assert sorted(tally.mes.funded) == [1, 2, 4]
    assert tally.mes.spent == 9000
    assert tally.share == tally.share_used == 100  # cents: 1 € each, not raised
    assert tally.mes.steps[1] == {
        "outcome": FUNDED,
        "round": 1,
        "supporters": 60,
        "payment": Fraction(50),
        "paid_all": 0,
    }
    assert tally.mes.steps[4]["payment"] == 75 and tally.mes.steps[4]["round"] == 3
    # 3 is dropped when the 60 have nothing left; 5 and 6 when the 40 have 10 € together.
    assert tally.mes.steps[3] == {
        "outcome": UNAFFORDABLE,
        "round": 3,
        "supporters": 60,
        "money": Fraction(0),
    }
    assert tally.mes.steps[5]["money"] == 1000 and tally.mes.steps[5]["round"] == 4

    # Compared: by votes only the 60 have a funded project; by equal shares everyone.
    assert tally.greedy.satisfied == 60 and tally.mes.satisfied == 100
    assert tally.greedy.projects_per_voter == Fraction(180, 100)
    assert tally.mes.projects_per_voter == Fraction(160, 100)
    assert tally.greedy.euros_per_voter == 5400  # cents: 60 voters * 90 € / 100
    assert tally.mes.euros_per_voter == 4800  # (60 * 60 € + 40 * 30 €) / 100


def test_by_votes_a_project_too_dear_is_skipped_and_a_cheaper_one_after_it_still_fits():
    """Fund 100 €: 1 (60 €, 3 votes) is funded, 2 (50 €, 2 votes) does not fit in the 40 €
    left, 3 (30 €, 1 vote) does; 4 has no votes and is not funded although 10 € are left."""
    ballots = [[1, 2], [1, 2], [1, 3]]
    tally = count(amount=10_000, candidates=candidates(6000, 5000, 3000, 500), ballots=ballots)
    assert tally.greedy.funded == [1, 3]
    assert tally.greedy.steps[2] == {"rank": 2, "left_before": 4000, "outcome": DID_NOT_FIT}
    assert tally.greedy.steps[3] == {"rank": 3, "left_before": 4000, "outcome": FUNDED}
    assert tally.greedy.steps[4]["outcome"] == NO_VOTES
    assert tally.mes.steps[4] == {"outcome": NO_VOTES}
    assert 4 not in tally.mes.funded


def test_ties_by_votes_go_to_the_cheaper_project_then_to_the_older_one():
    """Three projects with two votes each and a fund for two of them."""
    ballots = [[1, 2, 3], [1, 2, 3]]
    tally = count(amount=5000, candidates=candidates(3000, 2000, 2000), ballots=ballots)
    assert [tally.greedy.steps[n]["rank"] for n in (1, 2, 3)] == [3, 1, 2]
    assert tally.greedy.funded == [2, 3]
    # Equal shares meet the same tie (the same payment per euro for each) and break it alike.
    assert tally.mes.funded[:2] == [2, 3]


def test_a_supporter_without_enough_left_pays_all_they_have_and_the_others_more():
    """Fund 44 €, four voters with 11 € each. A (28 €) is wanted by voters 1, 2 and 3 (9.33 €
    each: a third of a euro per euro of project, the lowest) and funded first; B (12 €) is
    wanted by voters 1 and 4: voter 1 has 1.67 € left and pays it all, voter 4 pays the other
    10.33 €. Both are funded: nothing is left to fund, so the shares are not raised."""
    ballots = [[1, 2], [1], [1], [2]]
    tally = count(amount=4400, candidates=candidates(2800, 1200), ballots=ballots)
    assert tally.mes.funded == [1, 2]
    assert tally.mes.steps[1]["payment"] == Fraction(2800, 3)
    step = tally.mes.steps[2]
    assert step["outcome"] == FUNDED and step["round"] == 2
    assert step["supporters"] == 2 and step["paid_all"] == 1
    assert step["payment"] == 1200 - (1100 - Fraction(2800, 3))
    assert tally.as_json()["projects"]["2"]["equal_shares"]["payment"] == "10.33"
    assert tally.share == tally.share_used == 1100


def test_the_add1_completion_raises_every_share_while_the_outcome_fits():
    """Fund 100 €, two voters with 50 € each: one wants A, the other B, 60 € each. Nobody can
    pay 60 € alone, so equal shares fund nothing and leave the fund unspent: each share is
    raised by 1 € and the count run again. At 60 € each both are affordable, 120 € over the
    fund, so the outcome of 59 € stands: nothing. By votes, A is funded and B does not fit."""
    ballots = [[1], [2]]
    tally = count(amount=10_000, candidates=candidates(6000, 6000), ballots=ballots)
    assert tally.greedy.funded == [1]
    assert tally.mes.funded == []
    assert tally.mes.steps[1]["outcome"] == UNAFFORDABLE
    assert tally.share == 5000 and tally.share_used == 5900
    assert tally.as_json()["raises"] == 9


def test_the_add1_completion_funds_more_when_it_still_fits():
    """Fund 100 €, four voters with 25 € each. Voters 1 and 2 want A (50 €), voter 3 wants B
    (30 €), voter 4 wants C (20 €). Equal shares fund A (25 € each) and C (20 €); voter 3
    cannot pay 30 € with 25. Raised 1 € at a time, at 30 € each B is affordable too, and A, B
    and C together cost the whole fund: that outcome stands. B and C cost their voter a euro
    per euro of project alike; C, the cheaper, goes first."""
    ballots = [[1], [1], [2], [3]]
    tally = count(amount=10_000, candidates=candidates(5000, 3000, 2000), ballots=ballots)
    assert sorted(tally.mes.funded) == [1, 2, 3]
    assert tally.share == 2500 and tally.share_used == 3000
    assert tally.as_json()["raises"] == 5
    assert tally.mes.steps[2] == {
        "outcome": FUNDED,
        "round": 3,
        "supporters": 1,
        "payment": Fraction(3000),
        "paid_all": 0,
    }


def test_no_ballot_funds_nothing():
    tally = count(amount=10_000, candidates=candidates(1000, 2000), ballots=[])
    assert tally.voters == 0
    assert tally.greedy.funded == tally.mes.funded == []
    assert tally.greedy.steps[1]["outcome"] == tally.mes.steps[1]["outcome"] == NO_VOTES
    assert tally.as_json()["rules"]["equal_shares"]["spent"] == "0.00"


def test_the_stored_tally_has_euros_to_the_cent():
    ballots = [[1]] * 3
    stored = count(amount=10_000, candidates=candidates(1000), ballots=ballots).as_json()
    assert stored["amount"] == "100.00" and stored["share"] == "33.33"
    assert stored["projects"]["1"]["cost"] == "10.00"
    assert stored["projects"]["1"]["greedy"]["left_before"] == "100.00"
    assert stored["rules"]["greedy"]["left"] == "90.00"
    assert euros(Fraction(1, 2)) == "0.00" and euros(Fraction(3, 2)) == "0.02"  # half-even


# --- properties on random budgets ---------------------------------------------------------------
@st.composite
def elections(draw):
    n = draw(st.integers(min_value=1, max_value=6))
    costs = draw(st.lists(st.integers(100, 40_000), min_size=n, max_size=n))
    amount = draw(st.integers(100, 80_000))
    ballots = draw(
        st.lists(
            st.lists(st.integers(1, n), min_size=1, max_size=n, unique=True),
            min_size=0,
            max_size=25,
        )
    )
    return amount, candidates(*costs), ballots


def pabutools_alone(amount, projects, ballots):
    """pabutools' own MES on its own objects: cost satisfaction, add1 (1 € = 100 cents per
    voter), ties by most approvals, then the cheaper, then the lower number (as ours)."""
    made = {c.id: Project(str(c.id), c.cost) for c in projects}
    instance = Instance(made.values(), budget_limit=amount)
    profile = ApprovalProfile(
        [ApprovalBallot(made[i] for i in b) for b in ballots], instance=instance
    )
    votes = {c.id: sum(c.id in b for b in ballots) for c in projects}
    ties = TieBreakingRule(lambda inst, prof, p: (-votes[int(p.name)], p.cost, int(p.name)))
    outcome = method_of_equal_shares(
        instance, profile, sat_class=Cost_Sat, tie_breaking=ties, voter_budget_increment=100
    )
    return instance, profile, {int(p.name) for p in outcome}, made


@settings(max_examples=150, deadline=None)
@given(elections())
def test_our_equal_shares_outcome_is_pabutools_own(election):
    amount, projects, ballots = election
    tally = count(amount=amount, candidates=projects, ballots=ballots)
    _instance, _profile, expected, _made = pabutools_alone(amount, projects, ballots)
    assert set(tally.mes.funded) == expected


@settings(max_examples=150, deadline=None)
@given(elections())
def test_no_rule_spends_more_than_the_fund_and_each_explains_every_project(election):
    amount, projects, ballots = election
    tally = count(amount=amount, candidates=projects, ballots=ballots)
    costs = {c.id: c.cost for c in projects}
    for outcome in (tally.greedy, tally.mes):
        assert outcome.spent == sum(costs[p] for p in outcome.funded) <= amount
        assert set(outcome.steps) == set(costs)
        assert {p for p, s in outcome.steps.items() if s["outcome"] == FUNDED} == set(
            outcome.funded
        )
    # By votes, a project with votes that was not funded did not fit when its turn came.
    for pk, step in tally.greedy.steps.items():
        if step["outcome"] == DID_NOT_FIT:
            assert costs[pk] > step["left_before"]
    # Equal shares: a funded project's supporters paid its cost, to the cent.
    for pk, step in tally.mes.steps.items():
        if step["outcome"] == FUNDED:
            assert step["payment"] * step["supporters"] >= costs[pk]
    tally.as_json()  # every project has its reasons, in euros


@settings(max_examples=80, deadline=None)
@given(elections())
def test_the_comparison_is_pabutools_satisfaction(election):
    amount, projects, ballots = election
    if not ballots:
        return
    tally = count(amount=amount, candidates=projects, ballots=ballots)
    instance, profile, _expected, made = pabutools_alone(amount, projects, ballots)
    for outcome in (tally.greedy, tally.mes):
        chosen = [made[pk] for pk in outcome.funded]
        assert Fraction(outcome.satisfied, len(ballots)) == percent_non_empty_handed(
            instance, profile, chosen
        )
        assert outcome.euros_per_voter == avg_satisfaction(instance, profile, chosen, Cost_Sat)
        assert outcome.projects_per_voter == avg_satisfaction(
            instance, profile, chosen, Cardinality_Sat
        )
