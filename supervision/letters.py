"""Supervision letters (提醒函、督办函、约谈函、移交函): numbers, wording from editable templates, PDF, DOCX.

A letter is issued inside the sweep's transaction; its files are rendered after the commit by a Celery task,
and again on demand at download when the task never ran (a broker outage loses no letter).
"""

import io
import logging
from decimal import Decimal
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Max
from django.template import Context, Template
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role
from clues.selectors import can_see_all_clues
from core.pdf import cjk_font
from core.tasks import queue_after_commit
from units.workdays import SHANGHAI

from .models import LadderStep, Letter, LetterTemplate
from .reference import TEMPLATES

logger = logging.getLogger(__name__)

RENDER_TASK = "supervision.tasks.render_letter_files"
DEFAULT_ISSUER = "乌兰察布市人力资源和社会保障局"
STEP_FOR_KIND = {
    Letter.Kind.REMINDER: LadderStep.REMINDER,
    Letter.Kind.SUPERVISION: LadderStep.SUPERVISION,
    Letter.Kind.SUMMONS: LadderStep.SUMMONS,
    Letter.Kind.REFERRAL: LadderStep.REFERRAL,
}
RED = "#C00000"


def issuer():
    return getattr(settings, "LETTER_ISSUER", "") or DEFAULT_ISSUER


def chinese_date(moment):
    day = timezone.localtime(moment, SHANGHAI).date() if hasattr(moment, "hour") else moment
    return _("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}


def money(value):
    """An amount of yuan as the letters print it: 186000.00 (two decimals, whatever type it arrives as)."""
    return str(Decimal(str(value or 0)).quantize(Decimal("0.01")))


def format_number(prefix, year, sequence):
    return f"{prefix}〔{year}〕{sequence}号"


# --- wording ----------------------------------------------------------------------------------------------

def _default_wording(kind):
    """The default wording (supervision.reference), for a template an administrator deleted or broke."""
    for template_kind, title, body in TEMPLATES:
        if template_kind == kind:
            return title, body
    raise ValueError(f"unknown letter kind {kind!r}")


def _template_for(kind):
    template = LetterTemplate.objects.filter(kind=kind).first()
    if template is None:
        title, body = _default_wording(kind)
        template, _created = LetterTemplate.objects.get_or_create(kind=kind, defaults={"title": title,
                                                                                       "body": body})
    return template


def render_text(source, context):
    """Render an administrator's template as plain text (no HTML escaping: PDF and DOCX escape themselves)."""
    return Template(source).render(Context(context, autoescape=False))


def _wording(template, context):
    try:
        return render_text(template.title, context).strip(), render_text(template.body, context)
    except Exception:  # a broken template in the admin must not stop the sweep: fall back to the default
        logger.exception("letter template %s failed to render; using the default wording", template.kind)
        title, body = _default_wording(template.kind)
        return render_text(title, context).strip(), render_text(body, context)


def _rows(items):
    """[(clue, problem)] → [(clue, [problems])], one row per clue, ordered by tracking code."""
    by_clue, problems = {}, {}
    for clue, problem in items:
        by_clue.setdefault(clue.pk, clue)
        texts = problems.setdefault(clue.pk, [])
        if problem and str(problem) not in texts:
            texts.append(str(problem))
    ordered = sorted(by_clue.values(), key=lambda c: c.tracking_code)
    return [(clue, problems[clue.pk]) for clue in ordered]


def problem_list(rows):
    """The letter's 问题清单 as data: one entry per clue, kept on the letter at issue."""
    return [{"clue": clue.pk, "tracking_code": clue.tracking_code, "employer_name": clue.employer_name,
             "worker_count": clue.worker_count, "amount_owed": money(clue.amount_owed),
             "problem": ";".join(problems)} for clue, problems in rows]


def template_context(*, kind, unit, rows, moment, number=""):
    return {
        "unit": unit.name,
        "clues": problem_list(rows),
        "count": len(rows),
        "date": chinese_date(moment),
        "step": str(STEP_FOR_KIND[kind].label),
        "number": number,
        "issuer": issuer(),
    }


# --- issuing ----------------------------------------------------------------------------------------------

def _lock_numbering():
    """Serialise numbering: every issue locks all template rows, in one order (a handful of rows; issuing is
    rare), so two sweeps never pick the same number and never deadlock on each other."""
    list(LetterTemplate.objects.select_for_update().order_by("pk").values_list("pk", flat=True))


def _next_sequence(kind, prefix, year):
    """One series per prefix and year, so kinds sharing the default prefix share numbers without clashing."""
    series = f"{prefix}〔{year}〕"
    top = Letter.objects.filter(year=year, number__startswith=series).aggregate(top=Max("sequence"))["top"]
    sequence = (top or 0) + 1
    # Only after a prefix was changed mid-year can a number of the new series meet an older letter of the
    # same kind on the (kind, year, sequence) constraint: skip past it rather than stop the sweep.
    while (Letter.objects.filter(kind=kind, year=year, sequence=sequence).exists()
           or Letter.objects.filter(number=format_number(prefix, year, sequence)).exists()):
        sequence += 1
    return sequence


def letter_issue(*, kind, unit, items, now, by=None):
    """Issue one letter of `kind` to `unit` about `items` = [(clue, problem_text)]; returns the Letter.

    Numbered 乌薪督〔YEAR〕N号 per prefix and year of `now` in Asia/Shanghai, without gaps or duplicates when
    several sweeps issue at once; the PDF and DOCX are rendered after the commit.
    """
    if kind not in Letter.Kind.values:
        raise ValueError(f"unknown letter kind {kind!r}")
    rows = _rows(items)
    if not rows:
        raise ValueError("a letter needs at least one clue")
    with transaction.atomic():
        _template_for(kind)
        _lock_numbering()
        template = LetterTemplate.objects.get(kind=kind)
        year = timezone.localtime(now, SHANGHAI).year
        sequence = _next_sequence(kind, template.number_prefix, year)
        number = format_number(template.number_prefix, year, sequence)
        context = template_context(kind=kind, unit=unit, rows=rows, moment=now, number=number)
        title, body = _wording(template, context)
        letter = Letter.objects.create(kind=kind, year=year, sequence=sequence, number=number, unit=unit,
                                       title=title[:200], body=body, problems=context["clues"], issued_at=now,
                                       issued_by=by)
        letter.clues.add(*[clue for clue, _problems in rows])
        queue_after_commit(RENDER_TASK, [letter.pk], what=f"rendering of letter {letter.pk}",
                           fallback="the download renders the files")
    return letter


# --- reads ------------------------------------------------------------------------------------------------

def letters_visible_to(user, queryset=None):
    """City staff see every letter; a unit officer sees the letters addressed to the unit; others none."""
    queryset = Letter.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    if can_see_all_clues(user):
        return queryset
    if user.has_role(Role.OFFICER) and user.unit_id:
        return queryset.filter(unit_id=user.unit_id)
    return queryset.none()


def _listed(queryset):
    return queryset.select_related("unit").annotate(clue_count=Count("clues", distinct=True)) \
        .order_by("-issued_at", "-pk")


def letters_for_clue(clue, user=None):
    """The letters that named `clue` (for the clue page); with `user`, only those the user may see."""
    queryset = Letter.objects.filter(clues=clue)
    if user is not None:
        queryset = letters_visible_to(user, queryset)
    return list(_listed(queryset))


def letters_for_unit(unit, limit=None):
    """The letters addressed to `unit`, latest first (for the unit workspace and the unit's letters page)."""
    queryset = _listed(Letter.objects.filter(unit=unit))
    return list(queryset[:limit] if limit else queryset)


def letter_rows(letter):
    """The problem list (问题清单) of a letter as it was issued, a dict per clue (with the clue row)."""
    clues = letter.clues.in_bulk([entry["clue"] for entry in letter.problems])
    return [{**entry, "index": index, "clue": clues.get(entry["clue"])}
            for index, entry in enumerate(letter.problems, start=1)]


# --- files ------------------------------------------------------------------------------------------------

def _paragraphs(body):
    """Body text → [(text, indented)]: a line typed with leading spaces opens an indented paragraph."""
    lines = []
    for raw in body.replace("\r\n", "\n").split("\n"):
        text = raw.strip()
        if text:
            lines.append((text, raw[:1] in (" ", "\u3000", "\t")))
    return lines


def _addressee(letter):
    return letter.unit.full_name or letter.unit.name


def render_pdf(letter):
    """The letter as an A4 PDF in the official-letter layout, with a CJK font embedded."""
    from reportlab.lib import colors  # heavy: loaded only when a file is made
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT  # heavy: loaded only when a file is made
    from reportlab.lib.pagesizes import A4  # heavy: loaded only when a file is made
    from reportlab.lib.styles import ParagraphStyle  # heavy: loaded only when a file is made
    from reportlab.lib.units import mm  # heavy: loaded only when a file is made
    from reportlab.platypus import (  # heavy: loaded only when a file is made
        HRFlowable,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    font = cjk_font()

    def style(name, size, **kwargs):
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=kwargs.pop("leading", size * 1.6),
                              wordWrap="CJK", **kwargs)

    header = style("header", 24, alignment=TA_CENTER, textColor=colors.HexColor(RED), leading=32)
    number = style("number", 12, alignment=TA_CENTER)
    title = style("title", 17, alignment=TA_CENTER, spaceBefore=6, spaceAfter=10, leading=26)
    text = style("text", 12, leading=21)
    indented = style("indented", 12, leading=21, firstLineIndent=24)
    heading = style("heading", 13, spaceBefore=10, spaceAfter=6)
    cell = style("cell", 9, leading=13)
    signature = style("signature", 12, alignment=TA_RIGHT, leading=21)

    story = [Paragraph(escape(issuer()), header), Spacer(1, 2 * mm), Paragraph(escape(letter.number), number),
             HRFlowable(width="100%", thickness=2, color=colors.HexColor(RED), spaceBefore=2, spaceAfter=8),
             Paragraph(escape(letter.title), title)]
    body = _paragraphs(letter.body)
    if letter.kind != Letter.Kind.REFERRAL and not (body and body[0][0].startswith(letter.unit.name)):
        story.append(Paragraph(escape(_addressee(letter)) + ":", text))
    for line, is_indented in body:
        story.append(Paragraph(escape(line), indented if is_indented else text))

    rows = letter_rows(letter)
    story.append(Paragraph(escape(_("附件:问题清单(%(unit)s)") % {"unit": letter.unit.name}), heading))
    data = [[Paragraph(escape(str(h)), cell) for h in table_headers()]]
    for row in rows:
        data.append([Paragraph(escape(str(v)), cell) for v in (
            row["index"], row["tracking_code"], row["employer_name"], row["worker_count"], row["amount_owed"],
            row["problem"])])
    table = Table(data, colWidths=[12 * mm, 24 * mm, 40 * mm, 12 * mm, 22 * mm, 46 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), font, 9),  # the cells' own font, else Helvetica is named (not embedded)
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F2F2F2")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    story += [table, Spacer(1, 14 * mm), Paragraph(escape(issuer()), signature),
              Paragraph(escape(chinese_date(letter.issued_at)), signature)]

    def page_number(canvas, doc):
        canvas.saveState()
        canvas.setFont(font, 10)
        canvas.drawCentredString(A4[0] / 2, 15 * mm, f"— {doc.page} —")
        canvas.restoreState()

    buffer = io.BytesIO()
    # initialFontName: otherwise every page's preamble names Helvetica, a font that is never embedded.
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=28 * mm, rightMargin=26 * mm, topMargin=30 * mm,
                            bottomMargin=28 * mm, title=letter.number, author=issuer(), subject=letter.title,
                            initialFontName=font, initialFontSize=12)
    doc.build(story, onFirstPage=page_number, onLaterPages=page_number)
    return buffer.getvalue()


def table_headers():
    return [_("序号"), _("查询码"), _("用人单位"), _("人数"), _("金额(元)"), _("问题")]


def render_docx(letter):
    """The letter as an A4 DOCX (Word) with the same content; the East Asian font set on every run."""
    from docx import Document  # heavy: loaded only when a file is made
    from docx.enum.table import WD_TABLE_ALIGNMENT  # heavy: loaded only when a file is made
    from docx.enum.text import WD_ALIGN_PARAGRAPH  # heavy: loaded only when a file is made
    from docx.oxml.ns import qn  # heavy: loaded only when a file is made
    from docx.shared import Mm, Pt, RGBColor  # heavy: loaded only when a file is made

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.top_margin, section.bottom_margin = Mm(30), Mm(28)

    def run(paragraph, value, size=12, *, bold=False, color=None, face="仿宋"):
        r = paragraph.add_run(str(value))
        r.font.size = Pt(size)
        r.font.bold = bold
        r.font.name = face
        r._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), face)
        if color:
            r.font.color.rgb = RGBColor.from_string(color.lstrip("#"))
        return r

    def para(value, size=12, *, align=None, indent=False, **kwargs):
        paragraph = document.add_paragraph()
        if align is not None:
            paragraph.alignment = align
        if indent:
            paragraph.paragraph_format.first_line_indent = Pt(size * 2)
        run(paragraph, value, size, **kwargs)
        return paragraph

    para(issuer(), 24, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, color=RED, face="宋体")
    para(letter.number, 12, align=WD_ALIGN_PARAGRAPH.CENTER)
    para("—" * 24, 12, align=WD_ALIGN_PARAGRAPH.CENTER, color=RED)
    para(letter.title, 17, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, face="宋体")
    body = _paragraphs(letter.body)
    if letter.kind != Letter.Kind.REFERRAL and not (body and body[0][0].startswith(letter.unit.name)):
        para(_addressee(letter) + ":")
    for line, is_indented in body:
        para(line, indent=is_indented)

    para(_("附件:问题清单(%(unit)s)") % {"unit": letter.unit.name}, 13, bold=True, face="黑体")
    rows = letter_rows(letter)
    table = document.add_table(rows=1 + len(rows), cols=6)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = [Mm(12), Mm(24), Mm(40), Mm(12), Mm(22), Mm(46)]
    values = [table_headers()] + [[row["index"], row["tracking_code"], row["employer_name"],
                                   row["worker_count"], row["amount_owed"], row["problem"]] for row in rows]
    for r_index, row_values in enumerate(values):
        for c_index, value in enumerate(row_values):
            cell = table.cell(r_index, c_index)
            cell.width = widths[c_index]
            run(cell.paragraphs[0], value, 9, bold=r_index == 0)
    para("")
    para(issuer(), align=WD_ALIGN_PARAGRAPH.RIGHT)
    para(chinese_date(letter.issued_at), align=WD_ALIGN_PARAGRAPH.RIGHT)

    document.core_properties.title = letter.number
    document.core_properties.author = issuer()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


RENDERERS = {"pdf": render_pdf, "docx": render_docx}


def _file_stem(letter):
    return f"letter-{letter.year}-{letter.kind}-{letter.sequence}"


def ensure_letter_file(letter, fmt):
    """The stored file of `letter` in `fmt` ("pdf" or "docx"), rendered and stored first if missing."""
    field = getattr(letter, fmt)
    if field and field.storage.exists(field.name):
        return field
    content = RENDERERS[fmt](letter)
    storage = field.storage
    path = field.field.generate_filename(letter, f"{_file_stem(letter)}.{fmt}")
    name = storage.save(path, ContentFile(content))
    # Another worker may have stored the same file meanwhile: the first name written wins.
    won = Letter.objects.filter(pk=letter.pk, **{fmt: field.name or ""}).update(**{fmt: name})
    if not won:
        storage.delete(name)
    letter.refresh_from_db(fields=[fmt])
    return getattr(letter, fmt)


def ensure_letter_files(letter):
    for fmt in RENDERERS:
        ensure_letter_file(letter, fmt)
    return letter
