"""Concurrent admissions and payments with real database connections: the register number is
taken by one atomic UPDATE that queues concurrent transactions, so no two admissions share a
number and the numbers stay gapless; payments lock the member, so two cannot both pass the
"not more than subscribed" check; every writer queues on the book's version first, so none
deadlocks and the cached member list follows them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from comunitas.core.accounts.services import api_token_create
from comunitas.core.errors import ValidationError
from comunitas.members.book import services as book_services
from comunitas.members.models import Member, ShareClass, ShareMovement
from comunitas.members.shares import services as shares_services
from tests.helpers import CONSENT, admit, person, run_together

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def coop(people):
    book_services.book_setup(coop=people["coop"])
    return people["coop"]


def test_concurrent_admissions_get_distinct_gapless_numbers(coop, people):
    applied = timezone.localdate() - timedelta(days=3)
    applicants = [
        book_services.application_submit(
            actor=None, coop=coop, **person(100 + i), consents=CONSENT, on_date=applied
        )
        for i in range(8)
    ]

    def decide(member):
        return lambda: (
            book_services.application_decide(
                actor=people["admin"], member=member, approve=True, decision_reference="CdA"
            ).number
        )

    numbers = run_together([decide(m) for m in applicants])
    assert all(isinstance(n, int) for n in numbers), numbers
    assert sorted(numbers) == list(range(1, 9))
    assert sorted(Member.objects.filter(coop=coop).values_list("number", flat=True)) == list(
        range(1, 9)
    )


def test_concurrent_payments_never_exceed_what_was_subscribed(coop, people):
    member = admit(coop, person(1), shares=2)
    ordinary = ShareClass.objects.get(coop=coop, code="ordinarie")
    # Each payment alone is allowed; together they would pay twice the subscription.
    amount = ordinary.nominal_value * 2

    def pay():
        return shares_services.payment_record(
            actor=people["admin"], member=member, share_class=ordinary, amount=amount
        )

    results = run_together([pay, pay, pay])
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 2, results
    paid = sum(m.paid for m in ShareMovement.objects.filter(member=member))
    assert paid == amount


def test_writers_of_the_book_queue_on_its_version_and_readers_never_keep_an_old_list(coop, people):
    """Every write of the book first takes its version's lock: payments, a correction and two
    crossing transfers at the same instant all pass (none deadlocks on another), while
    scripts read the cached list; afterwards the cached list is the database's."""
    ordinary = ShareClass.objects.get(coop=coop, code="ordinarie")
    members = [admit(coop, person(i), shares=4) for i in range(1, 5)]
    for member in members[:2]:  # fully paid: their shares can be transferred
        shares_services.payment_record(
            actor=None, member=member, share_class=ordinary, amount=ordinary.nominal_value * 4
        )
    transfers = [
        shares_services.transfer_request(
            actor=None, seller=a, buyer=b, share_class=ordinary, shares=1
        )
        for a, b in ((members[0], members[1]), (members[1], members[0]))
    ]
    token = api_token_create(user=people["staff"], name="script")[1]
    url = "/api/v1/coops/alpha/members?limit=3"

    def get():
        return Client().get(url, HTTP_AUTHORIZATION=f"Bearer {token}")

    def read():
        return get().status_code

    def pay(member):
        return lambda: shares_services.payment_record(
            actor=None, member=member, share_class=ordinary, amount=ordinary.nominal_value
        )

    def decide(transfer):
        return lambda: shares_services.transfer_decide(
            actor=people["admin"], transfer=transfer, approve=True, decision_reference="CdA"
        )

    def correct():
        return book_services.member_update(actor=None, member=members[0], fields={"phone": "1"})

    jobs = [pay(members[2]), pay(members[3]), correct, *map(decide, transfers)]
    results = run_together([*jobs, read, read, read, read])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert results[len(jobs) :] == [200] * 4
    cached = get().content  # what a reader left in the cache, if one read the last version
    cache.clear()
    assert get().content == cached
