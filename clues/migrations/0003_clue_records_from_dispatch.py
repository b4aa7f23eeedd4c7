"""The clue's own records (deadline policies, transfers, events, handling records) move here from dispatch;
the tables keep their names."""


import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from core.model_moves import move_content_types


class Migration(migrations.Migration):

    dependencies = [
        ('clues', '0002_report_covering_index'),
        ('units', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
        migrations.CreateModel(
            name='DeadlinePolicy',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('risk_color', models.CharField(choices=[('red', '红色(重大)'), ('orange', '橙色(一般)'), ('blue', '蓝色(简单)')], max_length=8, unique=True, verbose_name='风险等级')),
                ('claim_days', models.PositiveSmallIntegerField(default=1, verbose_name='认领期限(工作日,自转办起)')),
                ('response_days', models.PositiveSmallIntegerField(default=3, verbose_name='响应期限(工作日,自收到起)')),
                ('close_days', models.PositiveSmallIntegerField(default=15, verbose_name='办结期限(工作日,自收到起)')),
                ('retransfer_hours', models.PositiveSmallIntegerField(default=24, verbose_name='退回后重新转办期限(小时)')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
            ],
            options={
                'verbose_name': '办理时限',
                'verbose_name_plural': '办理时限',
                'db_table': 'dispatch_deadlinepolicy',
                'ordering': ['risk_color'],
            },
        ),
        migrations.AlterField(
            model_name='clue',
            name='district',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='units.unit', verbose_name='务工所在旗县市区'),
        ),
        migrations.AlterField(
            model_name='clue',
            name='suggested_department',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='units.unit', verbose_name='建议行业部门'),
        ),
        migrations.AlterField(
            model_name='clue',
            name='suggested_district',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='units.unit', verbose_name='建议属地'),
        ),
        migrations.AlterField(
            model_name='clue',
            name='unit',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='clues', to='units.unit', verbose_name='承办单位'),
        ),
        migrations.CreateModel(
            name='HandlingRecord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('contact', '联系反映人'), ('site_check', '现场核查'), ('mediation', '调解'), ('rectification_order', '下达责令改正决定书'), ('payment', '支付工资'), ('other', '其他')], max_length=24, verbose_name='类别')),
                ('occurred_at', models.DateTimeField(verbose_name='发生时间')),
                ('note', models.TextField(verbose_name='情况')),
                ('amount', models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True, verbose_name='支付金额(元)')),
                ('workers', models.PositiveIntegerField(blank=True, null=True, verbose_name='支付人数')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('clue', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='records', to='clues.clue')),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='units.unit')),
            ],
            options={
                'verbose_name': '办理记录',
                'verbose_name_plural': '办理记录',
                'db_table': 'dispatch_handlingrecord',
                'ordering': ['occurred_at', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='Assignment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('assigned_at', models.DateTimeField(verbose_name='转办时间')),
                ('note', models.TextField(blank=True, verbose_name='转办意见')),
                ('claim_deadline', models.DateTimeField(verbose_name='认领期限')),
                ('claimed_at', models.DateTimeField(blank=True, null=True, verbose_name='认领时间')),
                ('ended_at', models.DateTimeField(blank=True, null=True)),
                ('end_reason', models.CharField(blank=True, choices=[('returned', '退回'), ('retransferred', '改派'), ('closed', '办结')], max_length=16)),
                ('assigned_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('claimed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('clue', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='assignments', to='clues.clue')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='assignments', to='units.unit', verbose_name='承办单位')),
            ],
            options={
                'verbose_name': '转办记录',
                'verbose_name_plural': '转办记录',
                'db_table': 'dispatch_assignment',
                'ordering': ['assigned_at', 'pk'],
                'indexes': [models.Index(fields=['unit', 'clue'], name='assignment_unit_clue'), models.Index(fields=['assigned_at'], name='assignment_assigned_at')],
            },
        ),
        migrations.CreateModel(
            name='ClueEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('received', '线索归集'), ('transferred', '转办'), ('claimed', '认领'), ('record', '办理记录'), ('returned', '退回'), ('resolved', '承办单位办结'), ('review_approved', '审核通过'), ('review_rejected', '审核退回'), ('followup', '回访'), ('reopened', '重新办理'), ('merged', '合并重复线索'), ('escalated', '督办'), ('note', '备注')], max_length=20, verbose_name='事件')),
                ('at', models.DateTimeField(verbose_name='时间')),
                ('from_status', models.CharField(blank=True, max_length=16, verbose_name='原状态')),
                ('to_status', models.CharField(blank=True, max_length=16, verbose_name='新状态')),
                ('note', models.TextField(blank=True, verbose_name='说明')),
                ('public_note', models.CharField(blank=True, max_length=300, verbose_name='对反映人显示的说明')),
                ('is_public', models.BooleanField(default=False, verbose_name='反映人可见')),
                ('data', models.JSONField(blank=True, default=dict)),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作人')),
                ('actor_unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='units.unit', verbose_name='操作单位')),
                ('clue', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='clues.clue')),
            ],
            options={
                'verbose_name': '线索事件',
                'verbose_name_plural': '线索事件',
                'db_table': 'dispatch_clueevent',
                'ordering': ['at', 'pk'],
                'indexes': [models.Index(fields=['clue', 'at'], name='event_clue_at'), models.Index(fields=['kind', 'at'], name='event_kind_at')],
            },
        ),
        ]),
        move_content_types("dispatch", "clues", ["deadlinepolicy", "assignment", "clueevent", "handlingrecord"]),
    ]
