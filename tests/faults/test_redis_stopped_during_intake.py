"""Redis stops while workers are filing clues (gunicorn, a Celery worker and beat, all on a private
redis-server): every submission is still acknowledged and stored, its SMS waits in the outbox, and once Redis
is back the periodic outbox delivery sends it — no task queued at the time is needed.

The worker runs under the restart policy it has in production (docker-compose: `restart: unless-stopped`):
Celery 5.7 / kombu 5.7 end a worker that loses Redis while it holds unacknowledged messages ("Unrecoverable
error: AttributeError … 'hostname'"), and it is the restart that brings it back."""

import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import signing

from clues.models import Clue
from clues.public_views import RECEIPT_SALT
from notifications.models import OutboxMessage
from tests.processes import RedisServer, WebServer, celery, celery_worker, http, post_json, wait_for

CSRF = "b" * 32  # an unmasked CSRF secret: Django accepts the same value in the cookie and the field


def clue_body(n):
    return {"employer_name": "乌兰察布市宏达建筑工程有限公司", "complainant_name": "王勇",
            "complainant_phone": f"1380013{n:04d}", "worker_count": 3, "amount_owed": "36000.00",
            "description": f"第{n}位工友:8月至10月工资未发。", "consent": True}


def submit_api(url, n):
    status, _headers, body = post_json(f"{url}/api/v1/public/clues/", clue_body(n))
    assert status == 201, body
    return body["tracking_code"]


def submit_form(url, n):
    """The public form as a phone's browser posts it; the receipt it redirects to carries the code."""
    typed = {"csrfmiddlewaretoken": CSRF, "entry": "web", "idempotency_key": f"form-rendering-{n:04d}",
             "employer_name": "乌兰察布市宏达建筑工程有限公司", "complainant_name": "李强",
             "complainant_phone": f"1390013{n:04d}", "worker_count": "2", "amount_owed": "12000",
             "description": "工资拖欠两个月。", "consent": "on"}
    status, headers, html = http("POST", f"{url}/report/", body=urllib.parse.urlencode(typed).encode(),
                                 headers={"Content-Type": "application/x-www-form-urlencoded",
                                          "Cookie": f"csrftoken={CSRF}"})
    assert status == 302, (status, html[-2000:])
    token = urllib.parse.urlsplit(headers["Location"]).path.rstrip("/").rsplit("/", 1)[-1]
    return signing.loads(token, salt=RECEIPT_SALT)["code"]


def sms_states(codes):
    clues = dict(Clue.objects.filter(tracking_code__in=codes).values_list("pk", "tracking_code"))
    rows = OutboxMessage.objects.filter(channel="sms", about_id__in=clues).values_list("about_id", "state")
    return {clues[pk]: state for pk, state in rows}


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_submissions_while_redis_is_down_are_stored_and_their_sms_sent_once_it_is_back(tmp_path):
    redis = RedisServer(tmp_path)
    env = {"REDIS_URL": redis.url, "OUTBOX_DELIVERY_SECONDS": "1"}
    services = []
    try:
        redis.start()
        web = WebServer(tmp_path, threads=4, **env)
        worker = celery_worker(tmp_path, restart=True, **env)
        beat = celery("beat", ["beat", "-l", "info", "-s", str(tmp_path / "beat-schedule")], tmp_path, **env)
        for service in (web, worker, beat):
            services.append(service.start())

        before = [submit_api(web.url, n) for n in range(3)]
        assert wait_for(lambda: set(sms_states(before).values()) == {"sent"}, 30, interval=0.3), \
            sms_states(before)

        with ThreadPoolExecutor(4) as pool:
            racing = [pool.submit(submit_api, web.url, n) for n in range(3, 9)]
            racing[0].result()
            redis.stop()  # while the others are in flight
            racing = [future.result() for future in racing]
            during = list(pool.map(lambda n: submit_api(web.url, n), range(9, 15)))
        during.append(submit_form(web.url, 15))
        # Acknowledged and stored once each; the SMS of what came in during the outage waits: nothing could
        # be queued.
        assert Clue.objects.filter(tracking_code__in=racing + during).count() == len(set(racing + during)) == 13
        assert sms_states(during) == {code: "pending" for code in during}
        web.assert_alive()
        beat.assert_alive()

        redis.start()  # the same port, empty: nothing queued before or during the outage survives
        # No new submission queues a delivery: only beat's periodic outbox run can send these.
        assert wait_for(lambda: set(sms_states(racing + during).values()) == {"sent"}, 30, interval=0.3), \
            (sms_states(racing + during), worker.log(), beat.log())
        after = [submit_api(web.url, n) for n in range(16, 18)]
        everything = before + racing + during + after
        assert wait_for(lambda: set(sms_states(after).values()) == {"sent"}, 30, interval=0.3), \
            (sms_states(after), worker.log())
    finally:
        for service in reversed(services):
            service.stop()
        redis.stop()

    assert Clue.objects.count() == len(set(everything)) == 18
    for code in everything:
        sms = OutboxMessage.objects.get(channel="sms", about_id=Clue.objects.get(tracking_code=code).pk)
        assert code in sms.body and sms.attempts == 1  # sent once, not once per retry of the queueing
    assert "Sending due task outbox-delivery" in beat.log(tail=0)
