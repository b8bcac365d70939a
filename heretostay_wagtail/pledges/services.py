"""The one path by which a pledge is created, changed or withdrawn.

Counting rule: a pledge counts while it is not withdrawn. Withdrawing (by the
pledger's link) and deleting (by an organizer) take it off the counter in the same
transaction; rejoining puts it back.
"""

import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from heretostay_wagtail.core import emails, recording, tokens
from heretostay_wagtail.core.models import CampaignCounter, Source
from heretostay_wagtail.core.tasks import retry_later
from heretostay_wagtail.pledges.models import Pledge, encode_codes

logger = logging.getLogger(__name__)

#: Token purposes of the links emailed to pledgers.
MANAGE = "pledge-manage"
UNSUBSCRIBE = "pledge-unsubscribe"


def _consent(pledge, kind, wanted, text, now):
    """Set one alert consent, recording the exact text and time it was given."""
    had = getattr(pledge, f"alert_{kind}")
    setattr(pledge, f"alert_{kind}", bool(wanted))
    if wanted and not had:
        setattr(pledge, f"alert_{kind}_consent_text", str(text))
        setattr(pledge, f"alert_{kind}_consent_at", now)
    elif not wanted:
        setattr(pledge, f"alert_{kind}_consent_text", "")
        setattr(pledge, f"alert_{kind}_consent_at", None)


def pledge(page, data, *, source=Source.WEB, ip="", language=None, when=None, notify=True):
    """Record a pledge from validated ``data`` (see ``PledgeForm.pledger_data``).

    A repeat email changes nothing and returns the existing pledge: the page answers
    both the same way, and the email with the manage link goes only to the address's
    owner, so nobody can learn who has pledged. ``notify=False`` (imports, demo data)
    sends no email.
    """
    now = when or timezone.now()
    record = recording.build(
        Pledge,
        page,
        data,
        source=source,
        ip=ip,
        language=language,
        when=now,
        phone=data.get("phone") or "",
        area=data["area"],
        languages=encode_codes(data.get("languages") or []),
        availability=encode_codes(data.get("availability") or []),
        confirmed_at=now,
    )
    _consent(record, "sms", data.get("alert_sms"), page.get_sms_consent_text(), now)
    _consent(record, "email", data.get("alert_email"), page.get_email_consent_text(), now)
    result = recording.save(
        record, counted=True, then=lambda saved: saved.roles.set(data.get("roles") or [])
    )
    if notify:
        _queue_manage_link(result.record, repeat=result.duplicate)
    return result


def update(record, data, *, when=None):
    """Change what a pledger offers and how they may be alerted (from their link)."""
    now = when or timezone.now()
    page = record.page
    with transaction.atomic():
        if "phone" in data:
            record.phone = data.get("phone") or ""
        if "area" in data:
            record.area = data["area"]
        record.languages = encode_codes(data.get("languages") or [])
        record.availability = encode_codes(data.get("availability") or [])
        sms_text = page.get_sms_consent_text() if page else ""
        email_text = page.get_email_consent_text() if page else ""
        _consent(record, "sms", data.get("alert_sms"), sms_text, now)
        _consent(record, "email", data.get("alert_email"), email_text, now)
        record.save()
        record.roles.set(data.get("roles") or [])
    return record


def withdraw(record, *, when=None):
    """Take a pledger out of the network at once; True only the first time."""
    with transaction.atomic():
        updated = Pledge.objects.filter(pk=record.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=when or timezone.now(),
            alert_sms=False,
            alert_sms_consent_text="",
            alert_sms_consent_at=None,
            alert_email=False,
            alert_email_consent_text="",
            alert_email_consent_at=None,
        )
        if updated:
            CampaignCounter.add(record.campaign_key, count=-1)
    record.refresh_from_db()
    return bool(updated)


def rejoin(record):
    """Undo a withdrawal (consents stay off until the pledger ticks them again)."""
    with transaction.atomic():
        updated = Pledge.objects.filter(pk=record.pk, withdrawn_at__isnull=False).update(
            withdrawn_at=None
        )
        if updated:
            CampaignCounter.add(record.campaign_key, count=1)
    record.refresh_from_db()
    return bool(updated)


def stop_texts(phone):
    """Withdraw text-alert consent for every pledge with ``phone`` (a STOP reply)."""
    return Pledge.objects.filter(phone=phone, alert_sms=True).update(
        alert_sms=False, alert_sms_consent_text="", alert_sms_consent_at=None
    )


def start_texts(phone, *, when=None):
    """Turn text alerts back on for every active pledge with ``phone`` (a START reply,
    which carriers require to undo STOP). The reply came from the phone itself, so it
    also proves the number. Returns how many pledges changed."""
    now = when or timezone.now()
    with translation.override(None):
        text = f"Replied START from {phone.as_e164}"
    return Pledge.objects.filter(phone=phone, withdrawn_at__isnull=True).update(
        alert_sms=True,
        alert_sms_consent_text=text,
        alert_sms_consent_at=now,
        phone_verified_at=now,
    )


def stop_emails(record):
    """Withdraw email-alert consent (the unsubscribe link in alert emails)."""
    return Pledge.objects.filter(pk=record.pk, alert_email=True).update(
        alert_email=False, alert_email_consent_text="", alert_email_consent_at=None
    )


def manage_url(record):
    page = record.page
    return page.get_full_url() + page.reverse_subpage(
        "manage", args=[tokens.make(MANAGE, record.public_id)]
    )


def unsubscribe_url(record):
    page = record.page
    return page.get_full_url() + page.reverse_subpage(
        "unsubscribe", args=[tokens.make(UNSUBSCRIBE, record.public_id)]
    )


def _queue_manage_link(record, repeat):
    transaction.on_commit(lambda: send_manage_link.enqueue(record.pk, repeat))


@task()
def send_manage_link(pledge_id, repeat=False):
    """Email the pledger their link to update or withdraw; retried on failure."""
    record = Pledge.objects.filter(pk=pledge_id).select_related("page").first()
    if record is None or record.page is None:
        return
    try:
        with translation.override(record.language):
            subject = (
                _("Your pledge: %(title)s") if not repeat else _("You already pledged: %(title)s")
            ) % {"title": record.page.title}
        emails.send_templated(
            "heretostay/emails/pledge_link",
            {
                "pledge": record,
                "page": record.page,
                "manage_url": manage_url(record),
                "repeat": repeat,
            },
            to=[record.email],
            subject=subject,
            language=record.language,
        )
    except Exception:
        logger.exception("Sending the manage link for pledge %s failed", pledge_id)
        Pledge.objects.filter(pk=pledge_id).update(send_attempts=F("send_attempts") + 1)
        retry_later(send_manage_link, record.send_attempts + 1, pledge_id, repeat)
        return
    Pledge.objects.filter(pk=pledge_id).update(
        confirmation_sent_at=timezone.now(), send_attempts=F("send_attempts") + 1
    )
