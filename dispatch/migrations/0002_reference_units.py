"""Reference data: the city office, 11 districts and 18 sector departments (editable afterwards in the admin)."""

from django.db import migrations


def load_units(apps, schema_editor):
    from dispatch.reference import load_units

    load_units(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0001_initial")]
    operations = [migrations.RunPython(load_units, migrations.RunPython.noop)]
