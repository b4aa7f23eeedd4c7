"""Reference data: the city office, 11 districts and 18 sector departments (editable afterwards in the admin)."""

from django.db import migrations


def load_units(apps, schema_editor):
    from dispatch.reference import unit_rows

    Unit = apps.get_model("dispatch", "Unit")
    for code, name, full_name, kind, sort_order in unit_rows():
        Unit.objects.get_or_create(code=code, defaults={
            "name": name, "full_name": full_name, "kind": kind, "sort_order": sort_order})


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0001_initial")]
    operations = [migrations.RunPython(load_units, migrations.RunPython.noop)]
