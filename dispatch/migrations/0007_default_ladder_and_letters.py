"""Defaults for the escalation ladder (our interpretation of 四函一单) and the wording of each letter."""

from django.db import migrations


def load(apps, schema_editor):
    from dispatch.reference import load_ladder

    load_ladder(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0006_supervision")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
