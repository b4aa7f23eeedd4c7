"""统一督办's records move here from dispatch: the tables keep their names."""


import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from core.model_moves import move_content_types


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('clues', '0003_clue_records_from_dispatch'),
        ('units', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
        migrations.CreateModel(
            name='EscalationRule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('step', models.CharField(choices=[('warn', '即将超期提醒'), ('reminder', '提醒函'), ('supervision', '督办函'), ('summons', '约谈函'), ('referral', '移交党委监督贯通协调平台')], max_length=16, unique=True, verbose_name='督办步骤')),
                ('offset_working_days', models.SmallIntegerField(help_text='负数为期限前(-1 即期限当日上午9时提醒),0 为期限届满时,正数为超期后第N个工作日上午9时', verbose_name='相对期限的工作日数')),
                ('deadline_kinds', models.CharField(default='claim,response,close', help_text='逗号分隔:claim, response, close, retransfer', max_length=60, verbose_name='适用期限')),
                ('is_active', models.BooleanField(default=True, verbose_name='启用')),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'verbose_name': '督办规则',
                'verbose_name_plural': '督办规则',
                'db_table': 'dispatch_escalationrule',
            },
        ),
        migrations.CreateModel(
            name='LetterTemplate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('reminder', '提醒函'), ('supervision', '督办函'), ('summons', '约谈函'), ('referral', '移交函')], max_length=12, unique=True, verbose_name='函件类别')),
                ('number_prefix', models.CharField(default='乌薪督', help_text='文号形如:乌薪督〔2026〕17号', max_length=10, verbose_name='文号前缀')),
                ('title', models.CharField(max_length=200, verbose_name='标题')),
                ('body', models.TextField(help_text='可用变量:{{ unit }}(单位名称)、{{ clues }}(线索列表)、{{ count }}、{{ date }}、{{ step }}', verbose_name='正文模板')),
                ('updated_at', models.DateTimeField(auto_now=True)),
            ],
            options={
                'verbose_name': '函件模板',
                'verbose_name_plural': '函件模板',
                'db_table': 'dispatch_lettertemplate',
            },
        ),
        migrations.CreateModel(
            name='Letter',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('reminder', '提醒函'), ('supervision', '督办函'), ('summons', '约谈函'), ('referral', '移交函')], max_length=12, verbose_name='函件类别')),
                ('year', models.PositiveSmallIntegerField(verbose_name='年度')),
                ('sequence', models.PositiveIntegerField(verbose_name='序号')),
                ('number', models.CharField(max_length=40, unique=True, verbose_name='文号')),
                ('title', models.CharField(max_length=200, verbose_name='标题')),
                ('body', models.TextField(verbose_name='正文')),
                ('pdf', models.FileField(blank=True, upload_to='letters/%Y/', verbose_name='PDF')),
                ('docx', models.FileField(blank=True, upload_to='letters/%Y/', verbose_name='DOCX')),
                ('issued_at', models.DateTimeField(verbose_name='签发时间')),
                ('clues', models.ManyToManyField(related_name='letters', to='clues.clue', verbose_name='涉及线索')),
                ('issued_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='letters', to='units.unit', verbose_name='主送单位')),
            ],
            options={
                'verbose_name': '督办函件',
                'verbose_name_plural': '督办函件',
                'db_table': 'dispatch_letter',
                'ordering': ['-issued_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='EscalationStep',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('deadline_kind', models.CharField(choices=[('claim', '认领期限'), ('response', '响应期限'), ('close', '办结期限'), ('retransfer', '重新转办期限')], max_length=12, verbose_name='期限')),
                ('deadline_at', models.DateTimeField(verbose_name='期限时间')),
                ('step', models.CharField(choices=[('warn', '即将超期提醒'), ('reminder', '提醒函'), ('supervision', '督办函'), ('summons', '约谈函'), ('referral', '移交党委监督贯通协调平台')], max_length=16, verbose_name='督办步骤')),
                ('due_at', models.DateTimeField(verbose_name='执行时间')),
                ('state', models.CharField(choices=[('pending', '待执行'), ('taken', '已执行'), ('cancelled', '已取消')], default='pending', max_length=10, verbose_name='状态')),
                ('taken_at', models.DateTimeField(blank=True, null=True, verbose_name='执行时间(实际)')),
                ('clue', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='escalation_steps', to='clues.clue')),
                ('unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='escalation_steps', to='units.unit', verbose_name='责任单位')),
                ('letter', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='steps', to='supervision.letter')),
            ],
            options={
                'verbose_name': '督办步骤',
                'verbose_name_plural': '督办步骤',
                'db_table': 'dispatch_escalationstep',
                'ordering': ['due_at', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='ReferralPackage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('payload', models.JSONField()),
                ('xlsx', models.FileField(blank=True, upload_to='referrals/%Y/')),
                ('state', models.CharField(choices=[('pending', '待发送'), ('delivered', '已送达'), ('failed', '发送失败')], default='pending', max_length=10, verbose_name='状态')),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='尝试次数')),
                ('next_attempt_at', models.DateTimeField(blank=True, null=True)),
                ('last_error', models.TextField(blank=True, verbose_name='最近错误')),
                ('response_status', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('delivered_at', models.DateTimeField(blank=True, null=True, verbose_name='送达时间')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('letter', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='referral', to='supervision.letter')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='referrals', to='units.unit')),
            ],
            options={
                'verbose_name': '移交包',
                'verbose_name_plural': '移交包',
                'db_table': 'dispatch_referralpackage',
                'ordering': ['-created_at'],
            },
        ),
        migrations.AddConstraint(
            model_name='letter',
            constraint=models.UniqueConstraint(fields=('kind', 'year', 'sequence'), name='letter_number_once'),
        ),
        migrations.AddIndex(
            model_name='escalationstep',
            index=models.Index(condition=models.Q(('state', 'pending')), fields=['due_at'], name='escalation_due'),
        ),
        migrations.AddIndex(
            model_name='escalationstep',
            index=models.Index(fields=['unit', 'step', 'state'], name='escalation_unit_step'),
        ),
        migrations.AddConstraint(
            model_name='escalationstep',
            constraint=models.UniqueConstraint(fields=('clue', 'deadline_kind', 'deadline_at', 'step'), name='escalation_step_once'),
        ),
        ]),
        move_content_types("dispatch", "supervision", ["escalationrule", "escalationstep", "letter", "lettertemplate",
                                                       "referralpackage"]),
    ]
