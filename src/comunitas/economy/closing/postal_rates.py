"""The highest rates of the buoni postali fruttiferi ordinari (Cassa Depositi e Prestiti), from
which art. 2514 c.c. caps dividends (rate + 2.5 points). Rows as published by the cooperative
associations' circulars; a new issue of bonds is a new row (admin, or a row here and a call of
``postal_bond_rates_load``). Migration 0002 loads them; so does the demo, since tests that
empty the tables (the browser's) take the migration's rows away."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

LEGACOOP = "CDP, comunicato in G.U.; circolare Legacoop Rete Nazionale Servizi"
CONFCOOP = "CDP, comunicato in G.U.; circolare Confcooperative Terre d'Emilia (2025)"
RATES = [
    (date(2020, 7, 17), "0.90", LEGACOOP + " prot. F85 del 21/07/2020"),
    (date(2022, 10, 27), "4.50", LEGACOOP + " (serie TF120A221027)"),
    (date(2023, 6, 6), "6.15", LEGACOOP + " (serie TF120A230606)"),
    (date(2023, 12, 28), "5.50", CONFCOOP),
    (date(2024, 9, 19), "5.00", CONFCOOP),
    (date(2024, 10, 11), "4.75", CONFCOOP),
    (date(2025, 1, 3), "4.00", CONFCOOP),
    (date(2025, 2, 11), "6.00", CONFCOOP + " (serie TF120A250211, G.U. n. 34 dell'11/02/2025)"),
]


def postal_bond_rates_load(model=None) -> int:
    """Add the rates not yet in the table (a rate changed by hand is left as it is); return how
    many were added. ``model`` is the migration's historical model, or the app's."""
    if model is None:
        from comunitas.economy.models import PostalBondRate as model
    known = set(model.objects.values_list("valid_from", flat=True))
    missing = [
        model(valid_from=day, rate=Decimal(value), source=source)
        for day, value, source in RATES
        if day not in known
    ]
    model.objects.bulk_create(missing)
    return len(missing)
