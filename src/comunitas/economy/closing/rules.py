"""The legal allocation of a year's result (DOMAIN.md §2), as pure functions in exact cents.

Order: legal reserve (art. 2545-quater c.c., at least 30%), fondi mutualistici (L. 59/1992
art. 11 c.4, exactly 3%), ristorni (art. 2545-sexies), dividends (within the art. 2514 cap),
then the rest split between the community reinvestment fund and the indivisible reserve
(art. 2545-ter), which takes the last cent so the lines always add up to the result.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal

from django.utils.translation import gettext as _

from comunitas.core.errors import ValidationError
from comunitas.core.kernel.money import CENT, HUNDRED, MAX_MONEY, ZERO, money, percent
from comunitas.economy.models import AllocationKind

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


def allocation_compute(
    *,
    result: Decimal,
    legal_reserve_percent: Decimal = LEGAL_RESERVE_MIN,
    ristorni: Decimal = ZERO,
    dividends: Decimal = ZERO,
    dividend_cap: Decimal,
    reinvestment_percent: Decimal,
) -> dict[AllocationKind, Decimal]:
    """The six lines of the allocation of ``result`` (every kind, zeros included), adding up
    to the result to the cent; ``{}`` for a loss or a break-even, which allocate nothing.
    Every rule broken raises ``ValidationError`` naming the parameter."""
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
    legal = _share_up(result, legal_percent)
    mutual = _mutual_funds(result)
    left = result - legal - mutual
    if left < 0:
        raise ValidationError(
            _("With the fondi mutualistici this legal reserve is more than the result."),
            field="legal_reserve_percent",
        )
    if ristorni < 0:
        raise ValidationError(_("Ristorni cannot be negative."), field="ristorni")
    if dividends < 0:
        raise ValidationError(_("Dividends cannot be negative."), field="dividends")
    if dividends > cap:
        raise ValidationError(
            _("Dividends are capped at %(cap)s by art. 2514 c.c.") % {"cap": cap},
            field="dividends",
        )
    if ristorni > left:
        raise ValidationError(
            _("Ristorni can be at most %(left)s, what the reserves leave.") % {"left": left},
            field="ristorni",
        )
    if ristorni + dividends > left:
        raise ValidationError(
            _("Ristorni and dividends together can be at most %(left)s.") % {"left": left},
            field="dividends",
        )
    rest = left - ristorni - dividends
    reinvestment = (rest * reinvest_percent / HUNDRED).quantize(CENT, rounding=ROUND_FLOOR)
    return {
        AllocationKind.LEGAL_RESERVE: legal,
        AllocationKind.MUTUAL_FUNDS: mutual,
        AllocationKind.RISTORNI: ristorni,
        AllocationKind.DIVIDENDS: dividends,
        AllocationKind.REINVESTMENT_FUND: reinvestment,
        AllocationKind.INDIVISIBLE_RESERVE: rest - reinvestment,  # the last cent, explicitly
    }


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
