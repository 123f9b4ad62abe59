"""Counting consultations: instant runoff on worked examples and, with hypothesis, on any
ballots (its invariants below); exact shares; and tallies that always equal a recount of the
stored answers and of the answers given."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comunitas.core.coops.services import role_grant
from comunitas.core.models import RoleKind
from comunitas.decisions.consultations import answer_services as consultations_answer_services
from comunitas.decisions.consultations import selectors
from comunitas.decisions.consultations import services as consultations_services
from comunitas.decisions.consultations.counting import (
    FEWEST,
    NO_VOTES,
    TIE_EARLIER_ROUND,
    TIE_ORDER,
    instant_runoff,
    percent,
    rounded,
)
from comunitas.decisions.models.consultations import ConsultationMark
from tests.decisions.consultations.matrix import open_consultation, option_ids
from tests.helpers import make_user


def ballots(*groups: tuple[int, list[int]]) -> list[list[int]]:
    return [list(ranking) for n, ranking in groups for _ in range(n)]


# --- worked examples ----------------------------------------------------------------------------
def test_a_majority_of_first_choices_wins_in_the_first_round():
    result = instant_runoff(ballots((4, [1, 2]), (2, [2]), (1, [3])), [1, 2, 3])
    assert result.winner == 1 and len(result.rounds) == 1
    assert result.rounds[0].counts == {1: 4, 2: 2, 3: 1} and result.rounds[0].continuing == 7


def test_exactly_half_is_no_majority():
    result = instant_runoff(ballots((3, [1, 2]), (2, [2]), (1, [3])), [1, 2, 3])
    assert result.rounds[0].winner is None and result.rounds[0].eliminated == (3,)
    assert result.rounds[1].exhausted == 1 and result.rounds[1].winner == 1


def test_the_fewest_go_and_their_ballots_move_to_the_next_choice():
    # 9 ballots: A 4, B 3, C 2. C goes; its ballots go to B, which then has 5 of 9.
    result = instant_runoff(ballots((4, [1]), (3, [2, 3]), (2, [3, 2])), [1, 2, 3])
    first, second = result.rounds
    assert first.counts == {1: 4, 2: 3, 3: 2}
    assert first.eliminated == (3,) and first.reason == FEWEST and first.winner is None
    assert second.counts == {1: 4, 2: 5} and second.winner == 2 and result.winner == 2


def test_exhausted_ballots_leave_the_count_and_the_majority_is_of_those_still_counting():
    # A 3, B 2, C 2 (C's voters ranked nobody else). C ties with B: backwards there is no
    # earlier round, so the one listed last (C) goes; its 2 ballots are exhausted; A has 3 of 5.
    result = instant_runoff(ballots((3, [1]), (2, [2]), (2, [3])), [1, 2, 3])
    first, second = result.rounds
    assert first.reason == TIE_ORDER and first.eliminated == (3,) and first.tied == (2, 3)
    assert second.exhausted == 2 and second.continuing == 5 and second.winner == 1


def test_a_tie_for_the_fewest_is_broken_by_the_earlier_rounds():
    # Round 1: A 5, B 4, C 3, D 1 -> D goes, to C. Round 2: A 5, B 4, C 4: B and C tie;
    # in round 1 C had fewer, so C goes (not B, though B is listed before C).
    groups = ((5, [1]), (4, [2, 1]), (3, [3, 2]), (1, [4, 3]))
    result = instant_runoff(ballots(*groups), [1, 2, 3, 4])
    assert result.rounds[1].counts == {1: 5, 2: 4, 3: 4}
    assert result.rounds[1].reason == TIE_EARLIER_ROUND and result.rounds[1].eliminated == (3,)
    assert result.rounds[2].counts == {1: 5, 2: 7} and result.winner == 2


def test_options_nobody_chose_go_together():
    result = instant_runoff(ballots((2, [1]), (2, [2, 1]), (1, [3, 2])), [1, 2, 3, 4, 5])
    assert result.rounds[0].eliminated == (4, 5) and result.rounds[0].reason == NO_VOTES
    assert result.rounds[1].eliminated == (3,) and result.winner == 2


def test_no_ballot_no_winner():
    result = instant_runoff([], [1, 2])
    assert result.winner is None and result.rounds[0].continuing == 0


def test_ids_that_are_not_options_and_repeats_are_ignored():
    result = instant_runoff([[9, 1, 1], [2, 9]], [1, 2])
    assert result.rounds[0].counts == {1: 1, 2: 1}


def test_shares_are_exact_and_rounded_half_to_even():
    assert percent(1, 3) == Decimal("33.3") and percent(2, 3) == Decimal("66.7")
    assert percent(1, 8) == Decimal("12.5") and percent(0, 0) is None
    assert rounded(Fraction(1, 8), 2) == Decimal("0.12")  # 0.125 -> the even 0.12
    assert rounded(Fraction(3, 8), 2) == Decimal("0.38")  # 0.375 -> the even 0.38
    assert rounded(Fraction(5, 2), 0) == Decimal("2")
    assert percent(1, 1) == Decimal("100.0")


# --- any ballots --------------------------------------------------------------------------------
OPTIONS = st.integers(min_value=2, max_value=6)


@st.composite
def elections(draw):
    n = draw(OPTIONS)
    options = list(range(1, n + 1))
    rankings = st.permutations(options).flatmap(
        lambda order: st.integers(min_value=0, max_value=n).map(lambda k: list(order[:k]))
    )
    return options, draw(st.lists(rankings, max_size=40))


@given(elections())
@settings(max_examples=300, deadline=None)
def test_instant_runoff_invariants(election):
    options, cast = election
    result = instant_runoff(cast, options)
    rounds = result.rounds
    nonempty = [b for b in cast if b]
    for before, after in itertools.pairwise(rounds):
        # Nobody wins before the last round; what goes never comes back.
        assert before.winner is None and before.eliminated
        assert set(after.counts) == set(before.counts) - set(before.eliminated)
        # Eliminating moves ballots onwards: no option still in the race loses any, and
        # exhausted ballots never come back.
        assert all(after.counts[o] >= before.counts[o] for o in after.counts)
        assert after.exhausted >= before.exhausted
    for r in rounds:
        # Every ballot is counted once in every round: for an option, or exhausted.
        assert sum(r.counts.values()) + r.exhausted == len(cast) == result.ballots
        assert r.continuing == sum(r.counts.values())
        if r.eliminated and r.reason != NO_VOTES:
            assert len(r.eliminated) == 1
            assert r.counts[r.eliminated[0]] == min(r.counts.values())
        if r.reason == NO_VOTES:
            assert all(r.counts[o] == 0 for o in r.eliminated)
    last = rounds[-1]
    if nonempty:
        # With a ballot, there is a winner, with more than half of the ballots still counting.
        assert result.winner is not None and last.winner == result.winner
        assert 2 * last.counts[result.winner] > last.continuing
    else:
        assert result.winner is None and last.continuing == 0
    firsts = Counter(b[0] for b in nonempty)
    if firsts and 2 * max(firsts.values()) > len(nonempty):
        assert len(rounds) == 1 and firsts[result.winner] == max(firsts.values())
    # The order the ballots come in changes nothing.
    shuffled = list(cast)
    random.Random(len(cast)).shuffle(shuffled)
    assert instant_runoff(shuffled, options) == result


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=1, max_value=10_000))
def test_a_share_is_the_fraction_within_half_a_digit(part, whole):
    share = percent(part, whole)
    exact = Fraction(part * 100, whole)
    assert abs(Fraction(share) - exact) <= Fraction(1, 20)
    assert share.as_tuple().exponent == -1


# --- tallies against a recount ------------------------------------------------------------------
VOTERS = 6


@pytest.fixture
def voters(people):
    """Six residents of "alpha" who answer (made once for all the examples of a test)."""
    found = []
    for i in range(VOTERS):
        user = make_user(f"voter{i}")
        role_grant(actor=people["admin"], coop=people["coop"], user=user, kind=RoleKind.RESIDENT)
        found.append(user)
    return found


def answer_for(kind: str, ids: list[int], rng: random.Random, dots: int) -> dict:
    """A valid answer of ``kind`` over the options ``ids``."""
    if kind == "single_choice":
        return {"choices": [rng.choice(ids)]}
    if kind == "multiple_choice":
        return {"choices": rng.sample(ids, rng.randint(1, len(ids)))}
    if kind == "score":
        return {"scores": [(pk, rng.randint(0, 5)) for pk in ids]}
    if kind == "ranked_choice":
        order = rng.sample(ids, rng.randint(1, len(ids)))
        return {"ranks": [(pk, rank) for rank, pk in enumerate(order, start=1)]}
    if kind == "dot_vote":
        spread = [rng.randint(0, dots) for _ in ids]
        while sum(spread) > dots or not sum(spread):
            spread = [rng.randint(0, dots // len(ids) + 1) for _ in ids]
        return {"dots": list(zip(ids, spread, strict=True))}
    if kind == "meeting_time":
        return {"availability": [(pk, rng.randint(0, 2)) for pk in ids]}
    return {"position": rng.choice(["agree", "abstain", "disagree", "block"])}


KINDS = [
    "proposal",
    "single_choice",
    "multiple_choice",
    "score",
    "ranked_choice",
    "dot_vote",
    "meeting_time",
]


@pytest.mark.django_db
@given(
    kind=st.sampled_from(KINDS),
    seed=st.integers(min_value=0, max_value=10**6),
    answering=st.integers(min_value=0, max_value=VOTERS),
    anonymous=st.booleans(),
)
@settings(
    max_examples=35,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_the_tally_equals_a_recount_of_the_stored_answers(
    people, voters, kind, seed, answering, anonymous
):
    rng = random.Random(seed)
    with transaction.atomic():  # each example starts from the same cooperative
        consultation = open_consultation(
            people["coop"], people["staff"], kind=kind, anonymous=anonymous, dots=7
        )
        ids = option_ids(consultation)
        given_marks: Counter = Counter()
        rankings = []
        for voter in voters[:answering]:
            answer = answer_for(kind, ids, rng, consultation.dots)
            consultations_answer_services.consultation_answer(
                actor=voter, consultation=consultation, **answer
            )
            if "position" in answer:
                code_id = consultation.options.get(code=answer["position"]).pk
                pairs = [(code_id, 1)]
            elif "choices" in answer:
                pairs = [(pk, 1) for pk in answer["choices"]]
            else:
                pairs = [
                    (pk, v) for pk, v in next(iter(answer.values())) if kind != "dot_vote" or v
                ]
            given_marks.update({(pk, v): 1 for pk, v in pairs})
            if kind == "ranked_choice":
                rankings.append([pk for pk, _r in sorted(pairs, key=lambda p: p[1])])
        if anonymous:  # anonymous answers are all counted at the close
            consultations_services.consultation_close(
                actor=people["staff"], consultation=consultation
            )
        stored = Counter(
            ConsultationMark.objects.filter(ballot__consultation=consultation).values_list(
                "option_id", "value"
            )
        )
        assert stored == given_marks
        found = selectors.results(consultation=consultation, viewer=people["admin"])
        assert found.participants == answering
        for row in found.options:
            pk = row.option.pk
            mine = {v: n for (o, v), n in stored.items() if o == pk}
            if kind == "ranked_choice":
                assert row.count == sum(1 for r in rankings if r and r[0] == pk)
            else:
                assert row.count == sum(mine.values())
                assert row.total == sum(v * n for v, n in mine.items())
            if kind == "meeting_time":
                assert (row.yes, row.maybe, row.no) == (
                    mine.get(2, 0),
                    mine.get(1, 0),
                    mine.get(0, 0),
                )
        if kind == "ranked_choice":
            assert found.winner == (
                None
                if not rankings
                else consultation.options.get(pk=instant_runoff(rankings, ids).winner)
            )
        if kind == "dot_vote":
            assert found.dots_given == sum(v * n for (_o, v), n in stored.items())
        transaction.set_rollback(True)
