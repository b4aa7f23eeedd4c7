"""The reference stamp: a trigger on the units and calendar-override tables renews its token on any change, so
every process knows when to read its cached reference data again (units.reference_cache)."""

from django.db import migrations, models

from units.reference_cache import (
    drop_stamp_function,
    drop_stamp_triggers,
    install_stamp_function,
    install_stamp_triggers,
)

TABLES = ("dispatch_unit", "dispatch_workingdayoverride")


def forwards(apps, schema_editor):
    install_stamp_function(schema_editor)
    install_stamp_triggers(schema_editor, *TABLES)


def backwards(apps, schema_editor):
    drop_stamp_triggers(schema_editor, *TABLES)
    drop_stamp_function(schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ("units", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReferenceStamp",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.CharField(max_length=64)),
            ],
            options={"verbose_name": "参考数据版本", "verbose_name_plural": "参考数据版本"},
        ),
        migrations.RunPython(forwards, backwards),
    ]
