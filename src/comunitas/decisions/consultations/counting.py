"""Counting the answers of a consultation: pure functions over integers, no database, so the
property tests can throw any ballots at them.

Instant runoff (ranked choice)
------------------------------
Each round counts every ballot for its highest-ranked option still in the race; a ballot none of
whose ranked options is left is *exhausted*. An option with more than half of the ballots still
counting (the continuing ballots) wins. Otherwise options are eliminated and the next round
begins:

1. every option with no ballot at all goes at once (moving no ballot, they change nothing);
2. otherwise the one option with the fewest ballots;
3. a tie for the fewest is broken *backwards*: among the tied options the one that had fewer
   ballots in the previous round goes, and if they were tied there too, the round before, and
   so on back to the first round;
4. options tied in every round so far: the one listed last in the consultation goes (the order
   the organisers published before anyone answered; a lot would not be repeatable).

A round whose continuing ballots are zero (no ballot, or every one exhausted) ends the count
without a winner. Otherwise the count always ends with a winner: the last option left holds all
the continuing ballots.

Shares are exact: fractions rounded once, half to even, to the digits shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

NO_VOTES = "no_votes"  # eliminated together: no ballot counted for them
FEWEST = "fewest"
TIE_EARLIER_ROUND = "tie_earlier_round"
TIE_ORDER = "tie_order"


@dataclass(frozen=True)
class Round:
    number: int
    counts: dict[int, int]  # option -> ballots counted for it, the options still in the race
    exhausted: int
    continuing: int  # ballots counted for some option: sum(counts)
    winner: int | None = None
    eliminated: tuple[int, ...] = ()
    reason: str = ""  # why ``eliminated`` went: one of the codes above
    tied: tuple[int, ...] = ()  # the options that had the fewest ballots together


@dataclass(frozen=True)
class Runoff:
    rounds: list[Round]
    winner: int | None
    ballots: int


def _eliminate(
    counts: dict[int, int], order: list[int], history: list[dict[int, int]]
) -> tuple[tuple[int, ...], str, tuple[int, ...]]:
    empty = [o for o in order if counts[o] == 0]
    if empty:
        return tuple(empty), NO_VOTES, tuple(empty) if len(empty) > 1 else ()
    low = min(counts.values())
    tied = [o for o in order if counts[o] == low]
    if len(tied) == 1:
        return (tied[0],), FEWEST, ()
    candidates = tied
    for past in reversed(history):
        lowest = min(past[o] for o in candidates)
        candidates = [o for o in candidates if past[o] == lowest]
        if len(candidates) == 1:
            return (candidates[0],), TIE_EARLIER_ROUND, tuple(tied)
    return (candidates[-1],), TIE_ORDER, tuple(tied)


def instant_runoff(ballots: Sequence[Sequence[int]], options: Sequence[int]) -> Runoff:
    """Count ranked ballots (each the option ids from the first choice down) over ``options``
    (in the consultation's order); ids that are not options are ignored."""
    order = list(dict.fromkeys(options))
    race = set(order)
    # Only the options in the race matter, each once, at its best rank.
    cleaned = [list(dict.fromkeys(o for o in ballot if o in race)) for ballot in ballots]
    rounds: list[Round] = []
    history: list[dict[int, int]] = []
    while True:
        counts = dict.fromkeys(order, 0)
        exhausted = 0
        for ballot in cleaned:
            top = next((o for o in ballot if o in race), None)
            if top is None:
                exhausted += 1
            else:
                counts[top] += 1
        continuing = sum(counts.values())
        number = len(rounds) + 1
        if continuing == 0:
            rounds.append(Round(number, counts, exhausted, continuing))
            return Runoff(rounds, None, len(cleaned))
        leader = max(order, key=lambda o: counts[o])
        if 2 * counts[leader] > continuing:
            rounds.append(Round(number, counts, exhausted, continuing, winner=leader))
            return Runoff(rounds, leader, len(cleaned))
        eliminated, reason, tied = _eliminate(counts, order, history)
        rounds.append(Round(number, counts, exhausted, continuing, None, eliminated, reason, tied))
        history.append(counts)
        race -= set(eliminated)
        order = [o for o in order if o in race]


def percent(part: int, whole: int, places: int = 1) -> Decimal | None:
    """``part`` as a percentage of ``whole``, rounded half to even (None for a zero whole)."""
    if not whole:
        return None
    return rounded(Fraction(part * 100, whole), places)


def rounded(value: Fraction, places: int = 2) -> Decimal:
    """A fraction as a decimal with ``places`` digits, rounded once, half to even."""
    scaled = value * 10**places
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    twice = 2 * rest
    if twice > scaled.denominator or (twice == scaled.denominator and whole % 2):
        whole += 1
    return (Decimal(whole) / Decimal(10**places)).quantize(
        Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN
    )


def mean(total: int, count: int, places: int = 2) -> Decimal | None:
    return rounded(Fraction(total, count), places) if count else None
