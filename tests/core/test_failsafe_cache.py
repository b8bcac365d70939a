"""Redis as the default cache, unreachable: pages and sign-ups still work (issue 14).

Found by benchmarks/attack.py on the example site, whose default cache is Redis: with
Django's ``RedisCache`` every page request failed in Wagtail's site lookup
(``Site.get_site_root_paths`` reads the default cache) and every API sign-up in the
sign-up profile cache, so 400 of 400 submissions answered 500 and none was kept.
"""

import logging
import pickle

import pytest
from django.core.cache import caches
from django.test import override_settings

from heretostay_wagtail.models import CampaignCounter, Signature

pytestmark = pytest.mark.django_db

UNREACHABLE = {
    "default": {
        "BACKEND": "heretostay_wagtail.core.cache.FailSafeRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


@pytest.fixture
def redis_down():
    with override_settings(CACHES=UNREACHABLE):
        yield caches["default"]


def test_every_operation_answers_as_a_miss(redis_down, caplog):
    cache = redis_down
    with caplog.at_level(logging.WARNING, logger="heretostay_wagtail.core.cache"):
        assert cache.get("k") is None
        assert cache.get("k", "fallback") == "fallback"
        assert cache.get_many(["a", "b"]) == {}
        assert cache.add("k", 1) is False
        assert cache.set("k", 1) is None
        assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]  # the keys not stored
        assert cache.has_key("k") is False
        assert cache.touch("k") is False
        assert cache.delete("k") is False
        assert cache.get_or_set("k", "computed") == "computed"
        with pytest.raises(ValueError):
            cache.incr("k")
        cache.delete_many(["a"])
        cache.clear()
    assert "Redis is unreachable" in caplog.text


def test_other_errors_still_raise(redis_down):
    """Only an unreachable Redis is answered as a miss: a value that cannot be stored is
    the caller's bug, and still raises."""
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        redis_down.set("k", lambda: 1)


def test_the_page_form_keeps_the_signature(client, petition, redis_down):
    data = {"name": "Ana Flores", "email": "ana@example.org", "postal_code": "62701"}
    assert client.get(petition.url).status_code == 200
    response = client.post(petition.url, data)
    assert response.status_code == 302
    assert Signature.objects.get().name == "Ana Flores"


def test_the_api_keeps_the_signature(client, petition, redis_down):
    for attempt in range(2):  # the second call takes the path a cached profile would
        response = client.post(
            f"/api/v1/petitions/{petition.pk}/signatures/",
            {"name": "Ana Flores", "email": f"ana{attempt}@example.org", "postal_code": "62701"},
            content_type="application/json",
        )
        assert response.status_code == 202, response.content[:300]
    assert Signature.objects.count() == 2
    assert CampaignCounter.totals(petition.campaign_key)["count"] == 2
