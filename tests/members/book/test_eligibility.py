"""Who votes and with how many votes (art. 2538 c.c., L. 59/1992 art. 4), on any date."""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction

import pytest
from django.utils import timezone

from comunitas.core.coops.services import statute_create
from comunitas.members.book import selectors as book_selectors
from comunitas.members.models import StakeholderCategory
from comunitas.members.shares import services as shares_services
from tests.helpers import ORGANISATION, STATUTE_FORM, admit, person

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def votes(eligibility) -> dict[int, Fraction]:
    return {v.member.number: v.votes for v in eligibility.voters}


def test_members_vote_after_the_enrolment_days_and_until_they_leave(book):
    coop = book["coop"]
    old = admit(coop, person(1), days_ago=100)
    recent = admit(coop, person(2), days_ago=30)
    gone = admit(coop, person(3), days_ago=300)
    shares_services.member_exit(
        actor=None, member=gone, kind="withdrawal", on_date=TODAY - timedelta(10)
    )
    today = book_selectors.eligible_voters(coop=coop)
    assert votes(today) == {old.number: 1}
    assert [m.number for m in today.not_yet] == [recent.number]
    assert today.enrolled_before == TODAY - timedelta(days=90)
    # Twenty days ago the member who left still voted and the old one was not yet enrolled 90 days.
    past = book_selectors.eligible_voters(coop=coop, on_date=TODAY - timedelta(days=20))
    assert votes(past) == {gone.number: 1}
    # Sixty days on, the recent member has 90 days too.
    later = book_selectors.eligible_voters(coop=coop, on_date=TODAY + timedelta(days=60))
    assert votes(later) == {old.number: 1, recent.number: 1}


def test_the_statute_sets_the_enrolment_days_and_the_votes_of_organisations(book):
    coop = book["coop"]
    statute_create(
        actor=None,
        coop=coop,
        **{
            **STATUTE_FORM,
            "valid_from": TODAY - timedelta(days=400),
            "enrolment_days_before_voting": 180,
            "legal_person_max_votes": 3,
        },
    )
    person_ = admit(coop, person(1), days_ago=200)
    org = admit(coop, ORGANISATION, days_ago=200)
    admit(coop, person(2), days_ago=150)
    result = book_selectors.eligible_voters(coop=coop)
    assert votes(result) == {person_.number: 1, org.number: 3}
    assert result.total_votes == 4 and result.total_display == "4"


def test_financing_members_are_scaled_to_one_third_of_all_votes_exactly(book):
    coop = book["coop"]
    financing = StakeholderCategory.objects.get(coop=coop, code="sovventore")
    ordinary = [admit(coop, person(n)) for n in range(1, 3)]
    backers = [admit(coop, person(n, category=financing)) for n in range(10, 13)]
    result = book_selectors.eligible_voters(coop=coop)
    # 2 ordinary votes; 3 financing votes would be 60%: each is scaled to 1/3, together 1 of 3.
    assert result.financing_scaled
    assert [votes(result)[m.number] for m in backers] == [Fraction(1, 3)] * 3
    assert [votes(result)[m.number] for m in ordinary] == [1, 1]
    share = sum(votes(result)[m.number] for m in backers) / result.total_votes
    assert share == Fraction(1, 3)
    assert result.voters[-1].votes_display == "0.3333"


def test_financing_members_within_one_third_keep_their_votes(book):
    coop = book["coop"]
    financing = StakeholderCategory.objects.get(coop=coop, code="sovventore")
    for n in range(1, 5):
        admit(coop, person(n))
    admit(coop, person(20, category=financing))
    result = book_selectors.eligible_voters(coop=coop)
    assert not result.financing_scaled and result.total_votes == 5
