"""Defaults for the escalation ladder (our interpretation of 四函一单) and the wording of each letter."""

from django.db import migrations

from supervision.reference import load_ladder as load_reference


def load(apps, schema_editor):
    load_reference(apps.get_model, app_label="dispatch")


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0006_supervision")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
