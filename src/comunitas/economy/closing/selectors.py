"""Reads of the annual closings: the list (approved ones are public, drafts and proposals the
operators'), a closing with its allocation, its ristorni, one member's own ristorni, the
motions that may approve a closing, and the mutual exchange of a year read from the cash book:
its prevalence (arts. 2512-2513 c.c.) and what the ceiling of ristorni is measured on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    F,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from comunitas.core.errors import ValidationError
from comunitas.core.kernel.money import CENT, ZERO
from comunitas.core.kernel.types import user_of
from comunitas.core.models import Cents, Cooperative, LegalForm, StatuteParameters
from comunitas.core.permissions import Action, can
from comunitas.decisions.models import Motion, MotionStatus
from comunitas.economy.closing import rules
from comunitas.economy.closing.rules import (
    Exchanges,
    MutualShare,
    Prevalence,
    is_prevalent,
    mutual_prevalence,
    pooled,
)
from comunitas.economy.models import (
    AllocationKind,
    AllocationLine,
    Closing,
    ClosingStatus,
    CoverageSource,
    Direction,
    Flow,
    LossCoverage,
    Movement,
    MutualExchange,
    PostalBondRate,
    Ristorno,
    RistornoBasis,
    RistornoPlan,
)

KIND_ORDER = list(AllocationKind.values)  # the legal order of the lines


def _visible(coop: Cooperative, *, all_statuses: bool) -> QuerySet[Closing]:
    found = Closing.objects.filter(coop=coop)
    return found if all_statuses else found.filter(status=ClosingStatus.APPROVED)


def closing_list(*, coop: Cooperative, all_statuses: bool) -> QuerySet[Closing]:
    """Closings, the latest year first, with their allocation lines (one query for the page,
    one for its lines, one for the count)."""
    return (
        _visible(coop, all_statuses=all_statuses)
        .prefetch_related(Prefetch("lines", queryset=AllocationLine.objects.order_by("id")))
        .order_by("-year")
    )


def closing_get(*, coop: Cooperative, pk: int, all_statuses: bool) -> Closing:
    """A closing of ``coop`` the caller may see (``Closing.DoesNotExist`` otherwise)."""
    return (
        _visible(coop, all_statuses=all_statuses)
        .select_related("coop", "motion__assembly")
        .get(pk=pk)
    )


def closing_seen(*, coop: Cooperative, pk: int, user) -> Closing:
    """A closing of ``coop`` that ``user`` may see: drafts and proposals only for the operators
    (``Closing.DoesNotExist`` otherwise, as for one that does not exist)."""
    return closing_get(coop=coop, pk=pk, all_statuses=can(user, coop, Action.VIEW_ACCOUNTS))


def ordered_lines(closing: Closing) -> list[AllocationLine]:
    """The allocation in the legal order (works on prefetched lines)."""
    return sorted(closing.lines.all(), key=lambda line: KIND_ORDER.index(line.kind))


def line_amounts(closing: Closing) -> dict[str, Decimal]:
    return {line.kind: line.amount for line in closing.lines.all()}


def ristorno_plan(*, closing: Closing) -> RistornoPlan | None:
    return RistornoPlan.objects.filter(closing=closing).first()


def ristorni_of(*, plan: RistornoPlan) -> QuerySet[Ristorno]:
    """Every member's ristorno of a plan, in the book's order (one query)."""
    return plan.lines.select_related("member").order_by("member__number", "member_id")


@dataclass(frozen=True)
class RistorniTotals:
    members: int
    exchange: Decimal
    amount: Decimal
    cash: Decimal
    in_shares: Decimal


def ristorni_totals(*, plan: RistornoPlan) -> RistorniTotals:
    totals = plan.lines.aggregate(
        exchange=Sum("exchange"), amount=Sum("amount"), cash=Sum("cash"), in_shares=Sum("in_shares")
    )
    # SQLite sums decimals as floats' text ("1000"): back to cents.
    return RistorniTotals(
        members=plan.lines.count(),
        **{key: Decimal(value or 0).quantize(CENT) for key, value in totals.items()},
    )


def ristorno_get(*, plan: RistornoPlan, pk: int) -> Ristorno:
    return plan.lines.select_related("member", "plan__closing").get(pk=pk)


def my_ristorni(*, coop: Cooperative, user) -> QuerySet[Ristorno]:
    """The caller's own ristorni in ``coop``, of closings proposed or approved (a draft is the
    board's working copy), the latest year first."""
    if user_of(user) is None:
        return Ristorno.objects.none()
    return (
        Ristorno.objects.filter(plan__closing__coop=coop, member__user=user)
        .exclude(plan__closing__status=ClosingStatus.DRAFT)
        .select_related("plan__closing", "member")
        .order_by("-plan__closing__year", "id")
    )


def owns(ristorno: Ristorno, user) -> bool:
    return user_of(user) is not None and ristorno.member.user_id == user.pk


def ristorno_visible(*, coop: Cooperative, pk: int, user) -> Ristorno:
    """A ristorno of ``coop`` the caller may read: anyone's for the operators (VIEW_ACCOUNTS),
    otherwise one's own of a closing proposed or approved; ``Ristorno.DoesNotExist`` for any
    other, as for one that does not exist."""
    found = (
        Ristorno.objects.filter(pk=pk, plan__closing__coop=coop)
        .select_related("member", "plan__closing__coop", "share_movement")
        .get()
    )
    if can(user, coop, Action.VIEW_ACCOUNTS):
        return found
    if not owns(found, user) or found.plan.closing.status == ClosingStatus.DRAFT:
        raise Ristorno.DoesNotExist
    return found


def statement(*, ristorno: Ristorno) -> dict:
    """What a member's statement says: the year, the basis, their exchange against everyone's,
    the amount and how it is paid."""
    plan = ristorno.plan
    return {
        "ristorno": ristorno,
        "plan": plan,
        "closing": plan.closing,
        "coop": plan.closing.coop,
        "member": ristorno.member,
        "totals": ristorni_totals(plan=plan),
    }


def carried_motions(*, coop: Cooperative) -> QuerySet[Motion]:
    """Closed motions of the cooperative's assemblies that were carried, the latest first: the
    choice offered to approve a closing (the service checks the result again)."""
    return (
        Motion.objects.filter(assembly__coop=coop, status=MotionStatus.CLOSED, passed=True)
        .select_related("assembly")
        .order_by("-closed_at", "-id")
    )


@dataclass(frozen=True)
class PostalRate:
    """The buoni postali rate a closing takes by default, and where it comes from."""

    rate: Decimal
    valid_from: date
    source: str  # the published source of the rate, as recorded with it

    def described(self, year: int) -> str:
        """The source as the closing stores it: the publication, the day the rate came in
        force and the reading."""
        return _("%(source)s; rate in force from %(day)s (the highest in force in %(year)s)") % {
            "source": self.source,
            "day": self.valid_from.strftime("%d/%m/%Y"),
            "year": year,
        }


def postal_bond_default(*, year: int) -> PostalRate:
    """The buoni postali fruttiferi rate for the dividend cap of ``year``: the highest of the
    rates in force on any day of the calendar year (the last one from before the year, and
    every one that came in force during it), the earliest of equal rates.

    Art. 2514 c.c. caps dividends at "the maximum rate of the buoni postali fruttiferi" plus 2.5
    points. "Maximum" is read here as the highest rate in force in the year; some of the
    associations' circulars read the rate in force at the closing, or a mean. So a closing stores
    the rate, its source and the reading, and the board may enter another rate with a note
    saying why (``closing.services``)."""
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    rows = list(
        PostalBondRate.objects.filter(valid_from__lt=end)
        .order_by("valid_from")
        .values_list("valid_from", "rate", "source")
    )
    in_force = [
        PostalRate(rate=rate, valid_from=valid_from, source=source)
        for i, (valid_from, rate, source) in enumerate(rows)
        if i + 1 == len(rows) or rows[i + 1][0] > start
    ]
    if not in_force:
        raise ValidationError(
            _("No buoni postali rate is known for %(year)s: enter the rate used.") % {"year": year},
            field="postal_bond_rate",
        )
    return max(in_force, key=lambda found: (found.rate, -found.valid_from.toordinal()))


def postal_bond_rate_for(*, year: int) -> Decimal:
    """The rate of ``postal_bond_default``, alone."""
    return postal_bond_default(year=year).rate


# --- losses -------------------------------------------------------------------------------------
RESERVE_LINES = {
    CoverageSource.INDIVISIBLE_RESERVE: AllocationKind.INDIVISIBLE_RESERVE,
    CoverageSource.LEGAL_RESERVE: AllocationKind.LEGAL_RESERVE,
}


def reserve_balances(*, coop: Cooperative, year: int) -> dict[str, Decimal]:
    """What the legal and the indivisible reserve hold at the start of ``year`` (two queries).

    Comunitas keeps no ledger of reserves: their balances are derived from the closings of the
    years before, what the approved allocations put in them less what every coverage of a loss
    took from them (a coverage only proposed counts already, so one amount is not promised
    twice). Reserves from years never closed in Comunitas are not known, and there is no free
    (divisible) reserve: no line of the allocation makes one, and a prevalently mutualistic
    cooperative may not divide its reserves (art. 2514 c.1 lett. c c.c.). The community
    reinvestment fund is not counted either: it is the community's, earmarked and spent
    through the cash book (economy/fund)."""
    put_in = dict(
        AllocationLine.objects.filter(
            closing__coop=coop,
            closing__year__lt=year,
            closing__status=ClosingStatus.APPROVED,
            kind__in=list(RESERVE_LINES.values()),
        )
        .values_list("kind")
        .annotate(total=Cents(Sum("amount")))
        .order_by()
    )
    taken = dict(
        LossCoverage.objects.filter(
            closing__coop=coop, closing__year__lt=year, source__in=list(RESERVE_LINES)
        )
        .values_list("source")
        .annotate(total=Cents(Sum("amount")))
        .order_by()
    )
    return {
        source: (put_in.get(kind) or ZERO) - (taken.get(source) or ZERO)
        for source, kind in RESERVE_LINES.items()
    }


def coverage_of(closing: Closing) -> dict[str, Decimal]:
    """The coverage recorded for a closing's loss, by source ({} while none is)."""
    return dict(closing.coverage.values_list("source", "amount"))


def loss_brought_forward_for(*, coop: Cooperative, year: int) -> Decimal:
    """The loss the closings before ``year`` leave uncovered: what the latest of them carries
    forward, whatever its status (a loss not yet approved is a loss all the same); zero when
    none is closed (three queries at most)."""
    before = Closing.objects.filter(coop=coop, year__lt=year).order_by("-year").first()
    if before is None:
        return ZERO
    return rules.carried_forward(
        result=before.result,
        brought_forward=before.loss_brought_forward,
        lines=dict(before.lines.values_list("kind", "amount")),
        coverage=coverage_of(before),
    )


@dataclass(frozen=True)
class Losses:
    """What a closing's page and the API show of losses: the loss brought forward, what this
    closing covers of it or of its own loss and how, what it carries forward, the reserves
    and, for a loss, the coverage proposed."""

    brought_forward: Decimal
    to_cover: Decimal
    covered_by_result: Decimal
    coverage: dict[str, Decimal]
    carried_forward: Decimal
    reserves: dict[str, Decimal]
    proposal: dict[str, Decimal]

    @property
    def impaired(self) -> bool:
        """Capital is impaired while a loss carried forward is left uncovered."""
        return self.carried_forward > 0


def coverage_rows(amounts: dict[str, Decimal]) -> list[dict]:
    """Parts of a coverage (or reserve balances) in the order of ``CoverageSource``, labelled."""
    return [
        {"source": source, "label": str(CoverageSource(source).label), "amount": amounts[source]}
        for source in CoverageSource.values
        if source in amounts
    ]


def losses_of(closing: Closing, lines: dict[str, Decimal] | None = None) -> Losses:
    """The losses of ``closing`` as stored (``lines``: its allocation, when already read)."""
    lines = dict(closing.lines.values_list("kind", "amount")) if lines is None else lines
    coverage = coverage_of(closing)
    to_cover = rules.loss_to_cover(
        result=closing.result, brought_forward=closing.loss_brought_forward
    )
    reserves = reserve_balances(coop=closing.coop, year=closing.year)
    return Losses(
        brought_forward=closing.loss_brought_forward,
        to_cover=to_cover,
        covered_by_result=lines.get(AllocationKind.LOSS_COVERAGE, ZERO),
        coverage=coverage,
        carried_forward=rules.carried_forward(
            result=closing.result,
            brought_forward=closing.loss_brought_forward,
            lines=lines,
            coverage=coverage,
        ),
        reserves=reserves,
        proposal=rules.coverage_propose(loss=to_cover, reserves=reserves) if to_cover else {},
    )


# --- mutual exchange ------------------------------------------------------------------------------
# Income of the default chart that is not revenue from sales and services (item A1): grants,
# donations and other income are item A5, members' fees are no exchange. Every other income
# category, a cooperative's own included, counts as sales.
NOT_SALES = ("grants", "fees", "donations", "other-income")
SOCIAL = (LegalForm.SOCIAL_A, LegalForm.SOCIAL_B, LegalForm.SOCIAL_AB)
STATUTE_FIELDS = {
    MutualExchange.SALES: "mutual_sales",
    MutualExchange.WORK: "mutual_work",
    MutualExchange.SUPPLIES: "mutual_supplies",
}
# The kind of exchange each basis of ristorni measures (art. 2545-sexies: "as in the mutual
# prevalence"): purchases and services used are both sales to members.
BASIS_KIND = {
    RistornoBasis.WORK: MutualExchange.WORK,
    RistornoBasis.PURCHASES: MutualExchange.SALES,
    RistornoBasis.SERVICES: MutualExchange.SALES,
}
KIND_OF = Case(
    When(
        Q(direction=Direction.INCOME, category__flow=Flow.REVENUE)
        & ~Q(category__code__in=NOT_SALES),
        then=Value(MutualExchange.SALES.value),
    ),
    When(
        direction=Direction.EXPENSE,
        category__flow=Flow.WAGES,
        then=Value(MutualExchange.WORK.value),
    ),
    When(
        direction=Direction.EXPENSE,
        category__flow=Flow.PURCHASES,
        then=Value(MutualExchange.SUPPLIES.value),
    ),
    default=Value(""),
    output_field=CharField(),
)
# A movement is an exchange with a member when it names one: directly (a sale to a member, a
# payment to one), through the job it pays, or through its counterparty.
WITH_A_MEMBER = (
    Q(member__isnull=False) | Q(job__member__isnull=False) | Q(counterparty__member__isnull=False)
)


def mutual_exchanges(*, coop: Cooperative, years: Sequence[int]) -> dict[int, dict[str, Exchanges]]:
    """Each year's exchanges of every kind (one query): the cash book's movements net of VAT,
    as the income statement counts them; sales are income of the revenue categories but
    grants, donations, fees and other income (item A1), work is the wages (B9), supplies the
    purchases (B6, B7). Refunds and reversals carry their sign and subtract."""
    found = {
        year: {kind: Exchanges(kind, ZERO, ZERO) for kind in MutualExchange.values}
        for year in years
    }
    if not years:
        return found
    rows = (
        Movement.objects.filter(
            coop=coop,
            on_date__gte=date(min(years), 1, 1),
            on_date__lt=date(max(years) + 1, 1, 1),
        )
        .annotate(
            kind=KIND_OF,
            year=ExtractYear("on_date"),
            mutual=Case(
                When(WITH_A_MEMBER, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .exclude(kind="")
        .values_list("year", "kind", "mutual")
        .annotate(net=Cents(Sum(F("amount") - F("vat"))))
        .order_by()
    )
    for year, kind, mutual, net in rows:
        if year not in found or net is None:
            continue
        was = found[year][kind]
        found[year][kind] = Exchanges(
            kind, was.with_members + (net if mutual else ZERO), was.total + net
        )
    return found


def statute_for(statutes: Sequence[StatuteParameters], year: int) -> StatuteParameters | None:
    """Of the statute versions (oldest first), the one in force at the end of ``year``, or the
    first one for a year before any."""
    end = date(year, 12, 31)
    in_force = [s for s in statutes if s.valid_from <= end]
    return in_force[-1] if in_force else (statutes[0] if statutes else None)


def statute_kinds(statute: StatuteParameters | None) -> tuple[str, ...]:
    """The kinds of mutual exchange the statute names (members' work, the default, when there
    is no statute), in the law's order."""
    if statute is None:
        return (MutualExchange.WORK.value,)
    kinds = tuple(kind.value for kind, name in STATUTE_FIELDS.items() if getattr(statute, name))
    return kinds or (MutualExchange.WORK.value,)


def _statutes(coop: Cooperative) -> list[StatuteParameters]:
    return list(StatuteParameters.objects.filter(coop=coop).order_by("valid_from"))


def kinds_label(kinds: Sequence[str]) -> str:
    """The kinds in words, for messages: "members' work (labour cost, item B9)"."""
    labels = [str(MutualExchange(kind).label) for kind in kinds]
    labels = [label[0].lower() + label[1:] for label in labels]
    if len(labels) == 1:
        return labels[0]
    return _("%(kinds)s together (their weighted mean)") % {"kinds": " + ".join(labels)}


def prevalence_of(*, coop: Cooperative, year: int) -> Prevalence:
    """The mutual prevalence of ``year`` by the statute's kinds of exchange in force at its end,
    with the year before for art. 2545-octies (two queries)."""
    statutes = _statutes(coop)
    found = mutual_exchanges(coop=coop, years=[year - 1, year])
    before = [found[year - 1][k] for k in statute_kinds(statute_for(statutes, year - 1))]
    return mutual_prevalence(
        year=year,
        exchanges=[found[year][k] for k in statute_kinds(statute_for(statutes, year))],
        social=coop.legal_form in SOCIAL,
        previous=is_prevalent(before),
    )


def prevalence_rows(prevalence: Prevalence) -> list[dict]:
    """Each kind of the prevalence with its label and the amounts the law counts."""
    rows = []
    for exchange in prevalence.exchanges:
        members, total = exchange.counted()
        rows.append(
            {
                "kind": exchange.kind,
                "label": str(MutualExchange(exchange.kind).label),
                "with_members": members,
                "total": total,
                "percent": exchange.percent,
            }
        )
    return rows


@dataclass(frozen=True)
class Ceiling:
    """The ceiling of a closing's ristorni and what it is measured on: the basis of its
    ristorni ("" before one is chosen: the statute's kinds)."""

    basis: str
    kinds: tuple[str, ...]
    share: MutualShare
    result: Decimal

    @property
    def amount(self) -> Decimal:
        return self.share.ceiling(self.result)

    @property
    def explained(self) -> str:
        return self.share.explain(self.result)


def ristorni_ceiling(*, closing: Closing, basis: str | None = None) -> Ceiling:
    """What art. 2545-sexies lets ``closing`` give to ristorni: measured on ``basis``, or on the
    basis of its ristorni once computed, or else on the statute's kinds of exchange."""
    if basis is None:
        plan = ristorno_plan(closing=closing)
        basis = plan.basis if plan is not None else ""
    if basis:
        kinds: tuple[str, ...] = (BASIS_KIND[RistornoBasis(basis)].value,)
    else:
        kinds = statute_kinds(statute_for(_statutes(closing.coop), closing.year))
    found = mutual_exchanges(coop=closing.coop, years=[closing.year])[closing.year]
    members, total = pooled([found[kind] for kind in kinds])
    share = MutualShare(label=kinds_label(kinds), with_members=members, total=total)
    return Ceiling(basis=basis, kinds=kinds, share=share, result=closing.result)
