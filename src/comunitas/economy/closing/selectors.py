"""Reads of the annual closings: the list (approved ones are public, drafts and proposals the
operators'), a closing with its allocation, its ristorni, one member's own ristorni and the
motions that may approve a closing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

from django.db.models import Prefetch, QuerySet, Sum
from django.utils.translation import gettext as _

from comunitas.core.errors import ValidationError
from comunitas.core.kernel.money import CENT
from comunitas.core.kernel.types import user_of
from comunitas.core.models import Cooperative
from comunitas.core.permissions import Action, can
from comunitas.decisions.models import Motion, MotionStatus
from comunitas.economy.models import (
    AllocationKind,
    AllocationLine,
    Closing,
    ClosingStatus,
    PostalBondRate,
    Ristorno,
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


def postal_bond_rate_for(*, year: int) -> Decimal:
    """The buoni postali fruttiferi rate for the dividend cap of ``year``: the mean of the
    rates in force during the calendar year, each weighted by the days it was in force, to two
    decimals (half-even). Days before the first known rate do not count.

    To check: art. 2514 speaks of "the maximum rate of the buoni postali fruttiferi"; whether
    that is the rate in force at the closing, the highest of the year or a mean is read
    differently by the cooperative associations' circulars. That is why a closing stores the
    rate it used and the board may change it before proposing the closing."""
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    rows = list(
        PostalBondRate.objects.filter(valid_from__lt=end)
        .order_by("valid_from")
        .values_list("valid_from", "rate")
    )
    weighted, days = Decimal(0), 0
    for i, (valid_from, rate) in enumerate(rows):
        until = rows[i + 1][0] if i + 1 < len(rows) else end
        span = (min(until, end) - max(valid_from, start)).days
        if span > 0:
            weighted += rate * span
            days += span
    if days == 0:
        raise ValidationError(
            _("No buoni postali rate is known for %(year)s: enter the rate used.") % {"year": year},
            field="postal_bond_rate",
        )
    return (weighted / days).quantize(CENT, rounding=ROUND_HALF_EVEN)
