"""Property tests of the share ledger: whatever sequence of operations people attempt, accepted or
refused, no holding goes negative, nobody pays more than they subscribed, a natural person never
exceeds the legal maximum, refused operations write nothing, and the capital on any date is the
sum of the members' holdings. And the member list a script reads, kept in the cache, is after
every one of them the list the database gives."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from comunitas.core.accounts.services import api_token_create
from comunitas.core.coops.services import coop_create, role_grant
from comunitas.core.errors import ValidationError
from comunitas.core.law import limits_on
from comunitas.core.models import Municipality, RoleKind
from comunitas.members.book import checks as book_checks
from comunitas.members.book import selectors as book_selectors
from comunitas.members.book import services as book_services
from comunitas.members.models import Member, ShareClass, ShareMovement
from comunitas.members.shares import services as shares_services
from tests.helpers import ORGANISATION, admit, person

TODAY = timezone.localdate()
MEMBERS = 4  # three persons and one organisation

operation = st.tuples(
    st.sampled_from(["subscribe", "pay", "transfer", "exit", "reverse", "ristorno"]),
    st.integers(0, MEMBERS - 1),
    st.integers(0, MEMBERS - 1),
    # shares: mostly a few, sometimes around the cap of a person (2,000 shares of 50 €)
    st.one_of(st.integers(-1, 3), st.integers(1990, 2010)),
    # cents: mostly whole shares, sometimes anything
    st.one_of(st.integers(1, 3).map(lambda n: n * 5000), st.integers(-100, 10_000_000)),
)


class ShareLedgerProperties(TestCase):
    def setUp(self) -> None:
        self.coop = coop_create(
            actor=None,
            name="Prop",
            slug="prop",
            legal_form="coop",
            founded_year=2015,
            seat=Municipality.objects.get(pk="008034"),
            sector="tourism",
            statute={"share_nominal_value": Decimal("50.00")},
        )
        book_services.book_setup(coop=self.coop)
        staff = get_user_model().objects.create_user(username="prop-staff")
        role_grant(actor=None, coop=self.coop, user=staff, kind=RoleKind.STAFF)
        self.token = api_token_create(user=staff, name="script")[1]
        self.share_class = ShareClass.objects.get(coop=self.coop, code="ordinarie")
        self.members = [admit(self.coop, person(n), shares=4) for n in range(MEMBERS - 1)]
        self.members.append(admit(self.coop, ORGANISATION, shares=4))
        for member in self.members:  # half paid: two shares can be transferred at once
            shares_services.payment_record(
                actor=None,
                member=member,
                share_class=self.share_class,
                amount=Decimal(100),
                on_date=TODAY - timedelta(days=200),
            )

    def apply(self, kind: str, a: int, b: int, shares: int, cents: int) -> None:
        member, other = self.members[a], self.members[b]
        amount = Decimal(cents) / 100
        cls = self.share_class
        if kind == "subscribe":
            shares_services.shares_subscribe(
                actor=None, member=member, share_class=cls, shares=shares
            )
        elif kind == "pay":
            shares_services.payment_record(
                actor=None, member=member, share_class=cls, amount=amount
            )
        elif kind == "transfer":
            transfer = shares_services.transfer_request(
                actor=None, seller=member, buyer=other, share_class=cls, shares=shares
            )
            shares_services.transfer_decide(
                actor=None, transfer=transfer, approve=True, decision_reference="CdA"
            )
        elif kind == "exit":
            shares_services.member_exit(actor=None, member=member, kind="withdrawal")
        elif kind == "reverse":
            last = ShareMovement.objects.filter(member=member, kind="payment").last()
            if last is not None:
                shares_services.movement_reverse(actor=None, movement=last, reason="error")
        elif kind == "ristorno":
            shares_services.ristorno_shares_issue(
                actor=None,
                member=member,
                share_class=cls,
                amount=amount,
                on_date=TODAY,
                reference="ristorno",
            )

    def member_list(self) -> bytes:
        """The second page of two (offset 1: the first member's shares on both pages)."""
        url = "/api/v1/coops/prop/members?limit=2&offset=1"
        response = self.client.get(url, HTTP_AUTHORIZATION=f"Bearer {self.token}")
        self.assertEqual(response.status_code, 200)
        return response.content

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(operation, max_size=12))
    def test_the_ledger_stays_consistent(self, operations) -> None:
        cache.clear()  # hypothesis runs every example in the same test
        self.member_list()
        for op in operations:
            before = ShareMovement.objects.count()
            try:
                self.apply(*op)
                event(f"{op[0]} accepted")
            except ValidationError:
                event(f"{op[0]} refused")
                self.assertEqual(ShareMovement.objects.count(), before, op)
                continue
            cached = self.member_list()
            cache.clear()
            self.assertEqual(cached, self.member_list(), op)  # and cached again for the next
        cap = limits_on(TODAY).natural_person_max_holding
        total = Decimal(0)
        for member in Member.objects.filter(coop=self.coop):
            held = shares_services.holding(member, self.share_class)
            self.assertGreaterEqual(held["shares"], 0)
            self.assertGreaterEqual(held["paid"], 0)
            self.assertLessEqual(held["paid"], held["subscribed"])
            self.assertEqual(held["subscribed"], held["shares"] * self.share_class.nominal_value)
            if member.is_person:
                self.assertLessEqual(book_checks.capped_holding(member), cap)
            if member.status == "exited":
                self.assertEqual(held["shares"], 0)
            total += held["subscribed"]
        summary = book_selectors.capital_summary(coop=self.coop)
        self.assertEqual(summary.subscribed, total)
        # Yesterday nothing had happened yet but the admissions (200 days ago).
        yesterday = book_selectors.capital_summary(
            coop=self.coop, on_date=TODAY - timedelta(days=1)
        )
        self.assertEqual(yesterday.shares, 4 * MEMBERS)
        self.assertEqual(yesterday.paid, 100 * MEMBERS)
