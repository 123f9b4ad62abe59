"""The highest rates of the buoni postali fruttiferi ordinari (Cassa Depositi e Prestiti), from
which art. 2514 c.c. caps dividends (rate + 2.5 points). Rows as published by the cooperative
associations' circulars; a new issue of bonds is a new row (admin or a later migration)."""

from datetime import date
from decimal import Decimal

from django.db import migrations

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


def load(apps, schema_editor):
    rate = apps.get_model("economy", "PostalBondRate")
    for valid_from, value, source in RATES:
        rate.objects.update_or_create(
            valid_from=valid_from, defaults={"rate": Decimal(value), "source": source}
        )


class Migration(migrations.Migration):
    dependencies = [("economy", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
