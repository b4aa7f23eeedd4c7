"""Units and the calendar overrides leave dispatch for the units app (state only: the tables stay)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("dispatch", "0008_move_out_records"),
        ("clues", "0003_clue_records_from_dispatch"),
        ("accounts", "0003_unit_moved"),
        ("projects", "0002_unit_moved"),
        ("supervision", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
        migrations.DeleteModel(
            name='WorkingDayOverride',
        ),
        migrations.DeleteModel(
            name='Unit',
        ),
        ]),
    ]
