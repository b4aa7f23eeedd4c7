"""Two hundred workers submit at the same moment (distinct phones) to gunicorn with two processes: every
submission is acknowledged with 201, and every acknowledged clue is stored exactly once, with its SMS."""

import threading
from collections import Counter

import pytest

from clues.models import Clue
from notifications.models import OutboxMessage
from tests.processes import RedisServer, WebServer, post_json

COUNT = 200


def body(n):
    return {"employer_name": f"乌兰察布市第{n % 17}建筑工程有限公司", "complainant_name": "王勇",
            "complainant_phone": f"1391234{n:04d}", "worker_count": 1 + n % 9, "amount_owed": f"{3000 + n}.00",
            "description": "工资未发。", "consent": True}


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_hundred_submissions_at_once_are_each_acknowledged_and_stored_exactly_once(tmp_path):
    answers = {}
    barrier = threading.Barrier(COUNT)

    def submit(url, n):
        barrier.wait(timeout=60)
        answers[n] = post_json(url, body(n), timeout=120)

    # One address sends them all: the public rate limit is off, as for a load test.
    with RedisServer(tmp_path) as redis, WebServer(tmp_path, workers=2, threads=8, REDIS_URL=redis.url,
                                                   PUBLIC_RATE_LIMIT="0") as web:
        url = f"{web.url}/api/v1/public/clues/"
        threads = [threading.Thread(target=submit, args=(url, n)) for n in range(COUNT)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=180)
        log = web.log(tail=0)

    assert len(answers) == COUNT
    assert Counter(status for status, _headers, _body in answers.values()) == {201: COUNT}, [
        answer for answer in answers.values() if answer[0] != 201][:5]
    codes = {n: answer[2]["tracking_code"] for n, answer in answers.items()}
    assert len(set(codes.values())) == COUNT
    stored = Counter(Clue.objects.values_list("tracking_code", flat=True))
    assert stored == Counter(codes.values())  # each acknowledged code once, nothing unacknowledged
    phones = dict(Clue.objects.values_list("tracking_code", "complainant_phone"))
    assert all(phones[code] == body(n)["complainant_phone"] for n, code in codes.items())
    sms = Counter(OutboxMessage.objects.filter(channel="sms").values_list("about_id", flat=True))
    assert sorted(sms) == sorted(Clue.objects.values_list("pk", flat=True)) and set(sms.values()) == {1}
    assert "Traceback" not in log
