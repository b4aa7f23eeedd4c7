"""XLSX files of the early warnings: the monitoring board (one sheet per table) and any warning list."""


from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from core.spreadsheets import local_minute, rate_cell, write_sheet

from .selectors import DUTY_RATES

EXPORT_MAX_ROWS = 100_000


class TooManyRows(Exception):
    pass







def _area_rows(rows):
    for row in rows:
        yield [row["name"], row["projects"], row["under_way"], row["red"], row["yellow"], row["projects_red"],
               *[rate_cell(row["rates"][key]) for key, *_rest in DUTY_RATES]]


def board_workbook(board):
    workbook = Workbook(write_only=True)
    scope = _("全市") if board["scope"] == "city" else board["scope"]["name"]
    preface = [[_("工资预警监控看板"), scope], [_("生成时间"), local_minute(board["generated_at"])],
               [_("按时发放率所指工资月份"), board["paid_month"], _("发放期限"), board["pay_deadline"].isoformat()]]
    area_header = [_("单位"), _("项目数"), _("在建"), _("红色预警"), _("黄色预警"), _("有红色预警的项目"),
                   *[f"{label}(%)" for _key, label, _help in DUTY_RATES]]
    totals = board["totals"]
    write_sheet(workbook, _("总览"), [_("指标"), _("数值")], [
        [_("项目数"), totals["projects"]], [_("在建项目"), totals["under_way"]],
        [_("红色预警"), totals["red"]], [_("黄色预警"), totals["yellow"]],
        [_("有红色预警的项目"), totals["projects_red"]],
        *[[f"{label}(%)", rate_cell(totals["rates"][key])] for key, label, _help in DUTY_RATES],
    ], preface)
    write_sheet(workbook, _("按旗县市区"), area_header, _area_rows(board["by_district"]))
    sectors = list(board["by_sector"])
    if board["without_sector"]:
        sectors.append({**board["without_sector"], "name": _("未定行业部门")})
    write_sheet(workbook, _("按行业部门"), area_header, _area_rows(sectors))
    write_sheet(workbook, _("预警核处"), [_("单位"), _("交办"), _("预警中"), _("核处超期"), _("已核处"), _("超期核处")],
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
             str(w.period_label), str(w.get_state_display()), w.detail, local_minute(w.opened_at),
             local_minute(w.closed_at),
             w.assigned_unit.name if w.assigned_unit_id else "", local_minute(w.handling_deadline),
             local_minute(w.responded_at), w.response, w.dismissal_reason]
            for w in queryset.iterator(chunk_size=2000))
    write_sheet(workbook, _("工资预警"), WARNING_HEADER, rows)
    return workbook
