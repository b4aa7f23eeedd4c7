"""DOMAIN.md defaults: claim 1, response 3, close 15 working days (red: close 5); re-transfer within 24 hours."""

from django.db import migrations

DEFAULTS = {"blue": 15, "orange": 15, "red": 5}


def load(apps, schema_editor):
    DeadlinePolicy = apps.get_model("dispatch", "DeadlinePolicy")
    for color, close_days in DEFAULTS.items():
        DeadlinePolicy.objects.get_or_create(risk_color=color, defaults={
            "claim_days": 1, "response_days": 3, "close_days": close_days, "retransfer_hours": 24})


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0003_deadlinepolicy_handlingrecord_assignment_clueevent")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
