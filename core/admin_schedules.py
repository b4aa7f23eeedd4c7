"""The admin's 周期任务 pages in Chinese: django-celery-beat's own admin names columns, sections and schedules
in English ("SCHEDULER", "Task Name", "30 8 * * * (m/h/dM/MY/d)"); this one says what each job does and
when it runs, in words (labels in settings.TASK_LABELS)."""

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin import helpers
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_celery_beat import admin as beat_admin
from django_celery_beat.models import PeriodicTask

WEEKDAYS = {"0": "日", "1": "一", "2": "二", "3": "三", "4": "四", "5": "五", "6": "六", "7": "日"}


def task_label(task):
    return str(settings.TASK_LABELS.get(task, task))


def describe_seconds(seconds):
    seconds = int(seconds)
    for size, unit in ((86400, _("天")), (3600, _("小时")), (60, _("分钟"))):
        if seconds % size == 0:
            count = seconds // size
            if count == 1 and size == 86400:
                return _("每天一次")
            return _("每%(n)s%(unit)s") % {"n": count, "unit": unit}
    return _("每%(n)s秒") % {"n": seconds}


def describe_crontab(crontab):
    """Common crontabs in words (每天 08:30, 每周一 09:00, 每月1日 09:00); the rest as the five fields."""
    minute, hour, day, month, weekday = (crontab.minute, crontab.hour, crontab.day_of_month,
                                         crontab.month_of_year, crontab.day_of_week)
    zone = _("(%(tz)s)") % {"tz": _("北京时间") if str(crontab.timezone) == "Asia/Shanghai" else crontab.timezone}
    if minute.isdigit() and hour.isdigit() and month == "*":
        at = f"{int(hour):02d}:{int(minute):02d}"
        if day == "*" and weekday == "*":
            return _("每天 %(at)s") % {"at": at} + zone
        if day == "*" and weekday in WEEKDAYS:
            return _("每周%(day)s %(at)s") % {"day": WEEKDAYS[weekday], "at": at} + zone
        if day.isdigit() and weekday == "*":
            return _("每月%(day)s日 %(at)s") % {"day": day, "at": at} + zone
    if minute.isdigit() and hour == "*" and day == month == weekday == "*":
        return _("每小时第%(m)s分") % {"m": minute} + zone
    return _("按计划:分 %(m)s,时 %(h)s,日 %(d)s,月 %(mo)s,星期 %(w)s") % {
        "m": minute, "h": hour, "d": day, "mo": month, "w": weekday} + zone


def describe_interval(interval):
    return describe_seconds(dt.timedelta(**{interval.period: interval.every}).total_seconds())


def describe_schedule(task):
    if task.interval_id:
        return describe_interval(task.interval)
    if task.crontab_id:
        return describe_crontab(task.crontab)
    if task.clocked_id:
        return _("一次:%(at)s") % {"at": task.clocked.clocked_time.strftime("%Y-%m-%d %H:%M")}
    if task.solar_id:
        return str(task.solar)
    return _("未设置")


class TaskSelect(beat_admin.TaskSelectWidget):
    """Our tasks (those described in settings.TASK_LABELS and any other the Celery app registered), each
    with what it does."""

    def tasks_as_choices(self):
        names = {name for name, _label in super().tasks_as_choices() if name}
        names |= {name for name in settings.TASK_LABELS if not name.startswith("celery.")}
        return (("", ""),) + tuple((name, f"{task_label(name)}({name})") for name in sorted(names))


class TaskFilter(admin.SimpleListFilter):
    title = gettext_lazy("任务")
    parameter_name = "task"

    def lookups(self, request, model_admin):
        tasks = model_admin.get_queryset(request).order_by("task").values_list("task", flat=True).distinct()
        return [(task, task_label(task)) for task in tasks]

    def queryset(self, request, queryset):
        return queryset.filter(task=self.value()) if self.value() else queryset


class PeriodicTaskAdmin(beat_admin.PeriodicTaskAdmin):
    # Django's own change form (found as admin/django_celery_beat/periodictask/change_form.html), without
    # django-celery-beat's script that adds an English "Translation: At 04:00 AM" under the crontab.
    change_form_template = None
    list_display = ("job", "enabled", "schedule_text", "last_run_at", "total_run_count")
    list_filter = ["enabled", TaskFilter, "last_run_at"]
    fieldsets = (
        (None, {"fields": ("name", "regtask", "task", "enabled", "description"),
                "classes": ("extrapretty", "wide")}),
        (gettext_lazy("执行时间"), {"fields": ("interval", "crontab", "crontab_translation", "solar", "clocked",
                                               "start_time", "last_run_at", "one_off"),
                                    "classes": ("extrapretty", "wide")}),
        (gettext_lazy("参数"), {"fields": ("args", "kwargs"), "classes": ("extrapretty", "wide", "collapse", "in")}),
        (gettext_lazy("执行选项"), {"fields": ("expires", "expire_seconds", "queue", "exchange", "routing_key",
                                               "priority", "headers"),
                                    "classes": ("extrapretty", "wide", "collapse", "in")}),
    )

    @admin.display(description=gettext_lazy("任务"), ordering="name")
    def job(self, obj):
        return format_html('{}<div class="help">{}</div>', task_label(obj.task), obj.name)

    @admin.display(description=gettext_lazy("执行时间"))
    def schedule_text(self, obj):
        return describe_schedule(obj)

    @admin.display(description=gettext_lazy("计划说明"))
    def crontab_translation(self, obj):
        return describe_crontab(obj.crontab) if obj.crontab_id else "—"

    def action_checkbox(self, obj):
        # Django's own says "Select this object for an action - <name>: 30 8 * * * (m/h/dM/MY/d)" to a
        # screen reader.
        label = _("选择“%(job)s”") % {"job": task_label(obj.task)}
        return forms.CheckboxInput({"class": "action-select", "aria-label": label}, lambda value: False).render(
            helpers.ACTION_CHECKBOX_NAME, str(obj.pk))

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.base_fields["regtask"].widget = TaskSelect()
        form.base_fields["task"].help_text = _("不在上面列表中的任务,填写其完整名称")
        form.base_fields["crontab"].label_from_instance = describe_crontab
        form.base_fields["interval"].label_from_instance = describe_interval
        return form

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["subtitle"] = f"{task_label(obj.task)}:{describe_schedule(obj)}"
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)


admin.site.unregister(PeriodicTask)
admin.site.register(PeriodicTask, PeriodicTaskAdmin)
