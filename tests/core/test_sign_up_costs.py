"""What issue 15's second round changed under a sign-up: merged settings, the IP hash of a
request, the kept cursor of the counted insert, the page link without a database
constraint, and an API sign-up that writes to no class."""

import pytest
from django.db import DataError, connection
from django.test import override_settings
from rest_framework import fields as drf_fields

from heretostay_wagtail.core import conf, privacy, recording
from heretostay_wagtail.core.models import Source
from heretostay_wagtail.models import CampaignCounter, PetitionPage, PledgePage, Signature

pytestmark = pytest.mark.django_db

SIGNER = {"name": "Rosa Parks", "email": "rosa@example.org", "postal_code": "62701"}


def test_settings_follow_overrides_and_patched_defaults(monkeypatch):
    assert conf.get_setting("API_PAGE_SIZE") == 20
    with override_settings(HERETOSTAY={"API_PAGE_SIZE": 7}):
        assert conf.get_setting("API_PAGE_SIZE") == 7
    assert conf.get_setting("API_PAGE_SIZE") == 20
    monkeypatch.setitem(conf.DEFAULTS, "API_PAGE_SIZE", 9)
    assert conf.get_setting("API_PAGE_SIZE") == 9


def test_a_dict_setting_is_a_copy_the_caller_may_change():
    rates = conf.get_setting("THROTTLE_RATES")
    rates["sign"] = "1/d"
    assert conf.get_setting("THROTTLE_RATES")["sign"] == "10/m"
    with override_settings(HERETOSTAY={"THROTTLE_RATES": {"sign": "3/m"}}):
        merged = conf.get_setting("THROTTLE_RATES")
        assert merged["sign"] == "3/m" and merged["pledge"] == "10/m"


def test_the_ip_hash_follows_the_address_and_the_salt():
    first = privacy.hash_ip("198.51.100.7")
    assert privacy.hash_ip("198.51.100.7") == first
    assert privacy.hash_ip("198.51.100.8") != first
    with override_settings(HERETOSTAY={"IP_HASH_SALT": "another"}):
        assert privacy.hash_ip("198.51.100.7") not in ("", first)
    assert privacy.hash_ip("198.51.100.7") == first
    assert privacy.hash_ip("") == ""


def test_an_api_sign_up_writes_to_no_class(petition):
    """DRF numbers fields with a class attribute (``Field._creation_counter``); writing it
    made CPython drop its attribute caches of every DRF class on each sign-up."""
    from rest_framework.test import APIClient

    api = APIClient()
    url = f"/api/v1/petitions/{petition.pk}/signatures/"
    assert api.post(url, SIGNER, format="json").status_code == 202  # caches the profile
    before = drf_fields.Field._creation_counter
    answer = api.post(url, {**SIGNER, "email": "second@example.org"}, format="json")
    assert answer.status_code == 202
    assert drf_fields.Field._creation_counter == before
    assert CampaignCounter.totals(petition.campaign_key)["count"] == 2


def test_deleting_the_page_still_empties_its_records_link(petition):
    """The page link has no constraint in the database; Django empties it (SET_NULL)."""
    signature = recording.build(Signature, petition, SIGNER, source=Source.WEB, ip="")
    recording.save(signature, counted=True)
    petition.delete()
    signature.refresh_from_db()
    assert signature.page_id is None
    assert signature.campaign_key  # the campaign, and its count, stay


def test_a_sign_up_committed_alongside_the_deletion_loses_the_page_link_too(
    petition, django_capture_on_commit_callbacks
):
    """No constraint stops a sign-up that read the page before it was deleted from
    committing with its id; the link is emptied again once the deletion commits."""
    late = recording.build(Signature, petition, SIGNER, source=Source.WEB, ip="")
    recording.save(late, counted=True)
    page_id = petition.pk
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        petition.delete()
        # The racing insert: its row arrives after Django's SET_NULL ran.
        Signature.objects.filter(pk=late.pk).update(page_id=page_id)
    assert callbacks
    late.refresh_from_db()
    assert late.page_id is None and late.page is None


def test_deletion_receivers_listen_to_their_models_only():
    """A receiver for every sender would take Django's fast delete from every model."""
    from django.db.models.signals import post_delete
    from wagtail.models import Page

    assert post_delete.has_listeners(PetitionPage) and post_delete.has_listeners(PledgePage)
    assert post_delete.has_listeners(Page)
    assert not post_delete.has_listeners(CampaignCounter)


@pytest.mark.parametrize("kind", ["petition", "restriction", "site"])
def test_a_deletion_makes_kept_sign_up_profiles_stale(petition, kind):
    from django.core.cache import cache
    from wagtail.models import PageViewRestriction, Site

    from heretostay_wagtail.core import signup_cache

    if kind == "restriction":
        gone = PageViewRestriction.objects.create(
            page=petition, restriction_type=PageViewRestriction.LOGIN
        )
    elif kind == "site":
        gone = Site.objects.create(hostname="other.example.org", root_page=petition.get_parent())
    else:
        gone = petition
    cache.set(signup_cache.VERSION_KEY, "kept", timeout=None)
    gone.delete()
    assert cache.get(signup_cache.VERSION_KEY) != "kept"


def _sign(petition, n):
    record = recording.build(
        Signature, petition, {**SIGNER, "email": f"k{n}@example.org"}, source=Source.WEB
    )
    return recording.save(record, counted=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's server-binding cursor")
@pytest.mark.django_db(transaction=True)
def test_the_counted_insert_keeps_its_cursor_per_connection(petition):
    assert _sign(petition, 0).created
    kept = getattr(connection, recording._KEPT)
    assert kept is not None and kept.connection is connection.connection
    assert _sign(petition, 1).created
    assert getattr(connection, recording._KEPT) is kept
    # A new connection gets a cursor of its own.
    connection.close()
    assert _sign(petition, 2).created
    renewed = getattr(connection, recording._KEPT)
    assert renewed is not kept and renewed.connection is connection.connection
    # A failed statement lets its cursor go.
    with pytest.raises(DataError), recording._cursor(connection) as cursor:
        cursor.execute("SELECT 1/0")
    assert getattr(connection, recording._KEPT) is None and renewed.closed
    assert _sign(petition, 3).created
    assert Signature.objects.filter(campaign_key=petition.campaign_key).count() == 4
    assert CampaignCounter.totals(petition.campaign_key)["count"] == 4
