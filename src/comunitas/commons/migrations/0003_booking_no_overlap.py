"""On PostgreSQL the database itself refuses two holding bookings of a unit that overlap
(btree_gist lets the exclusion constraint compare the unit with ``=``). SQLite has no exclusion
constraints: there the booking service's check under a lock on the unit is the rule."""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations
from django.db.models import F, Func, Q


class TsTzRange(Func):  # default bounds: [start, end)
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


NO_OVERLAP = ExclusionConstraint(
    name="booking_no_overlap",
    expressions=[
        ("unit", RangeOperators.EQUAL),
        (TsTzRange(F("start"), F("end")), RangeOperators.OVERLAPS),
    ],
    condition=Q(status__in=["requested", "confirmed"]),
)


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_constraint(apps.get_model("commons", "Booking"), NO_OVERLAP)


def remove_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_constraint(apps.get_model("commons", "Booking"), NO_OVERLAP)


class Migration(migrations.Migration):
    dependencies = [("commons", "0002_units_bookings_services_sales")]

    operations = [
        BtreeGistExtension(),
        migrations.RunPython(add_constraint, remove_constraint),
    ]
