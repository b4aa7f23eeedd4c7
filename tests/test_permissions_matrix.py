"""Who may open which URL, checked on the server for every URL pattern the project has.

The table below classifies each pattern of django.urls.get_resolver(); a pattern nobody classified fails
test_every_url_pattern_is_classified, so a new page or endpoint cannot ship without saying who may use it.
Each row is requested (GET, POST, and the method the view does not take) by six visitors: anonymous, intake
staff, a supervisor, an administrator, an officer of 卓资县 (150921, the unit the clues are assigned to) and
an officer of 丰镇市 (150981, another unit). Besides the status each row expects, every response is checked
for what must never leak:

- an anonymous visitor gets the login page (pages) or 401/403 in the API's error format, except on the
  public worker URLs;
- the officer of 丰镇市 never sees a 卓资县 clue's tracking code, employer or complainant, anywhere;
- the full mobile number and ID number appear only in a response that recorded a personal-data view;
- a refused request changes no clue, event, saved filter or notice.
"""

import io
import json
import shutil
import subprocess
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core import signing
from django.db import transaction
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve
from django.utils import timezone
from PIL import Image

from accounts.roles import Role
from campaigns import services as campaign_services
from clues import importer, lifecycle
from clues.attachments import store_attachment
from clues.models import Clue, ClueEvent, DuplicateCandidate, PersonalDataView, Status
from clues.public_views import RECEIPT_SALT
from core.identity import credit_code_check_char
from credit import services as credit_services
from dispatch.models import SavedFilter
from notifications.models import OutboxMessage
from notifications.services import notify_users
from projects import payroll, registry_import
from projects import services as project_services
from projects.evidence import check_evidence
from supervision import letters, referrals
from tests.clues.lifecycle_helpers import (
    new_clue,
    to_assigned,
    to_closed,
    to_in_progress,
    to_resolved,
    to_unsatisfied,
)
from tests.clues.test_import import csv_bytes, row
from tests.factories import EnterpriseFactory, ProjectFactory, UserFactory, WarningFactory, resident_id
from units.models import Unit

pytestmark = pytest.mark.django_db

FULL_PHONE = "13800138000"
FULL_ID = "15092119900307123X"
SECRET_EMPLOYER = "卓资县隐秘建筑劳务有限公司"
SECRET_COMPLAINANT = "郝隐秘"
ZHUOZI, FENGZHEN = "150921", "150981"
WORKER_ID = resident_id("15092119850612301")  # a worker on 卓资县's project's payroll

ANON = "anon"
STAFF = ("intake", "supervisor", "admin", "officer_zz", "officer_fz")
ROLES = (ANON, *STAFF)
CITY = ("intake", "supervisor", "admin")
SEES_ZHUOZI = (*CITY, "officer_zz")

# Kinds of row: who may come without an account, and what a refusal looks like.
PAGE = "page"  # staff page: anonymous → login page
API = "api"  # staff API: anonymous → 401/403 in the error format
PUBLIC = "public"  # worker page: answers without an account
PUBLIC_API = "public_api"  # worker API (and QR images): answers without an account, errors in the format

# Patterns left out of the matrix on purpose, with the reason.
SKIPPED_PREFIXES = {
    "admin/": "Django admin: its own staff/permission checks (ROLE_PERMISSIONS)",
    "api/schema/": "OpenAPI schema: describes the API, holds no data",
    "api/docs/": "Swagger UI: a static page over the schema",
    "static/": "static files",
    "media/": "uploads are never served as media (views check permissions)",
}


@dataclass(frozen=True)
class Redirect:
    """A 301/302 whose Location starts with `prefix` (formatted with the world's ids)."""

    prefix: str
    status: int = 302


@dataclass(frozen=True)
class Row:
    kind: str
    urls: tuple  # concrete URLs, formatted with the world's ids (several: variants of one pattern)
    get: dict | None = None  # role → expected status (int, set of ints, or Redirect); None: GET not taken
    post: dict | None = None
    put: dict | None = None  # PUT and PATCH are requested only where a row lists them
    patch: dict | None = None
    data: dict = field(default_factory=dict)  # the POST/PUT/PATCH body: valid, so only permission can stop it
    shows: tuple = ()  # (clue key, roles): the GET body must name that clue's tracking code for these roles
    tied: bool = False  # tied to 卓资县's clue: 丰镇市's officer gets 404 even for an empty POST


def staff(default, **overrides):
    return {role: overrides.get(role, default) for role in STAFF}


def everyone(default, **overrides):
    return {role: overrides.get(role, default) for role in ROLES}


def only(allowed_status, roles, refused=403, **overrides):
    """`allowed_status` for `roles`, `refused` for the other staff."""
    return {role: overrides.get(role, allowed_status if role in roles else refused) for role in STAFF}


def clue_bound(status=200, **overrides):
    """Every staff member who may see the clue gets `status`; the other unit's officer does not know it exists."""
    return staff(status, officer_fz=404, **overrides)


INTAKE_ADMIN = ("intake", "admin")
OFFICERS = ("officer_zz", "officer_fz")
PERIOD = "start={start}&end={end}"
TRACK_LOGIN = Redirect("/track/?code=")

TABLE = {
    # --- the worker's side: no account needed ---------------------------------------------------------------
    "": Row(PUBLIC, ("/",), get=everyone({200, 302}, anon=200)),
    "healthz": Row(PUBLIC, ("/healthz",), get=everyone(200)),
    "login/": Row(PUBLIC, ("/login/",), get=everyone(200), post=everyone(200),
                  data={"username": "nobody", "password": "wrong"}),
    "logout/": Row(PUBLIC, ("/logout/",), post=everyone(Redirect("/login/"))),
    "i18n/setlang/": Row(PUBLIC, ("/i18n/setlang/",), post=everyone(Redirect("/")),
                         data={"language": "zh-hans", "next": "/"}),
    "q/": Row(PUBLIC, ("/q/",), get=everyone(200)),
    "q/<str:public_id>/": Row(PUBLIC, ("/q/{public_id}/",), get=everyone(200)),
    "report/": Row(PUBLIC, ("/report/",), get=everyone(200), post=everyone(200), data={"entry": "web"}),
    "report/done/<str:token>/": Row(PUBLIC, ("/report/done/{receipt}/",), get=everyone(200)),
    "track/": Row(PUBLIC, ("/track/",), get=everyone(200), post=everyone(200),
                  data={"code": "{code}", "phone": "13900000000"}),
    # Without proof (code + mobile on /track/) the progress page sends anyone back to /track/.
    "track/<str:code>/": Row(PUBLIC, ("/track/{code}/",), get=everyone(TRACK_LOGIN)),
    "track/<str:code>/followup/": Row(PUBLIC, ("/track/{closed_code}/followup/",), post=everyone(TRACK_LOGIN),
                                      data={"satisfied": "yes"}),
    "api/v1/auth/token/": Row(PUBLIC_API, ("/api/v1/auth/token/",), post=everyone(400),
                              data={"username": "nobody", "password": "wrong"}),
    "api/v1/public/clues/": Row(PUBLIC_API, ("/api/v1/public/clues/",), post=everyone(400), data={}),
    # The right mobile number shows the progress; without it, one neutral 404.
    "api/v1/public/clues/<str:tracking_code>/": Row(
        PUBLIC_API, (f"/api/v1/public/clues/{{code}}/?phone={FULL_PHONE}",), get=everyone(200)),
    "api/v1/public/clues/<str:tracking_code>/followup/": Row(
        PUBLIC_API, ("/api/v1/public/clues/{closed_code}/followup/",), post=everyone(404),
        data={"phone": "13900000000", "satisfied": True}),
    "api/v1/projects/<str:code>/qr.svg": Row(PUBLIC_API, ("/api/v1/projects/{project_code}/qr.svg",),
                                             get=everyone(200)),
    "api/v1/projects/<str:code>/qr.png": Row(PUBLIC_API, ("/api/v1/projects/{project_code}/qr.png",),
                                             get=everyone(200)),
    "api/v1/projects/<str:code>/poster": Row(PUBLIC_API, ("/api/v1/projects/{project_code}/poster",),
                                             get=everyone(200)),
    "api/v1/public/qr.svg": Row(PUBLIC_API, ("/api/v1/public/qr.svg",), get=everyone(200)),
    "api/v1/public/qr.png": Row(PUBLIC_API, ("/api/v1/public/qr.png",), get=everyone(200)),
    "api/v1/public/poster": Row(PUBLIC_API, ("/api/v1/public/poster",), get=everyone(200)),
    # Old addresses: a permanent redirect to the new one (which checks the login), whoever asks; a POST stays
    # a POST (308).
    "clues-list/": Row(PUBLIC, ("/clues-list/?district=150921",),
                       get=everyone(Redirect("/clues/?district=150921", 301))),
    "clue/<int:pk>/": Row(PUBLIC, ("/clue/{assigned}/",), get=everyone(Redirect("/clues/{assigned}/", 308))),
    "clue/<int:pk>/<path:rest>": Row(PUBLIC, ("/clue/{assigned}/claim/",),
                                     post=everyone(Redirect("/clues/{assigned}/claim/", 308))),

    # --- intake: enter, import ----------------------------------------------------------------------------
    "clues/new/": Row(PAGE, ("/clues/new/?like={assigned}",), get=only(200, INTAKE_ADMIN),
                      post=only(200, INTAKE_ADMIN), data={"channel": "hotline_12333"}),
    "clues/projects/search/": Row(PAGE, ("/clues/projects/search/?q=测试",), get=only(200, INTAKE_ADMIN)),
    "clues/<int:pk>/attachments/<int:attachment_id>/": Row(
        PAGE, ("/clues/{assigned}/attachments/{attachment}/",), get=clue_bound(200), tied=True),
    "clues/import/": Row(PAGE, ("/clues/import/",), get=only(200, INTAKE_ADMIN), post=only(400, INTAKE_ADMIN)),
    "clues/import/template.csv": Row(PAGE, ("/clues/import/template.csv",), get=only(200, INTAKE_ADMIN)),
    "clues/import/<str:job_id>/": Row(PAGE, ("/clues/import/{job}/",), get=only(200, INTAKE_ADMIN)),

    # --- workspaces and lists -----------------------------------------------------------------------------
    "triage/": Row(PAGE, ("/triage/",), get=only(200, INTAKE_ADMIN), shows=("received", INTAKE_ADMIN)),
    "triage/bulk-transfer/": Row(PAGE, ("/triage/bulk-transfer/",), post=only(302, INTAKE_ADMIN),
                                 data={"clues": ["{received}"], "unit": ZHUOZI}),
    "clues/": Row(PAGE, ("/clues/",), get=staff(200), shows=("assigned", SEES_ZHUOZI)),
    "unit/": Row(PAGE, ("/unit/",), get=only(200, OFFICERS), shows=("assigned", ("officer_zz",))),
    "review/": Row(PAGE, ("/review/",), get=only(200, CITY), shows=("resolved", CITY)),
    "followup/": Row(PAGE, ("/followup/",), get=only(200, CITY), shows=("closed", CITY)),
    "filters/save/": Row(PAGE, ("/filters/save/",), post=staff(302),
                         data={"name": "卓资县", "page": "all", "query": f"district={ZHUOZI}"}),
    # Somebody else's saved filter (intake's) does not exist for anyone else.
    "filters/<int:pk>/delete/": Row(PAGE, ("/filters/{saved_filter}/delete/",), post=staff(404, intake=302)),

    # --- one clue: the page, the reveal, each move (valid input: only permission stops it) -----------------
    "clues/<int:pk>/": Row(PAGE, ("/clues/{assigned}/", "/clues/{fengzhen_clue}/"), get=clue_bound(200),
                          shows=("assigned", SEES_ZHUOZI), tied=True),
    "clues/<int:pk>/reveal/": Row(PAGE, ("/clues/{assigned}/reveal/",), post=clue_bound(200), tied=True),
    "clues/<int:pk>/transfer/": Row(PAGE, ("/clues/{assigned}/transfer/",),
                                   post=clue_bound(403, intake=302, admin=302),
                                   data={"unit": "housing", "note": "改派行业部门"}, tied=True),
    "clues/<int:pk>/claim/": Row(PAGE, ("/clues/{assigned}/claim/",), post=clue_bound(403, officer_zz=302),
                                tied=True),
    "clues/<int:pk>/record/": Row(PAGE, ("/clues/{in_progress}/record/",),
                                 post=clue_bound(403, officer_zz=302),
                                 data={"kind": "contact", "note": "已电话联系反映人"}, tied=True),
    "clues/<int:pk>/return/": Row(PAGE, ("/clues/{assigned}/return/",), post=clue_bound(403, officer_zz=302),
                                 data={"reason": "不属于本单位辖区"}, tied=True),
    "clues/<int:pk>/resolve/": Row(PAGE, ("/clues/{in_progress}/resolve/",),
                                  post=clue_bound(403, officer_zz=302),
                                  data={"result": "no_arrears", "note": "经核实不存在欠薪"}, tied=True),
    "clues/<int:pk>/review/": Row(PAGE, ("/clues/{resolved}/review/",),
                                 post=clue_bound(302, officer_zz=403), data={"decision": "approve"}, tied=True),
    "clues/<int:pk>/followup/": Row(PAGE, ("/clues/{closed}/followup/",),
                                   post=clue_bound(302, officer_zz=403), data={"satisfied": "yes"}, tied=True),
    "clues/<int:pk>/reopen/": Row(PAGE, ("/clues/{unsatisfied}/reopen/",),
                                 post=clue_bound(302, officer_zz=403), data={"note": "重新核查"}, tied=True),
    "clues/<int:pk>/merge/": Row(PAGE, ("/clues/{assigned}/merge/",),
                                post=clue_bound(403, intake=302, admin=302), data={"into": "{original}"},
                                tied=True),

    # --- 统一督办 --------------------------------------------------------------------------------------------
    "supervision/": Row(PAGE, ("/supervision/",), get=only(200, CITY)),
    "supervision/referrals/<int:pk>/resend/": Row(PAGE, ("/supervision/referrals/{referral}/resend/",),
                                                   post=only(302, CITY)),
    "supervision/referrals/<int:pk>/xlsx": Row(PAGE, ("/supervision/referrals/{referral}/xlsx",),
                                               get=only(200, CITY, refused=404)),
    "units/<str:code>/letters/": Row(PAGE, (f"/units/{ZHUOZI}/letters/",), get=clue_bound(200), tied=True),
    "letters/<int:pk>/": Row(PAGE, ("/letters/{letter}/",), get=clue_bound(200),
                             shows=("assigned", SEES_ZHUOZI), tied=True),
    "letters/<int:pk>/<str:fmt>": Row(PAGE, ("/letters/{letter}/pdf", "/letters/{letter}/docx"),
                                      get=clue_bound(200), tied=True),

    # --- notices: each staff member's own ---------------------------------------------------------------------
    "notices/": Row(PAGE, ("/notices/",), get=staff(200)),
    "notices/read-all/": Row(PAGE, ("/notices/read-all/",), post=staff(Redirect("/notices/"))),
    # officer_zz's notice opens the clue for them; for anyone else it does not exist.
    "notices/<int:pk>/open/": Row(PAGE, ("/notices/{notice}/open/",),
                                  post=staff(Redirect("/notices/"), officer_zz=Redirect("/clues/{assigned}/"))),

    # --- reports: the city's for city staff, the unit's for its officers ---------------------------------------
    "reports/": Row(PAGE, (f"/reports/?{PERIOD}",), get=staff(200)),
    "reports/screen/": Row(PAGE, (f"/reports/screen/?{PERIOD}",), get=staff(200)),
    "reports/clues/": Row(PAGE, (f"/reports/clues/?{PERIOD}&metric=collected",
                                 f"/reports/clues/?{PERIOD}&metric=assigned&unit={ZHUOZI}"),
                          get=staff(200), shows=("assigned", SEES_ZHUOZI)),
    "reports/clues/export.<str:fmt>": Row(
        PAGE, (f"/reports/clues/export.csv?{PERIOD}&metric=collected",
               f"/reports/clues/export.xlsx?{PERIOD}&metric=collected&reveal=1",
               "/reports/clues/export.csv?reveal=1"),
        get=staff(200), shows=("assigned", SEES_ZHUOZI)),
    "reports/export.xlsx": Row(PAGE, (f"/reports/export.xlsx?{PERIOD}",), get=staff(200)),
    "reports/export.pdf": Row(PAGE, (f"/reports/export.pdf?{PERIOD}",), get=staff(200)),
    "reports/print/": Row(PAGE, (f"/reports/print/?{PERIOD}",), get=staff(200)),
    "projects/": Row(PAGE, ("/projects/",), get=staff(200)),

    # --- staff API --------------------------------------------------------------------------------------------
    "api/v1/": Row(API, ("/api/v1/",), get=staff(200)),
    "api/v1/auth/token/revoke/": Row(API, ("/api/v1/auth/token/revoke/",), post=staff(204)),
    "api/v1/<drf_format_suffix:format>": Row(API, ("/api/v1/.json",), get=staff(200)),
    "api/v1/clues/$": Row(API, ("/api/v1/clues/",), get=staff(200), post=only(400, INTAKE_ADMIN),
                          data={"channel": "hotline_12333"}, shows=("assigned", SEES_ZHUOZI)),
    "api/v1/clues/(?P<pk>\\d+)/$": Row(API, ("/api/v1/clues/{assigned}/", "/api/v1/clues/{assigned}/?reveal=1",
                                             "/api/v1/clues/{fengzhen_clue}/"),
                                       get=clue_bound(200), shows=("assigned", SEES_ZHUOZI), tied=True),
    "api/v1/units/$": Row(API, ("/api/v1/units/",), get=staff(200)),
    "api/v1/units/(?P<code>[^/.]+)/$": Row(API, (f"/api/v1/units/{ZHUOZI}/",), get=staff(200)),
    "api/v1/clues/(?P<pk>\\d+)/events/$": Row(API, ("/api/v1/clues/{assigned}/events/",), get=clue_bound(200),
                                              tied=True),
    "api/v1/clues/(?P<pk>\\d+)/records/$": Row(API, ("/api/v1/clues/{in_progress}/records/",),
                                               get=clue_bound(200), post=clue_bound(403, officer_zz=200),
                                               data={"kind": "contact", "note": "已电话联系反映人"}, tied=True),
    "api/v1/clues/(?P<pk>\\d+)/transfer/$": Row(API, ("/api/v1/clues/{assigned}/transfer/",),
                                                post=clue_bound(403, intake=200, admin=200),
                                                data={"unit": "housing"}, tied=True),
    "api/v1/clues/(?P<pk>\\d+)/claim/$": Row(API, ("/api/v1/clues/{assigned}/claim/",),
                                             post=clue_bound(403, officer_zz=200), tied=True),
    "api/v1/clues/(?P<pk>\\d+)/return/$": Row(API, ("/api/v1/clues/{assigned}/return/",),
                                              post=clue_bound(403, officer_zz=200),
                                              data={"reason": "不属于本单位辖区"}, tied=True),
    "api/v1/clues/(?P<pk>\\d+)/resolve/$": Row(API, ("/api/v1/clues/{in_progress}/resolve/",),
                                               post=clue_bound(403, officer_zz=200),
                                               data={"result": "no_arrears"}, tied=True),
    "api/v1/clues/(?P<pk>\\d+)/review/$": Row(API, ("/api/v1/clues/{resolved}/review/",),
                                              post=clue_bound(200, officer_zz=403), data={"approve": True},
                                              tied=True),
    "api/v1/clues/(?P<pk>\\d+)/followup/$": Row(API, ("/api/v1/clues/{closed}/followup/",),
                                                post=clue_bound(200, officer_zz=403), data={"satisfied": True},
                                                tied=True),
    "api/v1/clues/(?P<pk>\\d+)/reopen/$": Row(API, ("/api/v1/clues/{unsatisfied}/reopen/",),
                                              post=clue_bound(200, officer_zz=403), data={}, tied=True),
    "api/v1/clues/(?P<pk>\\d+)/merge/$": Row(API, ("/api/v1/clues/{assigned}/merge/",),
                                             post=clue_bound(403, intake=200, admin=200),
                                             data={"into": "{original}"}, tied=True),
    # 统一督办: the unit's own letters for an officer (another unit's letter does not exist for them); the ladder of
    # a clue the user may see; the board's figures for city staff.
    "api/v1/letters/$": Row(API, ("/api/v1/letters/",), get=staff(200), shows=("assigned", SEES_ZHUOZI)),
    "api/v1/letters/(?P<pk>\\d+)/$": Row(API, ("/api/v1/letters/{letter}/",), get=clue_bound(200), tied=True),
    "api/v1/clues/<int:pk>/escalations/": Row(API, ("/api/v1/clues/{assigned}/escalations/",),
                                              get=clue_bound(200), tied=True),
    "api/v1/supervision/board/": Row(API, ("/api/v1/supervision/board/",), get=only(200, CITY)),
    "api/v1/reports/completion/": Row(API, (f"/api/v1/reports/completion/?{PERIOD}",), get=staff(200)),
    "api/v1/reports/clues/": Row(API, (f"/api/v1/reports/clues/?{PERIOD}&metric=collected",
                                       f"/api/v1/reports/clues/?{PERIOD}&metric=assigned&unit={ZHUOZI}"),
                                 get=staff(200), shows=("assigned", SEES_ZHUOZI)),

    # --- the project registry: 卓资县's housing project (tests/projects has the 劳资专管员's side) --------------
    # City staff see every project, an officer the projects of the unit's district or sector (丰镇市's officer:
    # an empty list and 404 for 卓资县's project); an import or payroll job is its uploader's alone.
    "projects/export.xlsx": Row(PAGE, ("/projects/export.xlsx",), get=staff(200)),
    "projects/import/": Row(PAGE, ("/projects/import/",), get=staff(200), post=staff(400)),
    "projects/import/template.xlsx": Row(PAGE, ("/projects/import/template.xlsx",), get=staff(200)),
    "projects/import/<str:job_id>/": Row(PAGE, ("/projects/import/{registry_job}/",), get=staff(404, intake=200)),
    "projects/payroll-template.<str:fmt>": Row(PAGE, ("/projects/payroll-template.xlsx",
                                                      "/projects/payroll-template.csv"), get=staff(200)),
    "projects/<str:code>/": Row(PAGE, ("/projects/{project_code}/",), get=clue_bound(200), tied=True),
    "projects/<str:code>/workspace/": Row(PAGE, ("/projects/{project_code}/workspace/",), get=clue_bound(200),
                                          tied=True),
    "projects/<str:code>/duties/<str:kind>/": Row(
        PAGE, ("/projects/{project_code}/duties/roster/",), post=clue_bound(302), tied=True,
        data={"roster-headcount": "30", "roster-updated_on": "{first_of_month}", "roster-bank_reference": "HD001"}),
    "projects/<str:code>/duties/<str:kind>/verify/": Row(
        PAGE, ("/projects/{project_code}/duties/wage_account/verify/",), post=clue_bound(302),
        data={"decision": "verify"}, tied=True),
    "projects/<str:code>/duties/<str:kind>/evidence": Row(
        PAGE, ("/projects/{project_code}/duties/wage_account/evidence",), get=clue_bound(200), tied=True),
    "projects/<str:code>/allocations/": Row(
        PAGE, ("/projects/{project_code}/allocations/",), post=clue_bound(302), tied=True,
        data={"month": "{month}", "pre_allocation": "0", "amount": "100000.00", "paid_on": "{first_of_month}"}),
    # Without a file the form comes back with its errors: only permission decides 400 against 404.
    "projects/<str:code>/payroll/upload/": Row(PAGE, ("/projects/{project_code}/payroll/upload/",),
                                               post=clue_bound(400), data={"month": "{month}"}, tied=True),
    "projects/<str:code>/payroll/jobs/<str:job_id>/": Row(
        PAGE, ("/projects/{project_code}/payroll/jobs/{payroll_job}/",), get=clue_bound(404, intake=200), tied=True),
    "projects/<str:code>/payroll/<str:month>/": Row(PAGE, ("/projects/{project_code}/payroll/{month}/",),
                                                    get=clue_bound(200), tied=True),
    "projects/<str:code>/managers/": Row(
        PAGE, ("/projects/{project_code}/managers/",), get=clue_bound(200), post=clue_bound(200), tied=True,
        data={"action": "create", "new-username": "perm_wage_manager", "new-name": "王专管",
              "new-phone": "13947400088"}),
    "api/v1/enterprises/": Row(API, ("/api/v1/enterprises/",), get=staff(200), post=staff(201),
                               data={"credit_code": "{new_credit_code}", "name": "内蒙古新登记劳务有限公司"}),
    "api/v1/enterprises/<str:credit_code>/": Row(API, ("/api/v1/enterprises/{credit_code}/",), get=staff(200),
                                                 patch=staff(200), data={"contact_phone": "13947400077"}),
    "api/v1/projects/": Row(API, ("/api/v1/projects/",), get=staff(200), post=staff(201, officer_fz=403),
                            data={"code": "WLCB-PERM-NEW", "name": "权限测试新建项目", "district": ZHUOZI,
                                  "general_contractor": "{credit_code}"}),
    "api/v1/projects/<str:code>/": Row(API, ("/api/v1/projects/{project_code}/",), get=clue_bound(200),
                                       patch=clue_bound(200), data={"address": "卓资县新区"}, tied=True),
    "api/v1/projects/<str:code>/events/": Row(API, ("/api/v1/projects/{project_code}/events/",),
                                              get=clue_bound(200), tied=True),
    "api/v1/projects/<str:code>/duties/<str:duty>/": Row(
        API, ("/api/v1/projects/{project_code}/duties/wage_account/",), get=clue_bound(200), put=clue_bound(200),
        data={"bank": "中国农业银行卓资县支行", "account_number": "15050101040012345", "opened_on": "{first_of_month}",
              "bank_reference": "HD002"}, tied=True),
    "api/v1/projects/<str:code>/duties/<str:duty>/verify/": Row(
        API, ("/api/v1/projects/{project_code}/duties/wage_account/verify/",), post=clue_bound(200),
        data={"decision": "verify"}, tied=True),
    "api/v1/projects/<str:code>/allocations/<str:month>/": Row(
        API, ("/api/v1/projects/{project_code}/allocations/{month}/",), get=clue_bound(200), put=clue_bound(200),
        data={"amount": "100000.00", "paid_on": "{first_of_month}"}, tied=True),
    "api/v1/projects/<str:code>/payroll/": Row(API, ("/api/v1/projects/{project_code}/payroll/",),
                                               get=clue_bound(200), tied=True),
    "api/v1/projects/<str:code>/payroll/<str:month>/": Row(
        API, ("/api/v1/projects/{project_code}/payroll/{month}/",), get=clue_bound(200), put=clue_bound(200),
        data={"lines": [{"worker_name": "赵工人", "id_number": "{worker_id}", "phone": "13947400001",
                         "wage_due": "6000.00", "wage_paid": "6000.00", "paid_on": "{first_of_month}"}]},
        tied=True),
    # A worker's own wages: the ID number and mobile number on the payroll, no account.
    "api/v1/public/projects/<str:public_id>/wages/": Row(
        PUBLIC_API, ("/api/v1/public/projects/{public_id}/wages/",), post=everyone(200),
        data={"id_number": "{worker_id}", "phone": "13947400001"}),
    "q/<str:public_id>/wages/": Row(PUBLIC, ("/q/{public_id}/wages/",), get=everyone(200), post=everyone(200),
                                    data={"id_number": "{worker_id}", "phone": "13947400001"}),

    # --- early warnings: 卓资县's project has a red warning assigned to 卓资县 -----------------------------------
    # City staff see every warning and the whole board; an officer the warnings and board of the unit's own
    # district or sector (丰镇市's officer: an empty list, a board of nothing, and 404 for 卓资县's warning).
    "monitoring/": Row(PAGE, ("/monitoring/",), get=staff(200)),
    "monitoring/export.xlsx": Row(PAGE, ("/monitoring/export.xlsx",), get=staff(200)),
    "warnings/": Row(PAGE, ("/warnings/", "/warnings/?district=150921&state=open"), get=staff(200)),
    "warnings/export.xlsx": Row(PAGE, ("/warnings/export.xlsx",), get=staff(200)),
    "warnings/<int:pk>/": Row(PAGE, ("/warnings/{warning}/",), get=clue_bound(200), tied=True),
    # 撤销 is city staff's; 核处 the assigned unit's (URL_OVERRIDES).
    "warnings/<int:pk>/<str:action>/": Row(PAGE, ("/warnings/{warning}/dismiss/", "/warnings/{warning}/respond/"),
                                           post=clue_bound(302, officer_zz=403),
                                           data={"reason": "项目已停工", "response": "已现场核查"}, tied=True),
    "api/v1/warnings/$": Row(API, ("/api/v1/warnings/", "/api/v1/warnings/?overdue=true&level=red"),
                             get=staff(200)),
    "api/v1/warnings/(?P<pk>\\d+)/$": Row(API, ("/api/v1/warnings/{warning}/",), get=clue_bound(200), tied=True),
    "api/v1/warnings/(?P<pk>\\d+)/assign/$": Row(API, ("/api/v1/warnings/{warning}/assign/",),
                                                  post=clue_bound(200, officer_zz=403), data={"unit": ZHUOZI},
                                                  tied=True),
    "api/v1/warnings/(?P<pk>\\d+)/dismiss/$": Row(API, ("/api/v1/warnings/{warning}/dismiss/",),
                                                   post=clue_bound(200, officer_zz=403), data={"reason": "误报"},
                                                   tied=True),
    "api/v1/warnings/(?P<pk>\\d+)/respond/$": Row(API, ("/api/v1/warnings/{warning}/respond/",),
                                                   post=clue_bound(403, officer_zz=200),
                                                   data={"response": "已责令限期整改"}, tied=True),
    # 整改说明 is the project's 劳资专管员's (tests/wage_warnings): no staff member may write it.
    "api/v1/warnings/(?P<pk>\\d+)/reply/$": Row(API, ("/api/v1/warnings/{warning}/reply/",),
                                                 post=clue_bound(403), data={"text": "已整改"}, tied=True),
    # The rules are read by every staff member (the administrator's PATCH: tests/wage_warnings/test_api.py).
    "api/v1/rules/$": Row(API, ("/api/v1/rules/",), get=staff(200)),
    "api/v1/rules/(?P<code>[a-z_]+)/$": Row(API, ("/api/v1/rules/roster_missing/",), get=staff(200)),
    "api/v1/reports/monitoring/": Row(API, ("/api/v1/reports/monitoring/",), get=staff(200)),

    # --- enforcement and credit: 卓资县's officer recorded an order, a penalty and a watchlist entry on the general
    # contractor of 卓资县's project. City staff see and act on all; 丰镇市's officer neither sees them (404) nor
    # may record for that enterprise (403). The blacklist's publication needs no account.
    "enforcement/": Row(PAGE, ("/enforcement/", "/enforcement/?kind=penalty&state=unpaid"), get=staff(200)),
    "enforcement/new/<str:kind>/": Row(
        PAGE, ("/enforcement/new/rectification_order/", "/enforcement/new/police_referral/?clue={closed}"),
        get=staff(200), post=staff(302, officer_fz=403),
        data={"enterprise": "{credit_code}", "project": "{project_code}", "number": "PERM-NEW-1", "date": "{end}",
              "problem": "未按月支付工资", "deadline": "{end}"}),
    "enforcement/<int:pk>/": Row(PAGE, ("/enforcement/{order}/",), get=clue_bound(200), tied=True),
    "enforcement/<int:pk>/file/<str:which>": Row(PAGE, ("/enforcement/{order}/file/document",),
                                                  get=clue_bound(200), tied=True),
    "enforcement/<int:pk>/<str:action>/": Row(
        PAGE, ("/enforcement/{order}/rectify/", "/enforcement/{penalty}/pay/"), post=clue_bound(302),
        data={"rectified_on": "{end}", "evidence": "已补发工资", "paid_on": "{end}"}, tied=True),
    "enterprises/<str:credit_code>/": Row(PAGE, ("/enterprises/{credit_code}/",), get=clue_bound(200)),
    "blacklist/": Row(PUBLIC, ("/blacklist/",), get=everyone(200)),
    "api/v1/enforcement/$": Row(API, ("/api/v1/enforcement/", "/api/v1/enforcement/?kind=rectification_order"),
                                get=staff(200), post=staff(201, officer_fz=403),
                                data={"kind": "penalty", "enterprise": "{credit_code}", "number": "PERM-NEW-2",
                                      "project": "{project_code}",
                                      "date": "{end}", "amount": "1000.00", "legal_basis": "条例第五十五条"}),
    "api/v1/enforcement/(?P<pk>\\d+)/$": Row(API, ("/api/v1/enforcement/{order}/",), get=clue_bound(200),
                                                tied=True),
    "api/v1/enforcement/(?P<pk>\\d+)/rectify/$": Row(API, ("/api/v1/enforcement/{order}/rectify/",),
                                                       post=clue_bound(200), tied=True,
                                                       data={"rectified_on": "{end}", "evidence": "已补发工资"}),
    "api/v1/enforcement/(?P<pk>\\d+)/pay/$": Row(API, ("/api/v1/enforcement/{penalty}/pay/",),
                                                   post=clue_bound(200), data={"paid_on": "{end}"}, tied=True),
    "api/v1/enforcement/(?P<pk>\\d+)/remove/$": Row(API, ("/api/v1/enforcement/{watchlist}/remove/",),
                                                      post=clue_bound(200), tied=True,
                                                      data={"removed_on": "{end}", "evidence": "欠薪已全部支付"}),
    "api/v1/enforcement/(?P<pk>\\d+)/close/$": Row(API, ("/api/v1/enforcement/{order}/close/",),
                                                     post=clue_bound(200), data={"note": "已移送处罚"}, tied=True),
    "api/v1/public/blacklist/": Row(PUBLIC_API, ("/api/v1/public/blacklist/",), get=everyone(200)),
    "api/v1/reports/enforcement/": Row(API, (f"/api/v1/reports/enforcement/?{PERIOD}",), get=staff(200)),
    # --- 专项整治 and risk: 卓资县's project in the campaign with a problem for 卓资县 (and one supervised and
    # rectified, to clear); every staff member sees the campaign, an officer only the unit's projects and
    # problems in it (丰镇市's: empty lists, 404 for 卓资县's problem, 400 naming a project it cannot see).
    "campaigns/": Row(PAGE, ("/campaigns/",), get=staff(200)),
    "campaigns/<int:pk>/": Row(PAGE, ("/campaigns/{campaign}/", "/campaigns/{campaign}/?state=open&district=150921"),
                               get=staff(200)),
    # 部署 is city staff's; 纳入项目 anyone's for a project they may see (丰镇市's officer: the page says no).
    "campaigns/new/": Row(PAGE, ("/campaigns/new/",), get=only(200, CITY), post=only(302, CITY),
                          data={"name": "夏季专项检查", "start": "{start}", "end": "{end}", "scope": "government"}),
    "campaigns/<int:pk>/projects/": Row(PAGE, ("/campaigns/{campaign}/projects/",), post=staff(302),
                                        data={"project": "{second_project}"}),
    "campaigns/<int:pk>/export.xlsx": Row(PAGE, ("/campaigns/{campaign}/export.xlsx",), get=staff(200)),
    "campaigns/<int:pk>/export.pdf": Row(PAGE, ("/campaigns/{campaign}/export.pdf",), get=staff(200)),
    # 督办 is city staff's; 整改 the responsible unit's too (URL_OVERRIDES).
    "campaigns/<int:pk>/problems/<int:problem>/<str:action>/": Row(
        PAGE, ("/campaigns/{campaign}/problems/{problem}/supervise/",
               "/campaigns/{campaign}/problems/{problem}/rectify/"),
        post=clue_bound(302, officer_zz=403), data={"rectified_on": "{end}", "evidence": "已整改,凭证HD009"},
        tied=True),
    "risk/": Row(PAGE, ("/risk/", "/risk/?district=150921&government=0"), get=staff(200)),
    # 丰镇市's officer has no open project to pick from: the form comes back with the reason.
    "risk/pick/": Row(PAGE, ("/risk/pick/",), post=staff(Redirect("/risk/rounds/"), officer_fz=400),
                      data={"kind": "double_random", "count": "1", "random_share": "0.5", "seed": "7"}),
    "risk/rounds/<int:pk>/": Row(PAGE, ("/risk/rounds/{round}/",), get=only(200, CITY, refused=404)),
    "risk/rounds/<int:pk>/inspections/": Row(PAGE, ("/risk/rounds/{round}/inspections/",),
                                             post=only(302, CITY, refused=404),
                                             data={"project": "{round_project}", "inspected_on": "{end}",
                                                   "findings": "工资专用账户已开设"}),
    "risk/projects/<str:code>/": Row(PAGE, ("/risk/projects/{project_code}/",), get=clue_bound(200)),
    "risk/enterprises/<str:credit_code>/": Row(PAGE, ("/risk/enterprises/{credit_code}/",), get=staff(200)),
    "api/v1/campaigns/": Row(API, ("/api/v1/campaigns/",), get=staff(200), post=only(201, CITY),
                             data={"name": "春季行动", "start": "{start}", "end": "{end}", "scope": "all"}),
    "api/v1/campaigns/<int:pk>/": Row(API, ("/api/v1/campaigns/{campaign}/",), get=staff(200)),
    "api/v1/campaigns/<int:pk>/projects/": Row(API, ("/api/v1/campaigns/{campaign}/projects/",), get=staff(200),
                                               post=staff(201, officer_fz=400), data={"project": "{second_project}"}),
    "api/v1/campaigns/<int:pk>/summary/": Row(API, ("/api/v1/campaigns/{campaign}/summary/",), get=staff(200)),
    "api/v1/campaigns/<int:pk>/problems/": Row(
        API, ("/api/v1/campaigns/{campaign}/problems/", "/api/v1/campaigns/{campaign}/problems/?state=open"),
        get=staff(200), post=staff(201, officer_fz=400),
        data={"project": "{project_code}", "category": "deposit", "description": "保证金未存储", "deadline": 5,
              "unit": ZHUOZI}),
    "api/v1/campaigns/<int:pk>/problems/<int:problem>/": Row(
        API, ("/api/v1/campaigns/{campaign}/problems/{problem}/",), get=clue_bound(200), tied=True),
    "api/v1/campaigns/<int:pk>/problems/<int:problem>/rectify/": Row(
        API, ("/api/v1/campaigns/{campaign}/problems/{problem}/rectify/",), post=clue_bound(200),
        data={"rectified_on": "{end}", "evidence": "已整改"}, tied=True),
    "api/v1/campaigns/<int:pk>/problems/<int:problem>/supervise/": Row(
        API, ("/api/v1/campaigns/{campaign}/problems/{problem}/supervise/",), post=clue_bound(200, officer_zz=403),
        tied=True),
    "api/v1/campaigns/<int:pk>/problems/<int:problem>/clear/": Row(
        API, ("/api/v1/campaigns/{campaign}/problems/{supervised_problem}/clear/",),
        post=clue_bound(200, officer_zz=403), tied=True),
    "api/v1/inspections/": Row(API, ("/api/v1/inspections/",), get=staff(200), post=staff(201, officer_fz=400),
                               data={"project": "{project_code}", "kind": "double_resident", "inspected_on": "{end}",
                                     "findings": "工资专用账户已开设,告示牌齐全"}),
    "api/v1/inspections/pick/": Row(API, ("/api/v1/inspections/pick/",), post=staff(201, officer_fz=400),
                                    data={"count": 1, "random_share": "0.5", "seed": 7}),
    "api/v1/inspections/rounds/<int:pk>/": Row(API, ("/api/v1/inspections/rounds/{round}/",),
                                               get=only(200, CITY, refused=404)),
    "api/v1/risk/projects/": Row(API, ("/api/v1/risk/projects/", "/api/v1/risk/projects/?district=150921"),
                                 get=staff(200)),
    "api/v1/risk/projects/<str:code>/": Row(API, ("/api/v1/risk/projects/{project_code}/",), get=clue_bound(200)),
    "api/v1/risk/enterprises/<str:credit_code>/": Row(API, ("/api/v1/risk/enterprises/{credit_code}/",),
                                                      get=staff(200)),
}

# Variants where one URL of a row expects something else than the row says (url → role → expected).
URL_OVERRIDES = {
    # 丰镇市's own clue: its officer sees it, 卓资县's does not; city staff see all.
    "/clues/{fengzhen_clue}/": {"officer_zz": 404, "officer_fz": 200},
    "/api/v1/clues/{fengzhen_clue}/": {"officer_zz": 404, "officer_fz": 200},
    # Another unit's row of the report is refused outright (not an empty list).
    f"/reports/clues/?{PERIOD}&metric=assigned&unit={ZHUOZI}": {"officer_fz": 403},
    f"/api/v1/reports/clues/?{PERIOD}&metric=assigned&unit={ZHUOZI}": {"officer_fz": 403},
    # 核处 is the assigned unit's (卓资县), not city staff's.
    "/warnings/{warning}/respond/": {"intake": 403, "supervisor": 403, "admin": 403, "officer_zz": 302},
    # 整改 is the responsible unit's as well as city staff's.
    "/campaigns/{campaign}/problems/{problem}/rectify/": {"officer_zz": 302},
}


# --- walking the URLconf -----------------------------------------------------------------------------------

def url_routes():
    """{route: callback} of every URL pattern, routes spelled as ResolverMatch.route spells them."""

    def walk(patterns, prefix):
        for pattern in patterns:
            text = str(pattern.pattern)
            route = prefix + text.removeprefix("^") if prefix else text
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            else:
                yield route, pattern.callback

    return dict(walk(get_resolver().url_patterns, ""))


def skipped(route):
    return any(route.startswith(prefix) for prefix in SKIPPED_PREFIXES)


def test_every_url_pattern_is_classified():
    """A new URL must be added to TABLE with who may use it; a removed one must leave it."""
    routes = {route for route in url_routes() if not skipped(route)}
    unclassified = sorted(routes - set(TABLE))
    stale = sorted(set(TABLE) - routes)
    assert not unclassified, f"URL patterns nobody classified in tests/test_permissions_matrix.py: {unclassified}"
    assert not stale, f"TABLE rows for URL patterns that no longer exist: {stale}"


# --- the world every row is requested against ----------------------------------------------------------------

def _staff(role, unit_code, username, **kwargs):
    user = UserFactory(username=username, unit=Unit.objects.get(code=unit_code), **kwargs)
    user.groups.add(Group.objects.get(name=role))
    return user


def _png(name):
    out = io.BytesIO()
    Image.new("RGB", (24, 12), "white").save(out, "PNG")
    handle = io.BytesIO(out.getvalue())
    handle.name = name
    return handle


@pytest.fixture
def world(settings, tmp_path):
    settings.PUBLIC_RATE_LIMIT = "0"
    users = {
        "intake": _staff(Role.INTAKE, "150900", "perm_intake"),
        "supervisor": _staff(Role.SUPERVISOR, "150900", "perm_supervisor"),
        "admin": _staff(Role.ADMIN, "150900", "perm_admin", is_staff=True),
        "officer_zz": _staff(Role.OFFICER, ZHUOZI, "perm_officer_zz"),
        "officer_fz": _staff(Role.OFFICER, FENGZHEN, "perm_officer_fz"),
    }
    intake, officer = users["intake"], users["officer_zz"]
    zhuozi = Unit.objects.get(code=ZHUOZI)
    contractor = EnterpriseFactory(name="内蒙古北疆建设集团有限公司")
    project = ProjectFactory(district=zhuozi, general_contractor=contractor, contractor_name=contractor.name,
                             contractor_credit_code=contractor.credit_code)
    secret = {"employer_name": SECRET_EMPLOYER, "employer_key": "卓资县隐秘建筑劳务",
              "complainant_name": SECRET_COMPLAINANT, "complainant_phone": FULL_PHONE,
              "complainant_id_number": FULL_ID, "district": zhuozi, "project": project}
    clues = {key: new_clue(tracking_code=code, **secret) for key, code in (
        ("assigned", "ZZASSIGN01"), ("in_progress", "ZZPROGRE02"), ("resolved", "ZZRESOLV03"),
        ("closed", "ZZCLOSED04"), ("unsatisfied", "ZZUNSATI05"), ("original", "ZZORIGIN06"),
        ("received", "ZZRECEIV07"))}
    to_assigned(clues["assigned"], intake, zhuozi)
    to_assigned(clues["original"], intake, zhuozi)
    to_in_progress(clues["in_progress"], intake, officer)
    to_resolved(clues["resolved"], intake, officer)
    to_closed(clues["closed"], intake, officer)
    to_unsatisfied(clues["unsatisfied"], intake, officer)
    # 丰镇市's own clue, which intake's triage found to be a possible duplicate of 卓资县's: 丰镇市's officer
    # opens it, and must not learn the other clue from the triage aids.
    fengzhen_clue = new_clue(tracking_code="FZOWNCLUE1", employer_name="丰镇市公开建筑有限公司",
                             complainant_name="李公开", complainant_phone="13900000001")
    to_assigned(fengzhen_clue, intake, Unit.objects.get(code=FENGZHEN))
    DuplicateCandidate.objects.create(clue=fengzhen_clue, match=clues["assigned"], kind="duplicate",
                                      reason="同一项目、同一用人单位,90日内")
    attachment = store_attachment(clues["assigned"], _png("工资条.png"))
    now = timezone.now()
    letter = letters.letter_issue(kind="reminder", unit=zhuozi, items=[(clues["assigned"], "认领期限已超期")],
                                  now=now)
    referral_letter = letters.letter_issue(kind="referral", unit=zhuozi,
                                           items=[(clues["in_progress"], "办结期限已超期")], now=now)
    referral = referrals.referral_create(unit=zhuozi, letter=referral_letter, clues=[clues["in_progress"]])
    warning = WarningFactory(project=project, code="wage_account_missing", assigned_unit=zhuozi,
                             assigned_at=timezone.now(), handling_deadline=timezone.now() + timezone.timedelta(days=3))
    saved_filter = SavedFilter.objects.create(user=intake, page="all", name="卓资县", query=f"district={ZHUOZI}")
    notice = (OutboxMessage.objects.about(clues["assigned"]).filter(user=officer,
                                                                   channel=OutboxMessage.Channel.INAPP).first()
              or notify_users([officer], subject="新转办线索", body="请认领", about=clues["assigned"],
                              url=f"/clues/{clues['assigned'].pk}/")[0])
    upload = io.BytesIO(csv_bytes([row("GJ-PERM-0001")]))
    upload.name = "national.csv"
    job = importer.create_import_job(upload, user=intake)
    importer.run_import_job(job["id"])
    today = timezone.localdate()
    project_ids = _project_world(project, intake, today)
    project_ids.update(_credit_world(project, officer, clues["closed"], today))
    project_ids.update(_campaign_world(project, users["supervisor"], today))
    ids = {key: clue.pk for key, clue in clues.items()}
    ids["fengzhen_clue"] = fengzhen_clue.pk
    ids.update(
        code=clues["assigned"].tracking_code, closed_code=clues["closed"].tracking_code,
        attachment=attachment.pk, letter=letter.pk, referral=referral.pk, saved_filter=saved_filter.pk,
        notice=notice.pk, job=job["id"], project_code=project.code, warning=warning.pk, public_id=project.public_id,
        receipt=signing.dumps({"code": clues["assigned"].tracking_code, "warn": []}, salt=RECEIPT_SALT),
        start=(today - timezone.timedelta(days=30)).isoformat(), end=today.isoformat(), **project_ids)
    return {"users": users, "clues": clues, "ids": ids}


def _project_world(project, intake, today):
    """卓资县's project with a wage account submitted (with its evidence file), last month's allocation and
    payroll, and one payroll upload job and one registry import job, both intake's."""
    month = (today.replace(day=1) - timezone.timedelta(days=1)).replace(day=1)
    first_of_month = today.replace(day=1)
    project_services.duty_submit(project=project, kind="wage_account", by=intake, evidence=_png("三方协议.png"),
                                 values={"bank": "中国农业银行卓资县支行", "account_number": "15050101040099999",
                                         "opened_on": month})
    project_services.allocation_put(project=project, month=month, by=intake, amount=Decimal("200000.00"),
                                    paid_on=first_of_month, pre_allocation=False)
    line = {"worker_name": "赵工人", "id_number": WORKER_ID, "phone": "13947400001", "bank_card": "6222020200112230001",
            "team": "钢筋班", "days_worked": "22", "wage_due": "6000.00", "wage_paid": "6000.00",
            "paid_on": first_of_month.isoformat()}
    payroll.put_payroll(project=project, month=month, rows=[(2, line)], by=intake)
    sheet = io.BytesIO(payroll.template_csv())
    sheet.name = "工资表.csv"
    payroll_job = payroll.start_upload(sheet, project=project, month=month, by=intake)
    book = io.BytesIO(registry_import.workbook_bytes(registry_import.template_workbook()))
    book.name = "项目导入.xlsx"
    registry_job = registry_import.start_import(book, by=intake)
    body = "91150900MA9PERM01"
    return {"credit_code": project.general_contractor.credit_code,
            "new_credit_code": body + credit_code_check_char(body), "month": f"{month:%Y-%m}",
            "first_of_month": first_of_month.isoformat(), "worker_id": WORKER_ID,
            "payroll_job": payroll_job["id"], "registry_job": registry_job["id"]}


def _credit_world(project, officer, clue, today):
    """卓资县's officer's order (with its scan, after the closed clue), penalty and watchlist entry on the general
    contractor of 卓资县's project, all dated a month ago."""
    day = today - timezone.timedelta(days=30)
    common = {"by": officer, "enterprise": project.general_contractor, "project": project, "date": day}
    order = credit_services.record_create(kind="rectification_order", number="PERM-ORDER-1", problem="未按月支付工资",
                                          deadline=today, document=check_evidence(_png("决定书.png")),
                                          clues=[clue.pk], **common)
    penalty = credit_services.record_create(kind="penalty", number="PERM-PENALTY-1", amount=Decimal("5000"),
                                            legal_basis="条例第五十五条", **common)
    watchlist = credit_services.record_create(kind="watchlist", number="PERM-WATCH-1", reason="一年内两次欠薪",
                                              **common)
    return {"order": order.pk, "penalty": penalty.pk, "watchlist": watchlist.pk}
def _campaign_world(project, supervisor, today):
    """The winter campaign with 卓资县's project: a problem for 卓资县 to rectify, one supervised and rectified
    (to clear); a second project of 卓资县 not in it yet; a pick by city staff."""
    campaign = campaign_services.campaign_create(by=supervisor, name="冬季攻坚", start=today - timezone.timedelta(
        days=30), end=today + timezone.timedelta(days=60), scope="selected")
    campaign_services.campaign_add_project(campaign=campaign, project=project, by=supervisor)
    problem = campaign_services.problem_create(campaign=campaign, project=project, by=supervisor,
                                               category="wage_account", description="未开设工资专用账户",
                                               deadline=10, unit=ZHUOZI)
    supervised = campaign_services.problem_create(campaign=campaign, project=project, by=supervisor,
                                                  category="notice_board", description="未设维权告示牌",
                                                  deadline=today, unit=ZHUOZI)
    campaign_services.problem_supervise(problem=supervised, by=supervisor)
    campaign_services.problem_rectify(problem=supervised, by=supervisor, rectified_on=today, evidence="已设立")
    second = ProjectFactory(code="WLCB-PERM-2ND", district=project.district, is_government_invested=True)
    round = campaign_services.round_create(by=supervisor, kind="double_random", count=1, random_share="0", seed=3)
    return {"campaign": campaign.pk, "problem": problem.pk, "supervised_problem": supervised.pk,
            "second_project": second.code, "round": round.pk, "round_project": round.picks[0][0]}


# --- requesting and checking ----------------------------------------------------------------------------

def _fill(value, ids):
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


def body_text(response):
    """What a person would read in the response: text of HTML/JSON/CSV, of the sheets of an XLSX or DOCX,
    of a PDF (pdftotext)."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
                             if name.endswith((".xml", ".rels")))
    if content[:4] == b"%PDF":
        if shutil.which("pdftotext"):
            return subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True,
                                  check=True).stdout.decode("utf-8", "replace")
        return content.decode("latin-1")
    text = content.decode("utf-8", "replace")
    if "json" in response.get("Content-Type", ""):
        try:
            return json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            pass
    return text


def _snapshot():
    """What a refused request must not change."""
    clues = (list(Clue.objects.order_by("pk").values_list("pk", "status", "unit_id", "version", "merged_into")),
             ClueEvent.objects.count())
    return clues, (SavedFilter.objects.count(), OutboxMessage.objects.filter(read_at__isnull=False).count())


def _is_error_format(response):
    try:
        error = json.loads(response.content)["error"]
    except (ValueError, KeyError, TypeError):
        return False
    return {"code", "message", "fields"} <= set(error)


def _client(world, role):
    client = Client()
    if role != ANON:
        client.force_login(world["users"][role])
    return client


def _request(client, method, url, data, kind):
    if method == "GET":
        return client.get(url)
    if kind in (API, PUBLIC_API):
        return client.generic(method, url, json.dumps(data), content_type="application/json")
    return client.post(url, data) if method == "POST" else client.generic(method, url)


def _matches(response, expected, ids):
    if isinstance(expected, Redirect):
        return (response.status_code == expected.status
                and response.get("Location", "").startswith(expected.prefix.format(**ids)))
    if isinstance(expected, set):
        return response.status_code in expected
    return response.status_code == expected


def _secrets(world):
    codes = [c.tracking_code for c in world["clues"].values()]
    return [*codes, SECRET_EMPLOYER, SECRET_COMPLAINANT]


def check(world, row, url, method, role, data, expected, problems):
    """One request in a savepoint rolled back afterwards; the problems found are appended to `problems`."""
    ids = world["ids"]
    client = _client(world, role)
    where = f"{method} {url} as {role}"
    with transaction.atomic():
        before = _snapshot()
        views_before = PersonalDataView.objects.count()
        response = _request(client, method, url, data, row.kind)
        text = body_text(response)
        recorded = PersonalDataView.objects.count() > views_before
        after = _snapshot()
        transaction.set_rollback(True)
    status = response.status_code
    if status >= 500:
        problems.append(f"{where}: {status}")
    public = row.kind in (PUBLIC, PUBLIC_API)
    if role == ANON and not public:
        if row.kind == PAGE and not (status == 302 and response["Location"].startswith("/login/?next=")):
            problems.append(f"{where}: {status}, expected the login page")
        if row.kind == API and not (status in (401, 403) and _is_error_format(response)):
            problems.append(f"{where}: {status}, expected 401/403 in the error format")
    elif expected is not None and not _matches(response, expected, ids):
        problems.append(f"{where}: {status} {response.get('Location', '')}, expected {expected}")
    if row.kind in (API, PUBLIC_API) and status >= 400 and not _is_error_format(response):
        problems.append(f"{where}: {status} not in the API's error format")
    if (FULL_PHONE in text or FULL_ID in text) and not recorded:
        problems.append(f"{where}: full mobile/ID number shown without a recorded personal-data view")
    if role == "officer_fz" or (role == ANON and not public):
        leaked = [s for s in _secrets(world) if s in text and not (public and s == ids["code"])]
        if leaked:
            problems.append(f"{where}: shows 卓资县's {leaked}")
    refused = status >= 400 or (role == ANON and not public)
    if (after != before and refused) or (after[0] != before[0] and role == "officer_fz"):
        problems.append(f"{where}: refused ({status}) or another unit's, but changed data")
    return response, text


@pytest.mark.parametrize("route", sorted(TABLE))
def test_who_may_use_each_url(route, world):
    row = TABLE[route]
    ids = world["ids"]
    problems = []
    for template in row.urls:
        url = template.format(**ids)
        assert resolve(url.split("?")[0]).route == route, f"{url} is not an instance of {route}"
        overrides = URL_OVERRIDES.get(template, {})
        methods = {"GET": row.get, "POST": row.post}
        methods.update({method: table for method, table in (("PUT", row.put), ("PATCH", row.patch)) if table})
        # A method the row does not list (a read-only page answering POST, a POST-only URL answering GET) is
        # still checked: a login first, no 500, nothing leaked, nothing changed by a refusal.
        for method, table in methods.items():
            data = _fill(row.data, ids) if method != "GET" else {}
            for role in ROLES:
                expected = None if table is None else overrides.get(role, table.get(role))
                response, text = check(world, row, url, method, role, data, expected, problems)
                if method == "GET" and row.shows and role in row.shows[1] and response.status_code == 200:
                    code = world["clues"][row.shows[0]].tracking_code
                    if code not in text:
                        problems.append(f"GET {url} as {role}: does not list {code}")
            if row.tied and table is not None and method != "GET":
                # An empty body must not tell the other unit's officer that the clue exists (400 vs 404).
                check(world, row, url, method, "officer_fz", {}, 404, problems)
    assert not problems, "\n".join(problems)


# --- the rules the table cannot say in one cell ------------------------------------------------------------

def test_an_officer_acts_only_on_clues_assigned_to_the_unit_now(world):
    """卓资县 returned a clue and it went to 丰镇市: 卓资县 may still read its history, not act on it."""
    users = world["users"]
    clue = new_clue(tracking_code="FZMOVED008", employer_name="丰镇市公开建筑有限公司", complainant_name="李公开",
                    complainant_phone="13900000008")
    to_assigned(clue, users["intake"], Unit.objects.get(code=ZHUOZI))
    lifecycle.return_to_triage(clue=clue, by=users["officer_zz"], reason="不属于本县")
    to_assigned(clue, users["intake"], Unit.objects.get(code=FENGZHEN))

    former = _client(world, "officer_zz")
    assert former.get(f"/clues/{clue.pk}/").status_code == 200
    assert former.post(f"/clues/{clue.pk}/claim/").status_code == 403
    assert former.post(f"/api/v1/clues/{clue.pk}/claim/").status_code == 403
    clue.refresh_from_db()
    assert (clue.status, clue.unit.code) == (Status.ASSIGNED, FENGZHEN)

    current = _client(world, "officer_fz")
    assert current.post(f"/clues/{clue.pk}/claim/").status_code == 302
    clue.refresh_from_db()
    assert clue.status == Status.IN_PROGRESS


def test_a_recorded_reveal_is_the_only_way_to_the_full_numbers(world):
    """The page shows masked numbers; the reveal POST shows them in full and writes down who saw them."""
    clue = world["clues"]["assigned"]
    client = _client(world, "officer_zz")
    page = client.get(f"/clues/{clue.pk}/").content.decode()
    assert FULL_PHONE not in page and FULL_ID not in page
    revealed = client.post(f"/clues/{clue.pk}/reveal/").content.decode()
    assert FULL_PHONE in revealed and FULL_ID in revealed
    view = PersonalDataView.objects.get(clue=clue)
    assert view.user == world["users"]["officer_zz"]
