"""Property tests (hypothesis) of the assemblies API's figures: for any show of hands in an
assembly where financing members' votes are scaled to one third (fractions of a vote), the
result's exact units add up to the named votes, units ÷ denominator is the exact sum of the
voters' votes, and the text says the same number."""

from __future__ import annotations

import itertools
import json
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comunitas.decisions.assemblies import session_services as assemblies_session_services
from comunitas.decisions.models import RollEntry
from tests.helpers import admit, category, open_session, person

pytestmark = pytest.mark.django_db
serial = itertools.count(1)
FINANCING = 5  # against 8 ordinary votes: 5 > 8 / 2, so each financing vote is scaled to 4/5


@pytest.fixture
def scaled_session(convened):
    """The convened assembly with five financing members too, opened: 8 + 5 x 4/5 = 12 votes,
    everyone on the roll present."""
    coop = convened["coop"]
    for i in range(FINANCING):
        admit(coop, person(200 + i, category=category(coop, "sovventore")), days_ago=200)
    session = open_session(convened)
    assembly = session["assembly"]
    for entry in RollEntry.objects.filter(assembly=assembly).select_related("member"):
        assemblies_session_services.attendance_register(
            actor=session["staff"], assembly=assembly, member=entry.member
        )
    return session


def as_decimal(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))  # English format: "," groups thousands


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    ballots=st.lists(st.sampled_from(["for", "against", "abstain", None]), min_size=13, max_size=13)
)
def test_units_votes_and_text_agree_for_any_show_of_hands(client, scaled_session, ballots):
    assembly = scaled_session["assembly"]
    d = assembly.vote_denominator
    assert d == 5 and Fraction(assembly.total_units, d) == 12
    client.force_login(scaled_session["staff"])
    url = f"/api/v1/coops/alpha/assemblies/{assembly.pk}/motions"

    def post(path: str, body: dict | None = None):
        return client.post(path, json.dumps(body or {}), content_type="application/json")

    motion = post(url, {"title": f"Mozione {next(serial)}"}).json()
    m_url = f"{url}/{motion['id']}"
    assert post(f"{m_url}/open").status_code == 200
    roll = list(RollEntry.objects.filter(assembly=assembly).select_related("member"))
    assert len(roll) == len(ballots)
    expected = {"for": Fraction(0), "against": Fraction(0), "abstain": Fraction(0)}
    for entry, choice in zip(roll, ballots, strict=True):
        if choice is None:
            continue
        body = {"number": entry.member.number, "choice": choice}
        assert post(f"{m_url}/recorded-votes", body).status_code == 201
        expected[choice] += Fraction(entry.units, d)
    assert post(f"{m_url}/close").status_code == 200
    result = client.get(f"{m_url}/result").json()
    assert result["vote_denominator"] == d
    named = client.get(f"{m_url}/votes", {"limit": 200}).json()["items"]
    assert len(named) == result["voters"] == sum(1 for b in ballots if b)
    for choice in expected:
        figure = result[f"votes_{choice}"]
        assert Fraction(figure["units"], d) == expected[choice]
        assert figure["units"] == sum(v["votes"]["units"] for v in named if v["choice"] == choice)
        assert abs(
            as_decimal(figure["votes"])
            - Decimal(expected[choice].numerator) / Decimal(expected[choice].denominator)
        ) < Decimal("0.00005")
    cast = result["votes_cast"]
    assert Fraction(cast["units"], d) == sum(expected.values())
