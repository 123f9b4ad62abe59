"""Money in exact cents: the constants every app uses, the one parser of amounts in euros and
the one of percentages.

Amounts are ``Decimal`` end to end (never floats), stored in ``DecimalField(max_digits=14,
decimal_places=2)``; rounding happens only at a documented step, with ``ROUND_HALF_EVEN``
unless the rule says otherwise (ARCHITECTURE.md, "Data rules")."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from comunitas.core.errors import ValidationError

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
MAX_MONEY = Decimal("999999999999.99")  # the largest amount a DecimalField(14, 2) holds

_SPACES_AND_CURRENCY = re.compile(r"[\s\u00a0€]|EUR", re.IGNORECASE)
_ITALIAN_THOUSANDS = re.compile(r"-?\d{1,3}(\.\d{3})+")  # 1.000 or 12.500.000: no decimals


def parse_euros(value: Any) -> Decimal | None:
    """An amount as people and spreadsheets write it: ``1234.5``, ``1.234,50``, ``1,234.50``,
    ``€ 25,00``, ``-12,5``, ``1.000`` (Italian thousands), or a number from a spreadsheet cell.

    None when blank; ``ValueError`` when it is not an amount. The result is not rounded: whether
    more than two decimals is an error is for ``money`` (or the caller) to say."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(str(value))
    if isinstance(value, int | float | Decimal):
        amount = Decimal(str(value))
    else:
        text = _SPACES_AND_CURRENCY.sub("", str(value)).removeprefix("+")
        if not text:
            return None
        if "," in text and "." in text:  # the separator written last is the decimal one
            thousands = "." if text.rfind(",") > text.rfind(".") else ","
            text = text.replace(thousands, "").replace(",", ".")
        elif "," in text:
            if text.count(",") > 1:
                raise ValueError(text)
            text = text.replace(",", ".")
        elif _ITALIAN_THOUSANDS.fullmatch(text):
            text = text.replace(".", "")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueError(text) from None
    if not amount.is_finite():
        raise ValueError(str(value))
    return amount


def money(
    value: Any,
    *,
    field: str,
    low: Decimal = ZERO,
    high: Decimal = MAX_MONEY,
    required: bool = True,
    below: str | None = None,
) -> Decimal:
    """An amount in euros to the cent, from ``low`` to ``high``, or a ``ValidationError`` on
    ``field``. ``low=CENT`` asks for more than zero, ``low=-MAX_MONEY`` allows a signed amount;
    ``below`` words the error of an amount under ``low`` (e.g. "A price cannot be negative.").
    An empty value is zero when not ``required``."""
    if value in (None, "") and not required:
        return ZERO
    try:  # a plain number: the Italian forms of parse_euros are for files people wrote
        amount = Decimal(str(value) if isinstance(value, float) else value)
    except (InvalidOperation, TypeError, ValueError):
        amount = None
    if amount is None or not amount.is_finite():
        raise ValidationError(_("Give an amount in euros."), field=field)
    if amount < low:
        if below is None:
            below = (
                _("Give an amount in euros, more than zero.")
                if low > 0
                else _("Give zero or more.")
                if low == 0
                else _("Give an amount in euros.")
            )
        raise ValidationError(below, field=field)
    if amount > high:
        more = _("Give an amount in euros, more than zero.") if low > 0 else None
        raise ValidationError(more or _("Give an amount in euros."), field=field)
    if amount != amount.quantize(CENT):
        raise ValidationError(_("Give the amount to the cent."), field=field)
    return amount.quantize(CENT)


def percent(value: Any, *, field: str, low: Decimal = ZERO, high: Decimal = HUNDRED) -> Decimal:
    """A percentage to two decimals, from ``low`` to ``high`` (``12,5`` and ``12.5%`` read too),
    or a ``ValidationError`` on ``field``."""
    try:
        if isinstance(value, str):
            value = value.strip().removesuffix("%").strip().replace(",", ".")
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError(_("Give a percentage."), field=field) from None
    if not number.is_finite() or not low <= number <= high:
        raise ValidationError(
            _("Give a percentage from %(low)s to %(high)s.") % {"low": low, "high": high},
            field=field,
        )
    if number != number.quantize(CENT):
        raise ValidationError(_("Give the percentage to two decimals."), field=field)
    return number.quantize(CENT)
