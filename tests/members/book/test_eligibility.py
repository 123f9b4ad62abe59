"""Who votes and with how many votes (art. 2538 c.c., L. 59/1992 art. 4), on any date."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from django.utils import timezone

from comunitas.core.coops.services import statute_create
from comunitas.core.errors import ValidationError
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


def paid(member, amount: str, days_ago: int = 150):
    """Shares subscribed at admission, paid ``amount`` euros ``days_ago`` days ago."""
    share_class = member.movements.first().share_class
    shares_services.payment_record(
        actor=None,
        member=member,
        share_class=share_class,
        amount=Decimal(amount),
        on_date=TODAY - timedelta(days=days_ago),
    )
    return member


def test_the_statutes_scale_gives_financing_members_votes_by_the_capital_they_paid_in(book):
    coop = book["coop"]
    statute_create(
        actor=None,
        coop=coop,
        **{
            **STATUTE_FORM,
            "valid_from": TODAY - timedelta(days=400),
            "financing_votes_scale": [(Decimal("1000"), 2), (Decimal("5000.00"), 5)],
        },
    )
    financing = StakeholderCategory.objects.get(coop=coop, code="sovventore")
    ordinary = [admit(coop, person(n)) for n in range(1, 21)]
    small = paid(admit(coop, person(30, category=financing), shares=20), "500")
    middle = paid(admit(coop, person(31, category=financing), shares=80), "2000")
    large = paid(admit(coop, person(32, category=financing), shares=200), "5000")
    # Paid after the day: counts from then on.
    late = admit(coop, person(33, category=financing), shares=400)
    paid(late, "9000", days_ago=0)
    before = book_selectors.eligible_voters(coop=coop, on_date=TODAY - timedelta(days=1))
    assert [votes(before)[m.number] for m in (small, middle, large, late)] == [1, 2, 5, 1]
    # 20 ordinary votes, 9 financing: within a third, kept; today the late member has 5 and the
    # 13 financing votes are scaled to 10 (a third of 30), each by the same factor.
    assert not before.financing_scaled
    today = book_selectors.eligible_voters(coop=coop)
    assert today.financing_scaled
    factor = Fraction(10, 13)
    expected = [1 * factor, 2 * factor, 5 * factor, 5 * factor]
    assert [votes(today)[m.number] for m in (small, middle, large, late)] == expected
    assert all(votes(today)[m.number] == 1 for m in ordinary)
    backers = sum(votes(today)[m.number] for m in (small, middle, large, late))
    assert backers / today.total_votes == Fraction(1, 3)


@pytest.mark.parametrize(
    ("scale", "message"),
    [
        ([(Decimal("1000"), 6)], "from 1 to 5 votes (L. 59/1992 art. 4)"),
        ([(Decimal("1000"), 0)], "from 1 to 5 votes"),
        ([(Decimal("5000"), 2), (Decimal("1000"), 3)], "must rise"),
        ([(Decimal("1000"), 3), (Decimal("5000"), 2)], "fewer votes"),
        ([(Decimal("1000.001"), 2)], "to the cent"),
    ],
)
def test_a_scale_outside_the_law_is_refused_with_the_rule_and_nothing_written(book, scale, message):
    coop = book["coop"]
    with pytest.raises(ValidationError) as refused:
        statute_create(
            actor=None,
            coop=coop,
            **{**STATUTE_FORM, "valid_from": "2025-06-01", "financing_votes_scale": scale},
        )
    assert message in str(refused.value)
    assert refused.value.errors[0].field == "financing_votes_scale"
    assert not coop.statutes.filter(valid_from="2025-06-01").exists()
