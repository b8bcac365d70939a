"""The throttle's count on Django's Redis cache: one pipelined round trip (issue 15),
counting exactly like ``add`` + ``incr`` did, with the window's expiry."""

import os
import uuid

import pytest
from django.core.cache.backends.redis import RedisCache

from heretostay_wagtail.core import throttling

pytestmark = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")


@pytest.fixture
def redis_cache():
    cache = RedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": f"t-{uuid.uuid4().hex[:8]}"})
    yield cache
    cache.delete_many(["heretostay:throttle:test", "heretostay:throttle:old"])


def test_counts_up_with_the_window_as_expiry(redis_cache):
    key = "heretostay:throttle:test"
    assert [throttling._count(redis_cache, key, 60) for _ in range(3)] == [1, 2, 3]
    assert redis_cache.get(key) == 3  # readable through the cache API
    full = redis_cache.make_and_validate_key(key)
    ttl = redis_cache._cache.get_client(full).ttl(full)
    assert 0 < ttl <= 61


def test_goes_on_from_a_count_the_cache_api_started(redis_cache):
    key = "heretostay:throttle:old"
    redis_cache.add(key, 1, timeout=61)
    assert throttling._count(redis_cache, key, 60) == 2


def test_unreachable_redis_fails_open(rf, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "down": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        },
    }
    settings.HERETOSTAY = {"THROTTLE_CACHE": "down", "THROTTLE_RATES": {"sign": "1/m"}}
    request = rf.post("/")
    assert throttling.hit(request, "sign") and throttling.hit(request, "sign")
