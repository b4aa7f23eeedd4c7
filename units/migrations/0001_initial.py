"""Units and the calendar overrides move here from dispatch: the tables keep their names."""


from django.db import migrations, models

from core.model_moves import move_content_types


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("dispatch", "0008_move_out_records"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
        migrations.CreateModel(
            name='Unit',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(help_text='旗县市区用 GB/T 2260 代码,行业部门用英文词', max_length=32, unique=True, verbose_name='单位代码')),
                ('name', models.CharField(max_length=64, verbose_name='单位名称')),
                ('full_name', models.CharField(blank=True, max_length=128, verbose_name='全称')),
                ('kind', models.CharField(choices=[('city', '市级统筹'), ('district', '旗县市区'), ('department', '行业部门')], max_length=16, verbose_name='类别')),
                ('sort_order', models.PositiveSmallIntegerField(default=0, verbose_name='排序')),
                ('is_active', models.BooleanField(default=True, verbose_name='启用')),
            ],
            options={
                'verbose_name': '承办单位',
                'verbose_name_plural': '承办单位',
                'db_table': 'dispatch_unit',
                'ordering': ['sort_order', 'code'],
            },
        ),
        migrations.CreateModel(
            name='WorkingDayOverride',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date', models.DateField(unique=True, verbose_name='日期')),
                ('is_working_day', models.BooleanField(verbose_name='是否工作日')),
                ('note', models.CharField(blank=True, help_text='例如:国务院办公厅关于2027年部分节假日安排的通知', max_length=200, verbose_name='说明')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
            ],
            options={
                'verbose_name': '工作日调整',
                'verbose_name_plural': '工作日调整',
                'db_table': 'dispatch_workingdayoverride',
                'ordering': ['-date'],
            },
        ),
        ]),
        move_content_types("dispatch", "units", ["unit", "workingdayoverride"]),
    ]
