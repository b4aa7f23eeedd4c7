"""The database drops the connection of a submission in flight (pg_terminate_backend, from another connection,
while the request — served by gunicorn — is inside its transaction with the clue, its attachment, its
duplicate candidate and its timeline written): the worker gets a clean 503 in Chinese (the API's error, or the
form with what was typed), nothing of the submission is left (no row, no file), and sending it again with the
same key files exactly one clue."""

import io
import json
import secrets
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from PIL import Image

from clues.models import Attachment, Clue, ClueEvent, DuplicateCandidate
from clues.public_views import RECEIPT_SALT
from notifications.models import OutboxMessage
from tests.factories import ClueFactory
from tests.processes import WebServer, http, wait_for

from .conftest import lock_waiters

PHONE = "13800138000"
CSRF = "c" * 32  # an unmasked CSRF secret: Django accepts the same value in the cookie and the field
FIELDS = {"employer_name": "乌兰察布市宏达建筑工程有限公司", "complainant_name": "王勇", "complainant_phone": PHONE,
          "worker_count": "3", "amount_owed": "36000.00", "description": "8月至10月工资未发。", "consent": "true"}


def photo():
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (200, 120, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def multipart(fields, files):
    """A multipart/form-data body as a phone's app sends it: (body, content type)."""
    boundary = secrets.token_hex(16)
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, data, content_type) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: {content_type}\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def stored_files():
    return sorted(path for path in (settings.MEDIA_ROOT / "attachments").rglob("*") if path.is_file()) \
        if (settings.MEDIA_ROOT / "attachments").exists() else []


def hold_next_clue_sms():
    """Make the next clue's SMS wait for this transaction: its outbox key (sms:<clue id>:received) is taken here,
    uncommitted, so the request's insert waits on the unique index — the last write of its transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), 500000)", [Clue._meta.db_table])
    OutboxMessage.objects.create(channel="sms", recipient=PHONE, body="held by the test",
                                 dedupe_key="sms:500001:received")


def send_and_drop(send):
    """Run `send()` (a request to the server) while the next clue's SMS is held, drop the request's database
    connection once it waits there, and return its answer."""
    with ThreadPoolExecutor(1) as pool, transaction.atomic():
        hold_next_clue_sms()
        answer = pool.submit(send)
        waiting = wait_for(lock_waiters, 30)
        assert waiting, "the request never reached its SMS"
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", waiting)
        result = answer.result(timeout=30)
        transaction.set_rollback(True)
    return result


def assert_nothing_left_but(earlier, files_before):
    """No clue but the earlier one, no timeline, no candidate, no attachment row or file, no SMS."""
    assert list(Clue.objects.values_list("pk", flat=True)) == [earlier.pk]
    assert not ClueEvent.objects.exists() and not DuplicateCandidate.objects.exists()
    assert not Attachment.objects.exists() and not OutboxMessage.objects.exists()
    assert stored_files() == files_before


def assert_one_clue_filed(code, earlier, files_before):
    clue = Clue.objects.get(tracking_code=code)
    assert Clue.objects.count() == 2 and clue.idempotency_key
    assert clue.attachments.count() == 1 and len(stored_files()) == len(files_before) + 1
    assert DuplicateCandidate.objects.filter(clue=clue, match=earlier).exists()
    assert OutboxMessage.objects.filter(channel="sms", about_id=clue.pk).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_api_answers_503_leaves_nothing_and_the_retry_with_the_same_key_files_one_clue(tmp_path):
    earlier = ClueFactory(complainant_phone=PHONE)  # the worker's earlier clue: a duplicate candidate is written
    body, content_type = multipart(FIELDS, {"attachments": ("工资条.png", photo(), "image/png")})
    headers = {"Content-Type": content_type, "Idempotency-Key": "app-submission-0001"}
    files_before = stored_files()

    with WebServer(tmp_path, threads=2, PUBLIC_RATE_LIMIT="0") as web:
        url = f"{web.url}/api/v1/public/clues/"
        status, answer_headers, text = send_and_drop(lambda: http("POST", url, body=body, headers=headers))
        assert status == 503, text
        assert int(answer_headers["Retry-After"]) > 0
        assert json.loads(text)["error"] == {"code": "unavailable", "message": "系统暂时无法处理请求,请稍后再试。",
                                             "fields": {}}
        assert_nothing_left_but(earlier, files_before)

        # The app retries with the same key: one clue, with its attachment and its SMS; then again: the same.
        status, _headers, text = http("POST", url, body=body, headers=headers)
        assert status == 201, text
        code = json.loads(text)["tracking_code"]
        status, _headers, text = http("POST", url, body=body, headers=headers)
        assert status == 200 and json.loads(text)["tracking_code"] == code
        assert "Traceback" not in web.log(tail=0)
    assert_one_clue_filed(code, earlier, files_before)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_form_shows_what_was_typed_leaves_nothing_and_posting_it_again_files_one_clue(tmp_path):
    earlier = ClueFactory(complainant_phone=PHONE)
    typed = {**FIELDS, "csrfmiddlewaretoken": CSRF, "entry": "web", "idempotency_key": "form-rendering-0001",
             "worker_count": "3", "consent": "on"}
    body, content_type = multipart(typed, {"attachments": ("工资条.png", photo(), "image/png")})
    headers = {"Content-Type": content_type, "Cookie": f"csrftoken={CSRF}"}
    files_before = stored_files()

    with WebServer(tmp_path, threads=2, PUBLIC_RATE_LIMIT="0") as web:
        url = f"{web.url}/report/"
        status, answer_headers, html = send_and_drop(lambda: http("POST", url, body=body, headers=headers))
        assert status == 503, html
        assert int(answer_headers["Retry-After"]) > 0
        assert "暂时无法提交" in html and "重新提交" in html
        for value in (FIELDS["employer_name"], FIELDS["complainant_name"], PHONE, FIELDS["description"]):
            assert value in html
        assert 'name="idempotency_key" value="form-rendering-0001"' in html
        assert_nothing_left_but(earlier, files_before)

        # The worker presses 重新提交 (choosing the photo again): one clue; pressing it twice changes nothing.
        status, answer_headers, _html = http("POST", url, body=body, headers=headers)
        assert status == 302 and "/report/done/" in answer_headers["Location"]
        again, again_headers, _html = http("POST", url, body=body, headers=headers)
        # The same receipt: the same tracking code (the signed link carries its second, so compare what it says).
        assert again == 302 and receipt_code(again_headers) == receipt_code(answer_headers)
        assert "Traceback" not in web.log(tail=0)
    assert_one_clue_filed(receipt_code(answer_headers), earlier, files_before)


def receipt_code(headers):
    """The tracking code a /report/done/<token>/ redirect hands the worker."""
    token = headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    return signing.loads(token, salt=RECEIPT_SALT)["code"]
