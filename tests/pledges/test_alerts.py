"""Targeting, the two-person rule, idempotent dispatch and retries."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from wagtail.models import ModelLogEntry

from heretostay_wagtail.models import Alert, AlertDelivery, AlertStatus, DeliveryStatus
from heretostay_wagtail.pledges import alerts, sms
from heretostay_wagtail.pledges import services as pledging

from . import failing_sms
from .helpers import make_pledge

pytestmark = pytest.mark.django_db


def make_alert(page, creator, roles=(), **kwargs):
    alert = Alert.objects.create(
        page=page,
        message="ICE reported at 26th & Pulaski. Observe and document.",
        areas=kwargs.pop("areas", "606"),
        channel=kwargs.pop("channel", "sms"),
        created_by=creator,
        **kwargs,
    )
    alert.roles.set(roles)
    return alert


def verify(alert, user):
    """Verify the version the verifier has in front of them."""
    return alerts.verify(alert, user, alerts.fingerprint(alert))


def retry_due(times=1):
    """Let the backoff pass and run recovery (the cron job), ``times`` times."""
    for _ in range(times):
        AlertDelivery.objects.filter(status=DeliveryStatus.QUEUED).update(
            next_attempt_at=timezone.now() - timedelta(seconds=1)
        )
        alerts.recover()


@pytest.fixture
def network(pledge_page, pledge_page_es, roles, roles_es):
    """Pledgers with different areas, roles, consents, languages."""
    return {
        "observer": make_pledge(
            pledge_page,
            email="a@example.org",
            phone="+13125550101",
            area="60608",
            roles=[roles["rapid_responder"]],
        ),
        # Picked the Spanish "driver" role on the Spanish page.
        "driver_es": make_pledge(
            pledge_page_es,
            language="es",
            email="b@example.org",
            phone="+13125550102",
            area="60623",
            roles=[roles_es["driver"]],
        ),
        "email_only": make_pledge(
            pledge_page,
            email="c@example.org",
            phone="",
            area="60609",
            alert_sms=False,
            roles=[roles["rapid_responder"]],
        ),
        "no_consent": make_pledge(
            pledge_page,
            email="d@example.org",
            phone="+13125550104",
            area="60608",
            alert_sms=False,
            alert_email=False,
            roles=[roles["rapid_responder"]],
        ),
        "elsewhere": make_pledge(
            pledge_page,
            email="e@example.org",
            phone="+13125550105",
            area="10001",
            roles=[roles["rapid_responder"]],
        ),
        "withdrawn": make_pledge(
            pledge_page,
            email="f@example.org",
            phone="+13125550106",
            area="60608",
            roles=[roles["rapid_responder"]],
        ),
    }


@pytest.fixture
def network_live(network):
    pledging.withdraw(network["withdrawn"])
    mail.outbox.clear()
    return network


@pytest.fixture
def send_and_commit(django_capture_on_commit_callbacks):
    """``alerts.send``, then commit: the dispatch is queued for after the commit, so
    nothing is created or sent before it."""

    def send(alert, user):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            alerts.send(alert, user)
            assert not sms.outbox and not mail.outbox
            assert not AlertDelivery.objects.filter(alert=alert).exists()
        assert len(callbacks) == 1  # the dispatch, run at the commit
        return alert

    return send


def emails_of(qs):
    return set(qs.values_list("email", flat=True))


def test_targeting_by_area_prefix_roles_and_consent(network_live, pledge_page, coordinator, roles):
    alert = make_alert(pledge_page, coordinator)
    sms_to = emails_of(alerts.recipients(alert, "sms"))
    email_to = emails_of(alerts.recipients(alert, "email"))
    assert sms_to == {"a@example.org", "b@example.org"}
    assert email_to == {"a@example.org", "b@example.org", "c@example.org"}
    # Roles match across translations (the English "driver" reaches the Spanish pick).
    alert.roles.set([roles["driver"]])
    assert emails_of(alerts.recipients(alert, "sms")) == {"b@example.org"}
    # Exact postal codes and lists of areas.
    alert.roles.set([])
    alert.areas = "60608, 10001"
    assert emails_of(alerts.recipients(alert, "sms")) == {"a@example.org", "e@example.org"}
    alert.areas = "999"
    assert not alerts.recipients(alert, "sms").exists()


def test_preview_counts_people_once(network_live, pledge_page, coordinator):
    alert = make_alert(pledge_page, coordinator, channel="both")
    assert alerts.preview(alert) == {
        "channels": {"sms": 2, "email": 3},
        "people": 3,
        "unverified": {"sms": 0, "email": 0},
    }


def test_only_verified_channels_are_alerted_and_the_rest_are_counted(
    network_live, pledge_page, coordinator, verifier, send_and_commit
):
    from .helpers import set_verified

    # The observer proved their email but not their phone; the Spanish driver neither.
    set_verified(network_live["observer"], email=True, phone=False)
    set_verified(network_live["driver_es"], email=False, phone=False)
    alert = make_alert(pledge_page, coordinator, channel="both")
    assert emails_of(alerts.recipients(alert, "sms")) == set()
    assert emails_of(alerts.recipients(alert, "email")) == {"a@example.org", "c@example.org"}
    assert alerts.preview(alert) == {
        "channels": {"sms": 0, "email": 2},
        "people": 2,
        "unverified": {"sms": 2, "email": 1},
    }
    # They still count as pledges: only their alerts wait for the proof.
    from heretostay_wagtail.models import CampaignCounter

    assert CampaignCounter.totals(pledge_page.campaign_key)["count"] == 5
    verify(alert, verifier)
    send_and_commit(alert, coordinator)
    assert not sms.outbox
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "c@example.org"]


def test_a_contact_unverified_after_queueing_is_not_messaged(
    network_live, pledge_page, coordinator
):
    """A pledger who changed their number after the alert was queued (its verification
    is gone) gets nothing on it."""
    from .helpers import set_verified

    alert = make_alert(pledge_page, coordinator, areas="60608")
    Alert.objects.filter(pk=alert.pk).update(status=AlertStatus.SENT)
    delivery = AlertDelivery.objects.create(
        alert=alert, pledge=network_live["observer"], channel="sms"
    )
    set_verified(network_live["observer"], phone=False)
    alerts.deliver_batch.call([delivery.pk])
    delivery.refresh_from_db()
    assert not sms.outbox and delivery.status == DeliveryStatus.SKIPPED


def test_two_person_rule(network_live, pledge_page, coordinator, verifier, editor, send_and_commit):
    alert = make_alert(pledge_page, coordinator)
    with pytest.raises(alerts.AlertError):
        verify(alert, coordinator)  # the creator
    with pytest.raises(PermissionDenied):
        verify(alert, editor)  # no verify permission
    with pytest.raises(alerts.AlertError):
        alerts.send(alert, coordinator)  # not verified yet
    assert not sms.outbox
    verify(alert, verifier)
    assert alert.status == AlertStatus.VERIFIED and alert.verified_by == verifier
    assert alert.verified_fingerprint == alerts.fingerprint(alert)
    with pytest.raises(alerts.AlertError):
        verify(alert, verifier)  # only drafts
    with pytest.raises(PermissionDenied):
        alerts.send(alert, editor)
    send_and_commit(alert, coordinator)
    actions = set(ModelLogEntry.objects.values_list("action", flat=True))
    assert {
        "heretostay.alert.verify",
        "heretostay.alert.send",
        "heretostay.alert.dispatch",
    } <= actions


def test_dispatch_sends_each_person_once_with_stop_line_in_their_language(
    network_live, pledge_page, coordinator, verifier, send_and_commit
):
    alert = make_alert(pledge_page, coordinator, channel="both")
    verify(alert, verifier)
    send_and_commit(alert, coordinator)
    assert sorted(m.to for m in sms.outbox) == ["+13125550101", "+13125550102"]
    # Each text carries its delivery's idempotency key; each row its provider's id.
    for message in sms.outbox:
        delivery = AlertDelivery.objects.get(pk=message.metadata["delivery"])
        assert message.idempotency_key == delivery.idempotency_key
        assert delivery.provider_id == message.provider_id and delivery.sent_at
    bodies = {m.to: m.body for m in sms.outbox}
    # Who it is from comes first (no organization name set: the network's title).
    assert bodies["+13125550101"].startswith(f"{pledge_page.title}: ICE reported at 26th")
    assert bodies["+13125550101"].endswith("Reply STOP to stop alerts.")
    assert bodies["+13125550102"].endswith("Responde STOP para dejar de recibir alertas.")
    assert sorted(m.to[0] for m in mail.outbox) == [
        "a@example.org",
        "b@example.org",
        "c@example.org",
    ]
    spanish = next(m for m in mail.outbox if m.to == ["b@example.org"])
    assert "Alerta de respuesta rápida" in spanish.subject and "/unsubscribe/" in spanish.body
    assert AlertDelivery.objects.filter(status=DeliveryStatus.SENT).count() == 5

    # Sending again is refused; running the dispatch task again sends nothing new.
    with pytest.raises(alerts.AlertError):
        alerts.send(alert, coordinator)
    alerts.dispatch_alert.call(alert.pk)
    ids = list(AlertDelivery.objects.values_list("pk", flat=True))
    alerts.deliver_batch.call(ids)
    assert len(sms.outbox) == 2 and len(mail.outbox) == 3
    assert AlertDelivery.objects.count() == 5


def test_people_who_withdraw_after_queueing_are_skipped(network_live, pledge_page, coordinator):
    alert = make_alert(pledge_page, coordinator)
    Alert.objects.filter(pk=alert.pk).update(status=AlertStatus.SENT)
    # Queued (as dispatch_alert does), then the pledger withdraws before the batch runs.
    for pledge in alerts.recipients(alert, "sms"):
        AlertDelivery.objects.create(alert=alert, pledge=pledge, channel="sms")
    pledging.withdraw(network_live["observer"])
    alerts.deliver_batch.call(list(AlertDelivery.objects.values_list("pk", flat=True)))
    assert [m.to for m in sms.outbox] == ["+13125550102"]
    skipped = AlertDelivery.objects.get(pledge=network_live["observer"])
    assert skipped.status == DeliveryStatus.SKIPPED


def test_failing_backend_is_retried_a_bounded_number_of_times(
    network_live, pledge_page, coordinator, verifier, settings, send_and_commit
):
    settings.HERETOSTAY = {
        **settings.HERETOSTAY,
        "SMS_BACKEND": "tests.pledges.failing_sms.AlwaysFailing",
    }
    failing_sms.calls.clear()
    alert = make_alert(pledge_page, coordinator, areas="60608")  # one SMS recipient
    verify(alert, verifier)
    before = timezone.now()
    send_and_commit(alert, coordinator)
    delivery = AlertDelivery.objects.get()
    # Back in the queue, to be tried again after ALERT_RETRY_BASE_SECONDS (30 s)...
    assert delivery.status == DeliveryStatus.QUEUED and delivery.attempts == 1
    assert "ConnectionError: provider unreachable" in delivery.error
    wait = (delivery.next_attempt_at - before).total_seconds()
    assert 30 <= wait < 40
    # ... not before: recovery (the cron job) leaves a row that is not due.
    alerts.recover()
    assert AlertDelivery.objects.get().attempts == 1 and len(failing_sms.calls) == 1
    retry_due()
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.status == DeliveryStatus.QUEUED
    wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
    assert 50 < wait <= 60  # doubled
    retry_due(3)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 3  # MAX_SEND_ATTEMPTS in these tests
    assert len(failing_sms.calls) == 3


def test_transient_failures_recover(
    network_live, pledge_page, coordinator, verifier, settings, send_and_commit
):
    settings.HERETOSTAY = {
        **settings.HERETOSTAY,
        "SMS_BACKEND": "tests.pledges.failing_sms.FailsFirstTwoCalls",
    }
    failing_sms.calls.clear()
    alert = make_alert(pledge_page, coordinator, areas="60608")
    verify(alert, verifier)
    send_and_commit(alert, coordinator)
    retry_due(2)
    delivery = AlertDelivery.objects.get()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 3
    assert len(sms.outbox) == 1
    retry_due()
    assert len(sms.outbox) == 1


def test_backend_that_reports_nothing_sent_counts_as_failure(
    network_live, pledge_page, coordinator, verifier, settings, send_and_commit
):
    settings.HERETOSTAY = {
        **settings.HERETOSTAY,
        "SMS_BACKEND": "tests.pledges.failing_sms.RefusesSilently",
    }
    alert = make_alert(pledge_page, coordinator, areas="60608")
    verify(alert, verifier)
    send_and_commit(alert, coordinator)
    retry_due(2)
    delivery = AlertDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and "did not accept" in delivery.error


def test_console_backend_prints(capsys):
    from heretostay_wagtail.pledges.sms.backends.console import SMSBackend

    sent = SMSBackend().send_messages([sms.SMSMessage(to="+13125550101", body="Hola")])
    assert sent == 1 and "SMS to +13125550101\nHola" in capsys.readouterr().out
