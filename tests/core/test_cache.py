"""The cache shares its Redis database with the Celery broker: clearing the cache leaves the queue alone."""

import os

import pytest
import redis
from django.core.cache import cache

pytestmark = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL)")


def test_clearing_the_cache_keeps_the_brokers_keys():
    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    queue = f"test-queue-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    client.rpush(queue, b"a queued task")
    try:
        cache.set("rate:198.51.100.7", 3)
        cache.clear()
        assert cache.get("rate:198.51.100.7") is None
        assert client.lrange(queue, 0, -1) == [b"a queued task"]
    finally:
        client.delete(queue)
