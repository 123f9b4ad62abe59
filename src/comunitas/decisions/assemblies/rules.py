"""The assemblies' rules that need no database: the voters' roll in whole units (the least common
denominator of votes that financing members made fractional), the base a majority is counted on
(all votes, the votes present, or the votes cast) and whether a motion passes by its majority
(simple, absolute, or a qualified fraction of the base)."""

from __future__ import annotations

import math
from fractions import Fraction

from comunitas.decisions.models import (
    Assembly,
    Majority,
    MajorityBase,
    Motion,
)


def roll_units(votes: list[Fraction]) -> tuple[int, list[int]]:
    """The least common denominator D of the votes and each vote as a whole number of 1/D."""
    denominator = 1
    for vote in votes:
        denominator = math.lcm(denominator, vote.denominator)
    return denominator, [int(vote * denominator) for vote in votes]


def motion_passes(motion: Motion, base_units: int) -> bool:
    yes = motion.for_units
    if yes == 0:  # nothing carries without a vote for it, whatever the base
        return False
    if motion.majority == Majority.SIMPLE:
        return yes > motion.against_units
    if motion.majority == Majority.ABSOLUTE:
        return yes * 2 > base_units
    return yes * motion.qualified_denominator >= motion.qualified_numerator * base_units


def majority_base_units(motion: Motion, assembly: Assembly) -> int:
    if motion.majority_base == MajorityBase.ALL:
        return assembly.total_units
    if motion.majority_base == MajorityBase.PRESENT:
        # Members who arrived after the vote was called and voted count as present too.
        return max(motion.present_units_at_open, motion.cast_units)
    return motion.cast_units
