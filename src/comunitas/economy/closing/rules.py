"""The legal allocation of a year's result (DOMAIN.md §2), as pure functions in exact cents,
and the mutual prevalence of a year (arts. 2512-2513 c.c.) that the ceiling of ristorni shares.

Order: legal reserve (art. 2545-quater c.c., at least 30%), fondi mutualistici (L. 59/1992
art. 11 c.4, exactly 3%), ristorni (art. 2545-sexies, at most the part of the result made with
members), the coverage of losses carried forward from earlier years, dividends (within the art.
2514 cap, none while a loss carried forward is left uncovered), then the rest split between the
community reinvestment fund and the indivisible reserve (art. 2545-ter), which takes the last
cent so the lines always add up to the result.

A loss allocates nothing: the assembly covers it (and any loss brought forward) from the
reserves, the legal reserve last, or carries it forward (``coverage_propose``,
``coverage_check``, ``carried_forward``; the reasons in ``LossPosition``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from math import floor

from django.utils.translation import gettext as _

from comunitas.core.errors import ValidationError
from comunitas.core.formatting import euro
from comunitas.core.kernel.money import CENT, HUNDRED, MAX_MONEY, ZERO, money, percent
from comunitas.economy.models import AllocationKind, CoverageSource

LEGAL_RESERVE_MIN = Decimal(30)  # art. 2545-quater c.c.
MUTUAL_FUNDS_PERCENT = Decimal(3)  # L. 59/1992 art. 11 c.4
DIVIDEND_SPREAD = Decimal("2.5")  # art. 2514 c.c.: buoni postali rate + 2.5 points


def dividend_cap(*, paid_in_capital: Decimal, postal_bond_rate: Decimal) -> Decimal:
    """Art. 2514 c.c.: dividends of a prevalently mutualistic cooperative are at most the
    buoni postali rate plus 2.5 points of the paid-in capital; rounded down, so never over."""
    cap = paid_in_capital * (postal_bond_rate + DIVIDEND_SPREAD) / HUNDRED
    return max(cap.quantize(CENT, rounding=ROUND_FLOOR), ZERO)


def legal_minima(*, result: Decimal) -> dict[AllocationKind, Decimal]:
    """What the law sets aside at least, for the form that shows them."""
    if result <= 0:
        return {}
    return {
        AllocationKind.LEGAL_RESERVE: _share_up(result, LEGAL_RESERVE_MIN),
        AllocationKind.MUTUAL_FUNDS: _mutual_funds(result),
    }


def _share_up(result: Decimal, rate: Decimal) -> Decimal:
    # Rounded up: rounding a reserve down would put it a fraction of a cent under the minimum.
    return (result * rate / HUNDRED).quantize(CENT, rounding=ROUND_CEILING)


def _mutual_funds(result: Decimal) -> Decimal:
    return (result * MUTUAL_FUNDS_PERCENT / HUNDRED).quantize(CENT, rounding=ROUND_HALF_EVEN)


# --- mutual exchange: prevalence (arts. 2512-2513) and the ceiling of ristorni (art. 2545-sexies)
@dataclass(frozen=True)
class Exchanges:
    """One kind of mutual exchange in a year (a ``MutualExchange`` value, or a ristorno basis):
    the net amounts exchanged with members and in all, as the cash book gives them."""

    kind: str
    with_members: Decimal
    total: Decimal

    def counted(self) -> tuple[Decimal, Decimal]:
        """(with members, all) as the law counts them: a net refund is no exchange, and the
        members' part is never more than the whole (refunds to others cannot raise it)."""
        total = max(self.total, ZERO)
        return min(max(self.with_members, ZERO), total), total

    @property
    def percent(self) -> Decimal | None:
        return share_percent(*self.counted())


def share_percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part`` as a percentage of ``whole``, rounded down to two decimals (never shown over
    what it is); None when there is no whole."""
    if whole <= 0:
        return None
    return (part * HUNDRED / whole).quantize(CENT, rounding=ROUND_FLOOR)


def pooled(exchanges: Sequence[Exchanges]) -> tuple[Decimal, Decimal]:
    """(with members, all) of several kinds together: the weighted mean of art. 2513 c.2 is
    Σ with members ÷ Σ all, each kind weighing as much as its amount."""
    counted = [e.counted() for e in exchanges]
    return sum((m for m, _t in counted), ZERO), sum((t for _m, t in counted), ZERO)


@dataclass(frozen=True)
class Prevalence:
    """The mutual prevalence of a year. ``prevalent`` is what the figures say (None: no
    exchange of the statute's kinds is recorded); ``by_law`` holds for social cooperatives
    (art. 111-septies disp. att. c.c.); ``lost`` when neither this year nor the one before
    was prevalent (art. 2545-octies c.c.)."""

    year: int
    exchanges: tuple[Exchanges, ...]
    with_members: Decimal
    total: Decimal
    percent: Decimal | None
    prevalent: bool | None
    by_law: bool
    previous: bool | None
    lost: bool

    @property
    def holds(self) -> bool:
        return self.by_law or self.prevalent is True


def is_prevalent(exchanges: Sequence[Exchanges]) -> bool | None:
    """Art. 2513 c.c.: more than half of the exchanges of the statute's kinds are with
    members (exactly half is not more); None when none is recorded."""
    members, total = pooled(exchanges)
    return None if total <= 0 else members * 2 > total


def mutual_prevalence(
    *, year: int, exchanges: Sequence[Exchanges], social: bool, previous: bool | None
) -> Prevalence:
    """The prevalence of ``year`` from its exchanges of the statute's kinds, knowing whether
    the year before was prevalent by its figures (``previous``, None when not known)."""
    members, total = pooled(exchanges)
    prevalent = is_prevalent(exchanges)
    return Prevalence(
        year=year,
        exchanges=tuple(exchanges),
        with_members=members,
        total=total,
        percent=share_percent(members, total),
        prevalent=prevalent,
        by_law=social,
        previous=previous,
        lost=not social and prevalent is False and previous is False,
    )


@dataclass(frozen=True)
class MutualShare:
    """What the ceiling of ristorni is measured on: the exchanges with members and all the
    exchanges of the basis (``label`` names it in messages) in the closing's year."""

    label: str
    with_members: Decimal
    total: Decimal

    def ceiling(self, result: Decimal) -> Decimal:
        """Art. 2545-sexies c.c.: the part of the result made with members, the result times
        the exchanges with members divided by all, exact and rounded down to the cent."""
        members, total = Exchanges("", self.with_members, self.total).counted()
        if result <= 0 or total <= 0:
            return ZERO
        cents = floor(Fraction(result) * Fraction(members) * 100 / Fraction(total))
        return Decimal(cents) * CENT

    def explain(self, result: Decimal) -> str:
        """The computation, in words and figures, for the message and the page."""
        if result <= 0:
            return _("A loss or a break-even allocates nothing.")
        if self.total <= 0:
            return _(
                "Ristorni can be at most %(ceiling)s (art. 2545-sexies c.c.): the cash book "
                "records no exchange of %(basis)s in the year, so no part of the result is "
                "made with members."
            ) % {"ceiling": euro(ZERO), "basis": self.label}
        members, total = Exchanges("", self.with_members, self.total).counted()
        return _(
            "Ristorni can be at most %(ceiling)s (art. 2545-sexies c.c.), the part of the "
            "result made with members: result %(result)s × %(members)s exchanged with members "  # noqa: RUF001
            "÷ %(total)s of all exchanges of %(basis)s."
        ) % {
            "ceiling": euro(self.ceiling(result)),
            "result": euro(result),
            "members": euro(members),
            "total": euro(total),
            "basis": self.label,
        }


# --- losses: their coverage, the loss carried forward and impaired capital ----------------------
COVERAGE_ORDER = (CoverageSource.INDIVISIBLE_RESERVE, CoverageSource.LEGAL_RESERVE)


@dataclass(frozen=True)
class LossPosition:
    """The loss brought forward into a closing with a profit and what that profit covers of it.

    The profit covers it after the legal reserve, the fondi mutualistici and the ristorni, and
    before dividends and the rest. The reserves are computed on the whole net profit of the
    year, not on what is left once the losses are covered: art. 2545-quater c.c. and L. 59/1992
    art. 11 speak of "utili netti annuali", the year's result. (The Ministry's circulars on the
    3%, n. 12/1995 and 96/1998, as reported, exempt the part of a profit that covers earlier
    losses when no reserve of any kind is left to cover them; Comunitas pays the 3% on the whole
    profit, which is never less than what is owed.) Ristorni come before the coverage because
    they return to members the surplus of their own exchanges in the year (art. 2545-sexies);
    paid as new shares they keep the money in the cooperative.

    While some of the loss is left uncovered the capital is impaired and no dividend is paid
    (art. 2433 c.3 c.c., applied to cooperatives by art. 2519); nor are ristorni paid in cash,
    which would take money out of the cooperative in the same way."""

    DIVIDENDS = "dividends"
    CASH_RISTORNI = "cash_ristorni"

    brought_forward: Decimal
    covered: Decimal

    @property
    def left(self) -> Decimal:
        return self.brought_forward - self.covered

    @property
    def impaired(self) -> bool:
        return self.left > 0

    def refusal(self, what: str) -> str:
        """Why ``what`` (DIVIDENDS or CASH_RISTORNI) is refused, with the rule and the figures."""
        figures = {
            "brought": euro(self.brought_forward),
            "covered": euro(self.covered),
            "left": euro(self.left),
        }
        if what == self.DIVIDENDS:
            message = _(
                "No dividends while capital is impaired (art. 2433 c.3 c.c., applied to "
                "cooperatives by art. 2519): a loss of %(brought)s is carried forward from "
                "earlier years, this year's profit covers %(covered)s of it after the reserves "
                "and the ristorni, and %(left)s is still not covered."
            )
        else:
            message = _(
                "No ristorni in cash while capital is impaired (the rule of art. 2433 c.3 c.c., "
                "applied to cooperatives by art. 2519): a loss of %(brought)s is carried forward "
                "from earlier years, this year's profit covers %(covered)s of it after the "
                "reserves and the ristorni, and %(left)s is still not covered. Pay the ristorni "
                "as new shares (100%%) or give them less."
            )
        return message % figures


def loss_to_cover(*, result: Decimal, brought_forward: Decimal) -> Decimal:
    """The loss the coverage of a closing decides: the year's loss and the loss brought
    forward; zero for a profit, which covers what it can through its allocation."""
    if result > 0:
        return ZERO
    return -result + brought_forward


def coverage_propose(*, loss: Decimal, reserves: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """The coverage proposed to the assembly: the indivisible reserve first, the legal reserve
    last, as far as each holds, the rest carried forward. Art. 2545-ter c.2 c.c. lets the
    indivisible reserves cover losses only once the reserves meant for capital increases or
    divisible among members are used up; Comunitas records none (see ``reserve_balances``), so
    the order is indivisible, legal, carried forward. Adds up to ``loss`` to the cent."""
    proposal: dict[str, Decimal] = {}
    left = loss
    for source in COVERAGE_ORDER:
        take = min(left, max(reserves.get(source, ZERO), ZERO))
        proposal[source] = take
        left -= take
    proposal[CoverageSource.CARRIED_FORWARD] = left
    return proposal


def coverage_check(
    *,
    result: Decimal,
    brought_forward: Decimal,
    chosen: Mapping[str, object],
    reserves: Mapping[str, Decimal],
) -> dict[str, Decimal]:
    """The coverage the assembly chose, each part in exact cents: refused (``ValidationError``
    on the part) when a reserve is asked for more than it holds, or when the parts do not add
    up to the loss to cover to the cent (on ``carried_forward``)."""
    amounts = {
        source: money(chosen.get(source) or ZERO, field=source) for source in CoverageSource.values
    }
    for source in COVERAGE_ORDER:
        held = max(reserves.get(source, ZERO), ZERO)
        if amounts[source] > held:
            raise ValidationError(
                _("%(reserve)s holds %(held)s: it cannot cover %(amount)s.")
                % {
                    "reserve": CoverageSource(source).label,
                    "held": euro(held),
                    "amount": euro(amounts[source]),
                },
                field=source,
            )
    loss = loss_to_cover(result=result, brought_forward=brought_forward)
    total = sum(amounts.values(), ZERO)
    if total != loss:
        raise ValidationError(
            _(
                "The coverage adds up to %(total)s, but the loss to cover is %(loss)s (the "
                "year's %(year)s and %(brought)s brought forward): the reserves used and the "
                "part carried forward must add up to it to the cent."
            )
            % {
                "total": euro(total),
                "loss": euro(loss),
                "year": euro(max(-result, ZERO)),
                "brought": euro(brought_forward),
            },
            field=CoverageSource.CARRIED_FORWARD.value,
        )
    return amounts


def carried_forward(
    *,
    result: Decimal,
    brought_forward: Decimal,
    lines: Mapping[str, Decimal],
    coverage: Mapping[str, Decimal],
) -> Decimal:
    """The loss a closing leaves to the next years: for a profit, what its allocation does not
    cover of the loss brought forward; for a loss or a break-even, the part its coverage carries
    forward, or the whole loss to cover while no coverage is recorded."""
    if result > 0:
        return brought_forward - lines.get(AllocationKind.LOSS_COVERAGE, ZERO)
    if not coverage:
        return loss_to_cover(result=result, brought_forward=brought_forward)
    return coverage.get(CoverageSource.CARRIED_FORWARD, ZERO)


def allocation_compute(
    *,
    result: Decimal,
    legal_reserve_percent: Decimal = LEGAL_RESERVE_MIN,
    ristorni: Decimal = ZERO,
    dividends: Decimal = ZERO,
    dividend_cap: Decimal,
    mutual_share: MutualShare,
    reinvestment_percent: Decimal,
    loss_brought_forward: Decimal = ZERO,
    ristorni_shares_percent: Decimal | None = None,
) -> dict[AllocationKind, Decimal]:
    """The lines of the allocation of ``result`` (every kind, zeros included; the coverage of
    losses only when a loss is brought forward), adding up to the result to the cent; ``{}``
    for a loss or a break-even, which allocate nothing. Ristorni are at most
    ``mutual_share``'s ceiling (art. 2545-sexies c.c.). What the reserves and ristorni leave
    first covers ``loss_brought_forward``; while some of it is left uncovered, dividends and
    ristorni paid in cash (``ristorni_shares_percent`` under 100; None: not decided yet) are
    refused (``LossPosition``). Every rule broken raises ``ValidationError`` naming the
    parameter."""
    result = money(result, field="result", low=-MAX_MONEY)
    if result <= 0:
        return {}
    legal_percent = percent(
        legal_reserve_percent, field="legal_reserve_percent", low=LEGAL_RESERVE_MIN
    )
    reinvest_percent = percent(reinvestment_percent, field="reinvestment_percent")
    ristorni = money(ristorni, field="ristorni", low=-MAX_MONEY)
    dividends = money(dividends, field="dividends", low=-MAX_MONEY)
    cap = money(dividend_cap, field="dividend_cap", low=-MAX_MONEY)
    brought = money(loss_brought_forward, field="loss_brought_forward")
    legal = _share_up(result, legal_percent)
    mutual = _mutual_funds(result)
    left = result - legal - mutual
    if left < 0:
        raise ValidationError(
            _("With the fondi mutualistici this legal reserve is more than the result."),
            field="legal_reserve_percent",
        )
    _check_ristorni(ristorni, left=left, ceiling=mutual_share, result=result)
    position = LossPosition(brought_forward=brought, covered=min(brought, left - ristorni))
    cash = ristorni_shares_percent is not None and ristorni_shares_percent < HUNDRED
    if position.impaired and ristorni > 0 and cash:
        raise ValidationError(position.refusal(LossPosition.CASH_RISTORNI), field="ristorni")
    _check_dividends(dividends, cap=cap, left=left, ristorni=ristorni, loss=position)
    rest = left - ristorni - position.covered - dividends
    reinvestment = (rest * reinvest_percent / HUNDRED).quantize(CENT, rounding=ROUND_FLOOR)
    lines = {
        AllocationKind.LEGAL_RESERVE: legal,
        AllocationKind.MUTUAL_FUNDS: mutual,
        AllocationKind.RISTORNI: ristorni,
        AllocationKind.DIVIDENDS: dividends,
        AllocationKind.REINVESTMENT_FUND: reinvestment,
        AllocationKind.INDIVISIBLE_RESERVE: rest - reinvestment,  # the last cent, explicitly
    }
    if brought > 0:
        lines[AllocationKind.LOSS_COVERAGE] = position.covered
    return lines


def _check_ristorni(
    ristorni: Decimal, *, left: Decimal, ceiling: MutualShare, result: Decimal
) -> None:
    if ristorni < 0:
        raise ValidationError(_("Ristorni cannot be negative."), field="ristorni")
    if ristorni > ceiling.ceiling(result):
        raise ValidationError(ceiling.explain(result), field="ristorni")
    if ristorni > left:
        raise ValidationError(
            _("Ristorni can be at most %(left)s, what the reserves leave.") % {"left": left},
            field="ristorni",
        )


def _check_dividends(
    dividends: Decimal, *, cap: Decimal, left: Decimal, ristorni: Decimal, loss: LossPosition
) -> None:
    """Dividends: not negative, none while capital is impaired, within the art. 2514 cap, and
    within what the reserves (``left``), the ristorni and the coverage of losses leave."""
    if dividends < 0:
        raise ValidationError(_("Dividends cannot be negative."), field="dividends")
    if dividends > 0 and loss.impaired:  # before the cap: no dividend at all, whatever the cap
        raise ValidationError(loss.refusal(LossPosition.DIVIDENDS), field="dividends")
    if dividends > cap:
        raise ValidationError(
            _("Dividends are capped at %(cap)s by art. 2514 c.c.") % {"cap": cap},
            field="dividends",
        )
    room = left - ristorni - loss.covered
    if dividends > room:
        if loss.covered > 0:
            message = _(
                "Ristorni, the coverage of the losses carried forward and dividends together "
                "can be at most %(left)s: dividends at most %(room)s."
            )
        else:
            message = _("Ristorni and dividends together can be at most %(left)s.")
        raise ValidationError(
            message % {"left": left, "room": room},
            field="dividends",
        )


def allocation_parameters(lines: dict[str, Decimal], *, result: Decimal) -> dict[str, Decimal]:
    """The parameters that give back stored lines (the form's starting values): the legal
    reserve's percentage and the reinvestment share of the rest, to two decimals."""
    if result <= 0 or not lines:
        return {}
    get = lambda kind: lines.get(kind, ZERO)  # noqa: E731
    legal_percent = max(
        (get(AllocationKind.LEGAL_RESERVE) * HUNDRED / result).quantize(CENT, ROUND_FLOOR),
        LEGAL_RESERVE_MIN,
    )
    rest = get(AllocationKind.REINVESTMENT_FUND) + get(AllocationKind.INDIVISIBLE_RESERVE)
    reinvest = (
        (get(AllocationKind.REINVESTMENT_FUND) * HUNDRED / rest).quantize(CENT, ROUND_CEILING)
        if rest
        else ZERO
    )
    return {
        "legal_reserve_percent": legal_percent,
        "ristorni": get(AllocationKind.RISTORNI),
        "dividends": get(AllocationKind.DIVIDENDS),
        "reinvestment_percent": min(reinvest, HUNDRED),
    }
