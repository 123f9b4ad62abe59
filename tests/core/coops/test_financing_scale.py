"""The statute's scale of financing members' votes (L. 59/1992 art. 4), for any scale the law
allows: every member gets from 1 to 5 votes, more capital never gives fewer, and a scale the law
does not allow is always refused."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from comunitas.core.law import limits_on
from comunitas.core.models import StatuteParameters
from comunitas.core.models.coops import financing_scale_problem

LAW = limits_on(date(2026, 1, 1))
cents = st.integers(min_value=0, max_value=10**9).map(lambda c: Decimal(c) / 100)


@st.composite
def lawful_scales(draw) -> list[dict]:
    capitals = sorted(draw(st.sets(cents, max_size=9)))  # room for one step more
    size = len(capitals)
    votes = sorted(draw(st.lists(st.integers(1, 5), min_size=size, max_size=size)))
    return [{"capital": str(c), "votes": v} for c, v in zip(capitals, votes, strict=True)]


@given(scale=lawful_scales(), first=cents, second=cents)
def test_a_lawful_scale_gives_one_to_five_votes_never_fewer_for_more_capital(scale, first, second):
    assert financing_scale_problem(scale, LAW) == ""
    statute = StatuteParameters(financing_votes_scale=scale)
    low, high = sorted([first, second])
    if scale:
        assert 1 <= statute.financing_votes(low) <= statute.financing_votes(high) <= 5
    else:
        assert statute.financing_votes(low) is None  # no scale: as the other members


@given(scale=lawful_scales(), votes=st.integers().filter(lambda v: not 1 <= v <= 5))
def test_a_step_outside_one_to_five_votes_is_always_refused(scale, votes):
    wrong = [*scale, {"capital": "9999999999.99", "votes": votes}]
    assert "L. 59/1992 art. 4" in financing_scale_problem(wrong, LAW)
