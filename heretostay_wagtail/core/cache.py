"""A Redis cache that degrades instead of failing (issue 14: "Redis unreachable").

Wagtail reads its site root paths from Django's default cache on every page request,
and the package keeps its sign-up profiles (``core/signup_cache.py``) and throttles
there. With Django's ``RedisCache`` as the default cache, a Redis that cannot be reached
turns every page and every sign-up into a 500 and no signature is kept. With this
backend a cache call that cannot reach Redis is logged and answered as a miss: reads
find nothing, writes are dropped, ``add`` stores nothing (False), ``incr`` finds no key
(ValueError, as Django's backends do), so every caller takes its uncached path.

Throttling (``core/throttling.py``) talks to Redis through the client directly and
fails open on its own, with its own warning.

    CACHES = {"default": {
        "BACKEND": "heretostay_wagtail.core.cache.FailSafeRedisCache",
        "LOCATION": "redis://127.0.0.1:6379/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }}

What is written while Redis is down is lost: a cached value that a change should have
replaced in that time (Wagtail's site root paths, a sign-up profile) lives until it
expires once Redis is back.
"""

import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


def _failed(operation, error):
    # One line, no traceback: an outage makes several of these per request.
    logger.warning("Cache %s skipped: Redis is unreachable (%s).", operation, error)


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's client, keeping one ``redis.Redis`` per connection pool.

    Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` around the pool
    for every cache operation, and redis-py's constructor is not cheap: 70-100 µs on the
    benchmark machine, close to a whole round trip to Redis, paid on every cache read of
    every request (issue 15's intake profile). A ``redis.Redis`` over a connection pool
    is safe to share (each command takes a connection from the pool), so one is kept per
    pool, as redis-py's own documentation does it.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options
                )
            client = self._clients[index] = self._client(connection_pool=self._pools[index])
        return client


class FailSafeRedisCache(RedisCache):
    """Django's ``RedisCache``; each of its operations below answers as a miss when
    Redis cannot be reached (``FALLBACKS``). Its client keeps one ``redis.Redis`` per
    connection pool (``ReusingRedisCacheClient``)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient


def _safe(name, fallback):
    original = getattr(RedisCache, name)

    def method(self, *args, **kwargs):
        try:
            return original(self, *args, **kwargs)
        except UNREACHABLE as error:
            _failed(name, error)
            return fallback(*args, **kwargs)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = original.__doc__
    return method


def _missing_key(*args, **kwargs):
    raise ValueError("Key not found: the cache is unreachable.")


def _default(key, default=None, *args, **kwargs):
    return default


FALLBACKS = {
    "add": lambda *a, **k: False,
    "get": _default,
    "set": lambda *a, **k: None,
    "touch": lambda *a, **k: False,
    "delete": lambda *a, **k: False,
    "get_many": lambda *a, **k: {},
    "has_key": lambda *a, **k: False,
    "incr": _missing_key,
    "set_many": lambda data, *a, **k: list(data),
    "delete_many": lambda *a, **k: None,
    "clear": lambda *a, **k: False,
}
for _name, _fallback in FALLBACKS.items():
    setattr(FailSafeRedisCache, _name, _safe(_name, _fallback))
