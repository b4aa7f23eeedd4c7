"""Operators' handle on 统一督办: run one sweep now, or forecast what falls due by a date (changes nothing)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from clues.models import DEADLINE_KINDS
from supervision.ladder import forecast, sweep, unsynced_count
from supervision.models import LadderStep


class Command(BaseCommand):
    help = "执行一次督办扫描;或用 --forecast YYYY-MM-DD 预测截至该日将到期的督办步骤(不做任何修改)。"

    def add_arguments(self, parser):
        parser.add_argument("--forecast", metavar="DATE", help="预测截至该日(含)将到期的督办步骤,按单位列出")

    def handle(self, *args, forecast=None, **options):
        if forecast:
            return self._forecast(forecast)
        report = sweep()
        self.stdout.write(self.style.SUCCESS(
            _("督办扫描完成:同步 %(synced)d 条线索,执行 %(taken)d 步(补发涵盖 %(superseded)d 步),取消 %(cancelled)d 步,"
              "%(batches)d 批。") % {"synced": report.synced, "taken": report.taken,
                                    "superseded": report.superseded, "cancelled": report.cancelled,
                                    "batches": report.batches}))
        labels = dict(LadderStep.choices)
        for step, count in sorted(report.by_step.items()):
            self.stdout.write(f"  {labels[step]}:{count}")
        if report.letters:
            self.stdout.write("  签发函件:" + "、".join(report.letters))

    def _forecast(self, value):
        try:
            until = dt.date.fromisoformat(value)
        except ValueError:
            raise CommandError(f"日期“{value}”无效,请用 YYYY-MM-DD 格式,例如 2026-12-31。") from None
        if until < timezone.localdate():
            raise CommandError("预测日期不能早于今天。")
        per_unit = forecast(until)
        steps, deadlines = dict(LadderStep.choices), dict(DEADLINE_KINDS)
        total = sum(len(rows) for rows in per_unit.values())
        self.stdout.write(f"截至 {until:%Y-%m-%d} 将到期的督办步骤:共 {total} 步(仅预测,未做任何修改)")
        unsynced = unsynced_count()
        if unsynced:
            self.stdout.write(_("另有 %(n)d 条线索的期限刚有变动,下一次扫描同步后才列入预测。") % {"n": unsynced})
        for unit, rows in per_unit.items():
            self.stdout.write(f"\n{unit}({len(rows)} 步)")
            for row in rows:
                when = timezone.localtime(row["due_at"]).strftime("%Y-%m-%d %H:%M")
                mark = "(已到期)" if row["overdue"] else ""
                self.stdout.write(f"  {when}  {row['tracking_code']}  {deadlines[row['deadline']]}  "
                                  f"{steps[row['step']]}{mark}")
