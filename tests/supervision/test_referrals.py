"""移交 to the Party committee supervision platform: the package (JSON + XLSX), signed delivery to a real
local HTTP server, retries with backoff, failure after the last attempt, and 重新发送."""

import datetime as dt
import hashlib
import hmac
import io
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import openpyxl
import pytest
import time_machine

from supervision import ladder, letters, referrals
from supervision.models import Letter, ReferralPackage
from tests.clues.lifecycle_helpers import new_clue, to_assigned
from tests.conftest import make_staff
from units.models import Unit
from units.workdays import SHANGHAI

pytestmark = pytest.mark.django_db
SECRET = "test-shared-secret"


def at(y, m, d, hh=0, mm=0, ss=0):
    return dt.datetime(y, m, d, hh, mm, ss, tzinfo=SHANGHAI)


class FakePlatform:
    """The platform's receiving end on 127.0.0.1: checks the signature, answers from a script of statuses."""

    def __init__(self, statuses=(200,), delay=0.0):
        self.statuses = list(statuses)
        self.delay = delay
        self.requests = []
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                timestamp = self.headers.get("X-Ulanxin-Timestamp", "")
                expected = "sha256=" + hmac.new(SECRET.encode(), timestamp.encode() + b"." + body,
                                                hashlib.sha256).hexdigest()
                platform.requests.append({
                    "body": body, "headers": dict(self.headers),
                    "signature_ok": hmac.compare_digest(expected,
                                                        self.headers.get("X-Ulanxin-Signature", ""))})
                if platform.delay:
                    time.sleep(platform.delay)
                status = platform.statuses.pop(0) if len(platform.statuses) > 1 else platform.statuses[0]
                if not platform.requests[-1]["signature_ok"]:
                    status = 401
                reply = json.dumps({"ok": status < 300}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/referrals"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def configured(settings):
    settings.REFERRAL_SECRET = SECRET
    settings.REFERRAL_TIMEOUT = 2
    settings.REFERRAL_MAX_ATTEMPTS = 4
    return settings


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def package(db):
    """A referral package about two overdue clues of 卓资县, built at 2026-03-20 10:00."""
    intake = make_staff("intake", username="rf_intake")
    officer = make_staff("officer", "150921", username="rf_officer")
    with time_machine.travel(at(2026, 3, 2, 10), tick=False):
        clues = [new_clue(employer_name="卓资县鑫达建筑劳务有限公司",
                          employer_credit_code="91150921MA0N12345X",
                          project_name="卓资县污水处理厂改造工程", worker_count=12, amount_owed=186000),
                 new_clue()]
        for clue in clues:
            to_assigned(clue, intake, officer.unit)
    unit = Unit.objects.get(code="150921")
    with time_machine.travel(at(2026, 3, 20, 10), tick=False):
        letter = letters.letter_issue(kind="referral", unit=unit, now=at(2026, 3, 20, 10),
                                      items=[(c, "认领期限(03月03日)已超期") for c in clues])
        return referrals.referral_create(unit=unit, letter=letter, clues=clues)


# --- the package --------------------------------------------------------------------------------------------

def test_the_payload_describes_the_letter_the_unit_and_each_overdue_clue(package):
    payload = package.payload
    assert payload["issuer"] == "乌兰察布市人力资源和社会保障局"
    assert payload["letter"]["number"] == package.letter.number and payload["letter"]["title"]
    assert payload["unit"]["code"] == "150921" and payload["unit"]["name"] == "卓资县"
    assert payload["generated_at"].startswith("2026-03-20T10:00:00")
    first = next(c for c in payload["clues"] if c["employer_name"] == "卓资县鑫达建筑劳务有限公司")
    assert first["employer_credit_code"] == "91150921MA0N12345X"
    assert first["project"]["name"] == "卓资县污水处理厂改造工程"
    assert first["amount_owed"] == "186000.00" and first["worker_count"] == 12
    assert first["status"] == "assigned" and first["status_text"] == "已转办"
    assert first["deadlines"]["claim"].startswith("2026-03-03T23:59:59")
    # Overdue since the claim deadline of Tue 3 March: 4 … 20 March are 13 working days.
    assert first["overdue_days"] == 13
    assert "认领期限(03月03日)已超期" in first["problems"]
    assert "响应期限(03月05日)已超期" in first["problems"]
    assert package.state == "pending" and package.attempts == 0


def test_the_xlsx_has_the_letter_and_the_problem_list_with_chinese_headers(package):
    workbook = openpyxl.load_workbook(io.BytesIO(package.xlsx.read()))
    assert workbook.sheetnames == ["移交函", "问题清单"]
    letter_sheet = workbook["移交函"]
    facts = {row[0]: row[1] for row in letter_sheet.iter_rows(values_only=True)}
    assert facts["文号"] == package.letter.number and facts["涉及单位"] == "乌兰察布市卓资县"
    rows = list(workbook["问题清单"].iter_rows(values_only=True))
    assert rows[0][:7] == ("序号", "查询码", "用人单位", "统一社会信用代码", "工程项目", "欠薪金额(元)",
                           "欠薪人数")
    assert len(rows) == 3
    row = next(r for r in rows[1:] if r[2] == "卓资县鑫达建筑劳务有限公司")
    assert row[5] == 186000 and row[6] == 12 and row[12] == 13
    assert "认领期限(03月03日)已超期" in row[13]


def test_creating_a_package_twice_for_one_letter_returns_the_first(package):
    again = referrals.referral_create(unit=package.unit, letter=package.letter, clues=[])
    assert again.pk == package.pk and ReferralPackage.objects.count() == 1


def test_the_top_rung_of_the_ladder_creates_the_package_and_queues_delivery(
        django_capture_on_commit_callbacks):
    intake = make_staff("intake", username="rf_intake2")
    officer = make_staff("officer", "150921", username="rf_officer2")
    with time_machine.travel(at(2026, 3, 2, 10), tick=False):
        clue = new_clue()
        to_assigned(clue, intake, officer.unit)
    with time_machine.travel(at(2026, 3, 17, 10), tick=False), \
            django_capture_on_commit_callbacks() as callbacks:
        ladder.sweep()
    package = ReferralPackage.objects.get()
    assert package.unit.code == "150921" and package.letter.kind == "referral"
    assert [c["tracking_code"] for c in package.payload["clues"]] == [clue.tracking_code]
    assert package.xlsx
    assert any(getattr(cb, "args", ())[:1] == (referrals.DELIVERY_TASK,) for cb in callbacks)


# --- delivery -----------------------------------------------------------------------------------------------

def test_a_500_is_retried_later_and_the_next_attempt_delivers(package, configured):
    now = at(2026, 3, 20, 10, 5)
    with FakePlatform(statuses=[500, 200]) as platform:
        configured.REFERRAL_ENDPOINT = platform.url
        referrals.deliver_referral(package, now=now)
        assert (package.state, package.attempts, package.response_status) == ("pending", 1, 500)
        assert "HTTP 500" in package.last_error
        assert package.next_attempt_at == now + dt.timedelta(minutes=5)

        assert referrals.deliver_due_referrals(now=now + dt.timedelta(minutes=4))["retry"] == 0
        assert len(platform.requests) == 1  # not due yet

        counts = referrals.deliver_due_referrals(now=now + dt.timedelta(minutes=5))
        assert counts["delivered"] == 1
    package.refresh_from_db()
    assert (package.state, package.attempts, package.response_status) == ("delivered", 2, 200)
    assert package.delivered_at == now + dt.timedelta(minutes=5) and package.last_error == ""
    assert [r["signature_ok"] for r in platform.requests] == [True, True]
    request = platform.requests[-1]
    assert request["headers"]["Content-Type"].startswith("application/json")
    assert int(request["headers"]["X-Ulanxin-Timestamp"]) > 0
    assert "卓资县".encode() in request["body"]  # UTF-8, not \\u escapes
    assert json.loads(request["body"]) == package.payload


def test_a_wrong_secret_is_refused_by_the_platform_and_retried(package, configured):
    with FakePlatform() as platform:
        configured.REFERRAL_ENDPOINT = platform.url
        configured.REFERRAL_SECRET = "not-the-shared-secret"
        referrals.deliver_referral(package)
    assert package.state == "pending" and package.response_status == 401
    assert platform.requests[0]["signature_ok"] is False


def test_a_closed_port_is_a_connection_error_retried_later(package, configured):
    configured.REFERRAL_ENDPOINT = f"http://127.0.0.1:{closed_port()}/referrals"
    now = at(2026, 3, 20, 10, 5)
    referrals.deliver_referral(package, now=now)
    assert (package.state, package.attempts, package.response_status) == ("pending", 1, None)
    assert package.last_error.startswith("连接失败")
    assert package.next_attempt_at == now + dt.timedelta(minutes=5)


def test_a_platform_slower_than_the_timeout_is_retried(package, configured):
    configured.REFERRAL_TIMEOUT = 0.3
    with FakePlatform(delay=1.5) as platform:
        configured.REFERRAL_ENDPOINT = platform.url
        started = time.monotonic()
        referrals.deliver_referral(package)
        assert time.monotonic() - started < 1.4
    assert package.state == "pending" and package.attempts == 1
    assert package.last_error.startswith("连接失败")


def test_backoff_doubles_from_five_minutes_up_to_six_hours():
    assert [referrals.backoff(n) for n in (1, 2, 3, 4)] == [dt.timedelta(minutes=m) for m in (5, 10, 20, 40)]
    assert referrals.backoff(7) == dt.timedelta(minutes=320)
    assert referrals.backoff(8) == referrals.backoff(20) == dt.timedelta(hours=6)


def test_the_package_fails_after_the_last_attempt(package, configured):
    configured.REFERRAL_ENDPOINT = f"http://127.0.0.1:{closed_port()}/referrals"
    now = at(2026, 3, 20, 10, 5)
    for _ in range(4):
        referrals.deliver_referral(package, now=now)
        now = (package.next_attempt_at or now) + dt.timedelta(seconds=1)
    assert (package.state, package.attempts, package.next_attempt_at) == ("failed", 4, None)
    assert referrals.deliver_due_referrals(now=now + dt.timedelta(days=1)) == {
        "delivered": 0, "retry": 0, "failed": 0, "waiting": 0}


def test_an_unconfigured_endpoint_keeps_the_package_pending_and_says_why(package, settings):
    settings.REFERRAL_ENDPOINT = ""
    referrals.deliver_due_referrals()
    package.refresh_from_db()
    assert (package.state, package.attempts, package.last_error) == ("pending", 0, "未配置移交平台地址")


def test_plain_http_to_a_remote_host_is_refused(package, settings):
    settings.REFERRAL_ENDPOINT = "http://platform.example.gov.cn/referrals"
    referrals.deliver_referral(package)
    assert package.state == "pending" and package.attempts == 0
    assert package.last_error == "移交平台地址必须使用HTTPS"


def test_a_delivered_package_is_never_sent_again(package, configured):
    with FakePlatform() as platform:
        configured.REFERRAL_ENDPOINT = platform.url
        referrals.deliver_referral(package)
        referrals.deliver_referral(package, force=True)
        referrals.deliver_due_referrals()
    assert package.state == "delivered" and len(platform.requests) == 1


# --- 重新发送 -----------------------------------------------------------------------------------------------

def test_resend_on_the_board_delivers_a_failed_package_now(client, package, configured, supervisor_user):
    ReferralPackage.objects.filter(pk=package.pk).update(state="failed", attempts=4, last_error="HTTP 503")
    with FakePlatform() as platform:
        configured.REFERRAL_ENDPOINT = platform.url
        client.force_login(supervisor_user)
        response = client.post(f"/supervision/referrals/{package.pk}/resend/", follow=True)
    package.refresh_from_db()
    assert package.state == "delivered" and len(platform.requests) == 1
    assert "已送达" in response.content.decode()


def test_resend_that_fails_again_says_why(client, package, configured, intake_user):
    configured.REFERRAL_ENDPOINT = f"http://127.0.0.1:{closed_port()}/referrals"
    client.force_login(intake_user)
    page = client.post(f"/supervision/referrals/{package.pk}/resend/", follow=True).content.decode()
    assert "发送未成功" in page and "连接失败" in page


def test_resend_of_a_delivered_package_is_refused_politely(client, package, supervisor_user):
    ReferralPackage.objects.filter(pk=package.pk).update(state="delivered")
    client.force_login(supervisor_user)
    page = client.post(f"/supervision/referrals/{package.pk}/resend/", follow=True).content.decode()
    assert "无需重新发送" in page


def test_officers_may_not_resend_and_get_is_not_allowed(client, package, officer_zhuozi, supervisor_user):
    client.force_login(officer_zhuozi)
    assert client.post(f"/supervision/referrals/{package.pk}/resend/").status_code == 403
    client.force_login(supervisor_user)
    assert client.get(f"/supervision/referrals/{package.pk}/resend/").status_code == 405
    assert client.post("/supervision/referrals/999999/resend/").status_code == 404


def test_the_admin_action_resends(admin_client, package, configured):
    with FakePlatform() as platform:
        configured.REFERRAL_ENDPOINT = platform.url
        response = admin_client.post("/admin/supervision/referralpackage/", {
            "action": "resend", "_selected_action": [package.pk]}, follow=True)
    assert response.status_code == 200
    package.refresh_from_db()
    assert package.state == "delivered"
    assert "已送达" in response.content.decode()


def test_the_xlsx_downloads_for_board_viewers_only(client, package, supervisor_user, officer_zhuozi):
    client.force_login(supervisor_user)
    response = client.get(f"/supervision/referrals/{package.pk}/xlsx")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert "问题清单" in workbook.sheetnames
    client.force_login(officer_zhuozi)
    assert client.get(f"/supervision/referrals/{package.pk}/xlsx").status_code == 404


def test_a_referral_letter_lists_the_unit_in_its_body(package):
    letter = Letter.objects.get(pk=package.letter_id)
    assert letter.body.startswith("中共乌兰察布市委党委监督贯通协调平台")
    assert "卓资县承办的以下2条" in letter.body


def test_a_clue_late_on_two_clocks_is_one_entry(package):
    clue = package.letter.clues.first()
    again = referrals.build_payload(unit=package.unit, letter=package.letter, clues=[clue, clue],
                                    now=at(2026, 3, 20, 10))
    assert [c["tracking_code"] for c in again["clues"]] == [clue.tracking_code]
