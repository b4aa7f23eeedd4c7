"""XLSX downloads: a sheet with a bold header, cells a spreadsheet would read as a formula kept as text, and the
HTTP response with a Chinese file name. Shared by the reports, the early warnings and any list export."""

import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell a spreadsheet would read as a formula (CSV/formula injection): kept as text with a leading quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def attachment(filename):
    return content_disposition_header(True, filename)


def xlsx_response(workbook, filename):
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = attachment(filename)
    return response


def write_sheet(workbook, title, header, rows, preface=()):
    """A sheet of a write-only workbook: `preface` lines, the bold header, then the rows, every cell safe."""
    sheet = workbook.create_sheet(title)
    bold = Font(bold=True)
    for line in preface:
        sheet.append([safe_text(value) for value in line])
    cells = []
    for value in header:
        cell = WriteOnlyCell(sheet, value=safe_text(str(value)))
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    for row in rows:
        sheet.append([safe_text(value) for value in row])
    return sheet


def local_minute(moment):
    """A moment as Beijing time to the minute, or "" for none."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def rate_cell(value):
    """A percentage for a cell: the number, or "—" when there is no denominator."""
    return float(value) if value is not None else "—"
