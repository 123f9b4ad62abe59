"""Concurrent admissions and payments with real database connections: the register number is
taken by one atomic UPDATE that queues concurrent transactions, so no two admissions share a
number and the numbers stay gapless; payments lock the member, so two cannot both pass the
"not more than subscribed" check."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from comunitas.core.errors import ValidationError
from comunitas.members import services
from comunitas.members.models import Member, ShareClass, ShareMovement
from tests.concurrency import run_together
from tests.members.conftest import CONSENT, admit, person

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def coop(people):
    services.book_setup(coop=people["coop"])
    return people["coop"]


def test_concurrent_admissions_get_distinct_gapless_numbers(coop, people):
    applied = timezone.localdate() - timedelta(days=3)
    applicants = [
        services.application_submit(
            actor=None, coop=coop, fields=person(100 + i), consents=CONSENT, on_date=applied
        )
        for i in range(8)
    ]

    def decide(member):
        return lambda: (
            services.application_decide(
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
        return services.payment_record(
            actor=people["admin"], member=member, share_class=ordinary, amount=amount
        )

    results = run_together([pay, pay, pay])
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 2, results
    paid = sum(m.paid for m in ShareMovement.objects.filter(member=member))
    assert paid == amount
