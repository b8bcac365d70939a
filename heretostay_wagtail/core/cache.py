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

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


def _failed(operation, error):
    # One line, no traceback: an outage makes several of these per request.
    logger.warning("Cache %s skipped: Redis is unreachable (%s).", operation, error)


class FailSafeRedisCache(RedisCache):
    """Django's ``RedisCache``; each of its operations below answers as a miss when
    Redis cannot be reached (``FALLBACKS``)."""


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
