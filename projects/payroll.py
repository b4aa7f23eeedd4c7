"""The monthly payroll as the bank's 代发 file has it: checking the lines (sent as JSON or uploaded as CSV/XLSX
from the template in docs/payroll_import.md), storing a month as a new version — the earlier one is kept, the
new one becomes current — and the month's figures, computed in one aggregate over the new lines so the warning
rules never read lines. Nothing changes until every line is clean; each error names its row.
"""

import csv
import datetime as dt
import io
import logging
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Max, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Least
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from accounts.models import User
from core.api import ApplicationError
from core.identity import normalize_mobile, parse_resident_id
from core.tasks import send as send_task

from . import jobs, selectors, tables
from .hooks import announce_change
from .models import Duty, PayrollLine, PayrollMonth, Project, Verification
from .services import record_event

logger = logging.getLogger(__name__)

# Header → input name, in the template's order (docs/payroll_import.md).
COLUMNS = {
    "姓名": "worker_name",
    "身份证号": "id_number",
    "手机号": "phone",
    "银行卡号": "bank_card",
    "班组": "team",
    "出勤天数": "days_worked",
    "应发工资": "wage_due",
    "实发工资": "wage_paid",
    "发放日期": "paid_on",
}
REQUIRED_COLUMNS = ("姓名", "身份证号", "应发工资", "实发工资", "发放日期")
HEADER_BY_INPUT = {name: header for header, name in COLUMNS.items()}
LABELS = {
    "worker_name": gettext_lazy("姓名"), "id_number": gettext_lazy("身份证号"), "phone": gettext_lazy("手机号"),
    "bank_card": gettext_lazy("银行卡号"), "team": gettext_lazy("班组"), "days_worked": gettext_lazy("出勤天数"),
    "wage_due": gettext_lazy("应发工资"), "wage_paid": gettext_lazy("实发工资"), "paid_on": gettext_lazy("发放日期"),
}
MAX_LINES = 20000
INLINE_MAX_LINES = 300
MAX_WAGE = Decimal("1000000")
JOB_KIND = "payroll"
JOB_TASK = "projects.tasks.run_payroll_job"


def minimum_wage():
    return Decimal(str(settings.MINIMUM_WAGE_MONTHLY))


def _id_text(value):
    # An ID typed into a number cell comes back as a number; its last digits are lost beyond repair (float),
    # so the check digit fails and the message below says how to keep the column as text.
    return tables.text(value).upper().replace(" ", "")


def check_line(values, *, month, today):
    """One line's values → (clean dict, [(input name, message)])."""
    errors, clean = [], {}

    name = tables.text(values.get("worker_name"))
    if not name:
        errors.append(("worker_name", _("姓名不能为空。")))
    elif len(name) > 50:
        errors.append(("worker_name", _("姓名不能超过50个字符。")))
    clean["worker_name"] = name

    id_number = _id_text(values.get("id_number"))
    if not id_number:
        errors.append(("id_number", _("身份证号不能为空。")))
    else:
        try:
            id_number = parse_resident_id(id_number).number
        except ValidationError as exc:
            message = exc.messages[0]
            if isinstance(values.get("id_number"), int | float):
                message += _("(该单元格是数字格式,请把身份证号列设为文本后重新填写)")
            errors.append(("id_number", message))
    clean["id_number"] = id_number

    phone = tables.text(values.get("phone"))
    if phone:
        try:
            phone = normalize_mobile(phone)
        except ValidationError as exc:
            errors.append(("phone", exc.messages[0]))
    clean["phone"] = phone

    card = "".join(tables.text(values.get("bank_card")).split())
    if card and (not card.isascii() or not card.isdigit() or not 12 <= len(card) <= 30):
        errors.append(("bank_card", _("银行卡号应为12到30位数字。")))
    clean["bank_card"] = card

    team = tables.text(values.get("team"))
    if len(team) > 50:
        errors.append(("team", _("班组不能超过50个字符。")))
    clean["team"] = team

    for field, required in (("wage_due", True), ("wage_paid", False)):
        try:
            amount = tables.money(values.get(field), label=LABELS[field])
        except ValueError as exc:
            errors.append((field, str(exc)))
            amount = None
        else:
            if amount is None and required:
                errors.append((field, _("%(label)s不能为空。") % {"label": LABELS[field]}))
            elif amount is not None and not Decimal(0) <= amount <= MAX_WAGE:
                errors.append((field, _("%(label)s应在0到100万元之间。") % {"label": LABELS[field]}))
        clean[field] = amount
    if clean["wage_paid"] is None:
        clean["wage_paid"] = Decimal("0.00")

    try:
        days = tables.decimal(values.get("days_worked"), label=LABELS["days_worked"])
    except ValueError as exc:
        errors.append(("days_worked", str(exc)))
        days = None
    else:
        if days is not None and not Decimal(0) <= days <= 31:
            errors.append(("days_worked", _("出勤天数应在0到31之间。")))
    clean["days_worked"] = days

    try:
        paid_on = tables.date(values.get("paid_on"), label=LABELS["paid_on"])
    except ValueError as exc:
        errors.append(("paid_on", str(exc)))
        paid_on = None
    else:
        if paid_on is None and clean["wage_paid"]:
            errors.append(("paid_on", _("实发工资大于0时须填写发放日期。")))
        elif paid_on is not None and paid_on > today:
            errors.append(("paid_on", _("发放日期不能晚于今天。")))
        elif paid_on is not None and paid_on < month:
            errors.append(("paid_on", _("发放日期早于工资所属月份(%(month)s)。") % {"month": f"{month:%Y-%m}"}))
    clean["paid_on"] = paid_on
    return clean, errors


def check_month(month, today):
    if month is None:
        raise ApplicationError(_("月份应写成 YYYY-MM,如 2026-05。"), code="invalid",
                               fields={"month": [_("月份应写成 YYYY-MM,如 2026-05。")]})
    if month > selectors.month_start(today):
        raise ApplicationError(_("不能上传以后月份的工资表。"), code="invalid",
                               fields={"month": [_("不能上传以后月份的工资表。")]})


def check_lines(rows, *, month, today=None, progress=None):
    """[(row number, values)] → (clean lines, [(row number, input name, message)]); a repeated ID number in the
    month is an error on the later row."""
    today = today or timezone.localdate()
    lines, errors, seen = [], [], {}
    total = len(rows)
    for done, (row, values) in enumerate(rows, start=1):
        clean, problems = check_line(values, month=month, today=today)
        id_number = clean["id_number"]
        if id_number and not any(name == "id_number" for name, _m in problems):
            if id_number in seen:
                problems.append(("id_number", _("身份证号与第%(row)d行重复:每人每月一行。") % {"row": seen[id_number]}))
            else:
                seen[id_number] = row
        errors.extend((row, name, message) for name, message in problems)
        clean["row"] = row
        lines.append(clean)
        if progress is not None and (done % 500 == 0 or done == total):
            progress(done, total)
    if not rows:
        errors.append((0, "lines", _("工资表中没有任何一行。")))
    return lines, errors


def store_payroll(*, project, month, lines, by, source_name="", progress=None):
    """Store checked lines as the month's new current version; returns the PayrollMonth with its figures."""
    if not selectors.can_enter_duties(by, project):
        raise ApplicationError(_("您不能为该项目上传工资表。"), code="permission_denied", status_code=403)
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).first()
        earlier = PayrollMonth.objects.filter(project=project, month=month)
        version = (earlier.aggregate(v=Max("version"))["v"] or 0) + 1
        earlier.filter(is_current=True).update(is_current=False)
        roster = (Duty.objects.filter(project=project, kind=Duty.Kind.ROSTER)
                  .exclude(state=Verification.REJECTED).values_list("headcount", flat=True).first())
        payroll = PayrollMonth.objects.create(project=project, month=month, version=version, is_current=True,
                                              uploaded_by=by, source_name=(source_name or "")[:200],
                                              roster_headcount=roster)
        batch, total = 2000, len(lines)
        for start in range(0, total, batch):
            chunk = lines[start:start + batch]
            PayrollLine.objects.bulk_create([PayrollLine(payroll=payroll, **line) for line in chunk])
            if progress is not None:
                progress(min(start + batch, total), total)
        figures = month_figures(PayrollLine.objects.filter(payroll=payroll))
        PayrollMonth.objects.filter(pk=payroll.pk).update(**figures)
        for name, value in figures.items():
            setattr(payroll, name, value)
        text = _("上传%(month)s工资表(第%(version)d版,%(lines)d人,应发 %(due)s 元,实发 %(paid)s 元)") % {
            "month": f"{month:%Y-%m}", "version": version, "lines": payroll.lines,
            "due": f"{payroll.total_due:,.2f}", "paid": f"{payroll.total_paid:,.2f}"}
        record_event(project, "payroll_uploaded", text, actor=by,
                     data={"month": f"{month:%Y-%m}", "version": version, "payroll": payroll.pk})
        announce_change(project.pk, "payroll")
    return payroll


def _below_minimum_condition(minimum):
    """A line paid below the minimum wage, pro rata over the days worked (a full month when not given)."""
    days = Least(Coalesce(F("days_worked"), Value(selectors.STANDARD_MONTH_DAYS)),
                 Value(selectors.STANDARD_MONTH_DAYS))
    floor = ExpressionWrapper(Value(minimum) * days / Value(selectors.STANDARD_MONTH_DAYS),
                              output_field=DecimalField(max_digits=14, decimal_places=4))
    return Q(wage_due__lt=floor)


def month_figures(lines, *, minimum=None):
    """The figures of one payroll's lines in one aggregate (the warning rules read only these)."""
    minimum = minimum_wage() if minimum is None else minimum
    figures = lines.aggregate(
        lines=Count("pk"),
        headcount_paid=Count("id_number", filter=Q(wage_paid__gt=0), distinct=True),
        total_due=Coalesce(Sum("wage_due"), Value(Decimal("0")), output_field=DecimalField()),
        total_paid=Coalesce(Sum("wage_paid"), Value(Decimal("0")), output_field=DecimalField()),
        below_minimum=Count("pk", filter=_below_minimum_condition(minimum)),
        last_paid_on=Max("paid_on"),
    )
    return figures


def recount_below_minimum(minimum, *, payrolls=None):
    """When the minimum wage changes (the monitoring rule's parameter): recount every payroll's below_minimum in
    one UPDATE; returns the number of payroll months updated."""
    payrolls = PayrollMonth.objects.all() if payrolls is None else payrolls
    below = (PayrollLine.objects.filter(payroll=OuterRef("pk")).filter(_below_minimum_condition(minimum))
             .order_by().values("payroll").annotate(n=Count("pk")).values("n"))
    return payrolls.update(below_minimum=Coalesce(Subquery(below), Value(0)))


def put_payroll(*, project, month, rows, by, source_name="", today=None, progress_check=None, progress_store=None):
    """Check and store a month's payroll, all or nothing; ApplicationError with the row errors when not clean."""
    today = today or timezone.localdate()
    if not selectors.can_enter_duties(by, project):
        raise ApplicationError(_("您不能为该项目上传工资表。"), code="permission_denied", status_code=403)
    check_month(month, today)
    lines, errors = check_lines(rows, month=month, today=today, progress=progress_check)
    if errors:
        raise PayrollRefused(errors)
    return store_payroll(project=project, month=month, lines=lines, by=by, source_name=source_name,
                         progress=progress_store)


class PayrollRefused(ApplicationError):
    """Row errors: nothing was stored. `errors` is [(row, input name, message)]."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__(_("工资表有 %(n)d 处错误,未保存任何数据,请修改后重新上传。") % {"n": len(errors)},
                         code="payroll_invalid")

    def by_row(self):
        """[{"row", "reasons"}] for the upload page, the column named in each reason."""
        grouped = {}
        for row, name, message in self.errors:
            label = HEADER_BY_INPUT.get(name)
            grouped.setdefault(row, []).append(f"{label}:{message}" if label else message)
        return [{"row": row, "reasons": reasons} for row, reasons in sorted(grouped.items())]


def read_payroll_file(source, *, name=""):
    table = tables.read_table(source, COLUMNS, REQUIRED_COLUMNS, name=name, max_rows=MAX_LINES)
    return table


# --- the upload page's job: a big file is checked and stored in the worker, with progress --------------------

def start_upload(upload, *, project, month, by, today=None):
    """Store the uploaded file as a job and run it (inline when small, else in Celery); returns the job.
    A file that cannot be read at all is refused here, while the user is still on the page."""
    today = today or timezone.localdate()
    if not selectors.can_enter_duties(by, project):
        raise ApplicationError(_("您不能为该项目上传工资表。"), code="permission_denied", status_code=403)
    check_month(month, today)
    data = tables.read_bytes(upload)
    name = getattr(upload, "name", "") or ""
    table = read_payroll_file(io.BytesIO(data), name=name)
    ext = tables.file_kind(data, name)
    job = jobs.create_job(JOB_KIND, data, ext=ext, user=by, filename=name, total=len(table.rows),
                          project_id=project.pk, month=f"{month:%Y-%m}", ignored_headers=table.ignored_headers)
    if job["total"] <= INLINE_MAX_LINES:
        return run_payroll_job(job["id"])
    try:
        send_task(JOB_TASK, [job["id"]])
    except Exception:  # broker down: say so on the progress page rather than leave a job that never moves
        logger.exception("payroll job %s: could not queue", job["id"])
        jobs.finish(job, "failed", message=_("后台任务队列暂不可用,请稍后重新上传。"))
    return job


def run_payroll_job(job_id):
    """Check and store a stored payroll upload (inline or in the Celery worker); idempotent once done."""
    job = jobs.read_job(job_id)
    if job is None or job.get("kind") != JOB_KIND:
        logger.warning("payroll job %s: unknown", job_id)
        return None
    if job["state"] in ("done", "refused"):
        return job
    job.update(state="running", message="")
    jobs.write_job(job)
    project = Project.objects.filter(pk=job["project_id"]).first()
    user = User.objects.filter(pk=job["user_id"]).first()
    month = selectors.parse_month(job["month"])
    try:
        if project is None or user is None:
            raise ApplicationError(_("项目或上传人已不存在。"))
        table = read_payroll_file(jobs.job_file(job), name=job["filename"])
        payroll = put_payroll(project=project, month=month, rows=table.rows, by=user, source_name=job["filename"],
                              progress_check=jobs.progress(job, "check"), progress_store=jobs.progress(job, "store"))
    except PayrollRefused as exc:
        return jobs.finish(job, "refused", message=exc.message, errors=exc.by_row()[:500],
                           error_count=len(exc.errors))
    except ApplicationError as exc:
        return jobs.finish(job, "failed", message=exc.message)
    except Exception:
        logger.exception("payroll job %s failed", job_id)
        return jobs.finish(job, "failed", message=_("处理工资表时出现系统错误,未保存任何数据,请稍后重新上传。"))
    return jobs.finish(job, "done", done=job["total"], result={
        "payroll_id": payroll.pk, "version": payroll.version, "lines": payroll.lines,
        "headcount_paid": payroll.headcount_paid, "total_due": str(payroll.total_due),
        "total_paid": str(payroll.total_paid), "below_minimum": payroll.below_minimum})


def template_rows():
    """The template's example rows (the documentation shows the same)."""
    return [
        ["王勇", "152601198501010013", "13947400022", "6222020200112233445", "钢筋班", 26, "6800.00",
         "6800.00", dt.date(2026, 6, 10)],
        ["李春梅", "150921198805120027", "13947400021", "6217000010012345678", "木工班", 22.5, "5625.00",
         "5000.00", dt.date(2026, 6, 10)],
    ]


def template_xlsx():
    """The upload template: the header, two example rows, the ID and card columns kept as text."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("工资表")
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in template_rows():
        sheet.append(row)
    text_columns = {list(COLUMNS).index(header) + 1 for header in ("身份证号", "手机号", "银行卡号")}
    for index in range(1, len(COLUMNS) + 1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 22 if index in text_columns else 12
        if index in text_columns:
            for cell in sheet[letter]:
                cell.number_format = "@"
    for cell in sheet["I"][1:]:
        cell.number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_csv():
    """The same template as CSV (UTF-8 with BOM, which Excel opens in Chinese)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(list(COLUMNS))
    for row in template_rows():
        writer.writerow([value.isoformat() if isinstance(value, dt.date) else value for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
