"""Delivery that survives crashes: a worker killed mid-dispatch (SIGKILL, in a real
separate process) and recovery afterwards text everyone exactly once.

The child process is forked with the test database: on PostgreSQL it is the shared test
database (connections closed before the fork); on SQLite, whose test database lives in
memory, the test copies it to a file for the child and copies the file back once the
child is dead. The SMS "provider" writes every message it accepts to a file (flushed and
fsynced, as a provider's own records survive a client's crash), and its ``lookup``
answers from that file.
"""

import json
import os
import signal
import sqlite3
import traceback
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.db.models import Count
from django.utils import timezone
from wagtail.models import ModelLogEntry

from heretostay_wagtail.models import Alert, AlertDelivery, AlertStatus, DeliveryStatus
from heretostay_wagtail.pledges import alerts
from heretostay_wagtail.pledges.sms.backends.base import UNKNOWN, BaseSMSBackend

from .helpers import make_pledge

#: Set by the test: where the provider keeps what it accepted, and (in the child only)
#: when to die: ("after", n) once the n-th message is accepted but before dispatch
#: records it; ("before", n) when the n-th message is about to be sent.
RECORD = {"path": None, "kill": None}


def accepted():
    path = RECORD["path"]
    if not path or not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


class FileProvider(BaseSMSBackend):
    """A provider that keeps its own record of accepted messages (in a file)."""

    def send_messages(self, messages):
        for message in messages:
            count = len(accepted()) + 1
            if RECORD["kill"] == ("before", count):
                os.kill(os.getpid(), signal.SIGKILL)
            message.provider_id = f"SM{count:04d}"
            with open(RECORD["path"], "a", encoding="utf-8") as f:
                f.write(
                    json.dumps(
                        {
                            "to": message.to,
                            "key": message.idempotency_key,
                            "id": message.provider_id,
                        }
                    )
                    + "\n"
                )
                f.flush()
                os.fsync(f.fileno())
            if RECORD["kill"] == ("after", count):
                os.kill(os.getpid(), signal.SIGKILL)  # accepted, not yet recorded
        return len(messages)

    def lookup(self, message):
        for sent in accepted():
            if sent["key"] == message.idempotency_key and sent["to"] == message.to:
                return sent["id"]
        return None


class CannotTell(FileProvider):
    def lookup(self, message):
        return UNKNOWN


PHONES = [f"+1312555020{i}" for i in range(7)]


@pytest.fixture
def provider(settings, tmp_path):
    RECORD.update(path=str(tmp_path / "provider.jsonl"), kill=None)
    settings.HERETOSTAY = {
        **settings.HERETOSTAY,
        "SMS_BACKEND": "tests.pledges.test_dispatch_crash.FileProvider",
        "ALERT_BATCH_SIZE": 3,
    }
    yield settings
    RECORD.update(path=None, kill=None)


@pytest.fixture
def sent_alert(provider, pledge_page, coordinator, verifier):
    for i, phone in enumerate(PHONES):
        make_pledge(pledge_page, email=f"p{i}@example.org", phone=phone, alert_email=False)
    # Only the alert's texts count (pledging may text a verification code).
    open(RECORD["path"], "w").close()  # noqa: SIM115
    alert = Alert.objects.create(
        page=pledge_page, message="Checkpoint at 5th.", areas="606", created_by=coordinator
    )
    alerts.verify(alert, verifier, alerts.fingerprint(alert))
    Alert.objects.filter(pk=alert.pk).update(
        status=AlertStatus.SENT, sent_by=coordinator, sent_at=timezone.now()
    )
    return alert


def run_killed_worker(alert, kill, tmp_path):
    """Run the alert's dispatch in a forked process that SIGKILLs itself at ``kill``; the
    test database afterwards holds what the dead worker committed."""
    sqlite = connection.vendor == "sqlite"
    db_file = str(tmp_path / "worker.sqlite3")
    if sqlite:
        target = sqlite3.connect(db_file)
        connection.ensure_connection()
        connection.connection.backup(target)
        target.close()
    else:
        connections.close_all()  # the child opens its own
    pid = os.fork()
    if pid == 0:  # the worker
        code = 0
        try:
            if sqlite:
                connection.settings_dict["NAME"] = db_file
                connection.connection = None  # the parent's handle is not ours to use
            RECORD["kill"] = kill
            alerts.dispatch_alert.call(alert.pk)
        except BaseException:
            traceback.print_exc()
            code = 3
        finally:
            os._exit(code)
    _pid, status = os.waitpid(pid, 0)
    if sqlite:
        source = sqlite3.connect(db_file)
        source.backup(connection.connection)
        source.close()
    return status


def status_counts():
    return dict(AlertDelivery.objects.order_by().values_list("status").annotate(n=Count("pk")))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("point", ["after", "before"])
def test_worker_killed_mid_dispatch_everyone_texted_exactly_once(
    provider, sent_alert, tmp_path, point
):
    status = run_killed_worker(sent_alert, (point, 4), tmp_path)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    rows = status_counts()
    if point == "after":
        # Four texts went out; the fourth was never recorded, and the worker held it.
        assert len(accepted()) == 4
        assert rows == {"sent": 3, "sending": 1, "queued": 3}
    else:
        assert len(accepted()) == 3
        assert rows == {"sent": 3, "sending": 1, "queued": 3}

    # Recovery (the cron job) once the timeout passed, then dispatch runs again.
    provider.HERETOSTAY = {**provider.HERETOSTAY, "ALERT_SENDING_TIMEOUT": 0}
    outcome = alerts.recover()
    assert outcome[{"after": "sent", "before": "queued"}[point]] == 1
    alerts.dispatch_alert.call(sent_alert.pk)
    alerts.recover()  # again: nothing more happens

    texts = accepted()
    assert sorted(t["to"] for t in texts) == sorted(PHONES)  # each number exactly once
    deliveries = list(AlertDelivery.objects.all())
    assert {d.status for d in deliveries} == {DeliveryStatus.SENT}
    # Each row holds the provider's id of the one text it stands for.
    by_key = {t["key"]: t["id"] for t in texts}
    assert {d.provider_id for d in deliveries} == {by_key[d.idempotency_key] for d in deliveries}


def stale_sending(alert, pledge, channel="sms"):
    delivery = AlertDelivery.objects.create(alert=alert, pledge=pledge, channel=channel)
    AlertDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENDING,
        attempts=1,
        claimed_at=timezone.now() - timedelta(minutes=10),
    )
    return delivery


@pytest.mark.django_db
def test_recovery_never_risks_a_second_text(provider, sent_alert):
    """The provider cannot tell (``UNKNOWN``), or the message was an email (no lookup):
    the delivery is failed with the reason shown to organizers, and audited."""
    provider.HERETOSTAY = {
        **provider.HERETOSTAY,
        "SMS_BACKEND": "tests.pledges.test_dispatch_crash.CannotTell",
    }
    pledges = list(alerts.recipients(sent_alert, "sms").order_by("pk"))
    texted = stale_sending(sent_alert, pledges[0])
    emailed = stale_sending(sent_alert, pledges[1], channel="email")
    fresh = stale_sending(sent_alert, pledges[2])
    AlertDelivery.objects.filter(pk=fresh.pk).update(claimed_at=timezone.now())  # still at work
    call_command("heretostay_recover_alerts", stdout=open(os.devnull, "w"))  # noqa: SIM115
    for delivery in (texted, emailed):
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.FAILED
        assert delivery.error == "Unknown whether it was sent: check with your provider"
    fresh.refresh_from_db()
    assert fresh.status == DeliveryStatus.SENDING
    entry = ModelLogEntry.objects.get(action="heretostay.alert.recover")
    assert entry.data == {"unknown": 2}
    assert not accepted()  # nothing was sent again


@pytest.mark.django_db
def test_recovery_is_idempotent(provider, sent_alert):
    pledges = list(alerts.recipients(sent_alert, "sms").order_by("pk"))
    delivery = stale_sending(sent_alert, pledges[0])
    assert alerts.recover() == {"queued": 1, "requeued": 1}
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and len(accepted()) == 1
    assert alerts.recover() == {}
    assert len(accepted()) == 1


@pytest.mark.django_db
def test_admin_shows_permanent_failures_with_their_reasons(
    client, provider, sent_alert, coordinator
):
    from django.urls import reverse

    pledges = list(alerts.recipients(sent_alert, "sms").order_by("pk"))
    for pledge in pledges[:2]:
        AlertDelivery.objects.create(
            alert=sent_alert,
            pledge=pledge,
            channel="sms",
            status=DeliveryStatus.FAILED,
            error="Unknown whether it was sent: check with your provider",
        )
    AlertDelivery.objects.create(
        alert=sent_alert,
        pledge=pledges[2],
        channel="sms",
        status=DeliveryStatus.FAILED,
        error="SMSError: provider said no to +13125550202",
    )
    client.force_login(coordinator)
    html = client.get(reverse("heretostay_alerts:detail", args=[sent_alert.pk])).content.decode()
    assert "Messages that could not be sent" in html
    assert "Unknown whether it was sent: check with your provider</td><td>2" in html
    assert "+13125550202" not in html  # no contact permission: the number is masked
