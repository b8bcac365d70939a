"""No mail bombing through the pledge form: at most one manage-link email per pledge per
EMAIL_COOLDOWN_SECONDS, however many times its address is used, while the public answer
stays the same."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from heretostay_wagtail.core import emails
from heretostay_wagtail.models import Pledge
from heretostay_wagtail.pledges import services as pledging

pytestmark = pytest.mark.django_db

FAILING_EMAIL = "tests.petitions.failing_email.EmailBackend"


def form_data(**kwargs):
    data = {
        "name": "Ana Flores",
        "email": "ana@example.org",
        "area": "60608",
        "alert_email": "on",
    }
    data.update(kwargs)
    return data


@pytest.fixture
def pledge_on(client, django_capture_on_commit_callbacks):
    """Pledge through the page (each from its own address, so the per-IP limit is not
    what stops the emails); the email task runs after the commit."""

    def pledge(page, n=0, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(page.url, form_data(**fields), REMOTE_ADDR=f"198.51.100.{n + 1}")
        assert response.status_code == 302
        return response

    return pledge


def a_period_later():
    """Move the last email back past the cooldown, as if an hour had gone by."""
    Pledge.objects.update(confirmation_sent_at=timezone.now() - timedelta(hours=1, seconds=1))


def test_five_repeat_pledges_send_one_email_and_the_same_answer(pledge_page, pledge_on):
    answers = [pledge_on(pledge_page, n, name=f"Someone {n}") for n in range(5)]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ana@example.org"]
    assert "already" not in mail.outbox[0].subject
    assert len({(a.status_code, a["Location"]) for a in answers}) == 1
    assert Pledge.objects.get().send_attempts == 1

    a_period_later()
    pledge_on(pledge_page, 5)
    assert len(mail.outbox) == 2 and "already pledged" in mail.outbox[1].subject
    pledge_on(pledge_page, 6)
    assert len(mail.outbox) == 2


def test_the_cooldown_is_a_setting(pledge_page, pledge_on, settings):
    settings.HERETOSTAY = {**settings.HERETOSTAY, "EMAIL_COOLDOWN_SECONDS": 0}
    for n in range(3):
        pledge_on(pledge_page, n)
    assert len(mail.outbox) == 3


def test_a_failed_send_gives_the_claim_back(pledge_page, pledge_on):
    with override_settings(EMAIL_BACKEND=FAILING_EMAIL):
        pledge_on(pledge_page)
    pledge = Pledge.objects.get()
    assert pledge.send_attempts == 3  # tried, then retried up to MAX_SEND_ATTEMPTS
    assert pledge.confirmation_sent_at is None and mail.outbox == []
    # Mail works again: the next pledge with the address gets its link at once.
    pledge_on(pledge_page, 1)
    assert len(mail.outbox) == 1
    pledge.refresh_from_db()
    assert pledge.confirmation_sent_at is not None

    # A failure after an earlier email restores that email's time (still in cooldown).
    sent_at = pledge.confirmation_sent_at - timedelta(hours=2)
    Pledge.objects.update(confirmation_sent_at=sent_at)
    with override_settings(EMAIL_BACKEND=FAILING_EMAIL):
        pledge_on(pledge_page, 2)
    pledge.refresh_from_db()
    assert pledge.confirmation_sent_at == sent_at


def test_only_one_of_two_racing_tasks_wins_the_claim(pledge_page):
    pledge = pledging.pledge(
        pledge_page, {"name": "Ana", "email": "ana@example.org", "area": "60608"}
    ).record
    now = timezone.now()
    assert emails.claim_email(pledge, now=now)
    assert not emails.claim_email(pledge, now=now)
    assert not emails.claim_email(pledge, now=now + timedelta(minutes=59))
    assert emails.claim_email(pledge, now=now + timedelta(hours=1))
