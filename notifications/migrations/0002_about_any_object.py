"""A message says what it is about through a generic reference (the outbox sits below the clue app).

Existing rows keep pointing at their clue: the clue id and tracking code are copied before the column goes."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery


def copy_clue_reference(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    OutboxMessage = apps.get_model("notifications", "OutboxMessage")
    Clue = apps.get_model("clues", "Clue")
    rows = OutboxMessage.objects.filter(clue__isnull=False)
    if not rows.exists():
        return
    clue_type, _created = ContentType.objects.get_or_create(app_label="clues", model="clue")
    rows.update(about_type=clue_type, about_id=F("clue_id"),
                about_label=Subquery(Clue.objects.filter(pk=OuterRef("clue_id")).values("tracking_code")[:1]))


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('notifications', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='outboxmessage',
            name='about_id',
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='outboxmessage',
            name='about_label',
            field=models.CharField(blank=True, help_text='如线索查询码', max_length=60, verbose_name='涉及'),
        ),
        migrations.AddField(
            model_name='outboxmessage',
            name='about_type',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='contenttypes.contenttype'),
        ),
        migrations.AddIndex(
            model_name='outboxmessage',
            index=models.Index(fields=['about_type', 'about_id'], name='outbox_about'),
        ),
            migrations.RunPython(copy_clue_reference, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='outboxmessage',
            name='clue',
        ),
    ]
