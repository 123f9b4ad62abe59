"""Every non-trivial read of the member book: lists, a member, applications, the register on a
date, voting eligibility and the book's figures."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from comunitas.core.coops.selectors import statute_on
from comunitas.core.errors import ValidationError
from comunitas.core.models import Cooperative, LegalForm
from comunitas.members.models import (
    Application,
    Member,
    MemberKind,
    MemberStatus,
    NumberOrZero,
    StakeholderCategory,
)
from comunitas.members.shares.selectors import CapitalSummary, capital_summary, with_holdings

BOOK_ORDER = (NumberOrZero("number"), "id")
MIN_MEMBERS = 9  # art. 2522 c.1
MIN_MEMBERS_SMALL = 3  # art. 2522 c.2: all natural persons and srl rules


def with_territory(members: QuerySet[Member], coop: Cooperative) -> QuerySet[Member]:
    """``in_territory``: the member lives (or has its seat) in a municipality the coop serves."""
    served = Cooperative.territory.through.objects.filter(
        cooperative_id=coop.pk, municipality_id=OuterRef("residence_id")
    )
    return members.annotate(in_territory=Exists(served))


@dataclass(frozen=True)
class MemberFilters:
    q: str = ""
    status: str = ""
    category: str = ""  # a category code
    kind: str = ""
    territory: str = ""  # "in" or "out"


def member_list(*, coop: Cooperative, filters: MemberFilters | None = None) -> QuerySet[Member]:
    """Applicants and members of a cooperative with their holdings and whether they live in the
    territory: one query per page (asserted in tests)."""
    filters = filters or MemberFilters()
    members = Member.objects.filter(coop=coop).select_related("category", "residence")
    if filters.status:
        members = members.filter(status=filters.status)
    if filters.category:
        members = members.filter(category__code=filters.category)
    if filters.kind:
        members = members.filter(kind=filters.kind)
    text = filters.q.strip()
    if text:
        condition = Q()
        for word in text.split()[:5]:
            condition &= (
                Q(last_name__icontains=word)
                | Q(first_name__icontains=word)
                | Q(organisation_name__icontains=word)
                | Q(fiscal_code__iexact=word)
                | Q(email__iexact=word)
            )
        if text.isdigit():
            condition |= Q(number=int(text))
        members = members.filter(condition)
    members = with_territory(with_holdings(members), coop)
    if filters.territory == "in":
        members = members.filter(in_territory=True)
    elif filters.territory == "out":  # a known residence outside (not an unknown one)
        members = members.filter(in_territory=False, residence__isnull=False)
    # Applicants (no number yet) first, then the book in order, on every database; the
    # expression index member_book_order serves this order, so a page reads 50 rows, not all.
    return members.order_by(*BOOK_ORDER)


def member_get(*, coop: Cooperative, pk: int) -> Member:
    return with_territory(
        with_holdings(Member.objects.select_related("category", "residence", "coop", "user")),
        coop,
    ).get(coop=coop, pk=pk)


def current_member_by_number(*, coop: Cooperative, number: int, field: str) -> Member:
    """The current member with register ``number`` (shares go only to current members), or a
    field error saying what is wrong with the number."""
    found = Member.objects.select_related("coop", "category").filter(coop=coop, number=number)
    member = found.first()
    if member is None:
        raise ValidationError(
            _("No member of this cooperative has register number %(n)s.") % {"n": number},
            field=field,
        )
    if member.status != MemberStatus.ACTIVE:
        raise ValidationError(
            _("Register number %(n)s is not a current member: shares go only to members.")
            % {"n": number},
            field=field,
        )
    return member


def member_of(*, coop: Cooperative, user) -> Member | None:
    """The caller's own membership (or application) in a cooperative."""
    if not user.is_authenticated:
        return None
    found = Member.objects.filter(coop=coop, user=user).order_by("-applied_on", "-id")
    return with_territory(
        with_holdings(found.select_related("category", "residence")), coop
    ).first()


def categories(*, coop: Cooperative) -> QuerySet[StakeholderCategory]:
    return StakeholderCategory.objects.filter(coop=coop)


def application_list(*, coop: Cooperative, status: str = "pending") -> QuerySet[Application]:
    found = Application.objects.filter(member__coop=coop).select_related(
        "member__category", "member__residence", "share_class"
    )
    return with_territory_of_applications(found.filter(status=status) if status else found, coop)


def with_territory_of_applications(found: QuerySet[Application], coop: Cooperative):
    served = Cooperative.territory.through.objects.filter(
        cooperative_id=coop.pk, municipality_id=OuterRef("member__residence_id")
    )
    return found.annotate(in_territory=Exists(served)).order_by("created_at")


# --- the register -------------------------------------------------------------------------------
def register(*, coop: Cooperative, on_date: date | None = None) -> QuerySet[Member]:
    """The libro soci as it stood on a date: everyone admitted by then, in register order, with
    the holdings of that day; those who had left by then are marked by ``exited_on``."""
    day = on_date or timezone.localdate()
    found = Member.objects.filter(coop=coop, admitted_on__lte=day).select_related(
        "category", "residence"
    )
    return with_territory(with_holdings(found, day), coop).order_by(*BOOK_ORDER)


# --- voting -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Voter:
    member: Member
    votes: Fraction  # after the cap on financing members

    @property
    def votes_display(self) -> str:
        return _fraction_text(self.votes)


@dataclass(frozen=True)
class Eligibility:
    on_date: date
    enrolled_before: date  # admitted on or before this day
    voters: list[Voter]
    not_yet: list[Member]  # current members enrolled too recently
    financing_scaled: bool  # the financing members' votes were scaled down to one third

    @property
    def total_votes(self) -> Fraction:
        return sum((v.votes for v in self.voters), Fraction(0))

    @property
    def total_display(self) -> str:
        return _fraction_text(self.total_votes)


def _fraction_text(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return f"{Decimal(value.numerator) / Decimal(value.denominator):.4f}"


def eligible_voters(*, coop: Cooperative, on_date: date | None = None) -> Eligibility:
    """Who may vote in an assembly held on ``on_date`` and with how many votes.

    - current members enrolled at least N days (statute; 90 by law, art. 2538 c.1);
    - one member, one vote (art. 2538 c.2); organisations as many as the statute gives
      legal persons, at most 5 (art. 2538 c.3);
    - financing members (sovventori) together at most one third of all votes (L. 59/1992
      art. 4): when they would have more, each of their votes is scaled by the same factor,
      exactly (fractions, no rounding)."""
    day = on_date or timezone.localdate()
    statute = statute_on(coop=coop, day=day)
    days = statute.enrolment_days_before_voting if statute else 90
    org_votes = statute.legal_person_max_votes if statute else 1
    enrolled_before = day - timedelta(days=days)
    current = list(
        Member.objects.members_on(day)
        .filter(coop=coop)
        .select_related("category", "residence")
        .order_by("number")
    )
    eligible = [m for m in current if m.admitted_on <= enrolled_before]
    base = {m.pk: Fraction(org_votes if m.kind == MemberKind.ORGANISATION else 1) for m in eligible}
    financing = sum((base[m.pk] for m in eligible if m.category.is_financing), Fraction(0))
    others = sum((base[m.pk] for m in eligible if not m.category.is_financing), Fraction(0))
    # F / (O + F) <= 1/3  <=>  F <= O / 2
    factor = Fraction(1)
    if financing and financing > others / 2:
        factor = (others / 2) / financing
    voters = [
        Voter(m, base[m.pk] * factor if m.category.is_financing else base[m.pk]) for m in eligible
    ]
    return Eligibility(
        on_date=day,
        enrolled_before=enrolled_before,
        voters=voters,
        not_yet=[m for m in current if m.admitted_on > enrolled_before],
        financing_scaled=factor != 1,
    )


# --- dashboard ----------------------------------------------------------------------------------
@dataclass
class BookStats:
    current: int
    applicants: int
    minimum: int
    by_category: list[tuple[str, int]]
    in_territory: int
    out_territory: int
    per_year: list[dict[str, int]]  # {"year", "joined", "left"}
    capital: CapitalSummary

    @property
    def below_minimum(self) -> bool:
        return self.current < self.minimum


def legal_minimum(coop: Cooperative, current: QuerySet[Member]) -> int:
    """Nine members, or three when all are natural persons under srl rules (art. 2522)."""
    if (
        coop.legal_form == LegalForm.COOPERATIVE_SRL
        and not current.exclude(kind=MemberKind.PERSON).exists()
    ):
        return MIN_MEMBERS_SMALL
    return MIN_MEMBERS


def book_stats(*, coop: Cooperative) -> BookStats:
    """Members by category, in and out of the territory, joins and exits per year, capital."""
    current = with_territory(Member.objects.filter(coop=coop, status=MemberStatus.ACTIVE), coop)
    by_category = list(
        current.values_list("category__name")
        .annotate(n=Count("id"))
        .order_by("-n", "category__name")
    )
    territory = Counter(
        dict(current.values_list("in_territory").annotate(n=Count("id")).order_by())
    )
    joined = dict(
        Member.objects.filter(coop=coop, admitted_on__isnull=False)
        .annotate(year=ExtractYear("admitted_on"))
        .values_list("year")
        .annotate(n=Count("id"))
        .order_by()
    )
    left = dict(
        Member.objects.filter(coop=coop, exited_on__isnull=False)
        .annotate(year=ExtractYear("exited_on"))
        .values_list("year")
        .annotate(n=Count("id"))
        .order_by()
    )
    years = sorted(joined.keys() | left.keys())
    per_year = [{"year": y, "joined": joined.get(y, 0), "left": left.get(y, 0)} for y in years]
    count = sum(territory.values())
    return BookStats(
        current=count,
        applicants=Member.objects.filter(coop=coop, status=MemberStatus.APPLICANT).count(),
        minimum=legal_minimum(coop, current),
        by_category=by_category,
        in_territory=territory.get(True, 0),
        out_territory=territory.get(False, 0),
        per_year=per_year,
        capital=capital_summary(coop=coop),
    )
