"""Verified contacts, as a pledger meets them: the email is confirmed by a button on the
page its link opens (a POST: scanners only GET), the phone by typing back a texted code.
And links that survive a deleted page translation."""

import logging
import re
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from heretostay_wagtail.core import tokens
from heretostay_wagtail.models import PhoneVerification, Pledge
from heretostay_wagtail.pledges import services as pledging
from heretostay_wagtail.pledges import sms
from tests.pledges import failing_sms

from .helpers import pledge_data

pytestmark = pytest.mark.django_db

PHONE = "+13125550101"
NEW_PHONE = "+13125550199"


def form_data(**kwargs):
    data = {
        "name": "Ana Flores",
        "email": "ana@example.org",
        "phone": "(312) 555-0101",
        "area": "60608",
        "languages": ["es"],
        "availability": ["weekends"],
        "alert_sms": "on",
        "alert_email": "on",
    }
    data.update(kwargs)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def pledge_on(client, django_capture_on_commit_callbacks):
    """Pledge through the page; the email and the code leave after the commit."""

    def pledge(page, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(page.url, form_data(**fields))
        assert response.status_code == 302
        return Pledge.objects.get(email_normalized=fields.get("email", "ana@example.org"))

    return pledge


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """POST to the manage page; a code it queues is texted after the commit."""

    def do(url, **data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data)

    return do


def emailed_link():
    return re.search(r"http://testserver(\S+/manage/\S+/)", mail.outbox[-1].body).group(1)


def texted_code(message=None):
    message = message or sms.outbox[-1]
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def html(response):
    return response.content.decode()


def unverified_pledge(page, language="en", **fields):
    """A pledge through the service (its emails are not sent: no commit)."""
    return pledging.pledge(page, pledge_data(**fields), language=language).record


# -- email ---------------------------------------------------------------------------


def test_email_is_confirmed_only_by_the_button_not_by_opening_the_link(
    client, pledge_page, pledge_on, post
):
    pledge = pledge_on(pledge_page)
    thanks = html(client.get(pledge_page.url + pledge_page.reverse_subpage("thanks")))
    assert "check your email, open our link and press “Confirm my email”" in thanks
    assert "enter the code we texted to your phone on that same page" in thanks
    body = mail.outbox[-1].body
    assert "press “Confirm my email”" in body and "code we texted" in body
    url = emailed_link()
    # An email scanner (or the pledger) opening the link changes nothing.
    for _ in range(3):
        page = client.get(url)
        assert page.status_code == 200 and 'value="verify_email"' in html(page)
    pledge.refresh_from_db()
    assert pledge.email_verified_at is None

    done = post(url, action="verify_email")
    assert done.status_code == 200 and "your email is confirmed" in html(done)
    assert 'value="verify_email"' not in html(done)
    pledge.refresh_from_db()
    assert pledge.email_verified_at is not None


def test_saving_choices_through_the_link_also_proves_the_email(pledge_page, pledge_on, post):
    pledge = pledge_on(pledge_page, alert_sms=None, phone="")
    response = post(emailed_link(), action="update", area="60609", alert_email="on")
    assert response.status_code == 200 and "Your choices are saved" in html(response)
    pledge.refresh_from_db()
    assert pledge.email_verified_at is not None and pledge.area == "60609"
    # A refused POST is no proof.
    other = pledge_on(pledge_page, email="beto@example.org")
    assert post(emailed_link(), action="update", area="").status_code == 400
    other.refresh_from_db()
    assert other.email_verified_at is None


def old_link(page, pledge, age):
    """A manage link made ``age`` seconds ago."""
    with mock.patch("django.core.signing.time.time", return_value=time.time() - age):
        token = tokens.make(pledging.MANAGE, pledge.public_id)
    return page.url + page.reverse_subpage("manage", args=[token])


def test_an_old_link_still_manages_but_no_longer_confirms_the_email(
    client, pledge_page, settings, post
):
    settings.HERETOSTAY = {**settings.HERETOSTAY, "EMAIL_VERIFY_MAX_AGE": 3600}
    pledge = unverified_pledge(pledge_page, alert_sms=False, phone="")
    url = old_link(pledge_page, pledge, age=2 * 3600)
    page = client.get(url)
    assert page.status_code == 200
    assert "too old to confirm your email" in html(page)
    assert 'value="verify_email"' not in html(page)
    assert f'href="{pledge_page.url}"' in html(page)  # the way to a new link

    refused = post(url, action="verify_email")
    assert refused.status_code == 400
    assert 'role="alert">This link is too old to confirm your email' in html(refused)
    assert post(url, action="update", area="60609").status_code == 200
    pledge.refresh_from_db()
    assert pledge.email_verified_at is None and pledge.area == "60609"
    # A link younger than EMAIL_VERIFY_MAX_AGE confirms.
    assert post(old_link(pledge_page, pledge, age=60), action="verify_email").status_code == 200
    pledge.refresh_from_db()
    assert pledge.email_verified_at is not None


# -- phone ---------------------------------------------------------------------------


def test_a_new_pledge_with_text_alerts_is_texted_a_code_and_one_without_is_not(
    pledge_page, pledge_on
):
    pledge = pledge_on(pledge_page)
    [message] = sms.outbox
    assert message.to == PHONE
    assert re.fullmatch(
        r"Here to stay: the pledge\nYour code is \d{6}\. It expires in 15 minutes\. "
        r"Do not share it\.",
        message.body,
    )
    row = PhoneVerification.objects.get()
    assert row.pledge == pledge and row.used_at is None and row.attempts == 0
    assert row.phone_digest == tokens.digest("phone", PHONE)
    assert abs(row.expires_at - row.created_at - timedelta(minutes=15)) < timedelta(seconds=1)

    # A phone without consent to text alerts gets nothing, nor does a repeat pledge.
    pledge_on(pledge_page, email="beto@example.org", phone="(312) 555-0102", alert_sms=None)
    pledge_on(pledge_page)
    assert len(sms.outbox) == 1 and PhoneVerification.objects.count() == 1


def test_the_right_code_verifies_the_phone_once(client, pledge_page, pledge_on, post):
    pledge = pledge_on(pledge_page)
    url = emailed_link()
    page = client.get(url)
    assert 'value="verify_phone"' in html(page) and 'autocomplete="one-time-code"' in html(page)
    code = texted_code()

    done = post(url, action="verify_phone", code=f" {code[:3]} {code[3:]} ")
    assert done.status_code == 200 and "your phone is confirmed" in html(done)
    assert 'value="verify_phone"' not in html(done)
    pledge.refresh_from_db()
    assert pledge.phone_verified_at is not None
    assert pledge.email_verified_at is not None  # the POST came through the emailed link
    assert PhoneVerification.objects.get().used_at is not None
    # Single use: the same code again is refused.
    again = post(url, action="verify_phone", code=code)
    assert again.status_code == 400 and "no code waiting" in html(again)


def test_code_errors_name_the_field(pledge_page, pledge_on, post):
    pledge_on(pledge_page)
    response = post(emailed_link(), action="verify_phone", code="12ab")
    assert response.status_code == 400
    assert "Code we texted you: Enter the 6-digit code we texted you." in html(response)
    assert 'href="#id_code"' in html(response)
    response = post(emailed_link(), action="verify_phone", code="")
    assert "Code we texted you: This field is required." in html(response)
    # Malformed input does not use up the code's tries.
    assert PhoneVerification.objects.get().attempts == 0


def test_five_wrong_codes_void_it_and_a_new_code_works(pledge_page, pledge_on, post):
    pledge = pledge_on(pledge_page)
    url = emailed_link()
    code = texted_code()
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(4):
        response = post(url, action="verify_phone", code=wrong)
        assert response.status_code == 400 and "That code is not right" in html(response)
    response = post(url, action="verify_phone", code=wrong)
    assert "Too many wrong tries" in html(response)
    response = post(url, action="verify_phone", code=code)  # right, but too late
    assert response.status_code == 400 and "Too many wrong tries" in html(response)
    pledge.refresh_from_db()
    assert pledge.phone_verified_at is None

    response = post(url, action="send_code")
    assert response.status_code == 200 and "We are texting you a new code" in html(response)
    assert len(sms.outbox) == 2
    new_code = texted_code()
    assert post(url, action="verify_phone", code=new_code).status_code == 200
    pledge.refresh_from_db()
    assert pledge.phone_verified_at is not None


def test_an_expired_code_is_refused(pledge_page, pledge_on, post):
    pledge = pledge_on(pledge_page)
    PhoneVerification.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = post(emailed_link(), action="verify_phone", code=texted_code())
    assert response.status_code == 400 and "This code has expired" in html(response)
    pledge.refresh_from_db()
    assert pledge.phone_verified_at is None


def test_a_code_for_the_old_number_does_not_verify_a_new_one(pledge_page, pledge_on, post):
    pledge = pledge_on(pledge_page)
    url = emailed_link()
    old_code = texted_code()
    # The number changes without text alerts: no code is sent to it.
    saved = post(url, action="update", phone=NEW_PHONE, area="60608")
    assert saved.status_code == 200
    assert len(sms.outbox) == 1
    response = post(url, action="verify_phone", code=old_code)
    assert response.status_code == 400 and "no code waiting for this number" in html(response)
    pledge.refresh_from_db()
    assert pledge.phone_verified_at is None


def test_changing_the_number_unverifies_it_and_texts_the_new_one(pledge_page, pledge_on, post):
    pledge = pledge_on(pledge_page)
    url = emailed_link()
    assert post(url, action="verify_phone", code=texted_code()).status_code == 200
    pledge.refresh_from_db()
    assert pledge.phone_verified_at is not None

    saved = post(url, action="update", phone=NEW_PHONE, area="60608", alert_sms="on")
    assert "enter the code we are texting to your phone" in html(saved)
    pledge.refresh_from_db()
    assert pledge.phone_verified_at is None
    assert sms.outbox[-1].to == NEW_PHONE
    assert post(url, action="verify_phone", code=texted_code()).status_code == 200
    pledge.refresh_from_db()
    assert pledge.phone_verified_at is not None
    # Saving again without changing the number keeps it verified and texts nothing.
    post(url, action="update", phone=NEW_PHONE, area="60609", alert_sms="on")
    pledge.refresh_from_db()
    assert pledge.phone_verified_at is not None and len(sms.outbox) == 2


def test_a_number_gets_at_most_three_codes_an_hour(pledge_page, pledge_on, post):
    pledge_on(pledge_page)
    url = emailed_link()
    for _ in range(2):
        assert post(url, action="send_code").status_code == 200
    assert len(sms.outbox) == 3
    refused = post(url, action="send_code")
    assert refused.status_code == 429 and "as many codes as we can" in html(refused)
    # Counted per number: another pledger with the same number gets no code either.
    pledge_on(pledge_page, email="beto@example.org")
    assert len(sms.outbox) == 3 and PhoneVerification.objects.count() == 3
    # An hour later the number may be sent codes again.
    PhoneVerification.objects.update(created_at=timezone.now() - timedelta(hours=1, seconds=1))
    assert post(url, action="send_code").status_code == 200
    assert len(sms.outbox) == 4


def test_codes_are_never_stored_or_logged(pledge_page, pledge_on, post, caplog, settings):
    caplog.set_level(logging.DEBUG)
    pledge = pledge_on(pledge_page)
    code = texted_code()
    post(emailed_link(), action="verify_phone", code="000000" if code != "000000" else "111111")
    rows = [str(v) for row in PhoneVerification.objects.values() for v in row.values()]
    assert rows and not any(code in value or "3125550101" in value for value in rows)
    record = [str(v) for v in Pledge.objects.filter(pk=pledge.pk).values().get().values()]
    assert not any(code in value for value in record)
    # A provider that fails: logged by pledge id and error type only, and the code that
    # reached nobody does not count towards the hour's codes.
    settings.HERETOSTAY = {
        **settings.HERETOSTAY,
        "SMS_BACKEND": "tests.pledges.failing_sms.AlwaysFailing",
    }
    failing_sms.calls.clear()
    post(emailed_link(), action="send_code")
    assert len(failing_sms.calls) == 3  # tried, then retried up to MAX_SEND_ATTEMPTS
    failed_code = texted_code(failing_sms.calls[0])
    assert PhoneVerification.objects.count() == 1
    assert f"Texting a phone code for pledge {pledge.pk} failed (ConnectionError)" in caplog.text
    for secret in (code, failed_code, "3125550101", "ana@example.org"):
        assert secret not in caplog.text


def test_a_spanish_pledger_is_texted_in_spanish(pledge_page, pledge_page_es, pledge_on):
    pledge = pledge_on(pledge_page_es, email="carmen@example.org")
    assert pledge.language == "es"
    body = sms.outbox[-1].body
    assert body.startswith("Aquí nos quedamos: el compromiso\n")
    assert "Tu código es" in body and "15 minutos" in body
    assert "código" in mail.outbox[-1].body  # the email tells them about it, in Spanish


# -- a deleted translation -----------------------------------------------------------


def test_links_survive_a_deleted_translation(
    client, pledge_page, pledge_page_es, pledge_on, settings, caplog
):
    pledge = unverified_pledge(pledge_page_es, language="es", email="carmen@example.org")
    pledge_page_es.delete()
    pledge.refresh_from_db()
    assert pledge.page is None

    # Both links of alert emails point at the English page now.
    assert pledging.manage_url(pledge).startswith(pledge_page.full_url + "manage/")
    assert pledging.unsubscribe_url(pledge).startswith(pledge_page.full_url + "unsubscribe/")

    # Pledging again sends the link, in Spanish, to a page that works.
    pledge_on(pledge_page, email="carmen@example.org")
    message = mail.outbox[-1]
    assert message.to == ["carmen@example.org"] and message.subject.startswith("Ya")
    url = emailed_link()
    assert url.startswith(pledge_page.url)
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "verify_email"}).status_code == 200
    pledge.refresh_from_db()
    assert pledge.email_verified_at is not None

    # No live translation left: no link, a warning naming the pledge id only, no error.
    caplog.set_level(logging.WARNING)
    pledge_page.unpublish()
    Pledge.objects.update(confirmation_sent_at=None)
    mail.outbox = []
    assert pledging.manage_url(pledge) is None and pledging.unsubscribe_url(pledge) is None
    pledging.send_manage_link.call(pledge.pk, True)
    assert mail.outbox == []
    assert f"Pledge {pledge.pk} has no live campaign page" in caplog.text
    assert "carmen" not in caplog.text
    pledge.refresh_from_db()
    assert pledge.confirmation_sent_at is None  # the claim was given back
