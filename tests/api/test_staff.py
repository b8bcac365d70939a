"""Staff endpoints: who may read and export signatures, audit entries, streaming."""

import csv
import io
import json

import pytest
from django.db.models.query import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from rest_framework.test import APIClient
from wagtail.models import PageLogEntry
from wagtail.models.audit_log import ModelLogEntry

from heretostay_wagtail.models import Signature, Source
from heretostay_wagtail.petitions import services as signing
from tests.conftest import make_petition

from .conftest import SIGNER

pytestmark = pytest.mark.django_db

LIST = "/api/v1/signatures/"
CSV = "/api/v1/signatures/export.csv"
NDJSON = "/api/v1/signatures/export.ndjson"


def audit_entries(action):
    return list(ModelLogEntry.objects.filter(action=action)) + list(
        PageLogEntry.objects.filter(action=action)
    )


@pytest.fixture
def signed(petition):
    signing.sign(petition, SIGNER, source=Source.API)
    signing.sign(
        petition,
        {"name": "Paper Person", "email": "paper@example.org", "postal_code": "10001"},
        source=Source.PAPER,
    )
    return petition


@pytest.mark.parametrize("url", [LIST, CSV, NDJSON])
def test_anonymous_gets_401(api, signed, url):
    response = api.get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("url", [LIST, CSV, NDJSON])
def test_bad_token_gets_401(signed, url):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token nope")
    assert client.get(url).status_code == 401


@pytest.mark.parametrize("url", [LIST, CSV, NDJSON])
def test_authenticated_without_permission_gets_403(editor_api, signed, url):
    response = editor_api.get(url)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not audit_entries("heretostay.export") and not audit_entries("heretostay.view")


def test_list_with_view_permission_is_audited(viewer_api, signed):
    response = viewer_api.get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    # Without heretostay.view_signature_contact, emails and phones are null.
    assert {(s["email"], s["phone"]) for s in body["results"]} == {(None, None)}
    rosa = next(s for s in body["results"] if s["source"] == "api")
    assert rosa["name"] == SIGNER["name"] and rosa["petition"]["id"] == signed.pk
    [entry] = audit_entries("heretostay.view")
    assert entry.data["records"] == 2 and entry.data["contacts"] is False
    assert entry.user.username == "viewer"


def test_list_with_contact_permission_shows_contacts(organizer_api, signed):
    body = organizer_api.get(LIST).json()
    assert {s["email"] for s in body["results"]} == {"rosa.signer@example.org", "paper@example.org"}
    rosa = next(s for s in body["results"] if s["source"] == "api")
    assert rosa["phone"] == "+12175550142"
    [entry] = audit_entries("heretostay.view")
    assert entry.data["records"] == 2 and entry.data["contacts"] is True


def test_view_permission_is_not_enough_to_export(viewer_api, signed):
    assert viewer_api.get(CSV).status_code == 403
    assert not audit_entries("heretostay.export")


@pytest.mark.parametrize(
    "query, emails",
    [
        ("source=paper", {"paper@example.org"}),
        ("source=api", {"rosa.signer@example.org"}),
        ("opted_in=true", {"rosa.signer@example.org"}),
        ("opted_in=false", {"paper@example.org"}),
        ("confirmed=true", {"rosa.signer@example.org", "paper@example.org"}),
        ("confirmed=false", set()),
        ("created_after=2000-01-01T00:00:00Z", {"rosa.signer@example.org", "paper@example.org"}),
        ("created_before=2000-01-01T00:00:00Z", set()),
        ("language=es", set()),
    ],
)
def test_list_filters(organizer_api, signed, query, emails):
    body = organizer_api.get(f"{LIST}?{query}").json()
    assert {s["email"] for s in body["results"]} == emails


def test_filter_by_petition_includes_translations_and_excludes_others(
    organizer_api, signed, live_es, home
):
    signing.sign(live_es, {**SIGNER, "email": "es@example.org"}, source=Source.API)
    other = make_petition(home, slug="other")
    signing.sign(other, {**SIGNER, "email": "other@example.org"}, source=Source.API)
    body = organizer_api.get(f"{LIST}?petition={live_es.pk}").json()
    assert body["count"] == 3
    body = organizer_api.get(f"{LIST}?campaign={other.translation_key}").json()
    assert [s["email"] for s in body["results"]] == ["other@example.org"]


@pytest.mark.parametrize(
    "query, field",
    [
        ("petition=abc", "petition"),
        ("petition=999999", "petition"),
        ("source=fax", "source"),
        ("confirmed=maybe", "confirmed"),
        ("created_after=yesterday", "created_after"),
        ("email=rosa@example.org", "email"),
    ],
)
def test_bad_staff_filters_are_400(organizer_api, signed, query, field):
    for url in (LIST, CSV):
        response = organizer_api.get(f"{url}?{query}")
        assert response.status_code == 400
        assert field in response.json()["errors"]


def test_csv_export_streams_and_is_audited(organizer_api, signed):
    response = organizer_api.get(f"{CSV}?source=api")
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:6] == ["ID", "Campaign", "Petition", "Language", "Name", "Email"]
    assert [r[5] for r in rows[1:]] == ["rosa.signer@example.org"]
    [entry] = audit_entries("heretostay.export")
    assert entry.data["format"] == "csv" and entry.data["rows"] == 1
    assert entry.data["filters"] == {"source": "api"}
    assert entry.user.username == "organizer"


def test_csv_export_neutralizes_formulas(organizer_api, petition):
    signing.sign(petition, {**SIGNER, "name": '=HYPERLINK("http://evil")'}, source=Source.API)
    text = b"".join(organizer_api.get(CSV).streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK" in text


def test_ndjson_export(organizer_api, signed):
    response = organizer_api.get(NDJSON)
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]
    assert {line["email"] for line in lines} == {"rosa.signer@example.org", "paper@example.org"}
    assert audit_entries("heretostay.export")[0].data["format"] == "ndjson"


def test_export_never_materializes_the_queryset(organizer_api, petition, monkeypatch):
    """Many rows, read lazily: no row is fetched before the body is consumed, and
    ``QuerySet._fetch_all`` (which loads everything into memory) is never called."""
    now = timezone.now()
    Signature.objects.bulk_create(
        [
            Signature(
                campaign_key=petition.campaign_key,
                page=petition,
                language="en",
                name=f"Signer {i}",
                email=f"s{i}@example.org",
                email_normalized=f"s{i}@example.org",
                source=Source.IMPORT,
                created_at=now,
                confirmed_at=now,
            )
            for i in range(5000)
        ],
        batch_size=1000,
    )
    fetch_all = QuerySet._fetch_all

    def refuse_signatures(qs):
        assert qs.model is not Signature, "export loaded every signature into memory"
        return fetch_all(qs)

    monkeypatch.setattr(QuerySet, "_fetch_all", refuse_signatures)
    response = organizer_api.get(NDJSON)
    assert isinstance(response, StreamingHttpResponse)
    chunks = iter(response.streaming_content)
    first = next(chunks)
    assert json.loads(first)["name"].startswith("Signer ")
    assert 1 + sum(1 for _ in chunks) == 5000


def test_session_auth_works_and_requires_csrf_for_unsafe_methods(organizer, signed):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(organizer)
    assert client.get(LIST).status_code == 200
    response = client.post(LIST, {}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_staff_views_resist_the_hosts_drf_defaults(api, organizer_api, signed, settings):
    """A host's REST_FRAMEWORK settings can neither open nor break the views."""
    settings.REST_FRAMEWORK = {
        "DEFAULT_AUTHENTICATION_CLASSES": [],
        "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
        "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
        "DEFAULT_THROTTLE_RATES": {"anon": "1/day"},
        "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.BrowsableAPIRenderer"],
        "EXCEPTION_HANDLER": "tests.api.test_staff.broken_handler",
        "DEFAULT_PAGINATION_CLASS": None,
    }
    assert api.get(LIST).status_code == 401
    assert api.get(LIST).json()["code"] == "not_authenticated"
    assert organizer_api.get(LIST).json()["count"] == 2
    for _ in range(3):
        assert api.get("/api/v1/petitions/").status_code == 200


def broken_handler(exc, context):
    raise AssertionError("the host's exception handler must not be used")


def test_csv_headings_in_the_requests_language(organizer_api, signed):
    response = organizer_api.get(CSV, HTTP_ACCEPT_LANGUAGE="es")
    heading = next(iter(response.streaming_content)).decode("utf-8-sig")
    assert "Nombre" in heading and "Correo electrónico" in heading
