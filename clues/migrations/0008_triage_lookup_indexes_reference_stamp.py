"""Intake at the speed of the database: the triage look-ups get partial indexes of their own (the single-column
indexes they replace served nothing else), and the triage settings and deadline policies renew the reference
stamp on any change (units.reference_cache)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from units.reference_cache import drop_stamp_triggers, install_stamp_triggers

TABLES = ("clues_triagesettings", "dispatch_deadlinepolicy")


def forwards(apps, schema_editor):
    install_stamp_triggers(schema_editor, *TABLES)


def backwards(apps, schema_editor):
    drop_stamp_triggers(schema_editor, *TABLES)


class Migration(migrations.Migration):

    dependencies = [
        ("clues", "0007_amount_implausible"),
        ('projects', '0002_unit_moved'),
        ('units', '0002_reference_stamp'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='clue',
            name='complainant_id_number',
            field=models.CharField(blank=True, max_length=18, verbose_name='反映人身份证号'),
        ),
        migrations.AlterField(
            model_name='clue',
            name='complainant_phone',
            field=models.CharField(max_length=20, verbose_name='反映人手机号'),
        ),
        migrations.AlterField(
            model_name='clue',
            name='employer_credit_code',
            field=models.CharField(blank=True, max_length=18, verbose_name='用人单位统一社会信用代码'),
        ),
        migrations.AlterField(
            model_name='clue',
            name='employer_key',
            field=models.CharField(editable=False, help_text='normalised employer name for duplicate matching', max_length=200),
        ),
        migrations.AlterField(
            model_name='clue',
            name='merged_into',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='merged_duplicates', to='clues.clue', verbose_name='合并至'),
        ),
        migrations.AddIndex(
            model_name='clue',
            index=models.Index(condition=models.Q(('merged_into__isnull', True), models.Q(('status', 'closed'), _negated=True)), fields=['complainant_phone', 'received_at'], name='clue_open_phone'),
        ),
        migrations.AddIndex(
            model_name='clue',
            index=models.Index(condition=models.Q(('merged_into__isnull', True), models.Q(('status', 'closed'), _negated=True), models.Q(('complainant_id_number', ''), _negated=True)), fields=['complainant_id_number', 'received_at'], name='clue_open_id_number'),
        ),
        migrations.AddIndex(
            model_name='clue',
            index=models.Index(condition=models.Q(('merged_into__isnull', True), models.Q(('status', 'closed'), _negated=True), models.Q(('project_name', ''), _negated=True)), fields=['project_name', 'received_at'], name='clue_open_project_name'),
        ),
        migrations.AddIndex(
            model_name='clue',
            index=models.Index(condition=models.Q(('merged_into__isnull', True), ('status', 'closed')), fields=['complainant_phone', 'closed_at'], name='clue_closed_phone'),
        ),
        migrations.AddIndex(
            model_name='clue',
            index=models.Index(condition=models.Q(('merged_into__isnull', True), ('status', 'closed'), models.Q(('complainant_id_number', ''), _negated=True)), fields=['complainant_id_number', 'closed_at'], name='clue_closed_id_number'),
        ),
        migrations.AddIndex(
            model_name='clue',
            index=models.Index(condition=models.Q(('merged_into__isnull', False)), fields=['merged_into'], name='clue_merged_into'),
        ),
        migrations.RunPython(forwards, backwards),
    ]
