"""Small helpers of the synthetic books: amounts to the cent and their VAT, the months and weeks
of a year (when takings are banked) and a total spread over periods."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

from comunitas.core.kernel.money import CENT


def money(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


def vat(amount: Decimal, rate: int) -> Decimal:
    if not rate:
        return Decimal("0.00")
    return (amount * rate / (100 + rate)).quantize(CENT)


def months(year: int) -> Iterator[tuple[int, date]]:
    """(month, its last day): when a small stream's takings are banked."""
    for month in range(1, 13):
        yield month, date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)


def weeks(year: int) -> Iterator[tuple[int, date]]:
    """(number of the week in the year, the day its takings are banked: its Sunday, or the
    31st of December for the last days of the year)."""
    day = date(year, 1, 1)
    day += timedelta(days=6 - day.weekday())  # the first Sunday
    number = 0
    while day.year == year:
        number += 1
        yield number, day
        day += timedelta(days=7)
    if date(year, 12, 31).weekday() != 6:
        yield number + 1, date(year, 12, 31)


def spread(total: int, weights: list[float], rng: random.Random) -> list[int]:
    """``total`` split over ``weights`` with some noise, adding up exactly."""
    noisy = [w * rng.uniform(0.85, 1.15) for w in weights]
    scale = sum(noisy)
    if total <= 0 or scale <= 0:
        return [0] * len(weights)
    parts = [int(total * w / scale) for w in noisy]
    order = sorted(range(len(weights)), key=lambda i: -(total * noisy[i] / scale - parts[i]))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts
