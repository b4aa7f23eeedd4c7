"""Import of clues exported from the national platform (全国根治欠薪线索反映平台): CSV or XLSX, one clue a row.

`import_national_file` is the service (tests call it directly); the upload page stores the file as an import
job under MEDIA_ROOT/imports/ and runs it inline (small files) or in a Celery task, which writes its progress
and results to the cache and to a JSON file beside the upload. The column layout is in docs/national_import.md.
"""

import csv
import datetime as dt
import io
import logging
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.api import ApplicationError
from core.jobs import JobStore
from core.tasks import send as send_task
from projects.models import Project
from units import reference_cache
from units.models import Unit
from units.selectors import active_units
from units.workdays import SHANGHAI

from .intake_fields import FIELD_LABELS, clean_clue_fields
from .models import Channel, Clue
from .services import clue_create

logger = logging.getLogger(__name__)
IMPORT_TASK = "clues.tasks.run_national_import"

# Header → input name. The order is the documented order of the export.
COLUMNS = {
    "线索编号": "external_id",
    "反映时间": "received_at",
    "用人单位": "employer_name",
    "统一社会信用代码": "employer_credit_code",
    "项目名称": "project_name",
    "项目编号": "project_code",
    "务工地址": "work_address",
    "所在旗县市区": "district",
    "反映人": "complainant_name",
    "手机号": "complainant_phone",
    "身份证号": "complainant_id_number",
    "欠薪人数": "worker_count",
    "欠薪金额": "amount_owed",
    "欠薪起始月份": "owed_from",
    "欠薪截止月份": "owed_to",
    "情况描述": "description",
}
REQUIRED_COLUMNS = ("线索编号", "反映时间", "用人单位", "反映人", "手机号", "欠薪人数", "欠薪金额")
HEADER_BY_INPUT = {name: header for header, name in COLUMNS.items()}
HEADER_BY_INPUT["district_code"] = "所在旗县市区"

MAX_ROWS = 20000
MAX_BYTES = 20 * 1024 * 1024
INLINE_MAX_ROWS = 200
EXTENSIONS = ("csv", "xlsx")
ALREADY_IMPORTED = gettext_lazy("已导入过,跳过")

_PAREN_SUFFIX_RE = re.compile(r"[((][^()()]*[))]\s*$")
_DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
                     "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日 %H:%M",
                     "%Y%m%d%H%M%S")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y%m%d")


class ImportFileError(ApplicationError):
    """The whole file was refused (unreadable, wrong type, header without a required column)."""

    def __init__(self, message):
        super().__init__(message, code="import_file_invalid", fields={"file": [str(message)]})


@dataclass
class ImportReport:
    created: list = field(default_factory=list)  # [{"row", "external_id", "clue_id", "tracking_code"}]
    skipped: list = field(default_factory=list)  # [{"row", "external_id", "reason"}]
    errors: list = field(default_factory=list)  # [(row, [reasons])]
    warnings: list = field(default_factory=list)  # [(row, [messages])]
    total: int = 0

    def as_dict(self):
        data = asdict(self)
        data["errors"] = [{"row": row, "reasons": reasons} for row, reasons in self.errors]
        data["warnings"] = [{"row": row, "messages": messages} for row, messages in self.warnings]
        return data


@dataclass
class Table:
    headers: list  # input names by column position (None for columns we do not read)
    rows: list  # [(spreadsheet row number, {input name: cell value})]
    ignored_headers: list


# --- reading the file -------------------------------------------------------------------------------------

def _read_bytes(source):
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as handle:
            return handle.read(MAX_BYTES + 1)
    if hasattr(source, "seek"):
        source.seek(0)
    data = source.read(MAX_BYTES + 1)
    return data if isinstance(data, bytes) else data.encode("utf-8")


def file_kind(data, name=""):
    """'csv' or 'xlsx' from the content (names lie); ImportFileError for anything else."""
    suffix = Path(name or "").suffix.lower().lstrip(".")
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(_("不支持旧版 Excel(.xls)文件,请在 Excel 中另存为 .xlsx 或 CSV 后再导入。"))
    if suffix == "xlsx":
        raise ImportFileError(_("文件扩展名为 .xlsx,但内容不是 Excel 工作簿。"))
    if b"\x00" in data[:4096]:
        raise ImportFileError(_("只能导入 CSV 或 XLSX 文件。"))
    return "csv"


def _decode_csv(data):
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # Excel on a Chinese Windows saves CSV as GBK; GB18030 is its superset.
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ImportFileError(_("无法识别 CSV 文件的编码,请保存为 UTF-8 或 GB18030(GBK)编码。")) from None


def _csv_rows(data):
    text = _decode_csv(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    yield from csv.reader(io.StringIO(text, newline=""), dialect)


def _xlsx_rows(data):
    from openpyxl import load_workbook  # heavy: loaded only when a file is made

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (zipfile, KeyError, InvalidFileException) for a bad file
        raise ImportFileError(_("无法读取 Excel 文件,请确认文件未损坏且为 .xlsx 格式。")) from None
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    finally:
        workbook.close()


def _header_name(cell):
    text = "" if cell is None else str(cell)
    text = "".join(text.replace("\ufeff", "").split())
    # "欠薪金额(元)" and "欠薪金额(元)" are the same column as "欠薪金额".
    return _PAREN_SUFFIX_RE.sub("", text)


def _cell(value):
    # PostgreSQL refuses NUL in text; a stray one in an export must not fail the whole file.
    return value.replace("\x00", "") if isinstance(value, str) else value


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def read_table(source, name=""):
    """Read the header and the non-empty rows of a CSV or XLSX export; ImportFileError if unusable."""
    data = _read_bytes(source)
    if len(data) > MAX_BYTES:
        raise ImportFileError(_("文件超过20MB,请拆分后分批导入。"))
    if not data.strip():
        raise ImportFileError(_("文件是空的。"))
    kind = file_kind(data, name or getattr(source, "name", "") or str(source))
    rows = _xlsx_rows(data) if kind == "xlsx" else _csv_rows(data)
    try:
        header, row_number = None, 0
        for cells in rows:
            row_number += 1
            if all(_blank(c) for c in cells):
                continue
            header = cells
            break
        if header is None:
            raise ImportFileError(_("文件中没有表头和数据。"))
        headers, ignored, seen = [], [], set()
        for cell in header:
            title = _header_name(cell)
            input_name = COLUMNS.get(title)
            if input_name and input_name in seen:
                raise ImportFileError(_("表头中“%(col)s”列出现了两次。") % {"col": title})
            if input_name:
                seen.add(input_name)
            elif title:
                ignored.append(title)
            headers.append(input_name)
        missing = [title for title in REQUIRED_COLUMNS if COLUMNS[title] not in seen]
        if missing:
            raise ImportFileError(_("表头缺少必需的列:%(cols)s。请按导入说明中的列名准备文件(第一行为表头)。")
                                  % {"cols": "、".join(missing)})
        table_rows = []
        for cells in rows:
            row_number += 1
            if all(_blank(c) for c in cells):
                continue
            if len(table_rows) >= MAX_ROWS:
                raise ImportFileError(_("文件超过%(n)d行,请拆分后分批导入。") % {"n": MAX_ROWS})
            values = {name: _cell(cells[i]) if i < len(cells) else None
                      for i, name in enumerate(headers) if name}
            table_rows.append((row_number, values))
    except csv.Error as exc:
        raise ImportFileError(_("CSV 文件第%(row)d行格式有误:%(error)s") % {"row": row_number, "error": exc}) \
            from None
    return Table(headers=headers, rows=table_rows, ignored_headers=ignored)


# --- one row ----------------------------------------------------------------------------------------------

def parse_received_at(value, *, now=None):
    """反映时间 → an aware datetime (Asia/Shanghai when the cell has no zone); ValueError (Chinese) if not."""
    now = now or timezone.now()
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time.min)
    else:
        text = " ".join(str(value or "").split())
        if not text:
            raise ValueError(_("请填写反映时间。"))
        moment = None
        for fmt in _DATETIME_FORMATS + _DATE_FORMATS:
            try:
                moment = dt.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        if moment is None:
            try:
                moment = dt.datetime.fromisoformat(text)
            except ValueError:
                raise ValueError(_("反映时间“%(value)s”无法识别,请写成 2026-08-01 09:30 的形式。")
                                 % {"value": text[:30]}) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SHANGHAI)
    if moment > now:
        raise ValueError(_("反映时间不能晚于现在。"))
    return moment


def _district_lookup():
    lookup = {}
    for unit in active_units(Unit.Kind.DISTRICT):
        for key in (unit.code, unit.name, unit.full_name):
            if key:
                lookup[key] = unit.code
    return lookup


def _project_codes(rows):

    codes = {str(v["project_code"]).strip().upper() for _n, v in rows if not _blank(v.get("project_code"))}
    found = set()
    codes = list(codes)
    for start in range(0, len(codes), 1000):
        chunk = codes[start:start + 1000]
        found.update(c.upper() for c in Project.objects.filter(code__in=chunk).values_list("code", flat=True))
    return found


def _existing_external_ids(ids):
    found = set()
    ids = list(ids)
    for start in range(0, len(ids), 1000):
        chunk = ids[start:start + 1000]
        found.update(Clue.objects.filter(external_id__in=chunk).values_list("external_id", flat=True))
    return found


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _clean_row(values, *, districts, known_projects, now, snapshot=None):
    """One row's values → (external_id, received_at, data for clue_create, errors, warnings)."""
    errors, warnings = [], []

    external_id = _cell_text(values.get("external_id"))
    if not external_id:
        errors.append(_("线索编号:不能为空。"))
    elif len(external_id) > 64:
        errors.append(_("线索编号:不能超过64个字符。"))

    received_at = None
    try:
        received_at = parse_received_at(values.get("received_at"), now=now)
    except ValueError as exc:
        errors.append(_("反映时间:%(reason)s") % {"reason": exc})

    raw = {name: values.get(name) for name in FIELD_LABELS if name in values}
    district = _cell_text(values.get("district"))
    if district:
        code = districts.get(district) or districts.get(district.removeprefix("乌兰察布市"))
        if code is None:
            errors.append(_("所在旗县市区:未找到“%(value)s”,请填写旗县市区名称(如 卓资县)或代码(如 150921)。")
                          % {"value": district[:20]})
        raw["district_code"] = code
    project_code = _cell_text(values.get("project_code"))
    if project_code and project_code.upper() not in known_projects:
        # The national platform's project numbers are not always ours: keep the name, link nothing.
        warnings.append(_("项目编号:“%(code)s”不在本市项目库中,仅记录项目名称。") % {"code": project_code[:40]})
        raw["project_code"] = ""
        if not _cell_text(values.get("project_name")):
            raw["project_name"] = project_code

    cleaned = clean_clue_fields(raw, snapshot=snapshot)
    for name, messages in cleaned.errors.items():
        header = HEADER_BY_INPUT.get(name, str(FIELD_LABELS.get(name, name)))
        errors.extend(f"{header}:{message}" for message in messages)
    for name, messages in cleaned.warnings.items():
        header = HEADER_BY_INPUT.get(name, str(FIELD_LABELS.get(name, name)))
        warnings.extend(f"{header}:{message}" for message in messages)
    data = dict(cleaned.data, external_id=external_id)
    return external_id, received_at, data, errors, warnings


def import_national_file(path_or_file, *, user, progress=None, filename=""):
    """Import every row of a national-platform export; returns an ImportReport.

    Each row becomes a clue (channel national_platform, external_id = 线索编号, received_at = 反映时间,
    created_by = `user`) or is reported with its spreadsheet row number and the reasons. A 线索编号 seen before
    (in the database or earlier in the file) is skipped. Each row runs in its own savepoint, so a failing row
    leaves the others alone. `progress(done, total)` is called after each row.
    """

    table = read_table(path_or_file, filename)
    report = ImportReport(total=len(table.rows))
    existing = _existing_external_ids({_cell_text(v.get("external_id")) for _n, v in table.rows} - {""})
    districts = _district_lookup()
    known_projects = _project_codes(table.rows)
    seen_in_file = {}
    now = timezone.now()

    for done, (row_number, values) in enumerate(table.rows, start=1):
        external_id = _cell_text(values.get("external_id"))
        if external_id and external_id in existing:
            report.skipped.append({"row": row_number, "external_id": external_id, "reason": str(ALREADY_IMPORTED)})
        elif external_id and external_id in seen_in_file:
            reason = _("与第%(row)d行的线索编号重复,跳过") % {"row": seen_in_file[external_id]}
            report.skipped.append({"row": row_number, "external_id": external_id, "reason": reason})
        else:
            _import_row(row_number, values, user=user, report=report, districts=districts,
                        known_projects=known_projects, now=now, clue_create=clue_create)
            if external_id:
                seen_in_file[external_id] = row_number
        if progress is not None:
            progress(done, report.total)
    return report


def _import_row(row_number, values, *, user, report, districts, known_projects, now, clue_create):
    # The reference data as of this row: an administrator's change during a long import applies from the next row.
    snapshot = reference_cache.snapshot()
    external_id, received_at, data, errors, warnings = _clean_row(
        values, districts=districts, known_projects=known_projects, now=now, snapshot=snapshot)
    if errors:
        report.errors.append((row_number, errors))
        return
    try:
        # clue_create is atomic by itself (one statement, or its own transaction): a failed row leaves nothing.
        clue, created = clue_create(channel=Channel.NATIONAL_PLATFORM, data=data, created_by=user,
                                    received_at=received_at, snapshot=snapshot)
    except ApplicationError as exc:
        reasons = [f"{HEADER_BY_INPUT.get(k, k)}:{m}" for k, ms in exc.fields.items() for m in ms]
        report.errors.append((row_number, reasons or [exc.message]))
        return
    except ValidationError as exc:
        report.errors.append((row_number, exc.messages))
        return
    except Exception:  # one broken row must not stop a batch of thousands; the log keeps the trace
        logger.exception("national import: row %s (%s) failed", row_number, external_id)
        report.errors.append((row_number, [_("系统处理该行时出错,未导入,请稍后重试或联系管理员。")]))
        return
    if not created:
        report.skipped.append({"row": row_number, "external_id": external_id, "reason": str(ALREADY_IMPORTED)})
        return
    report.created.append({"row": row_number, "external_id": external_id, "clue_id": clue.pk,
                           "tracking_code": clue.tracking_code})
    if warnings:
        report.warnings.append((row_number, warnings))


# --- import jobs: the uploaded file plus a JSON status beside it (core.jobs) ----------------------------

STORE = JobStore("imports", "clues:import")
imports_dir = STORE.directory
write_job = STORE.write
read_job = STORE.read
_job_file = STORE.file


def create_import_job(upload, *, user):
    """Store an upload as a new import job after checking its header; returns the job (state queued).

    Raises ImportFileError (nothing stored) when the file is not an export we can read.
    """
    data = _read_bytes(upload)
    name = getattr(upload, "name", "") or ""
    table = read_table(io.BytesIO(data), name)  # refuse a bad file now, while the user is still on the page
    return STORE.create(data, ext=file_kind(data, name), user=user, filename=name, total=len(table.rows),
                        ignored_headers=table.ignored_headers, report=None)


def run_import_job(job_id):
    """Process a stored import job (inline or from the Celery task); safe to run again after a crash."""

    job = read_job(job_id)
    if job is None:
        logger.warning("import job %s: unknown", job_id)
        return None
    if job["state"] == "done":
        return job
    job.update(state="running", started_at=timezone.now().isoformat(), message="")
    write_job(job)
    user = User.objects.filter(pk=job["user_id"]).first()
    progress = STORE.progress(job)  # a few writes a second, not one per row
    try:
        report = import_national_file(_job_file(job), user=user, progress=progress, filename=job["filename"])
    except ImportFileError as exc:
        job.update(state="failed", message=exc.message, finished_at=timezone.now().isoformat())
        return write_job(job)
    except Exception:
        logger.exception("import job %s failed", job_id)
        job.update(state="failed", message=_("导入过程中出现系统错误,已导入的行会保留,可重新上传同一文件继续导入。"),
                   finished_at=timezone.now().isoformat())
        return write_job(job)
    job.update(state="done", done=report.total, total=report.total, report=report.as_dict(),
               finished_at=timezone.now().isoformat())
    return write_job(job)


def start_import(upload, *, user):
    """Create the job and run it: inline when small, else in the Celery worker. Returns the job."""
    job = create_import_job(upload, user=user)
    if job["total"] <= INLINE_MAX_ROWS:
        return run_import_job(job["id"])
    try:
        send_task(IMPORT_TASK, [job["id"]])
    except Exception:  # broker down: say so on the status page rather than leave a job that never moves
        logger.exception("import job %s: could not queue", job["id"])
        job.update(state="failed", message=_("后台任务队列暂不可用,请稍后重新上传,或拆分为不超过%(n)d行的文件。")
                   % {"n": INLINE_MAX_ROWS})
        write_job(job)
    return job
