"""Every non-trivial read of the member book: lists, a member, applications, the register on a
date, voting eligibility, erasure requests and the book's figures; and what the book shows of
each member's shares (holdings, the ledger, the capital on a date, the share classes), which
share capital's pages read here too."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from comunitas.core.coops.selectors import statute_on
from comunitas.core.errors import ValidationError
from comunitas.core.kernel.money import ZERO
from comunitas.core.models import Cents, Cooperative, LegalForm
from comunitas.members.models import (
    Application,
    Member,
    MemberKind,
    MemberStatus,
    NumberOrZero,
    Redemption,
    ShareClass,
    ShareMovement,
    StakeholderCategory,
)

BOOK_ORDER = (NumberOrZero("number"), "id")
MIN_MEMBERS = 9  # art. 2522 c.1
MIN_MEMBERS_SMALL = 3  # art. 2522 c.2: all natural persons and srl rules


# --- the share ledger: what the book shows of each member's shares (art. 2421 c.c.) ------------
def _ledger_sum(column: str, on_date: date | None, output) -> Coalesce | Cents:
    """SUM(column) of a member's share movements (up to ``on_date``), as a correlated subquery:
    one query for a whole page of members, whatever the size of the ledger."""
    rows = ShareMovement.objects.filter(member=OuterRef("pk"))
    if on_date is not None:
        rows = rows.filter(on_date__lte=on_date)
    total = rows.order_by().values("member").annotate(total=Sum(column)).values("total")
    found = Coalesce(Subquery(total, output_field=output), Value(0, output_field=output))
    return Cents(found) if isinstance(output, DecimalField) else found


def with_holdings(members: QuerySet[Member], on_date: date | None = None) -> QuerySet[Member]:
    money = DecimalField(max_digits=14, decimal_places=2)
    return members.annotate(
        shares_held=_ledger_sum("shares", on_date, IntegerField()),
        capital_subscribed=_ledger_sum("subscribed", on_date, money),
        capital_paid=_ledger_sum("paid", on_date, money),
    )


@dataclass(frozen=True)
class Holding:
    share_class: ShareClass
    shares: int
    subscribed: Decimal
    paid: Decimal

    @property
    def to_pay(self) -> Decimal:
        return self.subscribed - self.paid


def holdings(*, member: Member, on_date: date | None = None) -> list[Holding]:
    """A member's holdings per class of shares (classes never held are left out)."""
    rows = ShareMovement.objects.filter(member=member)
    if on_date:
        rows = rows.filter(on_date__lte=on_date)
    sums = rows.values("share_class").annotate(
        shares=Sum("shares"), subscribed=Cents(Sum("subscribed")), paid=Cents(Sum("paid"))
    )
    classes = ShareClass.objects.in_bulk([row["share_class"] for row in sums])
    return [
        Holding(classes[row["share_class"]], row["shares"], row["subscribed"], row["paid"])
        for row in sums
        if row["shares"] or row["subscribed"] or row["paid"]
    ]


def movement_list(*, member: Member) -> QuerySet[ShareMovement]:
    return ShareMovement.objects.filter(member=member).select_related("share_class", "reversed_by")


def share_classes(*, coop: Cooperative) -> QuerySet[ShareClass]:
    return ShareClass.objects.filter(coop=coop)


# --- the capital ----------------------------------------------------------------------------------
@dataclass
class CapitalSummary:
    on_date: date
    shares: int = 0
    subscribed: Decimal = ZERO
    paid: Decimal = ZERO
    by_class: list[dict[str, Any]] = field(default_factory=list)

    @property
    def to_pay(self) -> Decimal:
        return self.subscribed - self.paid


def capital_summary(*, coop: Cooperative, on_date: date | None = None) -> CapitalSummary:
    """Share capital on a date: one aggregate query over the ledger."""
    day = on_date or timezone.localdate()
    rows = (
        ShareMovement.objects.filter(coop=coop, on_date__lte=day)
        .values("share_class__code", "share_class__name", "share_class__nominal_value")
        .annotate(
            shares=Sum("shares"), subscribed=Cents(Sum("subscribed")), paid=Cents(Sum("paid"))
        )
        .order_by("share_class__code")
    )
    summary = CapitalSummary(on_date=day)
    for row in rows:
        summary.shares += row["shares"]
        summary.subscribed += row["subscribed"]
        summary.paid += row["paid"]
        summary.by_class.append(
            {
                "code": row["share_class__code"],
                "name": row["share_class__name"],
                "nominal_value": row["share_class__nominal_value"],
                "shares": row["shares"],
                "subscribed": row["subscribed"],
                "paid": row["paid"],
            }
        )
    return summary


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


def registered_member_get(*, coop: Cooperative, pk: int) -> Member:
    """A member entered in the book (with a register number), with what a certificate names."""
    return Member.objects.select_related("coop__seat", "category").get(
        coop=coop, pk=pk, number__isnull=False
    )


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


def category_get(*, coop: Cooperative, pk: int) -> StakeholderCategory:
    return StakeholderCategory.objects.get(coop=coop, pk=pk)


def application_list(*, coop: Cooperative, status: str = "pending") -> QuerySet[Application]:
    found = Application.objects.filter(member__coop=coop).select_related(
        "member__category", "member__residence", "share_class"
    )
    return with_territory_of_applications(found.filter(status=status) if status else found, coop)


def application_get(*, coop: Cooperative, member_id: int) -> Application:
    """The application of a cooperative's applicant (its id is the applicant's), with them."""
    found = Application.objects.select_related("member__coop", "member__category")
    return found.get(member_id=member_id, member__coop=coop)


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


def _paid_in(member_ids: list[int], day: date) -> dict[int, Decimal]:
    """Each member's capital paid in by ``day`` (0 for none), in one grouped query."""
    paid = dict.fromkeys(member_ids, Decimal(0))
    rows = (
        ShareMovement.objects.filter(member_id__in=member_ids, on_date__lte=day)
        .values_list("member_id")
        .annotate(total=Sum("paid"))
        .order_by()
    )
    paid.update(rows)
    return paid


def eligible_voters(*, coop: Cooperative, on_date: date | None = None) -> Eligibility:
    """Who may vote in an assembly held on ``on_date`` and with how many votes.

    - current members enrolled at least N days (statute; 90 by law, art. 2538 c.1);
    - one member, one vote (art. 2538 c.2); organisations as many as the statute gives
      legal persons, at most 5 (art. 2538 c.3);
    - financing members (sovventori): the votes the statute's scale gives their capital paid in
      on that day (up to 5), or as the others when it has none; together at most one third of all
      votes (L. 59/1992 art. 4): when they would have more, each of their votes is scaled by the
      same factor, exactly (fractions, no rounding)."""
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
    if statute and statute.financing_votes_scale:
        financers = [m.pk for m in eligible if m.category.is_financing]
        for pk, paid in _paid_in(financers, day).items():
            base[pk] = Fraction(statute.financing_votes(paid))
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


# --- erasure requests -----------------------------------------------------------------------------
def erasure_requests(*, coop: Cooperative) -> QuerySet[Member]:
    """Members who asked for erasure and are not erased yet, oldest request first, for the
    board. ``erasable`` says whether the board may erase now: the person is no longer a
    member or applicant and is owed no reimbursement."""
    unpaid = Redemption.objects.filter(member=OuterRef("pk"), paid_on__isnull=True)
    return (
        Member.objects.filter(coop=coop, erasure_requested_at__isnull=False, erased_at__isnull=True)
        .select_related("category")
        .annotate(
            owed=Exists(unpaid),
            erasable=ExpressionWrapper(
                Q(status__in=[MemberStatus.EXITED, MemberStatus.REJECTED]) & ~Exists(unpaid),
                output_field=BooleanField(),
            ),
        )
        .order_by("erasure_requested_at", "id")
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


def _per_year(coop: Cooperative, day_field: str) -> dict[int, int]:
    """How many members have ``day_field`` (a date) in each year: {year: count}."""
    return dict(
        Member.objects.filter(coop=coop, **{f"{day_field}__isnull": False})
        .annotate(year=ExtractYear(day_field))
        .values_list("year")
        .annotate(n=Count("id"))
        .order_by()
    )


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
    joined, left = _per_year(coop, "admitted_on"), _per_year(coop, "exited_on")
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
