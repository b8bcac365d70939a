"""The Twilio SMS backend, against the local fake of Twilio's API (never the real one)."""

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from heretostay_wagtail.pledges import sms
from heretostay_wagtail.pledges.sms.backends.base import UNKNOWN, PermanentSMSError, SMSError
from heretostay_wagtail.pledges.sms.backends.twilio import SMSBackend

from .fake_twilio import (  # noqa: F401 (fixtures)
    ACCOUNT_SID,
    FROM_NUMBER,
    MESSAGING_SERVICE_SID,
    fake_twilio_fixture,
    twilio_settings_fixture,
)

pytestmark = pytest.mark.usefixtures("twilio_settings")

TO = "+13125550101"


def message(body="Raid reported at 5th and Main. Reply STOP to stop alerts.", to=TO):
    return sms.SMSMessage(to=to, body=body, idempotency_key="heretostay-alert-delivery-1")


def test_sends_with_the_account_credentials_and_messaging_service(fake_twilio, caplog):
    caplog.set_level(logging.DEBUG)
    sent = message()
    assert sms.send_messages([sent]) == 1
    (record,) = fake_twilio.messages
    method, path, _query, authorized = fake_twilio.requests[-1]
    assert (method, path, authorized) == (
        "POST",
        f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json",
        True,
    )
    form = record["form"]
    assert form["To"] == TO and form["Body"] == sent.body
    assert form["MessagingServiceSid"] == MESSAGING_SERVICE_SID and "From" not in form
    # Receipts come back to the package's webhook on the site's own address.
    assert form["StatusCallback"] == "http://testserver/campaigns/sms/status/"
    assert sent.provider_id == record["sid"] and sent.provider_id.startswith("SM")
    # Neither the number nor the text reaches the logs (Twilio's client logs at INFO).
    assert TO not in caplog.text and "Raid" not in caplog.text


def test_sends_from_a_number_without_a_messaging_service(fake_twilio, settings):
    settings.HERETOSTAY = {
        **settings.HERETOSTAY,
        "TWILIO_MESSAGING_SERVICE_SID": None,
        "TWILIO_FROM_NUMBER": FROM_NUMBER,
    }
    settings.WAGTAILADMIN_BASE_URL = ""
    assert sms.send_messages([message()]) == 1
    form = fake_twilio.messages[0]["form"]
    assert form["From"] == FROM_NUMBER and "MessagingServiceSid" not in form
    assert "StatusCallback" not in form  # the site's address is unknown


def test_one_client_per_connection(fake_twilio):
    with sms.get_connection() as connection:
        client = connection.client
        assert connection.send_messages([message()]) == 1
        assert connection.send_messages([message(to="+13125550102")]) == 1
        assert connection.client is client
    assert connection.client is None
    assert len(fake_twilio.messages) == 2


def test_wrong_credentials_raise_without_the_number(fake_twilio, settings):
    settings.HERETOSTAY = {**settings.HERETOSTAY, "TWILIO_AUTH_TOKEN": "wrong"}
    with pytest.raises(SMSError) as raised:
        sms.send_messages([message()])
    assert not isinstance(raised.value, PermanentSMSError)
    assert str(raised.value) == "Twilio error 20003 (HTTP 401)"
    assert fake_twilio.messages == []


def test_provider_5xx_raises_a_retryable_error(fake_twilio):
    fake_twilio.fail_next(status=503)
    sent = message()
    with pytest.raises(SMSError) as raised:
        sms.send_messages([sent])
    assert not isinstance(raised.value, PermanentSMSError)
    assert "503" in str(raised.value) and sent.provider_id == ""
    # The next attempt goes through.
    assert sms.send_messages([sent]) == 1 and sent.provider_id


def test_unsubscribed_recipient_is_a_permanent_error(fake_twilio):
    fake_twilio.fail_next(
        status=400, code=21610, message=f"Attempt to send to unsubscribed recipient {TO}"
    )
    with pytest.raises(PermanentSMSError) as raised:
        sms.send_messages([message()])
    assert str(raised.value) == "Twilio error 21610 (HTTP 400)"
    assert TO not in str(raised.value)


def test_invalid_number_is_a_permanent_error(fake_twilio):
    with pytest.raises(PermanentSMSError, match="21211"):
        sms.send_messages([message(to="+1")])


def test_fail_silently_counts_what_was_sent(fake_twilio):
    fake_twilio.fail_next(status=500, code=20500)
    connection = sms.get_connection(fail_silently=True)
    assert connection.send_messages([message(), message(to="+13125550102")]) == 1
    assert [m["to"] for m in fake_twilio.messages] == ["+13125550102"]


def test_provider_unreachable_raises(fake_twilio, settings):
    fake_twilio.stop()
    with pytest.raises(SMSError, match="could not be reached"):
        sms.send_messages([message()])


# -- lookup after a crash ----------------------------------------------------------------


def test_lookup_finds_a_message_twilio_accepted(fake_twilio):
    sent = message()
    sms.send_messages([sent])
    fake_twilio.add_message("+13125550102", sent.body)  # someone else, same text
    again = message()
    assert SMSBackend().lookup(again) == sent.provider_id
    method, _path, query, authorized = fake_twilio.requests[-1]
    assert method == "GET" and query["To"] == TO and authorized


def test_lookup_matches_a_trial_account_prefix(fake_twilio):
    record = fake_twilio.add_message(TO, "Sent from your Twilio trial account - " + message().body)
    assert SMSBackend().lookup(message()) == record["sid"]


def test_lookup_without_a_match_is_none(fake_twilio):
    fake_twilio.add_message(TO, "Another alert, other text")
    fake_twilio.add_message(TO, message().body, minutes_ago=60 * 24)  # before the window
    fake_twilio.add_message(TO, message().body, direction="inbound")
    assert SMSBackend().lookup(message()) is None


def test_lookup_window_can_be_narrowed(fake_twilio):
    fake_twilio.add_message(TO, message().body, minutes_ago=30)
    narrowed = message()
    narrowed.metadata["sent_after"] = timezone.now() - timedelta(minutes=5)
    assert SMSBackend().lookup(narrowed) is None
    assert SMSBackend().lookup(message()) is not None


def test_lookup_is_unknown_when_twilio_fails_or_is_down(fake_twilio):
    sms.send_messages([message()])
    fake_twilio.fail_next(status=500, code=20500)
    assert SMSBackend().lookup(message()) is UNKNOWN
    fake_twilio.stop()
    assert SMSBackend().lookup(message()) is UNKNOWN


def test_lookup_is_unknown_when_the_window_holds_more_than_it_reads(fake_twilio):
    backend = SMSBackend()
    backend.lookup_limit = 3
    for number in range(3):
        fake_twilio.add_message(TO, f"Other alert {number}")
    assert backend.lookup(message()) is UNKNOWN
