"""Numbers as people read them, in the active language."""

from __future__ import annotations

from decimal import Decimal

from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _


def euro(value) -> str:
    """Money in the page's language: '1.234,56 €' in Italian, '€1,234.56' in English."""
    if value in (None, ""):
        return ""
    amount = formats.number_format(Decimal(value), 2, use_l10n=True, force_grouping=True)
    if get_language() != "en":
        return f"{amount}\u00a0€"
    # The sign goes before the currency in English: "-€2,500.00", not "€-2,500.00".
    return f"-€{amount[1:]}" if amount.startswith("-") else f"€{amount}"


def short_name(user) -> str:
    """First name and the initial of the last name, to other people with a role."""
    if user is None:
        return _("a former participant")
    first, last = user.first_name.strip(), user.last_name.strip()
    if not first:
        return _("a participant")
    return f"{first} {last[0]}." if last else first
