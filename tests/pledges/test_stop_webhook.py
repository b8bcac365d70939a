"""The STOP webhook (``heretostay:sms_stop``) as a provider other than Twilio calls it:
its replies signed with ``X-Heretostay-Signature``, the HMAC-SHA256 of the body keyed
with ``SMS_WEBHOOK_SECRET``. Twilio's signature: test_webhooks.py."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from heretostay_wagtail.models import Pledge
from heretostay_wagtail.pledges.webhooks import sign

from .conftest import WEBHOOK_SECRET
from .helpers import make_pledge

pytestmark = pytest.mark.django_db


@pytest.fixture
def url():
    return reverse("heretostay:sms_stop")


def post(client, url, secret=WEBHOOK_SECRET, **data):
    body = urlencode(data).encode()
    headers = {"X-Heretostay-Signature": sign(body, secret)} if secret else {}
    return client.post(url, body, content_type="application/x-www-form-urlencoded", headers=headers)


def test_stop_withdraws_text_consent_for_that_phone(client, url, pledge_page):
    pledge = make_pledge(pledge_page, phone="+13125550101")
    other = make_pledge(pledge_page, email="o@example.org", phone="+13125550199")
    response = post(client, url, From="+13125550101", Body=" stop ")
    assert response.status_code == 200
    pledge.refresh_from_db()
    other.refresh_from_db()
    assert not pledge.alert_sms and pledge.alert_sms_consent_at is None
    assert pledge.alert_email  # email consent is separate
    assert other.alert_sms


@pytest.mark.parametrize("word", ["ALTO", "parar", "Baja.", "unsubscribe", "QUIT!"])
def test_spanish_and_english_keywords_and_a_national_number(client, url, pledge_page, word):
    pledge = make_pledge(pledge_page, phone="+13125550101")
    assert post(client, url, From="3125550101", Body=word).status_code == 200
    pledge.refresh_from_db()
    assert not pledge.alert_sms


def test_secret_in_the_url_is_not_accepted(client, url, pledge_page):
    pledge = make_pledge(pledge_page, phone="+13125550101")
    body = urlencode({"From": "+13125550101", "Body": "STOP"})
    response = client.post(
        f"{url}?secret={WEBHOOK_SECRET}", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 403
    pledge.refresh_from_db()
    assert pledge.alert_sms


def test_bad_or_missing_signature_is_refused(client, url, pledge_page):
    pledge = make_pledge(pledge_page, phone="+13125550101")
    assert post(client, url, secret="guess", From="+13125550101", Body="STOP").status_code == 403
    assert post(client, url, secret=None, From="+13125550101", Body="STOP").status_code == 403
    pledge.refresh_from_db()
    assert pledge.alert_sms


def test_webhook_is_off_without_a_configured_secret(client, url, pledge_page, settings):
    settings.HERETOSTAY = {**settings.HERETOSTAY, "SMS_WEBHOOK_SECRET": None}
    make_pledge(pledge_page, phone="+13125550101")
    assert post(client, url, secret="", From="+13125550101", Body="STOP").status_code == 403
    assert Pledge.objects.get().alert_sms


def test_unknown_number_other_words_and_get(client, url, pledge_page):
    pledge = make_pledge(pledge_page, phone="+13125550101")
    assert post(client, url, From="+13125550000", Body="STOP").status_code == 200
    assert post(client, url, From="+13125550101", Body="On my way").status_code == 200
    assert post(client, url, From="not a number", Body="STOP").status_code == 200
    assert client.get(url).status_code == 405
    pledge.refresh_from_db()
    assert pledge.alert_sms
