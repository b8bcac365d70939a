"""No mail bombing through the petition form: at most one confirmation or "you have
already signed" email per signature per EMAIL_COOLDOWN_SECONDS, however many times its
address is used, while the public answer stays the same."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from heretostay_wagtail.models import Signature

pytestmark = pytest.mark.django_db

DOUBLE_OPT_IN = {"DOUBLE_OPT_IN": True}
FAILING_EMAIL = "tests.petitions.failing_email.EmailBackend"


@pytest.fixture
def signed(sign_page, django_capture_on_commit_callbacks):
    """Sign through the page, each time from another address (the per-IP limit is not
    what stops the emails); the email task runs after the commit."""

    def sign(petition, n=0, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            response = sign_page(petition, ip=f"198.51.100.{n + 1}", **fields)
        assert response.status_code == 302
        return response

    return sign


def a_period_later():
    Signature.objects.update(confirmation_sent_at=timezone.now() - timedelta(hours=1, seconds=1))


@override_settings(HERETOSTAY=DOUBLE_OPT_IN)
def test_five_repeat_signatures_send_one_confirmation(client, petition, signed):
    answers = [signed(petition, n, name=f"Someone {n}") for n in range(5)]
    assert len(mail.outbox) == 1 and "confirm" in mail.outbox[0].subject.lower()
    assert len({(a.status_code, a["Location"]) for a in answers}) == 1
    assert Signature.objects.get().send_attempts == 1

    a_period_later()
    signed(petition, 5)
    signed(petition, 6)
    assert len(mail.outbox) == 2 and "/confirm/" in mail.outbox[1].body


@override_settings(HERETOSTAY=DOUBLE_OPT_IN)
def test_a_confirmed_signer_is_told_once_per_period(client, petition, signed):
    signed(petition)
    path = re.search(r"http://testserver(\S+/confirm/\S+/)", mail.outbox[0].body).group(1)
    client.post(path)
    assert Signature.objects.get().is_confirmed
    # Confirming since the last email allows one "you have already signed" at once...
    for n in range(1, 5):
        signed(petition, n)
    assert len(mail.outbox) == 2 and mail.outbox[1].subject.startswith("You have already")
    # ...and then one per period.
    a_period_later()
    for n in range(5, 8):
        signed(petition, n)
    assert len(mail.outbox) == 3


@override_settings(HERETOSTAY=DOUBLE_OPT_IN)
def test_a_failed_already_signed_email_gives_the_claim_back(client, petition, signed):
    signed(petition)
    Signature.objects.update(confirmed_at=timezone.now())
    a_period_later()
    before = Signature.objects.get().confirmation_sent_at
    with override_settings(EMAIL_BACKEND=FAILING_EMAIL):
        signed(petition, 1)
    assert Signature.objects.get().confirmation_sent_at == before
    signed(petition, 2)
    assert len(mail.outbox) == 2 and mail.outbox[1].subject.startswith("You have already")


@override_settings(HERETOSTAY={**DOUBLE_OPT_IN, "EMAIL_COOLDOWN_SECONDS": 0})
def test_the_cooldown_is_a_setting(petition, signed):
    for n in range(3):
        signed(petition, n)
    assert len(mail.outbox) == 3
