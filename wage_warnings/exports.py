"""XLSX files of the early warnings: the monitoring board (one sheet per table) and any warning list."""

import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from .selectors import DUTY_RATES

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_MAX_ROWS = 100_000
# A cell a spreadsheet would read as a formula (CSV/formula injection): kept as text with a leading quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class TooManyRows(Exception):
    pass


def xlsx_response(workbook, filename):
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def safe_text(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _rate(value):
    return float(value) if value is not None else "—"


def _sheet(workbook, title, header, rows, preface=()):
    sheet = workbook.create_sheet(title)
    bold = Font(bold=True)
    for line in preface:
        sheet.append([safe_text(value) for value in line])
    cells = []
    for value in header:
        cell = WriteOnlyCell(sheet, value=str(value))
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    for row in rows:
        sheet.append([safe_text(value) for value in row])
    return sheet


def _area_rows(rows):
    for row in rows:
        yield [row["name"], row["projects"], row["under_way"], row["red"], row["yellow"], row["projects_red"],
               *[_rate(row["rates"][key]) for key, *_rest in DUTY_RATES]]


def board_workbook(board):
    workbook = Workbook(write_only=True)
    scope = _("全市") if board["scope"] == "city" else board["scope"]["name"]
    preface = [[_("工资预警监控看板"), scope], [_("生成时间"), _local(board["generated_at"])],
               [_("按时发放率所指工资月份"), board["paid_month"], _("发放期限"), board["pay_deadline"].isoformat()]]
    area_header = [_("单位"), _("项目数"), _("在建"), _("红色预警"), _("黄色预警"), _("有红色预警的项目"),
                   *[f"{label}(%)" for _key, label, _help in DUTY_RATES]]
    totals = board["totals"]
    _sheet(workbook, _("总览"), [_("指标"), _("数值")], [
        [_("项目数"), totals["projects"]], [_("在建项目"), totals["under_way"]],
        [_("红色预警"), totals["red"]], [_("黄色预警"), totals["yellow"]],
        [_("有红色预警的项目"), totals["projects_red"]],
        *[[f"{label}(%)", _rate(totals["rates"][key])] for key, label, _help in DUTY_RATES],
    ], preface)
    _sheet(workbook, _("按旗县市区"), area_header, _area_rows(board["by_district"]))
    sectors = list(board["by_sector"])
    if board["without_sector"]:
        sectors.append({**board["without_sector"], "name": _("未定行业部门")})
    _sheet(workbook, _("按行业部门"), area_header, _area_rows(sectors))
    _sheet(workbook, _("预警核处"), [_("单位"), _("交办"), _("预警中"), _("核处超期"), _("已核处"), _("超期核处")],
           ([row["name"], row["assigned"], row["open"], row["overdue"], row["responded"], row["responded_late"]]
            for row in board["handling"]))
    return workbook


WARNING_HEADER = [gettext_lazy(label) for label in (
    "预警编号", "项目编号", "项目名称", "旗县市区", "行业部门", "规则", "等级", "期间", "状态", "情况",
    "预警时间", "销号时间", "核处单位", "核处期限", "核处时间", "核处情况", "撤销理由")]


def warning_workbook(queryset):
    if queryset.count() > EXPORT_MAX_ROWS:
        raise TooManyRows(_("最多导出%(limit)s条,请缩小筛选范围。") % {"limit": EXPORT_MAX_ROWS})
    workbook = Workbook(write_only=True)
    rows = ([w.pk, w.project.code, w.project.name, w.project.district.name,
             w.project.sector.name if w.project.sector_id else "", w.rule.name, str(w.get_level_display()),
             str(w.period_label), str(w.get_state_display()), w.detail, _local(w.opened_at), _local(w.closed_at),
             w.assigned_unit.name if w.assigned_unit_id else "", _local(w.handling_deadline),
             _local(w.responded_at), w.response, w.dismissal_reason]
            for w in queryset.iterator(chunk_size=2000))
    _sheet(workbook, _("工资预警"), WARNING_HEADER, rows)
    return workbook
