"""Rapid-response alerts: who they reach, the two-person rule, expiry, and dispatch.

Verification is bound to what the second person saw: ``fingerprint`` is a digest of
everything that decides who is told what (campaign, message, areas, roles, channel,
expiry). The verifier's screen (or API call) carries the fingerprint of the version it
showed, ``verify`` refuses another, any edit that changes it sends the alert back to
draft, and ``send`` checks it again.

Dispatch survives crashes: each delivery row is claimed (queued -> sending, with
``claimed_at``), sent with the row's idempotency key, and recorded as sent in its own
transaction right after the provider accepted it. A worker killed in between leaves the
row "sending"; ``recover`` asks the provider (``lookup``) what became of it, and never
sends a message twice when it cannot tell. Nobody is messaged twice by sending an alert
twice or running a batch twice: a delivery row is created once (unique alert + pledge +
channel) and only its claimer sends it.
"""

import datetime
import functools
import hashlib
import json
import logging
from collections import Counter
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.core.mail import get_connection as get_mail_connection
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django_tasks import task
from wagtail.log_actions import log as wagtail_log

from heretostay_wagtail.core import audit, branding, emails, privacy
from heretostay_wagtail.core.conf import get_setting
from heretostay_wagtail.pledges import forms as pledge_forms
from heretostay_wagtail.pledges import services as pledging
from heretostay_wagtail.pledges import sms
from heretostay_wagtail.pledges.models import (
    Alert,
    AlertDelivery,
    AlertStatus,
    Channel,
    DeliveryStatus,
    Pledge,
    PledgePage,
    normalize_area,
)
from heretostay_wagtail.pledges.sms.backends import base as sms_base
from heretostay_wagtail.pledges.sms.backends.base import UNKNOWN

logger = logging.getLogger(__name__)

VERIFY_PERMISSION = "heretostay.verify_alert"
SEND_PERMISSION = "heretostay.send_alert"

# Reasons stored on delivery rows (in English, like provider errors; shown translated).
REASON_WITHDRAWN = gettext_noop("Consent withdrawn before sending.")
REASON_UNVERIFIED = gettext_noop("The phone or email was no longer verified when sending.")
REASON_UNKNOWN = gettext_noop("Unknown whether it was sent: check with your provider")
REASON_EXPIRED = gettext_noop("The alert expired before this message was sent.")
REASON_CRASHED = gettext_noop("The worker stopped while sending, too many times.")


class AlertError(Exception):
    """An action not allowed in the alert's current state (message is translated)."""


# The one validator of an alert (admin create/edit views and the API), with its expiry.
AlertForm = pledge_forms.AlertForm
default_expiry = pledge_forms.default_expiry


# -- Targeting ------------------------------------------------------------------------


def _consent(channel):
    if channel == Channel.SMS:
        return Q(alert_sms=True) & ~Q(phone="")
    return Q(alert_email=True)


def _verified(channel):
    if channel == Channel.SMS:
        return Q(phone_verified_at__isnull=False)
    return Q(email_verified_at__isnull=False)


def _role_keys(alert):
    return alert.roles.values_list("translation_key", flat=True)


def _matching(alert):
    return (
        Pledge.objects.active()
        .filter(campaign_key=alert.campaign_key)
        .in_areas(alert.area_list)
        .with_roles(_role_keys(alert))
    )


def recipients(alert, channel):
    """Active pledgers of the alert's campaign who match its area and roles, consented
    to ``channel`` and proved they own it (verified phone or email)."""
    return _matching(alert).filter(_consent(channel) & _verified(channel))


def preview(alert):
    """How many people the alert will reach, per channel and in all, and how many
    matching pledgers each channel leaves out because it is not verified."""
    counts, unverified = {}, {}
    reachable = Q()
    for channel in alert.channels:
        counts[channel.value] = recipients(alert, channel).count()
        unverified[channel.value] = (
            _matching(alert).filter(_consent(channel)).exclude(_verified(channel)).count()
        )
        reachable |= _consent(channel) & _verified(channel)
    return {
        "channels": counts,
        "people": _matching(alert).filter(reachable).count(),
        "unverified": unverified,
    }


# -- What is verified -----------------------------------------------------------------------


def fingerprint(alert, role_keys=None):
    """A digest (sha256, hex) of everything that decides who is told what: campaign and
    page, message, areas (normalized), roles (their translation keys), channel and
    expiry (to the minute, as the admin shows it). ``role_keys`` avoids reading the
    roles again when the caller has them (the screen that shows them)."""
    if role_keys is None:
        role_keys = _role_keys(alert) if alert.pk else []
    expires = alert.expires_at
    if expires is not None:
        expires = expires.astimezone(datetime.UTC).replace(second=0, microsecond=0).isoformat()
    payload = {
        "campaign": str(alert.campaign_key or ""),
        "page": alert.page_id,
        "message": alert.message,
        "areas": sorted({normalize_area(area) for area in alert.area_list}),
        "roles": sorted(str(key) for key in role_keys),
        "channel": alert.channel,
        "expires_at": expires,
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _lock(alert):
    found = Alert.objects.select_for_update().select_related("page").filter(pk=alert.pk).first()
    if found is None:
        raise AlertError(gettext_lazy("This alert no longer exists."))
    return found


def _unverify(alert, user, reason):
    Alert.objects.filter(pk=alert.pk).update(
        status=AlertStatus.DRAFT, verified_by=None, verified_at=None, verified_fingerprint=""
    )
    audit.log(alert, "heretostay.alert.unverify", user=user, reason=reason)


def create(form, user):
    """Save a valid alert form as a draft authored by ``user`` (admin and API alike)."""
    form.instance.created_by = user
    form.instance.updated_by = user
    form.instance.updated_at = timezone.now()
    alert = form.save()
    audit.log(alert, "heretostay.alert.create", user=user)
    return alert


def update(form, user):
    """Save a valid form editing an alert (admin edit view, API update). A sent alert
    cannot change; a verified one that changes goes back to draft, and another person
    must verify the new version."""
    with transaction.atomic():
        current = _lock(form.instance)
        if current.status == AlertStatus.SENT:
            raise AlertError(gettext_lazy("A sent alert cannot be changed."))
        alert = form.instance
        # What only the service changes comes from the row, not from the form's copy.
        for name in (
            "status",
            "created_by_id",
            "created_at",
            "verified_by_id",
            "verified_at",
            "verified_fingerprint",
            "sent_by_id",
            "sent_at",
        ):
            setattr(alert, name, getattr(current, name))
        alert.updated_by = user
        alert.updated_at = timezone.now()
        alert = form.save()
        wagtail_log(alert, "wagtail.edit", user=user)
        if current.status == AlertStatus.VERIFIED and not constant_time_compare(
            fingerprint(alert), current.verified_fingerprint
        ):
            _unverify(alert, user, reason="edited")
            alert.refresh_from_db()
    return alert


# -- The two-person rule -----------------------------------------------------------------


def _verify_refusal(alert, user):
    """Why ``user`` may not verify ``alert`` now (translated), or None."""
    if alert.status != AlertStatus.DRAFT:
        return gettext_lazy("Only a draft alert can be verified.")
    if alert.is_expired:
        return gettext_lazy("This alert has expired: edit it and give it a new expiry first.")
    if alert.created_by_id is None or alert.created_by_id == user.pk:
        return gettext_lazy("Another person must verify an alert you created.")
    if alert.updated_by_id == user.pk:
        return gettext_lazy("Another person must verify an alert you edited last.")
    return None


def verify_refusal(alert, user):
    """For screens: why ``user`` cannot verify ``alert`` (None if they can)."""
    if not user.has_perm(VERIFY_PERMISSION):
        return gettext_lazy("You do not have permission to verify alerts.")
    return _verify_refusal(alert, user)


def can_verify(alert, user):
    return verify_refusal(alert, user) is None


CHANGED = gettext_lazy(
    "This alert changed since you opened it. Check the new version before you verify it."
)


def verify(alert, user, seen):
    """A second person confirms the report is real, for the version they saw: ``seen`` is
    the ``fingerprint`` of what their screen showed. Someone who created or last edited
    the alert cannot verify it."""
    if not user.has_perm(VERIFY_PERMISSION):
        raise PermissionDenied
    with transaction.atomic():
        current = _lock(alert)
        refusal = _verify_refusal(current, user)
        if refusal:
            raise AlertError(refusal)
        digest = fingerprint(current)
        if not seen or not constant_time_compare(str(seen), digest):
            raise AlertError(CHANGED)
        now = timezone.now()
        updated = Alert.objects.filter(
            pk=current.pk,
            status=AlertStatus.DRAFT,
            page_id=current.page_id,
            message=current.message,
            areas=current.areas,
            channel=current.channel,
            expires_at=current.expires_at,
            expires_at__gt=now,
            updated_at=current.updated_at,
        ).update(
            status=AlertStatus.VERIFIED,
            verified_by=user,
            verified_at=now,
            verified_fingerprint=digest,
        )
        # Roles live in another table: read them again inside the transaction.
        if not updated or fingerprint(current) != digest:
            raise AlertError(CHANGED)
    alert.refresh_from_db()
    audit.log(alert, "heretostay.alert.verify", user=user, preview=preview(alert))
    return alert


def send(alert, user):
    """Mark a verified, unexpired alert sent and queue its dispatch; refuses a second
    send, and an alert that changed since it was verified (which goes back to draft)."""
    if not user.has_perm(SEND_PERMISSION):
        raise PermissionDenied
    changed = False
    with transaction.atomic():
        current = _lock(alert)
        if current.status != AlertStatus.VERIFIED:
            raise AlertError(gettext_lazy("Only a verified alert can be sent."))
        if current.is_expired:
            raise AlertError(gettext_lazy("This alert has expired and can no longer be sent."))
        digest = fingerprint(current)
        if not current.verified_fingerprint or not constant_time_compare(
            digest, current.verified_fingerprint
        ):
            _unverify(current, user, reason="changed")
            changed = True
        else:
            updated = Alert.objects.filter(
                pk=current.pk, status=AlertStatus.VERIFIED, verified_fingerprint=digest
            ).update(status=AlertStatus.SENT, sent_by=user, sent_at=timezone.now())
            if not updated:
                raise AlertError(gettext_lazy("Only a verified alert can be sent."))
            alert.refresh_from_db()
            audit.log(alert, "heretostay.alert.send", user=user, preview=preview(alert))
            transaction.on_commit(lambda: dispatch_alert.enqueue(alert.pk))
    if changed:
        alert.refresh_from_db()
        raise AlertError(
            gettext_lazy(
                "This alert changed after it was verified, so it went back to draft: "
                "another person must verify it again."
            )
        )
    return alert


def status_label(alert):
    """The alert's status for listings: "Expired" for an unsent alert past its expiry."""
    if alert.status != AlertStatus.SENT and alert.is_expired:
        return _("Expired")
    return alert.get_status_display()


def failure_reasons(alert):
    """(reason, count) of the alert's failed deliveries, most frequent first."""
    rows = (
        alert.deliveries.filter(status=DeliveryStatus.FAILED)
        .order_by()
        .values_list("error")
        .annotate(n=Count("pk"))
        .order_by("-n")[:20]
    )
    return [(reason_text(error), n) for error, n in rows]


def reason_text(error):
    """A stored reason in the current language (the package's own reasons are msgids;
    a provider's error stays as it came)."""
    return _(error) if error else ""


# -- Dispatch ----------------------------------------------------------------------------


def _batches(iterator, size):
    batch = []
    for item in iterator:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _queued_ids(queryset, size):
    """The pks of ``queryset``'s rows in batches of ``size``, read by pk ranges (no cursor
    stays open while the batches run)."""
    last = 0
    while True:
        ids = list(queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:size])
        if not ids:
            return
        yield ids
        last = ids[-1]


def expire(alert):
    """An expired alert's queued deliveries are never sent."""
    return alert.deliveries.filter(status=DeliveryStatus.QUEUED).update(
        status=DeliveryStatus.EXPIRED, error=REASON_EXPIRED, next_attempt_at=None
    )


@task()
def dispatch_alert(alert_id):
    """Create one delivery per matching person and channel, and queue them in batches of
    ``ALERT_BATCH_SIZE`` (run again, it queues what is still queued and creates nothing
    twice)."""
    alert = Alert.objects.filter(pk=alert_id, status=AlertStatus.SENT).first()
    if alert is None:
        return
    if alert.is_expired:
        expire(alert)
        return
    size = get_setting("ALERT_BATCH_SIZE")
    # A worker that crashed while dispatching this alert left rows "sending": cheap to
    # check here (one indexed query on this alert's rows).
    _recover_stale(alert, timezone.now())
    queued = {}
    for channel in alert.channels:
        ids = recipients(alert, channel).order_by().values_list("pk", flat=True)
        for pledge_ids in _batches(ids.iterator(chunk_size=size), size):
            AlertDelivery.objects.bulk_create(
                [AlertDelivery(alert=alert, pledge_id=pk, channel=channel) for pk in pledge_ids],
                ignore_conflicts=True,
            )
        waiting = alert.deliveries.filter(channel=channel, status=DeliveryStatus.QUEUED).filter(
            _due(timezone.now())
        )
        queued[channel.value] = 0
        for delivery_ids in _queued_ids(waiting, size):
            queued[channel.value] += len(delivery_ids)
            deliver_batch.enqueue(delivery_ids)
    audit.log(alert, "heretostay.alert.dispatch", queued=queued)


def _due(now):
    return Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)


def _claim(delivery, now):
    """Take one queued, due delivery (queued -> sending): True if this worker has it.

    One conditional UPDATE of one row, committed on its own: atomic on every database
    (a second worker's UPDATE waits for the row, then finds it no longer queued and
    changes nothing), and one round trip, which matters at 10,000 messages."""
    rows = AlertDelivery.objects.filter(
        _due(now), pk=delivery.pk, status=DeliveryStatus.QUEUED, attempts=delivery.attempts
    )
    changes = dict(status=DeliveryStatus.SENDING, claimed_at=now, attempts=delivery.attempts + 1)
    claimed = rows.update(**changes)
    if claimed:
        delivery.status, delivery.claimed_at = DeliveryStatus.SENDING, now
        delivery.attempts += 1
    return bool(claimed)


def _reachable(pledge, channel):
    """None if the delivery may go out, else why not (a stored reason)."""
    if pledge is None or pledge.withdrawn_at is not None:
        return REASON_WITHDRAWN
    if channel == Channel.SMS:
        if not pledge.alert_sms or not pledge.phone:
            return REASON_WITHDRAWN
        if pledge.phone_verified_at is None:
            return REASON_UNVERIFIED
        return None
    if not pledge.alert_email:
        return REASON_WITHDRAWN
    if pledge.email_verified_at is None:
        return REASON_UNVERIFIED
    return None


@functools.lru_cache(maxsize=64)
def stop_line(language):
    """The opt-out sentence in ``language`` (cached: it ends every text message)."""
    with translation.override(language):
        return str(_("Reply STOP to stop alerts."))


def sender(alert):
    """Who an alert is from, first in every text (people trust an alert they can place):
    the site's organization name (branding), else the network's title. Read once per
    alert object."""
    if not hasattr(alert, "_hts_sender"):
        alert._hts_sender = branding.sender_name(alert.page)
    return alert._hts_sender


def sms_body(alert, pledge):
    message = alert.message.strip()
    name = sender(alert)
    if name:
        message = f"{name}: {message}"
    return f"{message}\n{stop_line(pledge.language)}"


def sms_message(alert, delivery):
    return sms.SMSMessage(
        to=delivery.pledge.phone.as_e164,
        body=sms_body(alert, delivery.pledge),
        metadata={"delivery": delivery.pk},
        idempotency_key=delivery.idempotency_key,
    )


def _send_sms(connection, alert, delivery):
    """Send one text; returns the provider's id of it."""
    message = sms_message(alert, delivery)
    if connection.send_messages([message]) != 1:
        raise RuntimeError("The SMS backend did not accept the message.")
    return message.provider_id or ""


def _send_email(connection, alert, delivery):
    pledge = delivery.pledge
    page = alert.page
    with translation.override(pledge.language):
        subject = _("Rapid-response alert: %(title)s") % {"title": page.title}
    emails.send_templated(
        "heretostay/emails/alert",
        {
            "alert": alert,
            "pledge": pledge,
            "page": page,
            "manage_url": pledging.manage_url(pledge),
            "unsubscribe_url": pledging.unsubscribe_url(pledge),
        },
        to=[pledge.email],
        subject=subject,
        language=pledge.language,
        connection=connection,
    )
    return ""


def _record_sent(delivery, provider_id):
    """Right after the provider accepted it: one small statement of its own. It was sent,
    whatever the row says now (recovery may have moved it meanwhile)."""
    AlertDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENT,
        sent_at=timezone.now(),
        provider_id=(provider_id or "")[:64],
        error="",
        next_attempt_at=None,
    )


def _error_text(exc):
    """A provider's error as stored and logged: contacts masked (errors often quote the
    number), at most 500 characters."""
    return privacy.redact_contacts(f"{type(exc).__name__}: {exc}")[:500]


def _record_failure(delivery, reason, now, final=False):
    """Back to queued with exponential backoff, or failed after ``MAX_SEND_ATTEMPTS``
    (or at once if ``final``); returns when to try again (None: given up)."""
    if final or delivery.attempts >= get_setting("MAX_SEND_ATTEMPTS"):
        AlertDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.FAILED, error=reason, next_attempt_at=None
        )
        return None
    wait = get_setting("ALERT_RETRY_BASE_SECONDS") * 2 ** max(delivery.attempts - 1, 0)
    retry_at = now + timedelta(seconds=wait)
    AlertDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.QUEUED, error=reason, next_attempt_at=retry_at
    )
    return retry_at


def _deliver(delivery, sms_connection, mail_connection):
    """Claim, send and record one delivery; returns when to retry it, if it failed."""
    alert = delivery.alert
    now = timezone.now()
    if alert.status != AlertStatus.SENT:
        return None
    if alert.is_expired:
        AlertDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.QUEUED).update(
            status=DeliveryStatus.EXPIRED, error=REASON_EXPIRED, next_attempt_at=None
        )
        return None
    if not _claim(delivery, now):
        return None
    reason = _reachable(delivery.pledge, delivery.channel)
    if reason:
        AlertDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.SKIPPED, error=reason, next_attempt_at=None
        )
        return None
    try:
        if delivery.channel == Channel.SMS:
            provider_id = _send_sms(sms_connection, alert, delivery)
        else:
            provider_id = _send_email(mail_connection, alert, delivery)
    except Exception as exc:  # a provider error must not stop the batch
        reason = _error_text(exc)
        logger.warning("Alert delivery %s failed: %s", delivery.pk, reason)
        # Refused for good (an unsubscribed or invalid number): retrying cannot help.
        final = isinstance(exc, getattr(sms_base, "PermanentSMSError", ()))
        return _record_failure(delivery, reason, timezone.now(), final=final)
    _record_sent(delivery, provider_id)
    return None


@task()
def deliver_batch(delivery_ids):
    """Send one batch, one delivery at a time: claimed, sent, recorded. A failed message
    waits (exponential backoff) and is tried again, up to ``MAX_SEND_ATTEMPTS`` times."""
    deliveries = list(
        AlertDelivery.objects.filter(pk__in=delivery_ids, status=DeliveryStatus.QUEUED)
        .select_related("pledge")
        .order_by("pk")
    )
    if not deliveries:
        return
    # Alerts and pages are few: load each once, not once per delivery.
    alerts_by_id = Alert.objects.select_related("page").in_bulk({d.alert_id for d in deliveries})
    page_ids = {d.pledge.page_id for d in deliveries if d.pledge and d.channel == Channel.EMAIL}
    pages = PledgePage.objects.in_bulk(page_ids) if page_ids else {}
    for delivery in deliveries:
        delivery.alert = alerts_by_id[delivery.alert_id]
        if delivery.pledge and delivery.pledge.page_id in pages:
            delivery.pledge.page = pages[delivery.pledge.page_id]
    retries = {}
    sms_connection = sms.get_connection()
    mail_connection = get_mail_connection()
    with sms_connection, mail_connection:
        for delivery in deliveries:
            retry_at = _deliver(delivery, sms_connection, mail_connection)
            if retry_at is not None:
                retries[delivery.pk] = retry_at
    if retries:
        _schedule_retry(retries)


def _schedule_retry(retries):
    """Queue the retries for when they are due, where the task backend can wait;
    otherwise ``recover_deliveries`` (run from cron) sends them once due."""
    backend = deliver_batch.get_backend()
    if backend.supports_defer:
        deliver_batch.using(run_after=min(retries.values())).enqueue(sorted(retries))


# -- Recovery ----------------------------------------------------------------------------


def _resolve(delivery, alert, connection, now):
    """A delivery a worker left "sending": what became of it? Returns "sent", "queued",
    "unknown", or "pending" (ask again later)."""
    pledge = delivery.pledge
    answer = UNKNOWN
    if delivery.channel == Channel.SMS and pledge is not None and pledge.phone:
        try:
            answer = connection.lookup(sms_message(alert, delivery))
        except Exception as exc:  # the provider is unreachable: ask again next time
            logger.warning("Lookup of alert delivery %s failed: %s", delivery.pk, _error_text(exc))
            return "pending"
    # Email has no lookup: the mail server may have taken it before the crash, and a
    # second alert is worse than a person checking.
    rows = AlertDelivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.SENDING, claimed_at=delivery.claimed_at
    )
    if answer is UNKNOWN:
        rows.update(status=DeliveryStatus.FAILED, error=REASON_UNKNOWN, next_attempt_at=None)
        return "unknown"
    if answer:
        rows.update(
            status=DeliveryStatus.SENT,
            sent_at=delivery.claimed_at or now,
            provider_id=str(answer)[:64],
            error="",
            next_attempt_at=None,
        )
        return "sent"
    if delivery.attempts >= get_setting("MAX_SEND_ATTEMPTS"):
        rows.update(status=DeliveryStatus.FAILED, error=REASON_CRASHED, next_attempt_at=None)
        return "failed"
    rows.update(status=DeliveryStatus.QUEUED, next_attempt_at=now)
    return "queued"


def _recover_stale(alert, now, connection=None):
    """Resolve ``alert``'s deliveries left "sending" longer than ``ALERT_SENDING_TIMEOUT``."""
    cutoff = now - timedelta(seconds=get_setting("ALERT_SENDING_TIMEOUT"))
    stale = list(
        alert.deliveries.filter(status=DeliveryStatus.SENDING)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lte=cutoff))
        .select_related("pledge")
        .order_by("pk")
    )
    outcomes = Counter()
    if not stale:
        return outcomes
    connection = connection or sms.get_connection()
    for delivery in stale:
        outcomes[_resolve(delivery, alert, connection, now)] += 1
    outcomes.pop("pending", None)
    if outcomes:
        audit.log(alert, "heretostay.alert.recover", **dict(outcomes))
    return outcomes


def recover(now=None):
    """Finish what stopped workers left: deliveries "sending" past the timeout are looked
    up (sent: recorded, no second text; not sent: queued again; unknown: failed, for a
    person to check); queued deliveries that are due and whose task was lost are queued
    again; an expired alert's queued deliveries expire. Idempotent: a second run finds
    nothing more to resolve, and a delivery queued twice is still claimed once."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=get_setting("ALERT_SENDING_TIMEOUT"))
    open_rows = AlertDelivery.objects.filter(
        alert=OuterRef("pk"), status__in=[DeliveryStatus.QUEUED, DeliveryStatus.SENDING]
    )
    totals = Counter()
    size = get_setting("ALERT_BATCH_SIZE")
    connection = None
    for alert in Alert.objects.filter(Exists(open_rows), status=AlertStatus.SENT).select_related(
        "page"
    ):
        if alert.deliveries.filter(status=DeliveryStatus.SENDING).exists():
            connection = connection or sms.get_connection()
            totals.update(_recover_stale(alert, now, connection))
        if alert.is_expired:
            totals["expired"] += expire(alert)
            continue
        # Due again after a backoff, or never picked up (older than the timeout).
        lost = alert.deliveries.filter(status=DeliveryStatus.QUEUED).filter(
            Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True, created_at__lte=cutoff)
        )
        for ids in _queued_ids(lost, size):
            totals["requeued"] += len(ids)
            deliver_batch.enqueue(ids)
    return dict(totals)


@task()
def recover_deliveries():
    """``recover`` as a task, for the host's scheduler (or ``heretostay_recover_alerts``)."""
    return recover()
