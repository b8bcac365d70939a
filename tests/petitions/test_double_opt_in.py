"""Double opt-in as supporters meet it: an email, a page with a button, a POST."""

import re

import pytest
from django.core import mail
from django.test import override_settings

from heretostay_wagtail.core import tokens
from heretostay_wagtail.models import CampaignCounter, Signature

pytestmark = pytest.mark.django_db

DOUBLE_OPT_IN = {"DOUBLE_OPT_IN": True}


def count(petition):
    return CampaignCounter.totals(petition.campaign_key)["count"]


def confirm_path(message):
    url = re.search(r"https?://testserver(/\S+/confirm/\S+/)", message.body).group(1)
    return url


@pytest.fixture
def signed(sign_page, django_capture_on_commit_callbacks):
    """Sign through the page; the confirmation task runs when the transaction commits."""

    def sign(page, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            response = sign_page(page, follow=True, **fields)
        return response

    return sign


@override_settings(HERETOSTAY=DOUBLE_OPT_IN)
def test_signature_counts_only_after_the_button_is_pressed(client, signed, petition):
    response = signed(petition)
    assert "Check your email" in response.content.decode()
    sig = Signature.objects.get()
    assert sig.confirmed_at is None and count(petition) == 0
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["rosa@example.org"]
    path = confirm_path(mail.outbox[0])
    sig.refresh_from_db()
    assert sig.confirmation_sent_at is not None and sig.send_attempts == 1

    # An email scanner following the link (GET) must not confirm.
    page = client.get(path)
    assert page.status_code == 200
    assert "Confirm my signature" in page.content.decode()
    sig.refresh_from_db()
    assert sig.confirmed_at is None and count(petition) == 0

    done = client.post(path)
    assert done.status_code == 200 and "is confirmed" in done.content.decode()
    sig.refresh_from_db()
    assert sig.confirmed_at is not None and count(petition) == 1
    # Pressing again does not count twice.
    client.post(path)
    assert count(petition) == 1


@override_settings(HERETOSTAY=DOUBLE_OPT_IN)
def test_confirmation_email_and_page_are_in_the_signers_language(
    client, signed, petition, petition_es
):
    signed(petition_es, email="ana@example.org")
    message = mail.outbox[0]
    assert "Por favor" in message.subject or "Confirma" in message.subject
    path = confirm_path(message)
    assert path.startswith("/es/")
    assert 'lang="es"' in client.get(path).content.decode()


@override_settings(HERETOSTAY=DOUBLE_OPT_IN)
def test_bad_or_foreign_tokens_are_refused(client, signed, petition, make_other_petition):
    signed(petition)
    sig = Signature.objects.get()
    base = petition.url + "confirm/"
    for token in ("nonsense", tokens.make("confirm", sig.public_id) + "x"):
        response = client.post(base + token + "/")
        assert response.status_code == 400
        assert "not valid or has expired" in response.content.decode()
    # A valid token for this signature does nothing on another petition.
    other = make_other_petition()
    token = tokens.make("confirm", sig.public_id)
    assert client.post(other.url + "confirm/" + token + "/").status_code == 400
    # Nor does a token made for another purpose.
    assert client.post(base + tokens.make("pledge", sig.public_id) + "/").status_code == 400
    sig.refresh_from_db()
    assert sig.confirmed_at is None and count(petition) == 0


@override_settings(
    HERETOSTAY={**DOUBLE_OPT_IN, "MAX_SEND_ATTEMPTS": 3},
    EMAIL_BACKEND="tests.petitions.failing_email.EmailBackend",
)
def test_failed_confirmation_email_keeps_the_signature_and_retries(signed, petition):
    response = signed(petition)
    assert response.status_code == 200  # the supporter still sees the thank-you page
    sig = Signature.objects.get()
    assert sig.send_attempts == 3  # tried, then retried up to MAX_SEND_ATTEMPTS
    assert sig.confirmation_sent_at is None and sig.confirmed_at is None

    # Once email works again, signing again sends the link (and still one signature).
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        signed(petition, email="ROSA@example.org")
    assert Signature.objects.count() == 1 and len(mail.outbox) == 1
    sig.refresh_from_db()
    assert sig.confirmation_sent_at is not None


@override_settings(HERETOSTAY=DOUBLE_OPT_IN)
def test_new_and_repeat_signers_cost_the_same_one_email(
    client, signed, petition_es, django_capture_on_commit_callbacks
):
    """The timing oracle: a repeat of a confirmed email answered in ~40 ms, a new one in
    ~470 ms (it sent the confirmation). Now each path queues one task that sends one email
    after the commit: the confirmation for a new signer, "you have already signed" (to the
    address's owner, in their language, naming them as stored) for a confirmed one."""
    signed(petition_es, email="rosa@example.org", name="Rosa Parks")
    assert len(mail.outbox) == 1
    client.post(confirm_path(mail.outbox[0]))
    assert Signature.objects.get().is_confirmed
    mail.outbox = []

    first = signed(petition_es, email="ROSA@example.org", name="Bcc: someone else")
    assert len(mail.outbox) == 1
    already = mail.outbox[0]
    assert already.to == ["rosa@example.org"]
    assert already.subject.startswith("Ya firmaste")
    assert "Rosa Parks" in already.body and "someone else" not in already.body
    assert petition_es.full_url in already.body
    mail.outbox = []

    second = signed(petition_es, email="nuevo@example.org", name="Nueva Persona")
    assert len(mail.outbox) == 1 and "/confirm/" in mail.outbox[0].body
    # Same page either way.
    assert first.redirect_chain[-1][0] == second.redirect_chain[-1][0]
    assert first.content == second.content
    assert count(petition_es) == 1  # only the confirmed one counts


QUEUED = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@override_settings(HERETOSTAY=DOUBLE_OPT_IN, TASKS=QUEUED)
def test_no_email_leaves_inside_the_request_new_or_repeat(
    client, sign_page, petition, django_capture_on_commit_callbacks
):
    """With a real queue (the example site's django-tasks-db), the request only queues:
    the email is sent by the worker, so neither path waits for the mail server, and both
    paths do the same work (one task, after the commit)."""
    from django_tasks import default_task_backend

    def sign(email):
        default_task_backend.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = sign_page(petition, email=email, follow=True)
        assert response.status_code == 200
        return [result.task.name for result in default_task_backend.results]

    assert sign("rosa@example.org") == ["send_signature_confirmation"]
    Signature.objects.update(confirmed_at="2026-01-01T00:00:00Z")
    assert sign("ROSA@example.org") == ["send_already_signed"]
    assert sign("nuevo@example.org") == ["send_signature_confirmation"]
    assert mail.outbox == []  # nothing was sent by any request
