"""The public JSON count: figures only, cacheable, the same for every translation."""

import pytest
from wagtail.contrib.frontend_cache.backends import BaseBackend

pytestmark = pytest.mark.django_db


def test_live_count_is_public_aggregate_and_cacheable(client, sign_page, petition, petition_es):
    sign_page(petition, email="one@example.org", name="Uno")
    sign_page(petition_es, email="two@example.org", name="Dos", ip="203.0.113.8")
    for page in (petition, petition_es):
        response = client.get(page.url + "count/")
        assert response.status_code == 200
        assert response.json() == {
            "count": 2,
            "goal": 100,
            "target": 100,
            "percent": 2,
            "goal_reached": False,
        }
        cache_control = {d.strip() for d in response["Cache-Control"].split(",")}
        # The count moves every PUBLIC_COUNT_INTERVAL (0 in tests: the running count, so
        # the 5-second floor): a shared cache may keep it that long, serve it stale while
        # refreshing, and through an outage.
        assert {"public", "max-age=5", "stale-while-revalidate=60"} <= cache_control
        assert "stale-if-error=86400" in cache_control
        body = response.content.decode()
        assert "example.org" not in body and "Uno" not in body
        assert "Set-Cookie" not in response


def test_live_count_is_read_only(client, petition):
    assert client.post(petition.url + "count/").status_code == 405


def test_count_cache_control_follows_the_settings(client, petition, settings):
    settings.HERETOSTAY = {
        **getattr(settings, "HERETOSTAY", {}),
        "COUNT_CACHE_CONTROL": {"max_age": 10, "stale_while_revalidate": 0, "stale_if_error": 0},
    }
    response = client.get(petition.url + "count/")
    assert response["Cache-Control"] == "public, max-age=10"
    settings.HERETOSTAY = {**settings.HERETOSTAY, "PUBLIC_COUNT_INTERVAL": 0}
    settings.HERETOSTAY["COUNT_CACHE_CONTROL"] = {"max_age": None}  # others: the defaults
    # A running count (the demo) still lets a cache absorb a burst for a few seconds.
    assert client.get(petition.url + "count/")["Cache-Control"] == (
        "public, max-age=5, stale-while-revalidate=60, stale-if-error=86400"
    )


purged = []


class RecordingCacheBackend(BaseBackend):
    """A front-end cache that only records what Wagtail asks it to purge."""

    def purge(self, url):
        purged.append(url)


def test_publishing_purges_the_page_thanks_and_count(
    petition, settings, django_capture_on_commit_callbacks
):
    settings.WAGTAILFRONTENDCACHE = {
        "recording": {"BACKEND": "tests.petitions.test_live_count.RecordingCacheBackend"}
    }
    purged.clear()
    petition.ask = "A changed ask"
    with django_capture_on_commit_callbacks(execute=True):
        petition.save_revision().publish()
    base = petition.get_full_url()
    assert {base, base + "thanks/", base + "count/"} <= set(purged), purged
