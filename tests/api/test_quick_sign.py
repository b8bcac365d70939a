"""The sign API's quick path (``api.base.QuickPost``): once a petition's profile is
cached, a plain valid signature is answered without DRF's request cycle. It must answer
exactly as the full view does, and leave everything else to it."""

import json

import pytest
from django.test import override_settings

from heretostay_wagtail.api import base
from heretostay_wagtail.api.signatures import SignPetition
from heretostay_wagtail.models import CampaignCounter, Signature

from .conftest import SIGNER

pytestmark = pytest.mark.django_db


def sign_url(page):
    return f"/api/v1/petitions/{page.pk}/signatures/"


@pytest.fixture
def quick_calls(monkeypatch):
    """Every answer the quick path gave (None: it left the request to the full view)."""
    calls = []
    quick_post = SignPetition.quick_post

    def spy(self, request, data, **kwargs):
        answer = quick_post(self, request, data, **kwargs)
        calls.append(answer)
        return answer

    monkeypatch.setattr(SignPetition, "quick_post", spy)
    return calls


def without_quick_path(monkeypatch):
    monkeypatch.setattr(SignPetition, "quick_post", lambda self, *args, **kwargs: None)


def headers(response):
    return {k: v for k, v in response.items() if k not in ("Date", "Content-Length")}


@pytest.mark.parametrize("language", ["en", "es"])
def test_quick_answer_is_the_full_views_answer(api, petition, quick_calls, monkeypatch, language):
    # The first signature caches the petition's profile; the second takes the quick path.
    kwargs = {"format": "json", "HTTP_ACCEPT_LANGUAGE": language}
    api.post(sign_url(petition), {**SIGNER, "email": "first@example.org"}, **kwargs)
    quick = api.post(sign_url(petition), {**SIGNER, "email": "quick@example.org"}, **kwargs)
    assert quick_calls[-1] is not None, "the second signature took the quick path"
    without_quick_path(monkeypatch)
    full = api.post(sign_url(petition), {**SIGNER, "email": "full@example.org"}, **kwargs)

    assert quick.status_code == full.status_code == 202
    assert quick.content == full.content
    assert headers(quick) == headers(full)
    assert quick["Content-Language"] == language
    assert "Accept-Language" in quick["Vary"] and quick["Allow"] == "POST, OPTIONS"
    signatures = Signature.objects.filter(email__in=["quick@example.org", "full@example.org"])
    assert {(s.source, s.language, s.opted_in, s.name) for s in signatures} == {
        ("api", language, True, SIGNER["name"])
    }
    assert CampaignCounter.totals(petition.campaign_key)["count"] == 3


def test_a_repeat_email_gets_the_same_quick_answer(api, petition, quick_calls):
    first = api.post(sign_url(petition), SIGNER, format="json")
    repeat = api.post(
        sign_url(petition), {**SIGNER, "email": SIGNER["email"].upper()}, format="json"
    )
    assert quick_calls[-1] is not None
    assert first.content == repeat.content and headers(first) == headers(repeat)
    assert Signature.objects.count() == 1
    assert CampaignCounter.totals(petition.campaign_key)["count"] == 1


@pytest.mark.parametrize(
    "body, content_type, query, status",
    [
        ({**SIGNER, "email": "not-an-email"}, "application/json", "", 400),  # the form refuses
        ({**SIGNER, "name": 42}, "application/json", "", 400),  # not its declared type
        ({**SIGNER, "extra": "x"}, "application/json", "", 400),  # unknown field
        (SIGNER, "application/json", "?page=2", 400),  # a query string
        (SIGNER, "application/json; charset=latin-1", "", 202),  # not UTF-8: DRF decodes it
        ('{"name": NaN}', "application/json", "", 400),  # not strict JSON
        ("[1, 2]", "application/json", "", 400),  # not an object
        ("{", "application/json", "", 400),  # not JSON at all
        ("[" * 999 + "]" * 999, "application/json", "", 400),  # nested too deep
    ],
)
def test_anything_else_is_answered_by_the_full_view(
    api, petition, quick_calls, monkeypatch, body, content_type, query, status
):
    api.post(sign_url(petition), {**SIGNER, "email": "first@example.org"}, format="json")
    data = body if isinstance(body, str) else json.dumps(body)
    answered = api.post(sign_url(petition) + query, data, content_type=content_type)
    assert all(call is None for call in quick_calls[1:])
    without_quick_path(monkeypatch)
    full = api.post(sign_url(petition) + query, data, content_type=content_type)
    assert answered.status_code == full.status_code == status
    assert answered.content == full.content
    assert Signature.objects.count() == (2 if status == 202 else 1)


def test_a_throttled_client_is_counted_once_and_gets_the_full_429(api, petition, quick_calls):
    rates = {"sign": "2/m", "api_public": "100/m"}
    with override_settings(HERETOSTAY={"THROTTLE_RATES": rates}):
        statuses = [
            api.post(
                sign_url(petition), {**SIGNER, "email": f"s{n}@example.org"}, format="json"
            ).status_code
            for n in range(4)
        ]
        assert statuses == [202, 202, 429, 429]
        refused = api.post(sign_url(petition), {**SIGNER, "email": "x@example.org"}, format="json")
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert refused.json()["code"] == "throttled"
    assert quick_calls[1] is not None and quick_calls[2:] == [None, None, None]
    assert Signature.objects.count() == 2


def test_an_error_while_signing_gets_the_apis_json_500(api, petition, quick_calls, monkeypatch):
    api.post(sign_url(petition), {**SIGNER, "email": "first@example.org"}, format="json")

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("heretostay_wagtail.api.signatures.signing.sign", broken)
    response = api.post(sign_url(petition), SIGNER, format="json")
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert response["Content-Type"] == "application/json"
    assert "Accept-Language" in response["Vary"]


def test_plain_json_body_takes_only_what_the_parser_takes_as_it_is(rf, settings):
    def body(data, content_type="application/json", path="/x/"):
        return base.plain_json_body(rf.post(path, data, content_type=content_type))

    assert body('{"a": "b"}') == {"a": "b"}
    assert body('{"a": "b"}', "application/json; charset=UTF-8") == {"a": "b"}
    assert body('{"a": "b"}', "text/plain") is None
    assert body('{"a": Infinity}') is None
    assert body('{"a": "b"}', path="/x/?q=1") is None
    assert body("") is None
    settings.HERETOSTAY = {"API_MAX_REQUEST_SIZE": 8}
    assert body('{"a": "bcdefgh"}') is None
