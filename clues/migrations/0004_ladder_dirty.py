"""The ladder-sync mark. Existing clues had their steps synced at their last move, so they start clean."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('clues', '0003_clue_records_from_dispatch'),
        ('projects', '0002_unit_moved'),
        ('units', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='clue',
            name='ladder_dirty',
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AlterField(
            model_name='clue',
            name='ladder_dirty',
            field=models.BooleanField(default=True, editable=False),
        ),
        migrations.AddIndex(
            model_name='clue',
            index=models.Index(condition=models.Q(('ladder_dirty', True)), fields=['id'], name='clue_ladder_dirty'),
        ),
    ]
