"""The buoni postali rates of economy/closing/postal_rates.py, from which art. 2514 c.c. caps
dividends."""

from django.db import migrations

from comunitas.economy.closing.postal_rates import postal_bond_rates_load


def load(apps, schema_editor):
    postal_bond_rates_load(apps.get_model("economy", "PostalBondRate"))


class Migration(migrations.Migration):
    dependencies = [("economy", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
