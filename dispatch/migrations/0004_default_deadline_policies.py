"""DOMAIN.md defaults: claim 1, response 3, close 15 working days (red: close 5); re-transfer within 24 hours."""

from django.db import migrations

from clues.reference import load_deadline_policies as load_reference


def load(apps, schema_editor):
    load_reference(apps.get_model, app_label="dispatch")


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0003_deadlinepolicy_handlingrecord_assignment_clueevent")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
