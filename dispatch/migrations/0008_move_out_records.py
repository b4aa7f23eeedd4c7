"""The clue's records and 统一督办's models leave dispatch for clues and supervision (state only: the tables stay,
and the new apps take them over in their own migrations)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("dispatch", "0007_default_ladder_and_letters"),
        ("clues", "0002_report_covering_index"),
        ("accounts", "0002_role_groups"),
        ("projects", "0001_initial"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
        migrations.RemoveField(
            model_name='assignment',
            name='assigned_by',
        ),
        migrations.RemoveField(
            model_name='assignment',
            name='claimed_by',
        ),
        migrations.RemoveField(
            model_name='assignment',
            name='clue',
        ),
        migrations.RemoveField(
            model_name='assignment',
            name='unit',
        ),
        migrations.RemoveField(
            model_name='clueevent',
            name='actor',
        ),
        migrations.RemoveField(
            model_name='clueevent',
            name='actor_unit',
        ),
        migrations.RemoveField(
            model_name='clueevent',
            name='clue',
        ),
        migrations.DeleteModel(
            name='DeadlinePolicy',
        ),
        migrations.DeleteModel(
            name='EscalationRule',
        ),
        migrations.RemoveField(
            model_name='escalationstep',
            name='clue',
        ),
        migrations.RemoveField(
            model_name='escalationstep',
            name='letter',
        ),
        migrations.RemoveField(
            model_name='escalationstep',
            name='unit',
        ),
        migrations.RemoveField(
            model_name='handlingrecord',
            name='clue',
        ),
        migrations.RemoveField(
            model_name='handlingrecord',
            name='created_by',
        ),
        migrations.RemoveField(
            model_name='handlingrecord',
            name='unit',
        ),
        migrations.RemoveField(
            model_name='letter',
            name='clues',
        ),
        migrations.RemoveField(
            model_name='letter',
            name='issued_by',
        ),
        migrations.RemoveField(
            model_name='letter',
            name='unit',
        ),
        migrations.RemoveField(
            model_name='referralpackage',
            name='letter',
        ),
        migrations.DeleteModel(
            name='LetterTemplate',
        ),
        migrations.RemoveField(
            model_name='referralpackage',
            name='unit',
        ),
        migrations.DeleteModel(
            name='Assignment',
        ),
        migrations.DeleteModel(
            name='ClueEvent',
        ),
        migrations.DeleteModel(
            name='EscalationStep',
        ),
        migrations.DeleteModel(
            name='HandlingRecord',
        ),
        migrations.DeleteModel(
            name='Letter',
        ),
        migrations.DeleteModel(
            name='ReferralPackage',
        ),
        ]),
    ]
