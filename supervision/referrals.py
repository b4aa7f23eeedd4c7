"""移交: the outbound package to the Party committee supervision platform (党委监督贯通协调平台).

A package is a row written in the sweep's transaction (JSON payload + an XLSX for people), then POSTed to the
platform with an HMAC signature; the row, not the broker, says what is still to send, so a failed or lost
delivery is retried by the periodic task with exponential backoff.
"""

import datetime as dt
import hashlib
import hmac
import io
import ipaddress
import json
import logging
import urllib.error
import urllib.request
from decimal import Decimal
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clues.clocks import running_deadlines
from clues.models import Clue
from core.api import ApplicationError
from core.tasks import queue_after_commit
from notifications import delivery
from notifications.delivery import DeliveryFailed, NotAttempted
from units.workdays import WorkCalendar, local_date

from . import letters
from .models import ReferralPackage
from .problems import problem_text

logger = logging.getLogger(__name__)

DELIVERY_TASK = "supervision.tasks.deliver_referrals"
BACKOFF_BASE = dt.timedelta(minutes=5)
BACKOFF_CAP = dt.timedelta(hours=6)
State = ReferralPackage.State


def timeout():
    return float(getattr(settings, "REFERRAL_TIMEOUT", 10) or 10)


def max_attempts():
    return int(getattr(settings, "REFERRAL_MAX_ATTEMPTS", 10) or 10)


def backoff(attempts):
    """Wait after the n-th failed attempt: 5, 10, 20 … minutes, at most 6 hours."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_CAP)


# --- the package ------------------------------------------------------------------------------------------

def _iso(moment):
    return timezone.localtime(moment).isoformat() if moment else None


def _clue_problems(clue, letter_problems, running, now):
    problems = list(letter_problems)
    for kind, deadline in sorted(running.items(), key=lambda item: item[1]):
        if deadline < now:
            text = problem_text(kind, deadline)
            if text not in problems:
                problems.append(text)
    return problems


def build_payload(*, unit, letter, clues, now):
    """The JSON the platform receives: the letter, the unit and one entry per clue with its problems."""
    letter_problems = {entry["clue"]: [t for t in entry["problem"].split(";") if t] for entry in letter.problems}
    today = local_date(now)
    calendar = WorkCalendar.for_span(today - dt.timedelta(days=400), today)
    entries = []
    # Fresh rows, once each (a clue late on two clocks comes twice), with their projects in the same query.
    fresh = Clue.objects.select_related("project").filter(pk__in={c.pk for c in clues}).order_by("tracking_code")
    for clue in fresh:
        running = running_deadlines(clue)
        overdue = [deadline for deadline in running.values() if deadline < now]
        project = clue.project
        entries.append({
            "tracking_code": clue.tracking_code,
            "employer_name": clue.employer_name,
            "employer_credit_code": clue.employer_credit_code,
            "project": {"code": project.code, "name": project.name} if project
            else {"code": "", "name": clue.project_name},
            "amount_owed": str(clue.amount_owed),
            "worker_count": clue.worker_count,
            "received_at": _iso(clue.received_at),
            "status": clue.status,
            "status_text": str(clue.get_status_display()),
            "deadlines": {"claim": _iso(clue.claim_deadline), "response": _iso(clue.response_deadline),
                          "close": _iso(clue.close_deadline)},
            "overdue_days": calendar.working_days_between(local_date(min(overdue)), today) if overdue else 0,
            "problems": _clue_problems(clue, letter_problems.get(clue.pk, []), running, now),
        })
    return {
        "issuer": letters.issuer(),
        "letter": {"number": letter.number, "title": letter.title, "kind": letter.kind,
                   "issued_at": _iso(letter.issued_at)},
        "unit": {"code": unit.code, "name": unit.name, "full_name": unit.full_name or unit.name},
        "generated_at": _iso(now),
        "clues": entries,
    }


def xlsx_headers():
    return [_("序号"), _("查询码"), _("用人单位"), _("统一社会信用代码"), _("工程项目"), _("欠薪金额(元)"),
            _("欠薪人数"), _("收到时间"), _("状态"), _("认领期限"), _("响应期限"), _("办结期限"),
            _("超期工作日"), _("问题")]


def _local_text(value):
    if not value:
        return ""
    moment = dt.datetime.fromisoformat(value)
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def build_xlsx(payload, letter):
    """The package for people: a 移交函 sheet (the letter) and a 问题清单 sheet (one row per clue)."""
    from openpyxl import Workbook  # heavy: loaded only when a file is made
    from openpyxl.styles import Alignment, Font  # heavy: loaded only when a file is made

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("移交函")
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 90
    facts = [(_("文号"), payload["letter"]["number"]), (_("标题"), payload["letter"]["title"]),
             (_("发函单位"), payload["issuer"]), (_("涉及单位"), payload["unit"]["full_name"]),
             (_("单位代码"), payload["unit"]["code"]), (_("线索数"), len(payload["clues"])),
             (_("生成时间"), _local_text(payload["generated_at"])), (_("正文"), letter.body)]
    for row, (label, value) in enumerate(facts, start=1):
        sheet.cell(row=row, column=1, value=str(label)).font = Font(bold=True)
        cell = sheet.cell(row=row, column=2, value=value)
        cell.alignment = Alignment(wrap_text=True, vertical="top")

    problems = workbook.create_sheet(_("问题清单"))
    problems.append([str(h) for h in xlsx_headers()])
    for cell in problems[1]:
        cell.font = Font(bold=True)
    for index, entry in enumerate(payload["clues"], start=1):
        deadlines = entry["deadlines"]
        problems.append([index, entry["tracking_code"], entry["employer_name"], entry["employer_credit_code"],
                         entry["project"]["name"], Decimal(entry["amount_owed"]), entry["worker_count"],
                         _local_text(entry["received_at"]), entry["status_text"],
                         _local_text(deadlines["claim"]), _local_text(deadlines["response"]),
                         _local_text(deadlines["close"]), entry["overdue_days"], ";".join(entry["problems"])])
    for column, width in zip("ABCDEFGHIJKLMN", [6, 12, 30, 22, 26, 14, 10, 18, 10, 18, 18, 18, 10, 50],
                             strict=True):
        problems.column_dimensions[column].width = width
    problems.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def referral_create(*, unit, letter, clues, now=None):
    """The package for `letter` (a 移交函 to the platform about `unit`'s overdue `clues`); delivery is queued
    after the commit. Creating it twice for one letter returns the first."""
    existing = ReferralPackage.objects.filter(letter=letter).first()
    if existing:
        return existing
    now = now or letter.issued_at or timezone.now()
    payload = build_payload(unit=unit, letter=letter, clues=clues, now=now)
    with transaction.atomic():
        package = ReferralPackage.objects.create(unit=unit, letter=letter, payload=payload)
        content = build_xlsx(payload, letter)
        package.xlsx.save(f"referral-{letter.year}-{letter.sequence}.xlsx", ContentFile(content), save=True)
        queue_after_commit(DELIVERY_TASK, what="referral delivery", fallback="the periodic delivery run will send")
    return package


# --- delivery ---------------------------------------------------------------------------------------------

class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is not a delivery: the platform must answer 2xx at the configured address."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _endpoint_problem(endpoint):
    """'' when the endpoint may be used, else why not. HTTPS only, except on the loopback (tests, a local
    relay)."""
    if not endpoint:
        return _("未配置移交平台地址")
    parts = urlsplit(endpoint)
    if parts.scheme == "https" and parts.hostname:
        return ""
    if parts.scheme == "http" and parts.hostname:
        try:
            if parts.hostname == "localhost" or ipaddress.ip_address(parts.hostname).is_loopback:
                return ""
        except ValueError:
            pass
        return _("移交平台地址必须使用HTTPS")
    return _("移交平台地址无效")


def signature(secret, timestamp, body):
    """"sha256=" + hex HMAC-SHA256(secret, timestamp + "." + body)."""
    message = timestamp.encode("ascii") + b"." + body
    return "sha256=" + hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def encode_payload(payload):
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _post(endpoint, body):
    """POST the body; returns (status, error text or '')."""
    timestamp = str(int(timezone.now().timestamp()))
    request = urllib.request.Request(endpoint, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8",
        "X-Ulanxin-Timestamp": timestamp,
        "X-Ulanxin-Signature": signature(getattr(settings, "REFERRAL_SECRET", ""), timestamp, body),
        "User-Agent": "ulanxin-referral/1.0",
    })
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=timeout()) as response:
            status = response.status
            text = response.read(500).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        text = exc.read(500).decode("utf-8", "replace") if exc.fp else ""
        return exc.code, _("平台返回 HTTP %(status)s:%(text)s") % {"status": exc.code, "text": text.strip()}
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return None, _("连接失败:%(reason)s") % {"reason": reason}
    if 200 <= status < 300:
        return status, ""
    return status, _("平台返回 HTTP %(status)s:%(text)s") % {"status": status, "text": text.strip()}


def _send(row):
    """Post one package to the platform; success returns the answer's status, to record."""
    endpoint = getattr(settings, "REFERRAL_ENDPOINT", "")
    problem = _endpoint_problem(endpoint)
    if problem:
        # Not an attempt: nothing was sent. The package waits for an administrator to set the address.
        raise NotAttempted(problem)
    status, error = _post(endpoint, encode_payload(row.payload))
    if error:
        raise DeliveryFailed(error, response_status=status)
    return {"response_status": status}


POLICY = delivery.Policy(done_state=State.DELIVERED, done_at="delivered_at", max_attempts=max_attempts,
                         backoff=backoff)


def deliver_referral(package, now=None, *, force=False):
    """Send one package; returns it, refreshed. A 2xx answer delivers it; anything else counts an attempt
    and schedules the next (5 min × 2ⁿ, at most 6 h) until REFERRAL_MAX_ATTEMPTS, then it is failed.
    `force` sends a failed or not-yet-due package now (重新发送). A row another worker holds: unchanged."""
    delivery.attempt(ReferralPackage.objects.all(), package.pk, _send, policy=POLICY,
                     now=now or timezone.now(), force=force)
    package.refresh_from_db()
    return package


def referral_resend(package):
    """重新发送 from the supervisor page or the admin: deliver now, whatever the schedule says."""
    if package.state == State.DELIVERED:
        raise ApplicationError(_("该移交包已送达,无需重新发送。"), code="already_delivered")
    return deliver_referral(package, force=True)


def deliver_due_referrals(now=None, limit=100):
    """What the periodic task runs: each due package once, oldest first; {"delivered", "retry", "failed",
    "waiting"} counts. Rows another worker holds are skipped (SELECT … FOR UPDATE SKIP LOCKED)."""
    counts = delivery.deliver_due(ReferralPackage.objects.all(), _send, policy=POLICY,
                                  now=now or timezone.now(), limit=limit)
    return {"delivered": counts.pop("done"), **counts}
