"""A steady sign-up costs one round trip to Redis and one SQL statement (issue 15).

``throttling.hit_and_get`` reads the signing profile's version and counts the request
against its throttles in one pipeline; each app server keeps the profiles it has read
(``signup_cache._LOCAL``) but uses one only while the shared version says it is current;
the supporter's INSERT is compiled once per model (``recording._STATEMENTS``); and
``FailSafeRedisCache`` keeps one redis-py client per pool. What must not change: every
request is counted once in each scope, a change made through another server is seen at
the next request, and the statement is the one Django would compile.
"""

import os
import uuid

import pytest
import redis
from django.core.cache import cache, caches
from django.db import connection
from django.test import override_settings

from heretostay_wagtail.core import recording, signup_cache, throttling
from heretostay_wagtail.core.cache import FailSafeRedisCache, ReusingRedisCacheClient
from heretostay_wagtail.models import CampaignCounter, PetitionStatus, Signature, Source
from heretostay_wagtail.petitions.models import PetitionPage
from tests.petitions.conftest import form_data

pytestmark = pytest.mark.django_db

needs_redis = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")


@pytest.fixture
def redis_default():
    """Redis (through ``FailSafeRedisCache``) as the default and the throttles' cache,
    under a key prefix of its own."""
    caches_setting = {
        "default": {
            "BACKEND": "heretostay_wagtail.core.cache.FailSafeRedisCache",
            "LOCATION": os.environ.get("REDIS_URL", ""),
            "KEY_PREFIX": f"rt-{uuid.uuid4().hex[:8]}",
        }
    }
    with override_settings(CACHES=caches_setting):
        signup_cache._LOCAL.clear()
        yield caches["default"]
        caches["default"].clear()
    signup_cache._LOCAL.clear()


def _command_names(packed):
    """The command names in what redis-py writes to the socket (RESP arrays)."""
    data = b"".join(packed) if isinstance(packed, (list, tuple)) else bytes(packed)
    names, pos = [], 0
    while pos < len(data):
        end = data.index(b"\r\n", pos)
        count, pos = int(data[pos + 1 : end]), end + 2
        arguments = []
        for _ in range(count):
            end = data.index(b"\r\n", pos)
            length, pos = int(data[pos + 1 : end]), end + 2
            arguments.append(data[pos : pos + length])
            pos += length + 2
        names.append(arguments[0].decode().upper())
    return " ".join(names)


@pytest.fixture
def round_trips(monkeypatch):
    """Every write redis-py makes to a Redis socket (one per round trip), as the names
    of the commands it carries: "GET" for one command, "MGET SET INCRBY" for a pipeline."""
    seen = []
    send = redis.connection.AbstractConnection.send_packed_command

    def counted(self, command, *args, **kwargs):
        seen.append(_command_names(command))
        return send(self, command, *args, **kwargs)

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", counted)
    return seen


@needs_redis
def test_a_steady_signature_is_one_round_trip_to_redis(
    client, petition, redis_default, round_trips
):
    for i in range(3):  # the first routes through Wagtail and caches the profile
        assert client.post(petition.url, form_data(email=f"w{i}@example.org")).status_code == 302
    round_trips.clear()
    response = client.post(petition.url, form_data(email="steady@example.org"))
    assert response.status_code == 302
    assert round_trips == ["MGET SET INCRBY"]
    assert Signature.objects.filter(email_normalized="steady@example.org").exists()


@needs_redis
def test_each_scope_is_counted_once_per_request(client, petition, redis_default, settings):
    settings.HERETOSTAY = {"THROTTLE_RATES": {"sign": "3/m"}}
    statuses = [
        client.post(petition.url, form_data(email=f"r{i}@example.org")).status_code
        for i in range(4)
    ]
    assert statuses == [302, 302, 302, 429]
    # A page with field errors is answered by the full view: still counted once.
    settings.HERETOSTAY = {"THROTTLE_RATES": {"sign": "6/m"}}
    assert client.post(petition.url, form_data(email="bad")).status_code == 400  # 5
    assert client.post(petition.url, form_data(email="six@example.org")).status_code == 302
    assert client.post(petition.url, form_data(email="seven@example.org")).status_code == 429


@needs_redis
def test_the_api_counts_both_throttles_with_the_profile(petition, redis_default, round_trips):
    from rest_framework.test import APIClient

    api = APIClient()
    url = f"/api/v1/petitions/{petition.pk}/signatures/"
    body = {"name": "Rosa Parks", "email": "a0@example.org", "postal_code": "62701"}
    assert api.post(url, body, format="json").status_code == 202
    round_trips.clear()
    assert api.post(url, {**body, "email": "a1@example.org"}, format="json").status_code == 202
    assert round_trips == ["MGET SET INCRBY SET INCRBY"]  # api_public and sign
    ip_hash = throttling.hash_ip("127.0.0.1")
    counts = {}
    for key in redis_default._cache.get_client().keys(f"*throttle:*:{ip_hash}:*"):
        # Summed over windows: the two posts may fall either side of a window's edge.
        scope = key.decode().split(":")[-3]
        counts[scope] = counts.get(scope, 0) + int(redis_default._cache.get_client().get(key))
    assert counts == {"api_public": 2, "sign": 2}


@needs_redis
def test_a_change_through_another_server_is_seen_at_the_next_request(
    client, petition, redis_default
):
    """This server keeps the profile; another one closes the petition (here: the row is
    changed without signals, and the shared version replaced, as that server's save
    does). The next POST here must not sign from the kept profile."""
    for i in range(2):
        client.post(petition.url, form_data(email=f"w{i}@example.org"))
    assert signup_cache._LOCAL  # kept here
    PetitionPage.objects.filter(pk=petition.pk).update(status=PetitionStatus.CLOSED)
    redis_default.set(signup_cache.VERSION_KEY, uuid.uuid4().hex, timeout=None)
    response = client.post(petition.url, form_data(email="late@example.org"))
    assert response.status_code == 400
    assert not Signature.objects.filter(email_normalized="late@example.org").exists()


def test_kept_profiles_need_the_shared_version(client, petition):
    for i in range(2):
        client.post(petition.url, form_data(email=f"w{i}@example.org"))
    cache.delete(signup_cache.VERSION_KEY)  # evicted, or Redis flushed
    PetitionPage.objects.filter(pk=petition.pk).update(status=PetitionStatus.CLOSED)
    response = client.post(petition.url, form_data(email="late@example.org"))
    assert response.status_code == 400  # the full view, which reads the page
    assert not Signature.objects.filter(email_normalized="late@example.org").exists()


def test_each_request_gets_its_own_copy_of_the_page(client, petition, rf):
    client.post(petition.url, form_data(email="w0@example.org"))
    first = signup_cache.page_for_path(rf.post(petition.url), count=False)
    first.title = "changed by one request"
    first._state.fields_cache.clear()
    second = signup_cache.page_for_path(rf.post(petition.url), count=False)
    assert second is not first
    assert second.title == petition.title
    assert second.locale.language_code == "en"
    with pytest.raises(RuntimeError, match="never be saved"):
        second.save()


def test_kept_profiles_are_bounded(petition, rf, monkeypatch):
    monkeypatch.setattr(signup_cache, "LOCAL_MAX", 3)
    signup_cache._LOCAL.clear()
    for n in range(7):
        signup_cache._keep_local(f"key-{n}", {**_profile(petition), "version": "v"})
        assert len(signup_cache._LOCAL) <= 3


def _profile(petition):
    request = type("R", (), {})()
    setattr(request, signup_cache._VERSION_SEEN, "v")
    signup_cache._remember(request, "heretostay:test:profile", petition, petition.url)
    return cache.get("heretostay:test:profile")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the one-statement save")
def test_the_kept_statement_is_the_one_django_compiles(petition):
    def record(email):
        return recording.build(
            Signature,
            petition,
            {"name": "Rosa", "email": email},
            source=Source.WEB,
            ip="198.51.100.7",
            postal_code="62701",
        )

    recording._STATEMENTS.clear()
    recording._counted_insert(Signature, "default", record("first@example.org"))
    assert (Signature, "default") in recording._STATEMENTS
    second = record("second@example.org")
    kept_sql, kept_params = recording._counted_insert(Signature, "default", second)
    sql, params = recording._compile_counted_insert(Signature, "default", second)
    assert kept_sql == sql
    assert kept_params[:-1] == params[:-1]  # the last is the counter's "now"
    # And it records as before: one row, counted once.
    assert recording.save(second, counted=True).created
    assert Signature.objects.filter(email_normalized="second@example.org").count() == 1


@needs_redis
def test_failsafe_cache_keeps_one_client_per_pool(redis_default):
    assert isinstance(redis_default, FailSafeRedisCache)
    client = redis_default._cache
    assert isinstance(client, ReusingRedisCacheClient)
    assert client.get_client(write=True) is client.get_client(write=True)
    redis_default.set("k", "v")
    assert redis_default.get("k") == "v"


def test_without_redis_the_throttle_counts_as_before(rf, settings):
    settings.HERETOSTAY = {"THROTTLE_RATES": {"sign": "2/m"}}
    request = rf.post("/")
    cache.set("some-key", "value")
    assert throttling.hit_and_get(request, ["sign"], ["some-key"]) == {"some-key": "value"}
    assert [throttling.hit(request, "sign") for _ in range(3)] == [True, True, False]


@needs_redis
def test_a_reply_error_closes_the_connection_and_fails_open(rf, redis_default, settings, caplog):
    """A command that Redis refuses midway (here the bucket holds text, so INCRBY
    fails): the request goes on within its rate, and the connection is closed, so the
    next request never reads this one's leftover replies."""
    settings.HERETOSTAY = {"THROTTLE_RATES": {"sign": "2/m"}}
    request = rf.post("/")
    redis_default.set("some-key", "value")
    bucket = throttling._bucket_key("sign", "127.0.0.1", 60, throttling.time.time())
    redis_default._cache.get_client().set(redis_default.make_key(bucket), "text")
    assert throttling.hit_and_get(request, ["sign"], ["some-key"]) == {}
    assert throttling.hit(request, "sign") is True
    assert "not applied" in caplog.text
    redis_default._cache.get_client().delete(redis_default.make_key(bucket))
    fresh = rf.post("/")
    assert throttling.hit_and_get(fresh, ["sign"], ["some-key"]) == {"some-key": "value"}
    assert throttling.hit(fresh, "sign") is True  # 1
    assert [throttling.hit(fresh, "sign") for _ in range(2)] == [True, False]  # 2, 3


def test_forms_that_only_validate_share_their_fields_per_profile(client, petition, rf):
    """The quick path and the API build a page's fields once per profile; a form that
    may be shown (the full view) is built anew; a change to the page makes a new
    profile, with new fields."""
    from heretostay_wagtail.petitions.forms import SignatureForm

    client.post(petition.url, form_data(email="w0@example.org"))
    first = signup_cache.page_for_path(rf.post(petition.url), count=False)
    second = signup_cache.page_for_path(rf.post(petition.url), count=False)
    one = SignatureForm.validating(first, form_data(email="a@example.org"))
    two = SignatureForm.validating(second, form_data(email="not an email"))
    assert one.fields["email"] is two.fields["email"]
    assert one.fields is not two.fields
    assert one.is_valid() and not two.is_valid()
    assert one.is_valid() and "email" in two.errors  # each form its own result
    shown = SignatureForm(first, form_data(email="a@example.org"))
    assert shown.fields["email"] is not one.fields["email"]
    api = SignatureForm.validating(first, form_data(), source=Source.API)
    assert "website" not in api.fields and "website" in one.fields  # the honeypot
    # A page loaded from the database has no profile: built as usual.
    assert (
        SignatureForm.validating(petition, form_data()).fields["email"] is not (one.fields["email"])
    )
    # The petition asks for a phone now: a new profile, new fields.
    petition.ask_phone = "required"
    petition.save_revision().publish()
    client.post(petition.url, form_data(email="w1@example.org", phone="+1 312 555 0100"))
    changed = signup_cache.page_for_path(rf.post(petition.url), count=False)
    form = SignatureForm.validating(changed, form_data(email="b@example.org"))
    assert form.fields["phone"].required
    assert not form.is_valid() and "phone" in form.errors


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
def test_the_counted_insert_is_prepared_when_the_site_allows_it(petition):
    """With ``prepare_threshold`` set (the test settings and the example site's production
    profile do), psycopg prepares the counted insert once per connection; Django's own
    queries stay unprepared. Logged queries (DEBUG, tests counting queries) use Django's
    cursor, so the log shows the statement with its values."""
    from django.test.utils import CaptureQueriesContext

    def sign(n):
        record = recording.build(
            Signature, petition, {"name": "Rosa", "email": f"p{n}@example.org"},
            source=Source.WEB, ip="198.51.100.7", postal_code="62701",
        )  # fmt: skip
        return recording.save(record, counted=True)

    connection.ensure_connection()
    assert connection.connection.prepare_threshold is not None
    for n in range(8):
        assert sign(n).created
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert len(prepared) == 1 and "WITH new AS" in prepared[0]
    assert not sign(3).created  # a repeat email: nothing counted twice
    with CaptureQueriesContext(connection) as queries:
        assert sign(8).created
    assert len(queries) == 1 and "p8@example.org" in queries[0]["sql"]
    assert Signature.objects.filter(page=petition).count() == 9
    assert CampaignCounter.totals(petition.campaign_key)["count"] == 9


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
def test_without_prepared_statements_the_counted_insert_binds_on_the_client(petition):
    connection.ensure_connection()
    threshold = connection.connection.prepare_threshold
    connection.connection.prepare_threshold = None  # Django's default
    try:
        with recording._cursor(connection) as cursor:
            assert type(cursor.cursor).__name__ == "Cursor"  # Django's client-side cursor
        for n in range(8):
            record = recording.build(
                Signature, petition, {"name": "Rosa", "email": f"c{n}@example.org"},
                source=Source.WEB, ip="198.51.100.7", postal_code="62701",
            )  # fmt: skip
            assert recording.save(record, counted=True).created
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements")
            assert cursor.fetchone()[0] == 0
    finally:
        connection.connection.prepare_threshold = threshold
