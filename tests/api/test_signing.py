"""Public signing and confirmation through the API."""

import pytest
from django.core import mail
from django.test import override_settings

from heretostay_wagtail.core import tokens
from heretostay_wagtail.models import CampaignCounter, Signature
from tests.conftest import make_petition

from .conftest import SIGNER

pytestmark = pytest.mark.django_db


def sign_url(page):
    return f"/api/v1/petitions/{page.pk}/signatures/"


def count(page):
    return CampaignCounter.totals(page.campaign_key)["count"]


def test_sign_records_through_the_signing_service(api, petition):
    response = api.post(sign_url(petition), SIGNER, format="json")
    assert response.status_code == 202
    assert response.json() == {
        "status": "received",
        "detail": "Thank you! Your signature has been received.",
        "confirmation_required": False,
    }
    signature = Signature.objects.get()
    assert signature.source == "api"
    assert signature.name == "Rosa María Parks"
    assert signature.phone.as_e164 == "+12175550142"
    assert signature.opted_in and signature.consent_text == str(petition.get_consent_text())
    assert signature.ip_hash and "127.0.0.1" not in signature.ip_hash
    assert count(petition) == 1
    detail = api.get(f"/api/v1/petitions/{petition.pk}/").json()
    assert detail["progress"]["count"] == 1


def test_signing_in_spanish_stores_the_language(api, live_es):
    api.post(sign_url(live_es), SIGNER, format="json", HTTP_ACCEPT_LANGUAGE="es")
    assert Signature.objects.get().language == "es"


def test_new_and_repeat_signers_get_identical_answers(api, live_es, petition):
    first = api.post(sign_url(petition), SIGNER, format="json")
    repeat = api.post(
        sign_url(live_es),
        {**SIGNER, "email": "  ROSA.signer@Example.org"},
        format="json",
    )
    assert first.status_code == repeat.status_code == 202
    assert first.content == repeat.content
    assert {k: v for k, v in first.items() if k != "Content-Language"} == {
        k: v for k, v in repeat.items() if k != "Content-Language"
    }
    assert Signature.objects.count() == 1 and count(petition) == 1


@override_settings(HERETOSTAY={"DOUBLE_OPT_IN": True})
def test_double_opt_in_answers_are_identical_too(api, petition):
    first = api.post(sign_url(petition), SIGNER, format="json")
    repeat = api.post(sign_url(petition), SIGNER, format="json")
    assert first.content == repeat.content
    assert first.json()["confirmation_required"] is True
    assert count(petition) == 0


@override_settings(HERETOSTAY={"DOUBLE_OPT_IN": True})
def test_confirm_counts_once(api, petition, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        api.post(sign_url(petition), SIGNER, format="json")
    signature = Signature.objects.get()
    assert len(mail.outbox) == 1
    token = tokens.make("confirm", signature.public_id)
    for _ in range(2):
        response = api.post("/api/v1/signatures/confirm/", {"token": token}, format="json")
        assert response.status_code == 200
        assert response.json()["status"] == "confirmed"
    assert count(petition) == 1


@pytest.mark.parametrize("token", ["nonsense", "x" * 200, "1:abc:def"])
def test_confirm_with_a_bad_token(api, petition, token):
    response = api.post("/api/v1/signatures/confirm/", {"token": token}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["token"][0]["message"] == (
        "This confirmation link is not valid or has expired."
    )


def test_confirm_needs_post(api):
    """Email scanners follow links: a GET must never confirm."""
    assert api.get("/api/v1/signatures/confirm/?token=x").status_code in (400, 405)
    assert api.get("/api/v1/signatures/confirm/").status_code == 405


def test_validation_errors_name_each_field(api, petition):
    response = api.post(sign_url(petition), {"email": "not-an-email", "phone": "12"}, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"name", "email", "postal_code", "phone"}
    assert errors["email"][0] == {
        "message": "Enter a valid email address, for example name@example.com.",
        "code": "invalid",
    }
    assert Signature.objects.count() == 0


def test_validation_errors_in_the_requests_language(api, petition):
    response = api.post(
        sign_url(petition),
        {"name": "Ana", "email": "nope"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9",
    )
    body = response.json()
    assert response["Content-Language"] == "es"
    assert (
        body["detail"]
        == "Algunos de los datos enviados no son válidos. Revisa los errores de cada campo."
    )
    assert body["errors"]["email"][0]["message"] == (
        "Escribe un correo electrónico válido, por ejemplo nombre@ejemplo.com."
    )
    assert body["errors"]["postal_code"][0]["message"] == "Este campo es requerido."


def test_language_works_without_locale_middleware(api, petition, settings):
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if m != "django.middleware.locale.LocaleMiddleware"
    ]
    response = api.post(
        sign_url(petition), {"email": "x"}, format="json", HTTP_ACCEPT_LANGUAGE="es"
    )
    assert response.json()["errors"]["email"][0]["message"] == (
        "Escribe un correo electrónico válido, por ejemplo nombre@ejemplo.com."
    )


def test_closed_petition_refuses_signatures(api, home):
    page = make_petition(home, slug="closed", status="closed")
    response = api.post(sign_url(page), SIGNER, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "This petition is closed."
    assert body["errors"]["non_field_errors"][0]["code"] == "closed"


def test_fields_a_petition_does_not_ask_for_are_not_stored(api, home):
    page = make_petition(home, slug="minimal", ask_phone="off", ask_comment="off")
    assert api.post(sign_url(page), SIGNER, format="json").status_code == 202
    signature = Signature.objects.get()
    assert not signature.phone and signature.comment == ""


@pytest.mark.parametrize(
    "body, content_type, status, code",
    [
        (b"{not json", "application/json", 400, "parse_error"),
        (b"[1, 2]", "application/json", 400, "invalid"),
        (b'"just a string"', "application/json", 400, "invalid"),
        (b'{"name": ["a"], "email": {"x": 1}}', "application/json", 400, "invalid"),
        (
            b'{"name": "A", "email": "a@example.org", "opt_in": "perhaps"}',
            "application/json",
            400,
            "invalid",
        ),
        (
            b'{"name": "A", "email": "a@example.org", "colour": "red"}',
            "application/json",
            400,
            "invalid",
        ),
        (
            b"name=A&email=a%40example.org",
            "application/x-www-form-urlencoded",
            415,
            "unsupported_media_type",
        ),
        (b'{"name": "' + b"x" * 70_000 + b'"}', "application/json", 413, "too_large"),
        # Deep nesting: Python's decoder recursed until a RecursionError (a 500).
        (b"[" * 999, "application/json", 400, "parse_error"),
        (b"[" * 999 + b"]" * 999, "application/json", 400, "parse_error"),
        (
            b'{"name": ' + b'{"a": ' * 500 + b"1" + b"}" * 501,
            "application/json",
            400,
            "parse_error",
        ),
        (b'{"name": ' + b"[" * 40 + b"]" * 40 + b"}", "application/json", 400, "parse_error"),
    ],
)
def test_bad_bodies_are_4xx_never_500(api, petition, body, content_type, status, code):
    response = api.generic("POST", sign_url(petition), body, content_type=content_type)
    assert response.status_code == status
    assert response.json()["code"] == code
    assert Signature.objects.count() == 0


def test_deep_nesting_says_why(api, petition):
    response = api.generic(
        "POST",
        sign_url(petition),
        b"[" * 999 + b"]" * 999,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.status_code == 400
    assert "anidado" in response.json()["detail"]


def test_wrong_types_name_the_field(api, petition):
    response = api.post(
        sign_url(petition), {"name": ["a"], "email": "a@example.org"}, format="json"
    )
    assert response.json()["errors"]["name"][0]["message"] == "Not a valid string."


@pytest.mark.parametrize("field", ["name", "email", "postal_code", "phone", "comment"])
def test_numbers_are_not_text(api, petition, field):
    """The schema says string; a number was read as text ("123"). Now it is refused,
    naming the field, and nothing is stored."""
    response = api.post(sign_url(petition), {**SIGNER, field: 62701}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][field][0]["message"] == "Not a valid string."
    assert Signature.objects.count() == 0


def test_numbers_are_not_text_in_osdi_or_pledges(api, petition, pledge_page):
    osdi = api.post(
        f"/api/v1/osdi/petitions/{petition.pk}/record_signature_helper/",
        {"person": {"given_name": 7, "email_addresses": [{"address": "a@example.org"}]}},
        format="json",
    )
    assert osdi.status_code == 400 and "person.given_name" in osdi.json()["errors"]
    pledge = api.post(
        f"/api/v1/pledges/{pledge_page.pk}/pledgers/",
        {"name": "Ana", "email": "ana@example.org", "area": 60608},
        format="json",
    )
    assert pledge.status_code == 400 and "area" in pledge.json()["errors"]


def test_too_long_name_is_refused_with_its_limit(api, petition):
    response = api.post(sign_url(petition), {**SIGNER, "name": "x" * 201}, format="json")
    assert response.status_code == 400
    assert "200" in response.json()["errors"]["name"][0]["message"]


def test_signing_an_unknown_petition(api):
    response = api.post(sign_url(type("P", (), {"pk": 424242})), SIGNER, format="json")
    assert response.status_code == 404


def test_public_posts_need_no_csrf_token_even_when_logged_in(petition, organizer):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(organizer)
    response = client.post(sign_url(petition), SIGNER, format="json")
    assert response.status_code == 202
