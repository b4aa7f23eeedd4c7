"""Reference data: the city office, 11 districts and 18 sector departments (editable afterwards in the admin)."""

from django.db import migrations

from units.reference import load_units as load_reference


def load_units(apps, schema_editor):
    load_reference(apps.get_model, app_label="dispatch")


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0001_initial")]
    operations = [migrations.RunPython(load_units, migrations.RunPython.noop)]
