"""The default chart of accounts for a community cooperative, installed on first use.

A short chart on purpose: the board reads it, the accountant keeps the full plan of accounts.
Each line says where its money goes in the money-flow diagram (``Flow``)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from comunitas.core.models import Cooperative
from comunitas.economy.models import Category, Direction, Flow

# (code, name, direction, flow); the codes are stable: imports and the API name categories by them.
DEFAULT_CHART = (
    ("services", _("Services and tickets"), Direction.INCOME, Flow.REVENUE),
    ("products", _("Sales of products"), Direction.INCOME, Flow.REVENUE),
    ("grants", _("Grants and public contributions"), Direction.INCOME, Flow.REVENUE),
    ("fees", _("Membership fees"), Direction.INCOME, Flow.REVENUE),
    ("donations", _("Donations and crowdfunding"), Direction.INCOME, Flow.REVENUE),
    ("other-income", _("Other income"), Direction.INCOME, Flow.REVENUE),
    ("staff", _("Staff"), Direction.EXPENSE, Flow.WAGES),
    ("suppliers", _("Suppliers"), Direction.EXPENSE, Flow.PURCHASES),
    ("rent", _("Rent and utilities"), Direction.EXPENSE, Flow.PURCHASES),
    ("maintenance", _("Maintenance"), Direction.EXPENSE, Flow.PURCHASES),
    ("insurance", _("Insurance"), Direction.EXPENSE, Flow.OTHER),
    ("taxes", _("Taxes"), Direction.EXPENSE, Flow.OTHER),
    ("other", _("Other costs"), Direction.EXPENSE, Flow.OTHER),
)


def chart_ensure(*, coop: Cooperative) -> dict[str, Category]:
    """The cooperative's categories by code, installing the default chart the first time.

    The names are stored in the language active at installation (Italian in production): a
    category is the cooperative's own from then on and may be renamed."""
    categories = {c.code: c for c in Category.objects.filter(coop=coop)}
    if categories:
        return categories
    try:
        with transaction.atomic():
            Category.objects.bulk_create(
                Category(coop=coop, code=code, name=str(name), direction=d, flow=f, position=i)
                for i, (code, name, d, f) in enumerate(DEFAULT_CHART)
            )
    except IntegrityError:
        pass  # a concurrent request installed it first
    return {c.code: c for c in Category.objects.filter(coop=coop)}
