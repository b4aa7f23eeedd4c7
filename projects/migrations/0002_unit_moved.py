"""Foreign keys to the unit follow it to the units app (state only: the table is the same)."""


import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0001_initial'),
        ('units', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
        migrations.AlterField(
            model_name='project',
            name='district',
            field=models.ForeignKey(limit_choices_to={'kind': 'district'}, on_delete=django.db.models.deletion.PROTECT, related_name='district_projects', to='units.unit', verbose_name='所在旗县市区'),
        ),
        migrations.AlterField(
            model_name='project',
            name='sector',
            field=models.ForeignKey(blank=True, limit_choices_to={'kind': 'department'}, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='sector_projects', to='units.unit', verbose_name='行业主管部门'),
        ),
        ]),
    ]
