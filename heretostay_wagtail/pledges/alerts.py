"""Rapid-response alerts: who they reach, the two-person rule, and dispatch.

Dispatch is at-most-once per person and channel: a delivery row is created once
(unique alert+pledge+channel) and claimed (queued -> sending) before its message goes
out, so sending an alert twice, or running a batch twice, never messages anyone twice.
"""

import functools
import logging

from django.core.exceptions import PermissionDenied
from django.core.mail import get_connection as get_mail_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from heretostay_wagtail.core import audit, emails
from heretostay_wagtail.core.conf import get_setting
from heretostay_wagtail.core.tasks import retry_later
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
)

logger = logging.getLogger(__name__)

VERIFY_PERMISSION = "heretostay.verify_alert"
SEND_PERMISSION = "heretostay.send_alert"


class AlertError(Exception):
    """An action not allowed in the alert's current state (message is translated)."""


# -- Targeting ------------------------------------------------------------------------


def _consent(channel):
    if channel == Channel.SMS:
        return Q(alert_sms=True) & ~Q(phone="")
    return Q(alert_email=True)


def _matching(alert):
    return (
        Pledge.objects.active()
        .filter(campaign_key=alert.campaign_key)
        .in_areas(alert.area_list)
        .with_roles(alert.roles.values_list("translation_key", flat=True))
    )


def recipients(alert, channel):
    """Active pledgers of the alert's campaign who match its area and roles and
    consented to ``channel``."""
    return _matching(alert).filter(_consent(channel))


def preview(alert):
    """How many people the alert will reach, per channel and in all."""
    counts = {channel.value: recipients(alert, channel).count() for channel in alert.channels}
    anyone = Q()
    for channel in alert.channels:
        anyone |= _consent(channel)
    return {"channels": counts, "people": _matching(alert).filter(anyone).count()}


def create(form, user):
    """Save a valid alert form as a draft authored by ``user`` (admin and API alike)."""
    form.instance.created_by = user
    alert = form.save()
    audit.log(alert, "heretostay.alert.create", user=user)
    return alert


# -- The two-person rule -----------------------------------------------------------------


def can_verify(alert, user):
    return (
        alert.status == AlertStatus.DRAFT
        and user.has_perm(VERIFY_PERMISSION)
        and alert.created_by_id is not None
        and alert.created_by_id != user.pk
    )


def verify(alert, user):
    """A second person confirms the report is real."""
    if not user.has_perm(VERIFY_PERMISSION):
        raise PermissionDenied
    if alert.created_by_id is None or alert.created_by_id == user.pk:
        raise AlertError(gettext_lazy("Another person must verify an alert you created."))
    updated = Alert.objects.filter(pk=alert.pk, status=AlertStatus.DRAFT).update(
        status=AlertStatus.VERIFIED, verified_by=user, verified_at=timezone.now()
    )
    if not updated:
        raise AlertError(gettext_lazy("Only a draft alert can be verified."))
    alert.refresh_from_db()
    audit.log(alert, "heretostay.alert.verify", user=user, preview=preview(alert))
    return alert


def send(alert, user):
    """Mark a verified alert sent and queue its dispatch; refuses a second send."""
    if not user.has_perm(SEND_PERMISSION):
        raise PermissionDenied
    with transaction.atomic():
        updated = Alert.objects.filter(pk=alert.pk, status=AlertStatus.VERIFIED).update(
            status=AlertStatus.SENT, sent_by=user, sent_at=timezone.now()
        )
        if not updated:
            raise AlertError(gettext_lazy("Only a verified alert can be sent."))
        alert.refresh_from_db()
        audit.log(alert, "heretostay.alert.send", user=user, preview=preview(alert))
        transaction.on_commit(lambda: dispatch_alert.enqueue(alert.pk))
    return alert


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


@task()
def dispatch_alert(alert_id):
    """Create one delivery per matching person and channel, and queue them in batches."""
    alert = Alert.objects.filter(pk=alert_id, status=AlertStatus.SENT).first()
    if alert is None:
        return
    size = get_setting("ALERT_BATCH_SIZE")
    queued = {}
    for channel in alert.channels:
        queued[channel.value] = 0
        ids = recipients(alert, channel).order_by().values_list("pk", flat=True)
        for pledge_ids in _batches(ids.iterator(chunk_size=size), size):
            AlertDelivery.objects.bulk_create(
                [AlertDelivery(alert=alert, pledge_id=pk, channel=channel) for pk in pledge_ids],
                ignore_conflicts=True,
            )
            delivery_ids = list(
                AlertDelivery.objects.filter(
                    alert=alert,
                    channel=channel,
                    pledge_id__in=pledge_ids,
                    status=DeliveryStatus.QUEUED,
                ).values_list("pk", flat=True)
            )
            queued[channel.value] += len(delivery_ids)
            if delivery_ids:
                deliver_batch.enqueue(delivery_ids)
    audit.log(alert, "heretostay.alert.dispatch", queued=queued)


def _claim(delivery_ids):
    """Move still-queued deliveries to "sending"; only the claimer sends them."""
    with transaction.atomic():
        ids = list(
            AlertDelivery.objects.select_for_update(skip_locked=True)
            .filter(pk__in=delivery_ids, status=DeliveryStatus.QUEUED)
            .values_list("pk", flat=True)
        )
        AlertDelivery.objects.filter(pk__in=ids).update(
            status=DeliveryStatus.SENDING, attempts=F("attempts") + 1
        )
    return ids


def _still_consented(pledge, channel):
    if pledge is None or pledge.withdrawn_at is not None:
        return False
    return pledge.alert_sms if channel == Channel.SMS else pledge.alert_email


@functools.lru_cache(maxsize=64)
def stop_line(language):
    """The opt-out sentence in ``language`` (cached: it ends every text message)."""
    with translation.override(language):
        return str(_("Reply STOP to stop alerts."))


def sms_body(alert, pledge):
    return f"{alert.message.strip()}\n{stop_line(pledge.language)}"


def _send_sms(connection, alert, delivery):
    message = sms.SMSMessage(
        to=delivery.pledge.phone.as_e164,
        body=sms_body(alert, delivery.pledge),
        metadata={"delivery": delivery.pk},
    )
    if connection.send_messages([message]) != 1:
        raise RuntimeError("The SMS backend did not accept the message.")


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


@task()
def deliver_batch(delivery_ids):
    """Send one batch; failed messages are retried up to ``MAX_SEND_ATTEMPTS`` times."""
    ids = _claim(delivery_ids)
    if not ids:
        return
    deliveries = list(
        AlertDelivery.objects.filter(pk__in=ids).select_related("pledge").order_by("pk")
    )
    # Alerts and pages are few: load each once, not once per delivery.
    alerts_by_id = Alert.objects.select_related("page").in_bulk({d.alert_id for d in deliveries})
    page_ids = {d.pledge.page_id for d in deliveries if d.pledge and d.channel == Channel.EMAIL}
    pages = PledgePage.objects.in_bulk(page_ids) if page_ids else {}
    for delivery in deliveries:
        delivery.alert = alerts_by_id[delivery.alert_id]
        if delivery.pledge and delivery.pledge.page_id in pages:
            delivery.pledge.page = pages[delivery.pledge.page_id]
    sent, skipped, failed = [], [], {}
    sms_connection = sms.get_connection()
    mail_connection = get_mail_connection()
    with sms_connection, mail_connection:
        for delivery in deliveries:
            if not _still_consented(delivery.pledge, delivery.channel):
                skipped.append(delivery.pk)
                continue
            try:
                if delivery.channel == Channel.SMS:
                    _send_sms(sms_connection, delivery.alert, delivery)
                else:
                    _send_email(mail_connection, delivery.alert, delivery)
            except Exception as exc:  # a provider error must not stop the batch
                logger.warning("Alert delivery %s failed: %s", delivery.pk, exc)
                failed[delivery.pk] = (f"{type(exc).__name__}: {exc}")[:500]
            else:
                sent.append(delivery.pk)
    now = timezone.now()
    AlertDelivery.objects.filter(pk__in=sent).update(
        status=DeliveryStatus.SENT, sent_at=now, error=""
    )
    AlertDelivery.objects.filter(pk__in=skipped).update(
        status=DeliveryStatus.SKIPPED, error="Consent withdrawn before sending."
    )
    if failed:
        _retry_failed(failed)


def _retry_failed(failed):
    attempts_by_id = dict(AlertDelivery.objects.filter(pk__in=failed).values_list("pk", "attempts"))
    retry = []
    for pk, reason in failed.items():
        final = attempts_by_id[pk] >= get_setting("MAX_SEND_ATTEMPTS")
        AlertDelivery.objects.filter(pk=pk).update(
            status=DeliveryStatus.FAILED if final else DeliveryStatus.QUEUED, error=reason
        )
        if not final:
            retry.append(pk)
    if retry:
        attempt = max(attempts_by_id[pk] for pk in retry)
        if not retry_later(deliver_batch, attempt, retry):
            AlertDelivery.objects.filter(pk__in=retry).update(status=DeliveryStatus.FAILED)
