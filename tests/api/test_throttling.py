"""Rates from HERETOSTAY["THROTTLE_RATES"], shared with the web form, per IP or user."""

import pytest
from django.test import override_settings

from heretostay_wagtail.models import Signature

from .conftest import SIGNER, token_client

pytestmark = pytest.mark.django_db


def rates(**kwargs):
    return override_settings(HERETOSTAY={"THROTTLE_RATES": kwargs})


@rates(sign="2/m")
def test_signing_is_throttled_per_ip_with_retry_after(api, petition):
    url = f"/api/v1/petitions/{petition.pk}/signatures/"
    for i in range(2):
        assert (
            api.post(url, {**SIGNER, "email": f"s{i}@example.org"}, format="json").status_code
            == 202
        )
    response = api.post(url, {**SIGNER, "email": "s3@example.org"}, format="json")
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert response.json()["code"] == "throttled"
    assert Signature.objects.count() == 2
    # Another address is not affected.
    other = api.post(
        url, {**SIGNER, "email": "s4@example.org"}, format="json", REMOTE_ADDR="203.0.113.7"
    )
    assert other.status_code == 202


@rates(sign="1/m")
def test_api_and_web_form_share_the_sign_budget(api, petition, client):
    client.post(petition.url, {**SIGNER, "opt_in": ""})
    assert Signature.objects.count() == 1
    response = api.post(
        f"/api/v1/petitions/{petition.pk}/signatures/",
        {**SIGNER, "email": "b@example.org"},
        format="json",
    )
    assert response.status_code == 429


@rates(sign="1/m")
def test_osdi_helper_shares_the_sign_budget(api, petition):
    url = f"/api/v1/petitions/{petition.pk}/signatures/"
    api.post(url, SIGNER, format="json")
    response = api.post(
        f"/api/v1/osdi/petitions/{petition.pk}/record_signature_helper/",
        {"person": {"given_name": "A", "email_addresses": [{"address": "a@example.org"}]}},
        format="json",
    )
    assert response.status_code == 429


@rates(confirm="1/m")
def test_confirm_is_throttled(api):
    url = "/api/v1/signatures/confirm/"
    assert api.post(url, {"token": "x"}, format="json").status_code == 400
    assert api.post(url, {"token": "x"}, format="json").status_code == 429


@rates(api_public="2/m")
def test_public_reads_are_throttled(api, petition):
    for _ in range(2):
        assert api.get("/api/v1/petitions/").status_code == 200
    response = api.get(f"/api/v1/petitions/{petition.pk}/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 429
    assert response.json()["detail"].startswith("Solicitud fue regulada")


@rates(api_staff="2/m")
def test_staff_are_throttled_per_user(organizer_api, superuser):
    for _ in range(2):
        assert organizer_api.get("/api/v1/signatures/").status_code == 200
    assert organizer_api.get("/api/v1/signatures/").status_code == 429
    # Same address, another user: own budget.
    assert token_client(superuser).get("/api/v1/signatures/").status_code == 200
