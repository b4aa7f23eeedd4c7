"""The admin's 周期任务 pages speak Chinese: what each job does and when it runs, in words."""

import pytest
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from core.admin_schedules import describe_crontab, describe_seconds

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobs(db):
    every_minute = IntervalSchedule.objects.create(every=60, period=IntervalSchedule.SECONDS)
    morning = CrontabSchedule.objects.create(minute="30", hour="8", timezone="Asia/Shanghai")
    return {
        "sweep": PeriodicTask.objects.create(name="supervision-sweep", task="supervision.tasks.supervision_sweep",
                                             interval=every_minute),
        "digests": PeriodicTask.objects.create(name="daily-digests", task="supervision.tasks.daily_digests",
                                               crontab=morning),
    }


@pytest.mark.parametrize(("seconds", "words"), [(60, "每1分钟"), (300, "每5分钟"), (86400, "每天一次"),
                                                (7200, "每2小时"), (45, "每45秒")])
def test_intervals_in_words(seconds, words):
    assert describe_seconds(seconds) == words


@pytest.mark.parametrize(("fields", "words"), [
    ({"minute": "30", "hour": "8"}, "每天 08:30(北京时间)"),
    ({"minute": "0", "hour": "9", "day_of_week": "1"}, "每周一 09:00(北京时间)"),
    ({"minute": "0", "hour": "9", "day_of_month": "1"}, "每月1日 09:00(北京时间)"),
    ({"minute": "*/5", "hour": "8-18"}, "按计划:分 */5,时 8-18,日 *,月 *,星期 *(北京时间)"),
])
def test_crontabs_in_words(fields, words):
    assert describe_crontab(CrontabSchedule(timezone="Asia/Shanghai", **fields)) == words


def test_every_periodic_job_and_task_has_a_chinese_label():
    from django.conf import settings

    from config.celery import app

    app.loader.import_default_modules()
    ours = {name for name in app.tasks if not name.startswith("celery.")}
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert ours | scheduled <= set(settings.TASK_LABELS)


def test_the_list_names_each_job_by_what_it_does(client, admin_user_role, jobs):
    client.force_login(admin_user_role)
    page = client.get("/admin/django_celery_beat/periodictask/").content.decode()
    assert "督办巡查:标记超期,逐级发出提醒、督办、约谈和移交" in page and "每1分钟" in page
    assert "每日待办汇总" in page and "每天 08:30(北京时间)" in page
    for english in ("SCHEDULER", "Task Name", "(m/h/dM/MY/d)"):
        assert english not in page


def test_the_change_page_is_in_chinese(client, admin_user_role, jobs):
    client.force_login(admin_user_role)
    page = client.get(f"/admin/django_celery_beat/periodictask/{jobs['digests'].pk}/change/").content.decode()
    assert "每日待办汇总:每天 08:30(北京时间)" in page
    assert "执行时间" in page and "执行选项" in page and "督办巡查:标记超期" in page  # the task list, in words
    for english in ("Schedule</h2>", "Arguments", "Execution Options", "Translation:", "(m/h/dM/MY/d)"):
        assert english not in page
