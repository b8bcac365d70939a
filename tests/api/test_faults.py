"""Degrade, don't fail: a cache that cannot be reached, and errors nobody expected."""

import logging

import pytest
from django.test import Client, override_settings

from heretostay_wagtail.core import sharing
from heretostay_wagtail.models import CampaignCounter, Signature

from .conftest import SIGNER

pytestmark = pytest.mark.django_db

#: Redis at a port nothing listens on: every call fails with a connection error.
UNREACHABLE_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "down": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    },
}


@pytest.fixture
def cache_down(settings):
    with override_settings(CACHES=UNREACHABLE_CACHE):
        settings.HERETOSTAY = {**getattr(settings, "HERETOSTAY", {}), "THROTTLE_CACHE": "down"}
        yield


def test_signing_through_the_api_keeps_the_signature(api, petition, cache_down, caplog):
    with caplog.at_level(logging.WARNING, logger="heretostay_wagtail.core.throttling"):
        response = api.post(f"/api/v1/petitions/{petition.pk}/signatures/", SIGNER, format="json")
    assert response.status_code == 202
    assert Signature.objects.count() == 1
    assert CampaignCounter.totals(petition.campaign_key)["count"] == 1
    assert "the cache is unreachable" in caplog.text


def test_signing_on_the_page_keeps_the_signature(client, petition, cache_down, caplog):
    data = {"name": "Ana Flores", "email": "ana@example.org", "postal_code": "62701"}
    with caplog.at_level(logging.WARNING, logger="heretostay_wagtail.core.throttling"):
        response = client.post(petition.url, data)
    assert response.status_code == 302
    assert Signature.objects.get().name == "Ana Flores"
    assert "the cache is unreachable" in caplog.text


def test_an_unexpected_error_is_a_json_500_in_the_callers_language(petition, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(sharing, "share_links", broken)
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="heretostay_wagtail.api.errors"):
        response = client.get(f"/api/v1/petitions/{petition.pk}/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == 500 and body["code"] == "server_error"
    assert "secret internals" not in response.content.decode()
    assert body["detail"].startswith("Algo")
    assert "secret internals" in caplog.text  # the traceback goes to the logs
