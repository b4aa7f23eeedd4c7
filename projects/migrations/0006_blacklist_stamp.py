"""The blacklisted enterprises are reference data of intake (a clue naming one is red): a change of the flag
renews the reference stamp (units.reference_cache), so intake reads the list once per process, not per clue."""

from django.db import migrations

from units.reference_cache import drop_flag_triggers, install_flag_triggers


def install(apps, schema_editor):
    install_flag_triggers(schema_editor, "projects_enterprise", "is_blacklisted")


def drop(apps, schema_editor):
    drop_flag_triggers(schema_editor, "projects_enterprise", "is_blacklisted")


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0005_project_warnings_dirty"),
        ("units", "0002_reference_stamp"),
    ]

    operations = [migrations.RunPython(install, drop)]
