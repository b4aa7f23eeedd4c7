"""The campaign's summary as XLSX (one sheet per table) and as an A4 PDF in Chinese (an embedded CJK font)."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.pdf import cjk_font
from core.spreadsheets import write_sheet

PDF_TYPE = "application/pdf"


def figure_labels():
    return [("projects", _("检查项目(个)")), ("problems_found", _("发现问题(个)")),
            ("problems_rectified", _("已整改(个)")), ("problems_outstanding", _("未整改(个)")),
            ("supervised_problems", _("督办问题(个)")), ("supervised_cleared", _("督办已销号(个)")),
            ("supervised_projects", _("涉及督办问题的项目(个)"))]


def area_table(rows, label):
    header = [label, *[text for _key, text in figure_labels()], _("当前逾期未整改"), _("督办未销号")]
    return header, [[row["name"], *[row[key] for key, _text in figure_labels()], row["overdue_now"],
                     row["supervised_outstanding"]] for row in rows]


def title(campaign):
    return _("%(name)s专项整治情况汇总") % {"name": campaign.name}


def filename(campaign, extension):
    stamp = timezone.localtime().strftime("%Y%m%d")
    return f"{campaign.name}-{_('汇总')}-{stamp}.{extension}"


def campaign_workbook(campaign, figures):
    workbook = Workbook(write_only=True)
    preface = [(title(campaign),),
               (_("期间"), f"{campaign.start:%Y-%m-%d} — {campaign.end:%Y-%m-%d}"),
               (_("范围"), campaign.get_scope_display()),
               (_("生成时间"), timezone.localtime(figures["generated_at"]).strftime("%Y-%m-%d %H:%M")), ()]
    write_sheet(workbook, _("总览"), [_("指标"), _("数值")],
           [(text, figures["summary"][key]) for key, text in figure_labels()], preface=preface)
    write_sheet(workbook, _("按旗县市区"), *area_table(figures["by_district"], _("旗县市区")))
    write_sheet(workbook, _("按行业部门"), *area_table(figures["by_sector"], _("行业部门")))
    write_sheet(workbook, _("按责任单位"), *area_table(figures["by_unit"], _("责任单位")))
    return workbook


def campaign_pdf(campaign, figures):
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
    heading = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, alignment=1, wordWrap="CJK")
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=13, wordWrap="CJK")
    cell = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10, wordWrap="CJK")
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=10 * mm, rightMargin=10 * mm,
                            topMargin=10 * mm, bottomMargin=10 * mm, title=title(campaign))
    generated = timezone.localtime(figures["generated_at"]).strftime("%Y-%m-%d %H:%M")
    story = [Paragraph(title(campaign), heading),
             Paragraph(_("期间:%(start)s 至 %(end)s    范围:%(scope)s    生成时间:%(at)s") % {
                 "start": campaign.start.isoformat(), "end": campaign.end.isoformat(),
                 "scope": campaign.get_scope_display(), "at": generated}, body),
             Spacer(1, 4 * mm)]
    style = TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 8),
                        ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f0f4f8")),
                        ("VALIGN", (0, 0), (-1, -1), "MIDDLE")])
    labels = figure_labels()
    headline = Table([[Paragraph(text, cell) for _key, text in labels],
                      [str(figures["summary"][key]) for key, _text in labels]], repeatRows=1)
    headline.setStyle(style)
    story += [headline, Spacer(1, 5 * mm)]
    for rows, label in ((figures["by_district"], _("旗县市区")), (figures["by_sector"], _("行业部门")),
                        (figures["by_unit"], _("责任单位"))):
        header, data = area_table(rows, label)
        table = Table([[Paragraph(str(h), cell) for h in header]] + [[Paragraph(str(v), cell) for v in row]
                                                                      for row in data], repeatRows=1)
        table.setStyle(style)
        story += [Paragraph(_("按%(label)s") % {"label": label}, body), table, Spacer(1, 4 * mm)]
    doc.build(story)
    return buffer.getvalue()
