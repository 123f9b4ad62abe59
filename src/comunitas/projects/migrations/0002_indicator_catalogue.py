from django.db import migrations


def load(apps, schema_editor):
    from comunitas.projects.projects.catalogue import catalogue_load

    catalogue_load(apps.get_model("projects", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
