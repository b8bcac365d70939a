"""Pledgers who never verified (pledges from before verification existed) can be asked
again, once: `manage.py heretostay_ask_to_verify`."""

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from wagtail.models import PageLogEntry

from heretostay_wagtail.models import Pledge

from .helpers import make_pledge

pytestmark = pytest.mark.django_db


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command("heretostay_ask_to_verify", *args, stdout=out)
    return out.getvalue()


def test_only_pledgers_waiting_on_a_channel_are_emailed(
    pledge_page, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_pledge(pledge_page, email="done@example.org", phone="+13125550101")
        make_pledge(pledge_page, email="old@example.org", phone="+13125550102", verified=False)
        make_pledge(
            pledge_page,
            email="phone@example.org",
            phone="+13125550103",
            verified={"email": True, "phone": False},
        )
        no_alerts = make_pledge(
            pledge_page,
            email="quiet@example.org",
            phone="",
            alert_sms=False,
            alert_email=False,
            verified=False,
        )
    Pledge.objects.update(confirmation_sent_at=None)  # long ago: outside the cooldown
    mail.outbox.clear()
    assert "2 pledger(s) would be asked" in run("--dry-run")
    assert mail.outbox == []

    assert "2 pledger(s) asked to verify" in run("--campaign", str(pledge_page.pk))
    assert sorted(m.to[0] for m in mail.outbox) == ["old@example.org", "phone@example.org"]
    old = next(m for m in mail.outbox if m.to == ["old@example.org"])
    assert "Confirm my email" in old.body and "/manage/" in old.body
    entry = PageLogEntry.objects.get(action="heretostay.verification_request")
    assert entry.data == {"pledges": 2}
    assert "@" not in str(entry.data)
    assert no_alerts.email_verified_at is None  # not asked: wants no alert

    # Again at once: the cooldown holds, nobody is emailed twice within the hour.
    run()
    assert len(mail.outbox) == 2


def test_unknown_campaign_is_a_clear_error(pledge_page):
    with pytest.raises(CommandError, match="No pledge page with id 999999"):
        run("--campaign", "999999")
