"""DOMAIN.md defaults: claim 1, response 3, close 15 working days (red: close 5); re-transfer within 24 hours."""

from django.db import migrations


def load(apps, schema_editor):
    from dispatch.reference import load_deadline_policies

    load_deadline_policies(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0003_deadlinepolicy_handlingrecord_assignment_clueevent")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
