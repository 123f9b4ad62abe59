"""The cash book's rows of the permission matrix (tests/core/coops/test_permissions.py), and the
helpers every cash-book test uses to build the minimum through the services.

``ids`` makes, in "alpha": ``cash_movement_id``, an expense entered by hand (reversing it
succeeds), and ``cash_counterparty_id``, a supplier. A category of the coop's own with the fixed
id ``CATEGORY_ID`` lets the new-movement form's body name it. Posting the import page without a
file shows the form again (200) and the API answers 422: what matters here is who gets that far.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone

from comunitas.core.permissions import Action
from comunitas.economy.cashbook import services
from comunitas.economy.cashbook.chart import chart_ensure
from comunitas.economy.models import Category, Closing, ClosingStatus

PATH_IDS = ["cash_movement_id", "cash_counterparty_id"]
CATEGORY_ID = 954_001


def expense(coop, actor=None, amount="100.00", on_date=None, **fields):
    """An expense to suppliers entered by hand, dated today unless told."""
    values = {
        "on_date": on_date or timezone.localdate(),
        "category": "suppliers",
        "amount": amount,
        "description": "Legna per la stufa",
        **fields,
    }
    return services.movement_create(actor=actor, coop=coop, **values)


def income(coop, actor=None, amount="50.00", on_date=None, **fields):
    values = {
        "on_date": on_date or timezone.localdate(),
        "category": "grants",
        "amount": amount,
        **fields,
    }
    return services.movement_create(actor=actor, coop=coop, **values)


def freeze(coop, year: int, status: str = ClosingStatus.PROPOSED) -> Closing:
    """A closing of ``year`` proposed to the assembly: the year is frozen."""
    return Closing.objects.create(
        coop=coop,
        year=year,
        result_source="cash_book",
        result=Decimal("0.00"),
        status=status,
        postal_bond_rate=Decimal("2.00"),
        paid_in_capital=Decimal("0.00"),
        approved_on=date(year + 1, 4, 30) if status == ClosingStatus.APPROVED else None,
    )


def ids(people) -> dict[str, int]:
    coop, staff = people["coop"], people["staff"]
    chart_ensure(coop=coop)
    Category.objects.get_or_create(
        pk=CATEGORY_ID,
        defaults={
            "coop": coop,
            "code": "matrix-tools",
            "name": "Attrezzi",
            "direction": "expense",
            "flow": "purchases",
        },
    )
    movement = expense(coop, staff)
    counterparty = services.counterparty_create(
        actor=staff, coop=coop, name="Segheria Rossi", kind="supplier"
    )
    return {"cash_movement_id": movement.pk, "cash_counterparty_id": counterparty.pk}


MOVEMENT_FORM = {
    "on_date": timezone.localdate().isoformat(),
    "category": CATEGORY_ID,
    "amount": "42.50",
    "vat": "",
    "description": "Una pala",
    "reference": "",
    "counterparty": "",
    "resource": "",
    "project": "",
    "service": "",
    "member_number": "",
    "job": "",
    "earmark": "",
}
COUNTERPARTY_FORM = {
    "name": "Ferramenta Bianchi",
    "kind": "supplier",
    "tax_code": "",
    "municipality": "008034",
    "member_number": "",
}
CATEGORY_FORM = {"code": "firewood", "name": "Legna", "direction": "expense", "flow": "purchases"}

C = "/c/{slug}/economy/cash-book"
MOVEMENT = f"{C}/{{cash_movement_id}}"
COUNTERPARTY = f"{C}/counterparties/{{cash_counterparty_id}}"
WEB = [
    ("get", f"{C}/", None, Action.VIEW_ACCOUNTS),
    ("get", f"{C}/new/", None, Action.MANAGE_ACCOUNTS),
    ("post", f"{C}/new/", MOVEMENT_FORM, Action.MANAGE_ACCOUNTS),
    ("get", f"{MOVEMENT}/", None, Action.VIEW_ACCOUNTS),
    ("post", f"{MOVEMENT}/reverse/", {"reason": "Doppia registrazione"}, Action.MANAGE_ACCOUNTS),
    ("get", f"{C}/counterparties/", None, Action.VIEW_ACCOUNTS),
    ("get", f"{C}/counterparties/new/", None, Action.MANAGE_ACCOUNTS),
    ("post", f"{C}/counterparties/new/", COUNTERPARTY_FORM, Action.MANAGE_ACCOUNTS),
    ("get", f"{COUNTERPARTY}/", None, Action.MANAGE_ACCOUNTS),
    ("post", f"{COUNTERPARTY}/", COUNTERPARTY_FORM, Action.MANAGE_ACCOUNTS),
    ("get", f"{C}/categories/", None, Action.VIEW_ACCOUNTS),
    ("get", f"{C}/categories/new/", None, Action.MANAGE_ACCOUNTS),
    ("post", f"{C}/categories/new/", CATEGORY_FORM, Action.MANAGE_ACCOUNTS),
    ("get", f"{C}/import/", None, Action.MANAGE_ACCOUNTS),
    ("post", f"{C}/import/", {"kind": "bank"}, Action.MANAGE_ACCOUNTS),
]
WEB_EXCEPTIONS = {
    ("post", f"{C}/import/"): {"staff": 200, "admin": 200},  # no file: the form again
}

A = "/api/v1/coops/{slug}/economy"
API_MOVEMENT = f"{A}/movements/{{cash_movement_id}}"
API_MOVEMENT_BODY = {
    "on_date": MOVEMENT_FORM["on_date"],
    "category": "suppliers",
    "amount": "12.00",
}
API = [
    ("get", f"{A}/movements", None, Action.VIEW_ACCOUNTS),
    ("post", f"{A}/movements", API_MOVEMENT_BODY, Action.MANAGE_ACCOUNTS),
    ("get", API_MOVEMENT, None, Action.VIEW_ACCOUNTS),
    ("post", f"{API_MOVEMENT}/reverse", {"reason": "Errore"}, Action.MANAGE_ACCOUNTS),
    ("get", f"{A}/counterparties", None, Action.VIEW_ACCOUNTS),
    (
        "post",
        f"{A}/counterparties",
        {"name": "Bar Centrale", "kind": "customer"},
        Action.MANAGE_ACCOUNTS,
    ),
    (
        "patch",
        f"{A}/counterparties/{{cash_counterparty_id}}",
        {"municipality": "008034"},
        Action.MANAGE_ACCOUNTS,
    ),
    ("get", f"{A}/categories", None, Action.VIEW_ACCOUNTS),
    (
        "post",
        f"{A}/categories",
        {"code": "wood", "name": "Legna", "direction": "expense", "flow": "purchases"},
        Action.MANAGE_ACCOUNTS,
    ),
    ("post", f"{A}/import", None, Action.MANAGE_ACCOUNTS),
]
API_EXCEPTIONS = {
    ("post", f"{A}/import"): {"staff": 422, "admin": 422},  # no file
}
