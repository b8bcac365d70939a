"""The one path by which a pledge is created, changed or withdrawn.

Counting rule: a pledge counts while it is not withdrawn. Withdrawing (by the
pledger's link) and deleting (by an organizer) take it off the counter in the same
transaction; rejoining puts it back.
"""

import logging

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from heretostay_wagtail.core import emails, recording, tokens
from heretostay_wagtail.core.models import CampaignCounter, Source
from heretostay_wagtail.core.tasks import retry_later
from heretostay_wagtail.pledges import verification
from heretostay_wagtail.pledges.models import Pledge, PledgePage, encode_codes

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
    sends no email. The email and the phone stay unverified until their owner proves
    them (``verification``): the manage link's page confirms the email, and a new
    pledge with text alerts is texted a code (by the same task, after the commit).
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


def _e164(phone):
    return phone.as_e164 if phone else ""


def update(record, data, *, page=None, when=None):
    """Change what a pledger offers and how they may be alerted (from their link).

    ``page`` is the translation whose consent wording the pledger saw (default: the one
    they pledged on). A changed phone number is unverified again; when the pledger gives
    a new number or turns text alerts on, and the number is not verified, a code is
    texted to it (after the commit, within the number's hourly limit):
    ``record.code_queued`` then is True. (The email cannot be changed here: it is who the
    pledger is, one pledge per email and campaign.)
    """
    now = when or timezone.now()
    page = page or record.page
    had_sms = record.alert_sms
    phone_changed = False
    with transaction.atomic():
        if "phone" in data:
            new_phone = data.get("phone") or ""
            if _e164(new_phone) != _e164(record.phone):
                phone_changed = True
                record.phone_verified_at = None
            record.phone = new_phone
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
        record.code_queued = (phone_changed or not had_sms) and verification.request_code(record)
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


def campaign_page(record):
    """The page a pledger's links point to: the translation they pledged on while it is
    live; when it was deleted (``Pledge.page`` is then empty) or unpublished, another
    live translation of the campaign, in the pledger's language if there is one. The
    manage and unsubscribe views find the pledge by campaign, so a link works on any
    translation. None when the campaign has no live page left."""
    page = record.page
    if page is not None and page.live:
        return page
    pages = PledgePage.objects.live().filter(translation_key=record.campaign_key)
    pages = list(pages.select_related("locale").order_by("pk"))
    language = (record.language or "").lower()

    def preference(candidate):
        code = candidate.locale.language_code.lower()
        return (code != language, code.split("-")[0] != language.split("-")[0])

    return min(pages, key=preference, default=None)


def _link(record, route, purpose):
    page = campaign_page(record)
    base = page.get_full_url() if page is not None else None
    if not base:
        # The pledge id only: never the pledger's name, email or phone.
        logger.warning("Pledge %s has no live campaign page to link to", record.pk)
        return None
    return base + page.reverse_subpage(route, args=[tokens.make(purpose, record.public_id)])


def manage_url(record):
    """The pledger's link to change or withdraw their pledge (None: no live page left)."""
    return _link(record, "manage", MANAGE)


def unsubscribe_url(record):
    """The link in alert emails that stops email alerts (None: no live page left)."""
    return _link(record, "unsubscribe", UNSUBSCRIBE)


def _queue_manage_link(record, repeat):
    transaction.on_commit(lambda: send_manage_link.enqueue(record.pk, repeat))


def awaiting_verification(campaign_key=None):
    """Active pledges that want alerts on a channel they have not verified (pledges made
    before verification existed, or whose owners never followed their link)."""
    unverified = Q(alert_email=True, email_verified_at__isnull=True) | (
        Q(alert_sms=True, phone_verified_at__isnull=True) & ~Q(phone="")
    )
    pledges = Pledge.objects.active().filter(unverified, anonymized_at__isnull=True)
    if campaign_key is not None:
        pledges = pledges.filter(campaign_key=campaign_key)
    return pledges


@task()
def send_manage_link(pledge_id, repeat=False):
    """Email the pledger their link to update or withdraw (at most one such email per
    pledge per ``EMAIL_COOLDOWN_SECONDS``); retried on failure. A new pledge that asks
    for text alerts is also texted its phone code (once, on the first attempt)."""
    record = Pledge.objects.filter(pk=pledge_id).select_related("page").first()
    if record is None:
        return
    if not repeat and record.send_attempts == 0 and verification.wants_phone_code(record):
        verification.send_phone_code.enqueue(record.pk)
    now = timezone.now()
    previous = record.confirmation_sent_at
    if not emails.claim_email(record, now=now):
        logger.info("Manage link for pledge %s not sent: one was sent recently", pledge_id)
        return
    url = manage_url(record)
    if url is None:
        emails.release_email(record, claimed=now, previous=previous)
        return
    page = campaign_page(record)
    try:
        with translation.override(record.language):
            subject = (
                _("Your pledge: %(title)s") if not repeat else _("You already pledged: %(title)s")
            ) % {"title": page.title}
        emails.send_templated(
            "heretostay/emails/pledge_link",
            {
                "pledge": record,
                "page": page,
                "manage_url": url,
                "repeat": repeat,
                "email_verified": record.email_verified_at is not None,
                "phone_pending": verification.wants_phone_code(record),
            },
            to=[record.email],
            subject=subject,
            language=record.language,
        )
    except Exception as exc:  # noqa: BLE001 - any mail error; its text may hold the address
        logger.warning(
            "Sending the manage link for pledge %s failed (%s)", pledge_id, type(exc).__name__
        )
        emails.release_email(record, claimed=now, previous=previous)
        Pledge.objects.filter(pk=pledge_id).update(send_attempts=F("send_attempts") + 1)
        retry_later(send_manage_link, record.send_attempts + 1, pledge_id, repeat)
        return
    Pledge.objects.filter(pk=pledge_id).update(send_attempts=F("send_attempts") + 1)
