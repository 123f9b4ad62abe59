"""The synthetic member books of the five case studies: sizes from the facts, a plausible mix,
every invariant of the book kept, and the same seed giving the same book."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from stdnum.it import codicefiscale, iva

from comunitas.commons.models import Booking, Order, Sale
from comunitas.core.law import limits_on
from comunitas.core.models import Cooperative, Municipality
from comunitas.decisions.models import Assembly, Minutes
from comunitas.demo.generators.member_book import fiscal_code
from comunitas.demo.load import demo_load
from comunitas.demo.plans import CASES
from comunitas.demo.steps import generate
from comunitas.members.book import selectors as book_selectors
from comunitas.members.models import (
    Application,
    Consent,
    Member,
    MemberStatus,
    Office,
    Redemption,
    RegisterCounter,
    ShareMovement,
)
from comunitas.members.shares import selectors as shares_selectors
from tests.demo.conftest import PASSWORD, SEED
from tests.demo.wipe_economy import economy_wipe

pytestmark = pytest.mark.django_db
ZERO = Decimal("0")


@pytest.fixture
def demo(demo_loaded, db) -> dict[str, Cooperative]:
    return {coop.slug: coop for coop in Cooperative.objects.select_related("seat")}


def book_state(coop: Cooperative) -> list[tuple]:
    """The book of a cooperative without row ids and creation times."""
    members = list(
        Member.objects.filter(coop=coop)
        .order_by("number", "fiscal_code", "organisation_name")
        .values_list(
            "number",
            "status",
            "category__code",
            "first_name",
            "last_name",
            "fiscal_code",
            "organisation_name",
            "residence_id",
            "email",
            "applied_on",
            "admitted_on",
            "exited_on",
            "exit_kind",
            "user__username",
        )
    )
    movements = list(
        ShareMovement.objects.filter(coop=coop)
        .order_by("member__number", "member__fiscal_code", "on_date", "kind", "paid")
        .values_list("member__fiscal_code", "kind", "on_date", "shares", "subscribed", "paid")
    )
    consents = list(
        Consent.objects.filter(member__coop=coop)
        .order_by("member__fiscal_code", "member__organisation_name", "kind", "at")
        .values_list("member__fiscal_code", "kind", "given", "at")
    )
    return [*members, *movements, *consents]


def wipe(coop: Cooperative) -> None:
    economy_wipe(coop)  # its movements, jobs, hours and ristorni name members
    # The commons' sales, orders and bookings name members; units and services stay, so the
    # commons step leaves the cooperative as it is when generating again.
    # The assemblies name members too (their roll, attendance, votes and minutes).
    Minutes.objects.filter(coop=coop).delete()
    Assembly.objects.filter(coop=coop).delete()
    Sale.objects.filter(coop=coop).delete()
    Order.objects.filter(coop=coop).delete()
    Booking.objects.filter(coop=coop).delete()
    Redemption.objects.filter(member__coop=coop).delete()
    ShareMovement.objects.filter(coop=coop).delete()
    Office.objects.filter(coop=coop).delete()  # the register of offices names members
    Member.objects.filter(coop=coop).delete()  # applications and consents go with them
    RegisterCounter.objects.filter(coop=coop).update(last_number=0)


def test_the_same_seed_gives_the_same_book(demo_loaded, db):
    """Two books wiped and generated again: the same with the shared load's seed, others with
    another seed."""
    coops = list(Cooperative.objects.filter(slug__in=["brigi", "anversiamo"]).order_by("slug"))
    first = [book_state(coop) for coop in coops]
    for coop in coops:
        wipe(coop)
        generate(coop, seed=SEED, password=PASSWORD)
    assert [book_state(coop) for coop in coops] == first
    for coop in coops:
        wipe(coop)
        generate(coop, seed=8, password=PASSWORD)
    assert [book_state(coop) for coop in coops] != first


def test_sizes_follow_the_public_facts_and_the_mix_is_plausible(demo):
    current = {
        slug: Member.objects.filter(coop=coop, status=MemberStatus.ACTIVE).count()
        for slug, coop in demo.items()
    }
    assert current["brigi"] == 13  # "Soci: 13" (2WEL 3/2021)
    assert current["post-modernissimo"] == 700  # "circa 700" at the reopening
    for slug in ("anversiamo", "la-paranza", "ri-maflow"):
        assert 50 <= current[slug] <= 300, slug
    for slug, coop in demo.items():
        members = Member.objects.filter(coop=coop)
        assert not members.filter(synthetic=False).exists()
        active = members.filter(status=MemberStatus.ACTIVE)
        categories = Counter(active.values_list("category__code", flat=True))
        assert set(categories) == {
            "fruitore",
            "lavoratore",
            "volontario",
            "sovventore",
            "persona-giuridica",
        }, slug
        assert categories["sovventore"] <= max(2, current[slug] // 20), slug
        kinds = Counter(
            members.filter(kind="organisation").values_list("organisation_kind", flat=True)
        )
        assert kinds["association"] >= 1, slug
        statuses = Counter(members.values_list("status", flat=True))
        assert statuses["exited"] >= 1 and statuses["applicant"] >= 1, slug
        exits = Counter(members.filter(status="exited").values_list("exit_kind", flat=True))
        assert set(exits) <= {"withdrawal", "death", "exclusion"}
        # mostly inside the territory, some outside
        stats = book_selectors.book_stats(coop=coop)
        assert stats.in_territory > stats.out_territory > 0, slug
    # the municipality is a member in the villages; Brigì was born from the Pro Loco
    for slug in ("anversiamo", "brigi"):
        public = Member.objects.get(coop=demo[slug], organisation_kind="public_body")
        assert public.organisation_name == f"Comune di {demo[slug].seat.name}"
        assert public.residence == demo[slug].seat
    assert Member.objects.filter(
        coop=demo["brigi"], organisation_name="Associazione Pro Loco Mendatica", number__lte=10
    ).exists()
    exits = Counter(Member.objects.filter(status="exited").values_list("exit_kind", flat=True))
    assert exits["withdrawal"] > exits["exclusion"]


def test_every_invariant_of_the_book_holds(demo):
    cadastral = set(Municipality.objects.values_list("cadastral_code", flat=True))
    for slug, coop in demo.items():
        book = list(
            shares_selectors.with_holdings(
                Member.objects.filter(coop=coop).select_related("category")
            )
        )
        numbers = sorted(m.number for m in book if m.number)
        # gapless 1..N in order of admission, the counter at N
        assert numbers == list(range(1, len(numbers) + 1)), slug
        assert RegisterCounter.objects.get(coop=coop).last_number == len(numbers)
        by_number = sorted((m for m in book if m.number), key=lambda m: m.number)
        admitted = [m.admitted_on for m in by_number]
        assert admitted == sorted(admitted), slug
        for member in book:
            member.clean_fields()
            member.clean()
            assert member.shares_held >= 0 and member.capital_paid >= ZERO, member.pk
            assert member.capital_paid <= member.capital_subscribed, member.pk
            if member.status == MemberStatus.ACTIVE:
                assert member.shares_held >= 1 and member.admitted_on >= member.applied_on
                assert member.admitted_on <= date.today()
            if member.status == MemberStatus.EXITED:
                assert member.shares_held == 0 and member.capital_subscribed == ZERO
                assert member.exited_on > member.admitted_on
            if member.status == MemberStatus.APPLICANT:
                assert member.number is None and member.capital_subscribed == ZERO
            if member.kind == "person":
                code = member.fiscal_code
                assert codicefiscale.is_valid(code), code
                assert codicefiscale.get_birth_date(code, minyear=1900) == member.birth_date
                assert codicefiscale.get_gender(code) == member.sex
                assert code[11:15] in cadastral
                assert code == fiscal_code(
                    member.first_name, member.last_name, member.birth_date, member.sex, code[11:15]
                )
                if member.category.code != "sovventore" and member.admitted_on:
                    cap = limits_on(member.admitted_on).natural_person_max_holding
                    assert member.capital_subscribed <= cap
            else:
                assert iva.is_valid(member.vat_number or member.fiscal_code), member.pk
                assert member.representative_name
        # capital = the sum of the holdings, on the whole ledger
        summary = shares_selectors.capital_summary(coop=coop)
        assert summary.subscribed == sum(m.capital_subscribed for m in book)
        assert summary.paid == sum(m.capital_paid for m in book)
        assert summary.shares == sum(m.shares_held for m in book)
        # codici fiscali never repeat in a book
        codes = [m.fiscal_code for m in book if m.fiscal_code]
        assert len(codes) == len(set(codes)), slug
    # every member has an application (decided on the admission day) and the privacy consent
    members = Member.objects.all()
    assert Application.objects.count() == members.count()
    for application in Application.objects.select_related("member"):
        if application.member.admitted_on:
            assert application.status == "approved"
            assert application.decided_on == application.member.admitted_on
        else:
            assert application.status == "pending"
    privacy = Consent.objects.filter(kind="privacy", given=True).values("member").distinct()
    assert privacy.count() == members.count()
    # exits: shares redeemed, the paid capital owed back (or paid back once due)
    for redemption in Redemption.objects.select_related("member"):
        movement = ShareMovement.objects.get(member=redemption.member, kind="redemption")
        assert redemption.amount == -movement.paid > 0
        assert redemption.paid_on is None or redemption.paid_on == redemption.due_on
    assert Redemption.objects.count() == (
        ShareMovement.objects.filter(kind="redemption", paid__lt=0).count()
    )


def test_the_demo_logins_are_members_and_the_portal_shows_them(demo, client):
    users = get_user_model().objects
    for case in CASES:
        president = Member.objects.get(user__username=f"{case.slug}.presidente")
        assert president.number == 1 and president.status == MemberStatus.ACTIVE
        mine = Member.objects.get(user__username=f"{case.slug}.socio")
        user = users.get(username=f"{case.slug}.socio")
        assert (mine.first_name, mine.last_name, mine.email) == (
            user.first_name,
            user.last_name,
            user.email,
        )
        assert mine.status == MemberStatus.ACTIVE and mine.coop.slug == case.slug
    client.force_login(users.get(username="brigi.socio"))
    page = client.get("/c/brigi/membership/")
    assert page.status_code == 200
    member = page.context["member"]
    assert (
        member.user.username == "brigi.socio" and member.capital_paid == member.capital_subscribed
    )
    kinds = [m.kind for m in page.context["records"].movements]
    assert kinds == ["subscription", "payment", "payment"]
    assert 'class="ribbon"' in page.content.decode()  # the demo's synthetic-data ribbon
    # the resident is not a member: the portal invites to apply
    client.force_login(users.get(username="brigi.residente"))
    assert client.get("/c/brigi/membership/").context["member"] is None


def test_loading_again_keeps_the_book_and_links_recreated_logins(demo_loaded, db):
    """A demo login deleted and the demo loaded again: the login is back, linked to its member
    (the rest of "loading twice changes nothing" is test_demo's, for every table)."""
    brigi = Cooperative.objects.get(slug="brigi")
    before = book_state(brigi)
    get_user_model().objects.filter(username="brigi.socio").delete()
    assert not Member.objects.filter(coop=brigi, user__username="brigi.socio").exists()
    demo_load(seed=SEED, password=PASSWORD)
    assert book_state(brigi) == before  # the login is back, linked to the same member
