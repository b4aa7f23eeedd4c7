"""Fifty submissions with one Idempotency-Key and the same body at the same moment (an app retrying on a bad
network, a double tap) against gunicorn with two processes: one clue, one SMS, and every answer is 201 or
200 with the same tracking code."""

import threading
from collections import Counter

import pytest

from clues.models import Clue
from notifications.models import OutboxMessage
from tests.processes import RedisServer, WebServer, post_json

BODY = {"employer_name": "乌兰察布市宏达建筑工程有限公司", "complainant_name": "王勇",
        "complainant_phone": "13800138000", "worker_count": 3, "amount_owed": "36000.00",
        "description": "8月至10月工资未发。", "consent": True}


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_submissions_with_one_key_at_once_file_one_clue_and_answer_one_code(tmp_path):
    answers = []
    barrier = threading.Barrier(50)

    def submit(url):
        barrier.wait(timeout=30)
        answers.append(post_json(url, BODY, {"Idempotency-Key": "retrying-app-7f3a"}))

    # One address sends all fifty: the public rate limit is off, as for a load test.
    with RedisServer(tmp_path) as redis, WebServer(tmp_path, workers=2, threads=8, REDIS_URL=redis.url,
                                                   PUBLIC_RATE_LIMIT="0") as web:
        threads = [threading.Thread(target=submit, args=(f"{web.url}/api/v1/public/clues/",)) for _ in range(50)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        log = web.log(tail=0)

    assert len(answers) == 50
    assert Counter(status for status, _headers, _body in answers) == {201: 1, 200: 49}, answers
    assert len({body["tracking_code"] for _status, _headers, body in answers}) == 1
    clue = Clue.objects.get()
    assert clue.tracking_code == answers[0][2]["tracking_code"]
    assert OutboxMessage.objects.filter(channel="sms").count() == 1
    assert "Traceback" not in log
