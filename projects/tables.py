"""Reading the spreadsheets people upload (the payroll, the registry import) and parsing their cells.

A table is a header row naming the columns (in any order, "应发工资(元)" and "应发工资" are the same column) and
the rows below it, each kept with its spreadsheet row number so every error can say where it is. Cells come as
Excel left them (numbers, dates) or as CSV text; the parsers accept both and answer in Chinese.
"""

import csv
import datetime as dt
import io
import os
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from core.api import ApplicationError

MAX_BYTES = 20 * 1024 * 1024
_PAREN_SUFFIX_RE = re.compile(r"[((][^()()]*[))]\s*$")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


class FileRefused(ApplicationError):
    """The whole file was refused (unreadable, wrong type, a required column missing)."""

    def __init__(self, message):
        super().__init__(message, code="file_invalid", fields={"file": [str(message)]})


@dataclass
class Table:
    rows: list  # [(spreadsheet row number, {input name: cell})]
    ignored_headers: list


def read_bytes(source):
    if isinstance(source, bytes):
        return source
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as handle:
            return handle.read(MAX_BYTES + 1)
    if hasattr(source, "seek"):
        source.seek(0)
    data = source.read(MAX_BYTES + 1)
    return data if isinstance(data, bytes) else data.encode("utf-8")


def file_kind(data, name=""):
    """'csv' or 'xlsx' from the content (names lie); FileRefused for anything else."""
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRefused(_("不支持旧版 Excel(.xls)文件,请在 Excel 中另存为 .xlsx 或 CSV 后再上传。"))
    if Path(name or "").suffix.lower() == ".xlsx":
        raise FileRefused(_("文件扩展名为 .xlsx,但内容不是 Excel 工作簿。"))
    if b"\x00" in data[:4096]:
        raise FileRefused(_("只能上传 CSV 或 XLSX 文件。"))
    return "csv"


def _decode_csv(data):
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")  # Excel on a Chinese Windows saves CSV as GBK
    except UnicodeDecodeError:
        raise FileRefused(_("无法识别 CSV 文件的编码,请保存为 UTF-8 或 GB18030(GBK)编码。")) from None


def header_name(cell):
    text = "" if cell is None else str(cell)
    text = "".join(text.replace("\ufeff", "").split())
    return _PAREN_SUFFIX_RE.sub("", text.removesuffix("*"))


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _cell(value):
    return value.replace("\x00", "") if isinstance(value, str) else value


def open_workbook(data):
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (zipfile, KeyError, InvalidFileException) for a bad file
        raise FileRefused(_("无法读取 Excel 文件,请确认文件未损坏且为 .xlsx 格式。")) from None


def sheet_rows(sheet):
    for row in sheet.iter_rows(values_only=True):
        yield list(row)


def csv_rows(data):
    text = _decode_csv(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    yield from csv.reader(io.StringIO(text, newline=""), dialect)


def table_from_rows(rows, columns, required, *, max_rows, what=""):
    """The header (the first non-empty row) and the data rows below it; FileRefused when unusable.

    `columns` maps header titles to input names; `required` lists titles that must be there."""
    where = f"{what}" if what else ""
    row_number, header = 0, None
    try:
        for cells in rows:
            row_number += 1
            if all(_blank(c) for c in cells):
                continue
            header = cells
            break
        if header is None:
            raise FileRefused(_("%(where)s没有表头和数据。") % {"where": where or _("文件中")})
        names, ignored, seen = [], [], set()
        for cell in header:
            title = header_name(cell)
            name = columns.get(title)
            if name and name in seen:
                raise FileRefused(_("%(where)s表头中“%(col)s”列出现了两次。") % {"where": where, "col": title})
            if name:
                seen.add(name)
            elif title:
                ignored.append(title)
            names.append(name)
        missing = [title for title in required if columns[title] not in seen]
        if missing:
            raise FileRefused(_("%(where)s表头缺少必需的列:%(cols)s。请使用模板,第一行为表头。")
                              % {"where": where, "cols": "、".join(missing)})
        data_rows = []
        for cells in rows:
            row_number += 1
            if all(_blank(c) for c in cells):
                continue
            if len(data_rows) >= max_rows:
                raise FileRefused(_("%(where)s超过%(n)d行,请拆分后分批上传。") % {"where": where or _("文件"),
                                                                                  "n": max_rows})
            values = {name: _cell(cells[i]) if i < len(cells) else None for i, name in enumerate(names) if name}
            data_rows.append((row_number, values))
    except csv.Error as exc:
        raise FileRefused(_("CSV 文件第%(row)d行格式有误:%(error)s") % {"row": row_number, "error": exc}) from None
    return Table(rows=data_rows, ignored_headers=ignored)


def read_table(source, columns, required, *, name="", max_rows):
    """One table from a CSV file or the first sheet of an XLSX workbook."""
    data = read_bytes(source)
    if len(data) > MAX_BYTES:
        raise FileRefused(_("文件超过20MB,请拆分后分批上传。"))
    if not data.strip():
        raise FileRefused(_("文件是空的。"))
    if file_kind(data, name or getattr(source, "name", "")) == "csv":
        return table_from_rows(csv_rows(data), columns, required, max_rows=max_rows)
    workbook = open_workbook(data)
    try:
        return table_from_rows(sheet_rows(workbook.worksheets[0]), columns, required, max_rows=max_rows)
    finally:
        workbook.close()


# --- cells ------------------------------------------------------------------------------------------------

def text(value, *, max_length=None):
    """A cell as text ("" for blank); whole floats lose their ".0" (Excel's numbers)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        value = value.strftime("%Y-%m-%d")
    result = str(value).strip()
    return result[:max_length] if max_length else result


def money(value, *, label):
    """A cell as yuan with two decimals; None when blank; ValueError (Chinese) when not a sum of money."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(_("%(label)s应为金额。") % {"label": label})
    try:
        if isinstance(value, float):
            amount = Decimal(repr(value))
        else:
            amount = Decimal(str(value).strip().replace(",", "").replace(",", "").removesuffix("元"))
    except (InvalidOperation, ValueError):
        raise ValueError(_("%(label)s“%(value)s”不是金额。") % {"label": label, "value": str(value)[:20]}) from None
    if not amount.is_finite():
        raise ValueError(_("%(label)s应为金额。") % {"label": label})
    if amount != amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP):
        raise ValueError(_("%(label)s最多两位小数。") % {"label": label})
    return amount.quantize(Decimal("0.01"))


def decimal(value, *, label, places=1):
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValueError(_("%(label)s“%(value)s”不是数字。") % {"label": label, "value": str(value)[:20]}) from None
    if not number.is_finite() or isinstance(value, bool):
        raise ValueError(_("%(label)s应为数字。") % {"label": label})
    step = Decimal(1).scaleb(-places)
    if number != number.quantize(step, rounding=ROUND_HALF_UP):
        raise ValueError(_("%(label)s最多%(n)d位小数。") % {"label": label, "n": places})
    return number.quantize(step)


def date(value, *, label):
    """A cell as a date (Excel's dates, or 2026-05-31, 2026/5/31, 2026年5月31日, 20260531); None when blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        result = value.date()
    elif isinstance(value, dt.date):
        result = value
    else:
        raw = text(value)
        result = None
        for fmt in _DATE_FORMATS:
            try:
                result = dt.datetime.strptime(raw, fmt).date()
                break
            except ValueError:
                continue
        if result is None:
            raise ValueError(_("%(label)s“%(value)s”无法识别,请写成 2026-05-31 的形式。")
                             % {"label": label, "value": raw[:20]})
    if not 2000 <= result.year <= 2099:
        raise ValueError(_("%(label)s应在2000至2099年之间。") % {"label": label})
    return result
