"""Files made from reports and clue lists: XLSX (one sheet per table), CSV, and a printable PDF in Chinese."""

import csv
import io
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from openpyxl import Workbook

from clues.models import Clue
from clues.personal_data import ID_NUMBER, PHONE, masked_values, record_views
from clues.selectors import can_see_personal_data, clue_visible_queryset
from core.pdf import cjk_font
from core.spreadsheets import local_minute, rate_cell, safe_text, write_sheet
from units.models import Unit

EXPORT_MAX_ROWS = 100_000
VISIBILITY_CHUNK = 2000


class TooManyRows(Exception):
    pass







# --- the report -----------------------------------------------------------------------------------------

def report_filename(report, extension):
    scope = _("全市") if report.is_city else report.scope.name
    return _("办结率报表-%(scope)s-%(start)s至%(end)s.%(ext)s") % {
        "scope": scope, "start": f"{report.period.start:%Y%m%d}", "end": f"{report.period.end:%Y%m%d}",
        "ext": extension}


def report_title(report):
    scope = _("乌兰察布市") if report.is_city else report.scope.name
    return _("%(scope)s欠薪线索办结情况统计表") % {"scope": scope}


def headline_rows(report):
    h = report.headline
    return [
        (_("归集线索(条)"), h["collected"]),
        (_("办结(条)"), h["closed"]),
        (_("办结率(%)"), rate_cell(h["completion_rate"])),
        (_("转交行业部门线索(条)"), h["transferred_to_departments"]),
        (_("行业部门已办结(条)"), h["departments_closed"]),
        (_("行业部门办结率(%)"), rate_cell(h["departments_completion_rate"])),
        (_("按时办结(条)"), h["closed_on_time"]),
        (_("时限办结率(%)"), rate_cell(h["closed_on_time_rate"])),
        (_("当前超期(条)"), h["overdue_now"]),
        (_("办结用时中位数(工作日)"), float(h["median_working_days_to_close"])
         if h["median_working_days_to_close"] is not None else "—"),
        (_("回访满意率(%)"), rate_cell(h["satisfaction_rate"])),
        (_("追回工资案件(起)"), h["cases_with_recovery"]),
        (_("追回工资(元)"), float(h["amount_recovered"])),
        (_("兑付劳动者(人)"), h["workers_paid"]),
        (_("合并的重复线索(条,不计入归集)"), h["merged_duplicates"]),
    ]


UNIT_COLUMNS = [
    ("name", _l("承办单位")),
    ("kind_label", _l("类别")),
    ("assigned", _l("转办线索")),
    ("assignments", _l("转办次数")),
    ("claimed_on_time", _l("按时认领")),
    ("claimed_late", _l("认领不及时")),
    ("claim_on_time_rate", _l("认领及时率(%)")),
    ("held", _l("承办线索")),
    ("closed", _l("办结")),
    ("completion_rate", _l("办结率(%)")),
    ("closed_on_time", _l("按时办结")),
    ("closed_on_time_rate", _l("时限办结率(%)")),
    ("overdue_now", _l("当前超期")),
    ("median_working_days_to_close", _l("办结用时中位数(工作日)")),
    ("followed_up", _l("已回访")),
    ("satisfied", _l("满意")),
    ("satisfaction_rate", _l("满意率(%)")),
    ("amount_recovered", _l("追回工资(元)")),
    ("workers_paid", _l("兑付人数")),
]
RATE_KEYS = {"claim_on_time_rate", "completion_rate", "closed_on_time_rate", "satisfaction_rate"}


def unit_table(report):
    """(header, rows) of the league table, the city average last for a unit's report."""

    kinds = dict(Unit.Kind.choices)
    header = [str(label) for _key, label in UNIT_COLUMNS]
    rows = []
    source = list(report.by_unit) + ([report.city_average] if report.city_average else [])
    for row in source:
        values = []
        for key, _label in UNIT_COLUMNS:
            if key == "kind_label":
                value = str(kinds.get(row["kind"], "")) if row["kind"] else ""
            else:
                value = row[key]
            if key in RATE_KEYS or key == "median_working_days_to_close":
                value = rate_cell(value)
            elif isinstance(value, Decimal):
                value = float(value)
            values.append(value)
        rows.append(values)
    return header, rows


def breakdown_table(rows, label):
    header = [label, _("归集线索"), _("办结"), _("办结率(%)"), _("当前超期")]
    return header, [[row["label"], row["collected"], row["closed"], rate_cell(row["completion_rate"]),
                     row["overdue_now"]] for row in rows]


def trend_table(report):
    header = [_("期间"), _("起"), _("止"), _("归集线索"), _("办结"), _("办结率(%)")]
    return header, [[row["label"], row["start"].isoformat(), row["end"].isoformat(), row["collected"],
                     row["closed"], rate_cell(row["completion_rate"])] for row in report.trend]



def report_workbook(report):
    """One sheet per table: 总览, 承办单位, 趋势, 来源渠道, 风险等级."""
    workbook = Workbook(write_only=True)
    generated = timezone.localtime(report.generated_at)
    preface = [(report_title(report),),
               (_("统计期间"), report.period.label),
               (_("生成时间"), generated.strftime("%Y-%m-%d %H:%M")),
               ()]
    write_sheet(workbook, _("总览"), [_("指标"), _("数值")], headline_rows(report), preface=preface)
    write_sheet(workbook, _("承办单位"), *unit_table(report))
    write_sheet(workbook, _("趋势"), *trend_table(report))
    write_sheet(workbook, _("来源渠道"), *breakdown_table(report.by_channel, _("来源渠道")))
    write_sheet(workbook, _("风险等级"), *breakdown_table(report.by_risk_color, _("风险等级")))
    return workbook


def report_pdf(report):
    """The report as an A4 landscape PDF with an embedded Chinese font."""
    from reportlab.lib import colors  # heavy: loaded only when a file is made
    from reportlab.lib.pagesizes import A4, landscape  # heavy: loaded only when a file is made
    from reportlab.lib.styles import ParagraphStyle  # heavy: loaded only when a file is made
    from reportlab.lib.units import mm  # heavy: loaded only when a file is made
    from reportlab.platypus import (  # heavy: loaded only when a file is made
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    font = cjk_font()
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, alignment=1, wordWrap="CJK")
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=13, wordWrap="CJK")
    cell = ParagraphStyle("cell", fontName=font, fontSize=7, leading=9, wordWrap="CJK")
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=10 * mm, rightMargin=10 * mm,
                            topMargin=10 * mm, bottomMargin=10 * mm, title=report_title(report))
    generated = timezone.localtime(report.generated_at).strftime("%Y-%m-%d %H:%M")
    story = [Paragraph(report_title(report), title),
             Paragraph(_("统计期间:%(period)s(按收到线索的日期,北京时间)    生成时间:%(at)s")
                       % {"period": report.period.label, "at": generated}, body),
             Spacer(1, 4 * mm)]
    style = TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 7),
                        ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f0f4f8")),
                        ("VALIGN", (0, 0), (-1, -1), "MIDDLE")])
    pairs = headline_rows(report)
    half = (len(pairs) + 1) // 2
    left, right = pairs[:half], pairs[half:] + [("", "")] * (half * 2 - len(pairs))
    facts = [[Paragraph(str(a), cell), str(b), Paragraph(str(c), cell), str(d)]
             for (a, b), (c, d) in zip(left, right, strict=True)]
    facts_table = Table(facts, colWidths=[70 * mm, 40 * mm, 70 * mm, 40 * mm])
    facts_table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 8),
                                     ("GRID", (0, 0), (-1, -1), 0.3, colors.grey)]))
    story += [facts_table, Spacer(1, 5 * mm)]
    header, rows = unit_table(report)
    data = [[Paragraph(str(h), cell) for h in header]] + [[Paragraph(str(v), cell) for v in row] for row in rows]
    units = Table(data, repeatRows=1)
    units.setStyle(style)
    story += [units, Spacer(1, 5 * mm)]
    for header, rows in (breakdown_table(report.by_channel, _("来源渠道")),
                         breakdown_table(report.by_risk_color, _("风险等级")), trend_table(report)):
        table = Table([[Paragraph(str(h), cell) for h in header]]
                      + [[Paragraph(str(v), cell) for v in row] for row in rows], repeatRows=1)
        table.setStyle(style)
        story += [table, Spacer(1, 4 * mm)]
    doc.build(story)
    return buffer.getvalue()


# --- clue lists -----------------------------------------------------------------------------------------

CLUE_HEADER = [
    _l("查询码"), _l("来源渠道"), _l("状态"), _l("风险等级"), _l("收到时间"),
    _l("用人单位"), _l("用人单位统一社会信用代码"), _l("项目名称"), _l("务工所在旗县市区"), _l("承办单位"),
    _l("反映人"), _l("手机号"), _l("身份证号"), _l("欠薪人数"), _l("欠薪金额(元)"),
    _l("办结期限"), _l("已超期"), _l("核处结论"), _l("追回金额(元)"), _l("兑付人数"),
    _l("办结时间"), _l("回访"), _l("合并至"),
]


def clue_rows(user, queryset, *, reveal=False):
    """Header + one row per clue; phone and ID number masked unless `reveal` and the user may see the clue
    (decided for a chunk of rows in one query; each full view is recorded, in one insert per chunk)."""
    count = queryset.count()
    if count > EXPORT_MAX_ROWS:
        raise TooManyRows(_("共%(n)d条线索,超过单次导出上限%(max)d条,请缩小筛选范围后再导出。")
                          % {"n": count, "max": EXPORT_MAX_ROWS})
    if not queryset.ordered:
        queryset = queryset.order_by("-received_at", "-pk")
    clues = list(queryset.select_related("unit", "district", "merged_into", "project").prefetch_related(None))
    yes, no = _("是"), _("否")
    followup = {True: _("满意"), False: _("不满意"), None: ""}
    rows = [[str(label) for label in CLUE_HEADER]]
    for start in range(0, len(clues), VISIBILITY_CHUNK):
        chunk = clues[start:start + VISIBILITY_CHUNK]
        revealed = set()
        if reveal:
            visible = set(clue_visible_queryset(user, Clue.objects.filter(pk__in=[c.pk for c in chunk]))
                          .values_list("pk", flat=True))
            # Seeing a clue is not enough: a unit it was transferred away from reads it masked.
            revealed = {c.pk for c in chunk if c.pk in visible and can_see_personal_data(user, c)}
            record_views(user, [c for c in chunk if c.pk in revealed])
        for clue in chunk:
            personal = ({PHONE: clue.complainant_phone, ID_NUMBER: clue.complainant_id_number}
                        if clue.pk in revealed else masked_values(clue))
            rows.append([
                clue.tracking_code, clue.get_channel_display(), clue.get_status_display(),
                clue.get_risk_color_display(), local_minute(clue.received_at), clue.employer_name,
                clue.employer_credit_code, clue.project.name if clue.project_id else clue.project_name,
                clue.district.name if clue.district_id else "", clue.unit.name if clue.unit_id else "",
                clue.complainant_name, personal[PHONE], personal[ID_NUMBER], clue.worker_count,
                float(clue.amount_owed), local_minute(clue.close_deadline), yes if clue.is_overdue else no,
                clue.get_result_display() if clue.result else "",
                float(clue.amount_recovered) if clue.amount_recovered is not None else "",
                clue.workers_paid if clue.workers_paid is not None else "", local_minute(clue.closed_at),
                followup[clue.followup_satisfied],
                clue.merged_into.tracking_code if clue.merged_into_id else "",
            ])
    return rows


def clue_csv(rows):
    """UTF-8 with a byte-order mark, so that Excel on a government desktop opens the Chinese correctly."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([safe_text(value) for value in row])
    return buffer.getvalue()


def clue_workbook(rows):
    workbook = Workbook(write_only=True)
    write_sheet(workbook, _("线索清单"), rows[0], rows[1:])
    return workbook
