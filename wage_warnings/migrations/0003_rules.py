"""The twelve warning rules and the handling time limits (reference data; see wage_warnings/reference.py)."""

from django.db import migrations

from wage_warnings.reference import load_rules


def forwards(apps, schema_editor):
    load_rules(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("wage_warnings", "0002_handling_and_evaluation")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
