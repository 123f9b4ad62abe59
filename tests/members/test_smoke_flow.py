from decimal import Decimal

import pytest
from django.core import mail

from comunitas.members import selectors, services
from comunitas.members.models import MemberStatus, ShareClass
from tests.members.conftest import CONSENT, ORGANISATION, PERSON, admit, person

pytestmark = pytest.mark.django_db


def test_flow(book, django_capture_on_commit_callbacks):
    coop = book["coop"]
    with django_capture_on_commit_callbacks(execute=True):
        m = admit(coop, {**PERSON, "residence": book["mendatica"]}, actor=book["admin"])
    assert m.number == 1 and m.status == MemberStatus.ACTIVE
    org = admit(coop, ORGANISATION, actor=book["admin"])
    assert org.number == 2
    for n in range(3, 12):
        admit(coop, person(n), actor=book["admin"])
    cls = ShareClass.objects.get(coop=coop, code="ordinarie")
    services.payment_record(
        actor=book["admin"], member=m, share_class=cls, amount=cls.nominal_value
    )
    stats = selectors.book_stats(coop=coop)
    assert stats.current == 11 and stats.in_territory == 1
    elig = selectors.eligible_voters(coop=coop)
    assert len(elig.voters) == 11
    rows = list(selectors.member_list(coop=coop))
    assert rows[0].capital_paid == cls.nominal_value
    assert len(mail.outbox) >= 2
    services.member_exit(actor=book["admin"], member=m, kind="withdrawal")
    assert selectors.capital_summary(coop=coop).paid == Decimal("0.00")
    services.member_erase(actor=book["admin"], member=m)
    _ = CONSENT
