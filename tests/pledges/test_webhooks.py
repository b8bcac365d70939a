"""The SMS provider's webhooks: signed STOP/START replies and delivery receipts.

Twilio's requests are signed here as Twilio signs them (``RequestValidator``, the library
the view checks with), over the URL Twilio called: a request that is not signed so gets
403 and changes nothing.
"""

import json
import random
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from twilio.request_validator import RequestValidator

from heretostay_wagtail.models import Alert, AlertDelivery, DeliveryStatus, Pledge
from heretostay_wagtail.pledges.webhooks import MAX_BODY, sign

from .conftest import WEBHOOK_SECRET
from .fake_twilio import (  # noqa: F401 (fixtures)
    AUTH_TOKEN,
    fake_twilio_fixture,
    twilio_settings_fixture,
)
from .helpers import make_pledge

pytestmark = pytest.mark.django_db

PHONE = "+13125550101"
FORM = "application/x-www-form-urlencoded"


def twilio_post(client, name, fields, *, token=AUTH_TOKEN, url=None, host="testserver"):
    """POST ``fields`` as Twilio does, signed with ``token`` over ``url``."""
    path = reverse(f"heretostay:{name}")
    signature = RequestValidator(token).compute_signature(url or f"http://{host}{path}", fields)
    return client.post(
        path,
        urlencode(fields),
        content_type=FORM,
        headers={"X-Twilio-Signature": signature},
        HTTP_HOST=host,
    )


def inbound(body, sender=PHONE, **extra):
    return {
        "MessageSid": "SM" + "a" * 32,
        "AccountSid": "AC" + "0" * 32,
        "From": sender,
        "To": "+15005550006",
        "Body": body,
        "NumMedia": "0",
        **extra,
    }


def hmac_post(client, name, body, *, content_type=FORM, secret=WEBHOOK_SECRET):
    headers = {"X-Heretostay-Signature": sign(body, secret)} if secret else {}
    return client.post(
        reverse(f"heretostay:{name}"), body, content_type=content_type, headers=headers
    )


@pytest.fixture
def pledge(pledge_page):
    return make_pledge(pledge_page, phone=PHONE)


@pytest.fixture
def delivery(pledge, pledge_page, coordinator):
    alert = Alert.objects.create(
        page=pledge_page,
        message="ICE reported at 26th & Pulaski.",
        areas="606",
        channel="sms",
        created_by=coordinator,
    )
    return AlertDelivery.objects.create(
        alert=alert,
        pledge=pledge,
        channel="sms",
        status=DeliveryStatus.SENT,
        provider_id="SM" + "b" * 32,
    )


# -- Twilio: inbound replies ---------------------------------------------------------


@pytest.mark.usefixtures("twilio_settings")
def test_signed_twilio_stop_turns_text_alerts_off(client, pledge, pledge_page):
    other = make_pledge(pledge_page, email="o@example.org", phone="+13125550199")
    response = twilio_post(client, "sms_stop", inbound("Stop"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert b"<Response></Response>" in response.content
    pledge.refresh_from_db()
    other.refresh_from_db()
    assert not pledge.alert_sms and pledge.alert_sms_consent_at is None
    assert pledge.alert_email  # email consent is separate
    assert other.alert_sms


@pytest.mark.usefixtures("twilio_settings")
@pytest.mark.parametrize(
    "headers",
    [
        {},  # no signature
        {"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"},
        # The other providers' scheme, valid for this body, is not Twilio's.
        {"X-Heretostay-Signature": sign(urlencode(inbound("STOP")).encode(), WEBHOOK_SECRET)},
    ],
)
def test_unsigned_or_forged_twilio_requests_change_nothing(client, pledge, headers):
    path = reverse("heretostay:sms_stop")
    response = client.post(path, urlencode(inbound("STOP")), content_type=FORM, headers=headers)
    assert response.status_code == 403
    pledge.refresh_from_db()
    assert pledge.alert_sms


@pytest.mark.usefixtures("twilio_settings")
def test_signature_with_another_token_or_url_or_fields_is_refused(client, pledge):
    assert twilio_post(client, "sms_stop", inbound("STOP"), token="guess").status_code == 403
    signed_elsewhere = "http://testserver/campaigns/sms/status/"
    assert twilio_post(client, "sms_stop", inbound("STOP"), url=signed_elsewhere).status_code == 403
    # Fields changed after signing: the signature covers them.
    path = reverse("heretostay:sms_stop")
    url = f"http://testserver{path}"
    signature = RequestValidator(AUTH_TOKEN).compute_signature(url, inbound("hello"))
    response = client.post(
        path,
        urlencode(inbound("STOP")),
        content_type=FORM,
        headers={"X-Twilio-Signature": signature},
    )
    assert response.status_code == 403
    pledge.refresh_from_db()
    assert pledge.alert_sms


@pytest.mark.usefixtures("twilio_settings")
def test_url_behind_a_proxy_is_the_sites_public_address(client, pledge, settings):
    """Twilio signs https://act.example.org/...; Django behind a proxy sees plain HTTP
    on an internal name. WAGTAILADMIN_BASE_URL gives the public address."""
    settings.ALLOWED_HOSTS = ["internal"]
    settings.WAGTAILADMIN_BASE_URL = "https://act.example.org/"
    public = "https://act.example.org" + reverse("heretostay:sms_stop")
    response = twilio_post(client, "sms_stop", inbound("STOP"), url=public, host="internal")
    assert response.status_code == 200
    pledge.refresh_from_db()
    assert not pledge.alert_sms


@pytest.mark.usefixtures("twilio_settings")
def test_start_turns_text_alerts_back_on_and_verifies_the_phone(client, pledge):
    Pledge.objects.filter(pk=pledge.pk).update(phone_verified_at=None)
    assert twilio_post(client, "sms_stop", inbound("STOP")).status_code == 200
    pledge.refresh_from_db()
    assert not pledge.alert_sms and pledge.phone_verified_at is None
    assert twilio_post(client, "sms_stop", inbound(" start ")).status_code == 200
    pledge.refresh_from_db()
    assert pledge.alert_sms and pledge.alert_sms_consent_at is not None
    assert pledge.phone_verified_at is not None
    assert PHONE in pledge.alert_sms_consent_text


@pytest.mark.usefixtures("twilio_settings")
def test_twilio_opt_out_type_is_followed(client, pledge):
    """A Messaging Service with Advanced Opt-Out says which keyword it matched (here a
    custom one, "SALIR")."""
    response = twilio_post(client, "sms_stop", inbound("Salir", OptOutType="STOP"))
    assert response.status_code == 200
    pledge.refresh_from_db()
    assert not pledge.alert_sms


@pytest.mark.usefixtures("twilio_settings")
@pytest.mark.parametrize("body", ["End of my shift, on my way", "stop by later?", "Yes I can go"])
def test_sentences_are_not_keywords(client, pledge, body):
    assert twilio_post(client, "sms_stop", inbound(body)).status_code == 200
    pledge.refresh_from_db()
    assert pledge.alert_sms


@pytest.mark.usefixtures("twilio_settings")
def test_same_answer_for_unknown_numbers(client, pledge):
    known = twilio_post(client, "sms_stop", inbound("STOP"))
    unknown = twilio_post(client, "sms_stop", inbound("STOP", sender="+13125550000"))
    invalid = twilio_post(client, "sms_stop", inbound("STOP", sender="not a number"))
    assert known.status_code == unknown.status_code == invalid.status_code == 200
    assert known.content == unknown.content == invalid.content
    assert known["Content-Type"] == unknown["Content-Type"]


# -- Twilio: delivery receipts -------------------------------------------------------------


def receipt(sid, status, **extra):
    return {"MessageSid": sid, "MessageStatus": status, "AccountSid": "AC" + "0" * 32, **extra}


@pytest.mark.usefixtures("twilio_settings")
def test_receipt_updates_the_provider_status(client, delivery):
    assert (
        twilio_post(client, "sms_status", receipt(delivery.provider_id, "sent")).status_code == 200
    )
    delivery.refresh_from_db()
    assert (delivery.provider_status, delivery.status) == ("sent", DeliveryStatus.SENT)
    twilio_post(client, "sms_status", receipt(delivery.provider_id, "delivered"))
    delivery.refresh_from_db()
    assert delivery.provider_status == "delivered"
    # A late "sent" (callbacks may come out of order) does not undo "delivered".
    twilio_post(client, "sms_status", receipt(delivery.provider_id, "sent"))
    delivery.refresh_from_db()
    assert delivery.provider_status == "delivered" and delivery.status == DeliveryStatus.SENT


@pytest.mark.usefixtures("twilio_settings")
@pytest.mark.parametrize("status", ["failed", "undelivered"])
def test_failed_receipt_marks_the_delivery_failed(client, delivery, status):
    response = twilio_post(
        client, "sms_status", receipt(delivery.provider_id, status, ErrorCode="30003")
    )
    assert response.status_code == 200
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.provider_status == status
    assert delivery.error == f"Delivery receipt: {status} (provider error 30003)"


@pytest.mark.usefixtures("twilio_settings")
def test_receipt_for_an_unknown_message_changes_nothing(client, delivery):
    for fields in (receipt("SM" + "c" * 32, "failed"), receipt("", "failed"), receipt("x", "??")):
        assert twilio_post(client, "sms_status", fields).status_code == 200
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.provider_status == ""


@pytest.mark.usefixtures("twilio_settings")
def test_forged_receipt_is_refused(client, delivery):
    response = twilio_post(client, "sms_status", receipt(delivery.provider_id, "failed"), token="x")
    assert response.status_code == 403
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT


@pytest.mark.usefixtures("twilio_settings")
def test_twilio_webhooks_are_refused_without_an_auth_token(client, pledge, settings):
    settings.HERETOSTAY = {**settings.HERETOSTAY, "TWILIO_AUTH_TOKEN": None}
    assert twilio_post(client, "sms_stop", inbound("STOP")).status_code == 403
    pledge.refresh_from_db()
    assert pledge.alert_sms


# -- Other providers: HMAC-SHA256 of the body ------------------------------------------------


def test_hmac_signed_stop_and_start(client, pledge):
    body = urlencode({"From": PHONE, "Body": "ALTO"}).encode()
    assert hmac_post(client, "sms_stop", body).status_code == 200
    pledge.refresh_from_db()
    assert not pledge.alert_sms
    body = json.dumps({"from": "3125550101", "text": "unstop"}).encode()
    assert hmac_post(client, "sms_stop", body, content_type="application/json").status_code == 200
    pledge.refresh_from_db()
    assert pledge.alert_sms and pledge.phone_verified_at is not None


def test_hmac_signed_receipt(client, delivery):
    body = json.dumps({"id": delivery.provider_id, "status": "undelivered", "error_code": 30005})
    response = hmac_post(client, "sms_status", body.encode(), content_type="application/json")
    assert response.status_code == 200
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.error == "Delivery receipt: undelivered (provider error 30005)"


def test_hmac_bad_missing_or_unconfigured_is_refused(client, pledge, settings):
    body = urlencode({"From": PHONE, "Body": "STOP"}).encode()
    assert hmac_post(client, "sms_stop", body, secret="guess").status_code == 403
    assert hmac_post(client, "sms_stop", body, secret=None).status_code == 403
    # The old shared-secret header and ?secret= query are gone.
    path = reverse("heretostay:sms_stop")
    old = client.post(
        f"{path}?secret={WEBHOOK_SECRET}",
        body,
        content_type=FORM,
        headers={"X-Heretostay-Secret": WEBHOOK_SECRET},
    )
    assert old.status_code == 403
    settings.HERETOSTAY = {**settings.HERETOSTAY, "SMS_WEBHOOK_SECRET": None}
    assert hmac_post(client, "sms_stop", body, secret="").status_code == 403
    pledge.refresh_from_db()
    assert pledge.alert_sms


# -- What else arrives ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["sms_stop", "sms_status"])
@pytest.mark.parametrize("method", ["get", "put", "delete", "head"])
def test_only_post(client, name, method):
    response = getattr(client, method)(reverse(f"heretostay:{name}"))
    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_too_large_body(client):
    body = urlencode({"From": PHONE, "Body": "STOP", "pad": "x" * MAX_BODY}).encode()
    assert hmac_post(client, "sms_stop", body).status_code == 413


GARBAGE = [
    b"",
    b"\xff\xfe\x00garbage",
    b"%%%=&&&==%zz",
    b"From=%2B1312555&Body=" + "STOP".encode("utf-16"),
    b"[1, 2, 3]",
    b"{",
    b"[" * 5000 + b"]" * 5000,
    b'{"From": {"nested": true}, "Body": ["STOP"], "MessageStatus": null}',
    b'{"id": "SM1", "status": "failed", "error_code": 1e999}',
    b"MessageSid=" + b"S" * 5000 + b"&MessageStatus=failed",
    b"MessageSid=%00%01&MessageStatus=FAILED&ErrorCode=%0A<script>",
    b"From=" + "+١٣١٢٥٥٥٠١٠١".encode() + b"&Body=%D0%A1%D0%A2%D0%9E%D0%9F",
]


@pytest.mark.parametrize("name", ["sms_stop", "sms_status"])
@pytest.mark.parametrize(
    "content_type",
    [FORM, "application/json", "multipart/form-data; boundary=x", "text/plain"],
)
def test_garbage_never_errors(client, pledge, delivery, name, content_type):
    rng = random.Random(13)
    bodies = GARBAGE + [
        bytes(rng.randrange(256) for _ in range(rng.randrange(300))) for _ in range(20)
    ]
    for body in bodies:
        response = hmac_post(client, name, body, content_type=content_type)
        assert response.status_code in (200, 400), (body, response.status_code)
        # Unsigned garbage is refused before it is parsed.
        unsigned = hmac_post(client, name, body, content_type=content_type, secret=None)
        assert unsigned.status_code == 403, (body, unsigned.status_code)
    pledge.refresh_from_db()
    delivery.refresh_from_db()
    assert pledge.alert_sms
    assert delivery.status == DeliveryStatus.SENT
    assert Pledge.objects.filter(alert_sms=True).count() == 1


@pytest.mark.usefixtures("twilio_settings")
@pytest.mark.parametrize("name", ["sms_stop", "sms_status"])
def test_garbage_to_the_twilio_webhooks_never_errors(client, pledge, name):
    path = reverse(f"heretostay:{name}")
    for body in GARBAGE:
        for content_type in (FORM, "application/json", "multipart/form-data; boundary=x"):
            response = client.post(
                path, body, content_type=content_type, headers={"X-Twilio-Signature": "x=="}
            )
            assert response.status_code in (400, 403), (body, response.status_code)
    pledge.refresh_from_db()
    assert pledge.alert_sms
