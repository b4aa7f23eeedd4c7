"""Django's Redis cache, with a clear() that removes only this cache's keys.

The cache shares its Redis database with the Celery broker (one REDIS_URL). Django's RedisCache.clear() is a
FLUSHDB: it would drop every queued task (SMS, letters, sweeps) with the rate-limit counters. Here clear()
deletes the keys under KEY_PREFIX and leaves the broker's alone.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache


class RedisCache(DjangoRedisCache):
    def clear(self):
        client = self._cache.get_client(write=True)
        batch = []
        for key in client.scan_iter(match=f"{self.key_prefix}:*", count=1000):
            batch.append(key)
            if len(batch) == 1000:
                client.delete(*batch)
                batch = []
        if batch:
            client.delete(*batch)
        return True
