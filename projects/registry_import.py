"""Bulk import of enterprises and projects from one XLSX workbook (sheets “企业” and “项目”, the layout in
docs/project_import.md), and the export of a project list in the same layout, so a city can load its projects in
one go, export them, correct them and import them again (a known credit code or project code is updated).

Every row goes through the services the API uses, inside one transaction: if any row is refused, the whole
import is rolled back and the rows' errors are reported with their sheet and row number.
"""

import io
import logging
from dataclasses import asdict, dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from accounts.models import User
from core.api import ApplicationError
from core.tasks import send as send_task
from units.models import Unit

from . import jobs, selectors, services, tables
from .models import Enterprise, Project, ProjectParty

logger = logging.getLogger(__name__)

ENTERPRISE_SHEET, PROJECT_SHEET = "企业", "项目"
ENTERPRISE_COLUMNS = {
    "统一社会信用代码": "credit_code",
    "企业名称": "name",
    "法定代表人": "legal_representative",
    "联系人": "contact_name",
    "联系电话": "contact_phone",
    "地址": "address",
}
ENTERPRISE_REQUIRED = ("统一社会信用代码", "企业名称")
PROJECT_COLUMNS = {
    "项目编号": "code",
    "项目名称": "name",
    "所在旗县市区": "district",
    "行业主管部门": "sector",
    "项目地址": "address",
    "建设单位统一社会信用代码": "developer",
    "施工总承包单位统一社会信用代码": "general_contractor",
    "专业分包单位统一社会信用代码": "subcontractors",
    "劳务分包单位统一社会信用代码": "labour_subcontractors",
    "合同签订日期": "contract_date",
    "合同金额": "contract_sum",
    "人工费用占比": "labour_cost_share",
    "开工日期": "start_date",
    "计划竣工日期": "end_date",
    "状态": "status",
    "政府或国企投资": "is_government_invested",
    "重点监管": "is_key",
    "劳资专管员": "wage_manager",
    "劳资专管员电话": "wage_manager_phone",
}
PROJECT_REQUIRED = ("项目编号", "项目名称", "所在旗县市区", "施工总承包单位统一社会信用代码")
HEADERS = {**{v: k for k, v in ENTERPRISE_COLUMNS.items()}, **{v: k for k, v in PROJECT_COLUMNS.items()}}
# The export adds these after the importable columns; an import ignores them.
EXPORT_EXTRA = ("建设单位", "施工总承包单位", "农民工工资专用账户", "工资保证金", "实名制花名册", "维权信息告示牌")
MAX_ROWS = 20000
INLINE_MAX_ROWS = 200
JOB_KIND = "registry"
JOB_TASK = "projects.tasks.run_registry_job"
YES = {"是", "yes", "y", "true", "1", "√", "✓"}
NO = {"否", "no", "n", "false", "0", ""}
SEPARATORS = ("、", ",", ",", ";", ";", "\n", " ")


@dataclass
class ImportReport:
    enterprises_created: int = 0
    enterprises_updated: int = 0
    projects_created: int = 0
    projects_updated: int = 0
    errors: list = field(default_factory=list)  # [{"sheet", "row", "reasons"}]
    warnings: list = field(default_factory=list)  # [{"sheet", "row", "messages"}]
    total: int = 0

    def as_dict(self):
        return asdict(self)


@dataclass
class RegistryBook:
    enterprises: list
    projects: list
    ignored_headers: list


def read_workbook(source, *, name=""):
    """The two sheets' rows; FileRefused when the file is not such a workbook."""
    data = tables.read_bytes(source)
    if len(data) > tables.MAX_BYTES:
        raise tables.FileRefused(_("文件超过20MB,请拆分后分批导入。"))
    if tables.file_kind(data, name) != "xlsx":
        raise tables.FileRefused(_("请上传按模板填写的 Excel(.xlsx)文件,含“企业”和“项目”两个工作表。"))
    workbook = tables.open_workbook(data)
    try:
        names = {sheet.title.strip(): sheet for sheet in workbook.worksheets}
        if ENTERPRISE_SHEET not in names and PROJECT_SHEET not in names:
            raise tables.FileRefused(_("工作簿中没有名为“企业”或“项目”的工作表,请使用导入模板。"))
        enterprises = projects = None
        ignored = []
        if ENTERPRISE_SHEET in names:
            enterprises = tables.table_from_rows(tables.sheet_rows(names[ENTERPRISE_SHEET]), ENTERPRISE_COLUMNS,
                                                 ENTERPRISE_REQUIRED, max_rows=MAX_ROWS,
                                                 what=_("“企业”工作表"))
            ignored += enterprises.ignored_headers
        if PROJECT_SHEET in names:
            projects = tables.table_from_rows(tables.sheet_rows(names[PROJECT_SHEET]), PROJECT_COLUMNS,
                                              PROJECT_REQUIRED, max_rows=MAX_ROWS, what=_("“项目”工作表"))
            ignored += [h for h in projects.ignored_headers if h not in EXPORT_EXTRA]
    finally:
        workbook.close()
    return RegistryBook(enterprises=enterprises.rows if enterprises else [],
                     projects=projects.rows if projects else [], ignored_headers=ignored)


def _unit_lookup():
    lookup = {}
    for unit in Unit.objects.filter(is_active=True).exclude(kind=Unit.Kind.CITY):
        for key in (unit.code, unit.name, unit.full_name):
            if key:
                lookup[(unit.kind, key)] = unit.code
    return lookup


def _unit_code(value, kind, lookup):
    text = tables.text(value)
    if not text:
        return ""
    return lookup.get((kind, text)) or lookup.get((kind, text.removeprefix("乌兰察布市"))) or text


def _flag(value, label):
    if isinstance(value, bool):
        return value
    text = tables.text(value).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(_("%(label)s应填“是”或“否”。") % {"label": label})


def _codes(value):
    text = tables.text(value).upper()
    for separator in SEPARATORS:
        text = text.replace(separator, " ")
    return [code for code in text.split() if code]


STATUS_BY_LABEL = {str(label): value for value, label in Project.Status.choices}


def _project_data(values, lookup):
    """A project row → the data the services take, or ([reasons], None)."""
    data, reasons = {}, []
    for name in ("code", "name", "address", "wage_manager", "wage_manager_phone", "developer",
                 "general_contractor"):
        if name in values:
            data[name] = tables.text(values[name]).upper() if name in ("developer", "general_contractor") \
                else tables.text(values[name])
    if "district" in values:
        data["district"] = _unit_code(values["district"], Unit.Kind.DISTRICT, lookup)
    if "sector" in values:
        data["sector"] = _unit_code(values["sector"], Unit.Kind.DEPARTMENT, lookup) or None
    parties = []
    for column, role in (("subcontractors", ProjectParty.Role.SUBCONTRACTOR),
                         ("labour_subcontractors", ProjectParty.Role.LABOUR_SUBCONTRACTOR)):
        if column in values:
            parties += [{"credit_code": code, "role": role} for code in _codes(values[column])]
    if "subcontractors" in values or "labour_subcontractors" in values:
        data["subcontractors"] = parties
    for name in ("contract_date", "start_date", "end_date"):
        if name in values:
            try:
                data[name] = tables.date(values[name], label=HEADERS[name])
            except ValueError as exc:
                reasons.append(str(exc))
    for name in ("contract_sum", "labour_cost_share"):
        if name in values:
            try:
                data[name] = tables.money(values[name], label=HEADERS[name])
            except ValueError as exc:
                reasons.append(str(exc))
    if "status" in values and tables.text(values["status"]):
        status = tables.text(values["status"])
        data["status"] = STATUS_BY_LABEL.get(status, status)
    for name in ("is_government_invested", "is_key"):
        if name in values:
            try:
                data[name] = _flag(values[name], HEADERS[name])
            except ValueError as exc:
                reasons.append(str(exc))
    return data, reasons


def _reasons(exc):
    reasons = []
    for name, messages in exc.fields.items():
        column = HEADERS.get(name.split(".")[0], name)
        reasons += [f"{column}:{message}" for message in messages]
    return reasons or [exc.message]


def import_registry(source, *, by, name="", progress=None):
    """Import a registry workbook; returns an ImportReport (with errors: nothing was changed)."""
    book = read_workbook(source, name=name)
    report = ImportReport(total=len(book.enterprises) + len(book.projects))
    done = 0
    lookup = _unit_lookup()
    with transaction.atomic():
        seen = {}
        for row, values in book.enterprises:
            done += 1
            code = tables.text(values.get("credit_code")).upper()
            if code and code in seen:
                report.errors.append({"sheet": ENTERPRISE_SHEET, "row": row, "reasons": [
                    _("统一社会信用代码与第%(row)d行重复。") % {"row": seen[code]}]})
                continue
            seen[code] = row
            entry = {key: tables.text(values.get(key)) for key in ENTERPRISE_COLUMNS.values() if key in values}
            entry.pop("credit_code", None)
            try:
                with transaction.atomic():
                    enterprise = Enterprise.objects.filter(credit_code=code).first() if code else None
                    if enterprise is None:
                        _e, warnings = services.enterprise_create(by=by, credit_code=code, values=entry)
                        report.enterprises_created += 1
                    else:
                        _e, warnings = services.enterprise_update(enterprise=enterprise, by=by, values=entry)
                        report.enterprises_updated += 1
            except ApplicationError as exc:
                report.errors.append({"sheet": ENTERPRISE_SHEET, "row": row, "reasons": _reasons(exc)})
                continue
            if warnings:
                report.warnings.append({"sheet": ENTERPRISE_SHEET, "row": row,
                                        "messages": [m for ms in warnings.values() for m in ms]})
            if progress:
                progress(done, report.total)
        seen = {}
        for row, values in book.projects:
            done += 1
            data, reasons = _project_data(values, lookup)
            code = data.get("code", "")
            if code and code in seen:
                reasons.append(_("项目编号与第%(row)d行重复。") % {"row": seen[code]})
            seen.setdefault(code, row)
            if reasons:
                report.errors.append({"sheet": PROJECT_SHEET, "row": row, "reasons": reasons})
                continue
            try:
                with transaction.atomic():
                    project = Project.objects.filter(code=code).first() if code else None
                    if project is None:
                        services.project_create(by=by, data=data)
                        report.projects_created += 1
                    else:
                        if not selectors.can_manage_registry(by, project):
                            raise ApplicationError(_("项目编号“%(code)s”已被本单位管辖范围以外的项目使用。")
                                                   % {"code": code}, fields={"code": [_("已被其他单位的项目使用。")]})
                        data.pop("code")
                        services.project_update(project=project, by=by, data=data)
                        report.projects_updated += 1
            except ApplicationError as exc:
                report.errors.append({"sheet": PROJECT_SHEET, "row": row, "reasons": _reasons(exc)})
            if progress:
                progress(done, report.total)
        if report.errors:
            transaction.set_rollback(True)
    return report


# --- the page's job ---------------------------------------------------------------------------------------

def start_import(upload, *, by):
    if not selectors.can_create_projects(by):
        raise ApplicationError(_("您的角色不能导入项目。"), code="permission_denied", status_code=403)
    data = tables.read_bytes(upload)
    name = getattr(upload, "name", "") or ""
    book = read_workbook(io.BytesIO(data), name=name)
    job = jobs.create_job(JOB_KIND, data, ext="xlsx", user=by, filename=name,
                          total=len(book.enterprises) + len(book.projects), ignored_headers=book.ignored_headers)
    if job["total"] <= INLINE_MAX_ROWS:
        return run_registry_job(job["id"])
    try:
        send_task(JOB_TASK, [job["id"]])
    except Exception:
        logger.exception("registry import %s: could not queue", job["id"])
        jobs.finish(job, "failed", message=_("后台任务队列暂不可用,请稍后重新上传。"))
    return job


def run_registry_job(job_id):
    job = jobs.read_job(job_id)
    if job is None or job.get("kind") != JOB_KIND:
        return None
    if job["state"] in ("done", "refused"):
        return job
    job.update(state="running")
    jobs.write_job(job)
    user = User.objects.filter(pk=job["user_id"]).first()
    try:
        if user is None:
            raise ApplicationError(_("导入人账号已不存在。"))
        report = import_registry(jobs.job_file(job), by=user, name=job["filename"],
                                 progress=jobs.progress(job, "import"))
    except ApplicationError as exc:
        return jobs.finish(job, "failed", message=exc.message)
    except Exception:
        logger.exception("registry import %s failed", job_id)
        return jobs.finish(job, "failed", message=_("导入过程中出现系统错误,未导入任何数据,请稍后重试。"))
    state = "refused" if report.errors else "done"
    message = (_("有 %(n)d 行错误,未导入任何数据,请修改后重新上传。") % {"n": len(report.errors)}
               if report.errors else "")
    return jobs.finish(job, state, done=job["total"], message=message, result=report.as_dict(),
                       errors=report.errors[:500])


# --- templates and export -----------------------------------------------------------------------------------

def _sheet(workbook, title, headers, rows):
    sheet = workbook.create_sheet(title)
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(12, len(header) * 2 + 2)
        # Codes and ID-like numbers stay text (Excel would turn 18 digits into 1.5E+17).
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].number_format = "@"
    return sheet


def template_workbook():
    workbook = Workbook()
    workbook.remove(workbook.active)
    _sheet(workbook, ENTERPRISE_SHEET, list(ENTERPRISE_COLUMNS), [
        ["91150902MA13XY8Q21", "内蒙古北疆建设集团有限公司", "张建华", "赵志刚", "0474-8123456", "集宁区工农大街18号"]])
    _sheet(workbook, PROJECT_SHEET, list(PROJECT_COLUMNS), [
        ["WLCB-2026-0101", "集宁区示范小区改造工程", "集宁区", "住房和城乡建设局", "集宁区新华街", "",
         "91150902MA13XY8Q21", "", "", "2026-03-01", "38600000", "25", "2026-03-15", "2027-10-31", "在建", "是", "否",
         "赵志刚", "13947400031"]])
    return workbook


def _duty_label(states, kind):
    state = next(s for s in states if s.kind == kind)
    return state.state_label


def export_workbook(projects, user):
    """The projects (a queryset the caller scoped to the user) in the import layout, plus their duties."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(PROJECT_SHEET)
    sheet.append([*PROJECT_COLUMNS, *EXPORT_EXTRA])
    projects = projects.prefetch_related("parties__enterprise", "duties")
    for project in projects.iterator(chunk_size=500):
        parties = list(project.parties.all())
        states = selectors.duty_states(project, user)
        sheet.append([
            project.code, project.name, project.district.name, project.sector.name if project.sector_id else "",
            project.address, project.developer.credit_code if project.developer_id else "",
            project.general_contractor.credit_code if project.general_contractor_id else "",
            "、".join(p.enterprise.credit_code for p in parties if p.role == ProjectParty.Role.SUBCONTRACTOR),
            "、".join(p.enterprise.credit_code for p in parties if p.role == ProjectParty.Role.LABOUR_SUBCONTRACTOR),
            project.contract_date, project.contract_sum, project.labour_cost_share, project.start_date,
            project.end_date, project.get_status_display(), "是" if project.is_government_invested else "否",
            "是" if project.is_key else "否", project.wage_manager, project.wage_manager_phone,
            project.developer.name if project.developer_id else project.developer_name,
            project.general_contractor.name if project.general_contractor_id else project.contractor_name,
            *[_duty_label(states, kind) for kind in selectors.DUTY_ORDER],
        ])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def workbook_bytes(workbook):
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def export_filename():
    return f"projects-{timezone.localdate():%Y%m%d}.xlsx"
