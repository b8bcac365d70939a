"""Background work of petitions: the double opt-in email, and its twin for a repeat.

At most one of these emails per signature per ``EMAIL_COOLDOWN_SECONDS``, however many
times the address is used to sign (mail bombing through the site): each task first
claims ``confirmation_sent_at`` with an atomic update, sends nothing when another email
went out too recently, and gives the claim back when the send fails.
"""

import logging

from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from heretostay_wagtail.core import emails, tokens
from heretostay_wagtail.core.tasks import retry_later
from heretostay_wagtail.petitions.models import Signature

logger = logging.getLogger(__name__)


#: A signer who confirmed since our last email may be told once that they already signed
#: (only the address's owner can confirm, so this is no way to bomb them).
CONFIRMED_SINCE = Q(confirmed_at__gt=F("confirmation_sent_at"))


@task()
def send_signature_confirmation(signature_id):
    """Email the confirmation link; on failure the signature stays and we retry."""
    signature = (
        Signature.objects.filter(pk=signature_id, confirmed_at__isnull=True)
        .select_related("page")
        .first()
    )
    if signature is None or signature.page is None:
        return
    now, previous = timezone.now(), signature.confirmation_sent_at
    if not emails.claim_email(signature, now=now, also_due=CONFIRMED_SINCE):
        logger.info("Confirmation for signature %s not sent: one was sent recently", signature_id)
        return
    try:
        send_confirmation_email(signature)
    except Exception as exc:  # noqa: BLE001 - any mail error; its text may hold the address
        logger.warning(
            "Sending confirmation for signature %s failed (%s)", signature_id, type(exc).__name__
        )
        emails.release_email(signature, claimed=now, previous=previous)
        Signature.objects.filter(pk=signature_id).update(send_attempts=F("send_attempts") + 1)
        retry_later(send_signature_confirmation, signature.send_attempts + 1, signature_id)
        return
    Signature.objects.filter(pk=signature_id).update(send_attempts=F("send_attempts") + 1)


def send_confirmation_email(signature):
    """The double opt-in email, in the language the supporter signed in."""
    petition = signature.page
    with translation.override(signature.language):
        token = tokens.make("confirm", signature.public_id)
        url = petition.get_full_url() + petition.reverse_subpage("confirm", args=[token])
        subject = _("Please confirm your signature: %(title)s") % {"title": petition.title}
    emails.send_templated(
        "heretostay/emails/signature_confirmation",
        {"signature": signature, "petition": petition, "confirm_url": url},
        to=[signature.email],
        subject=subject,
        language=signature.language,
    )


@task()
def send_already_signed(signature_id):
    """Tell a confirmed signer that their address was used to sign again.

    With double opt-in on, a new signature queues the confirmation email; a repeat of a
    confirmed one queues this, so both paths do the same work (one task, one email) and
    the response time does not tell them apart (alphagov/e-petitions sends the same kind
    of "duplicate signature" email). It names the stored signer, never what was typed.
    Subject to the same cooldown as the confirmation.
    """
    signature = (
        Signature.objects.filter(pk=signature_id, confirmed_at__isnull=False)
        .select_related("page")
        .first()
    )
    if signature is None or signature.page is None:
        return
    now, previous = timezone.now(), signature.confirmation_sent_at
    if not emails.claim_email(signature, now=now, also_due=CONFIRMED_SINCE):
        logger.info(
            "Already-signed email for signature %s not sent: one was sent recently", signature_id
        )
        return
    petition = signature.page
    with translation.override(signature.language):
        subject = _("You have already signed: %(title)s") % {"title": petition.title}
    try:
        emails.send_templated(
            "heretostay/emails/signature_already",
            {"signature": signature, "petition": petition, "petition_url": petition.full_url},
            to=[signature.email],
            subject=subject,
            language=signature.language,
        )
    except Exception as exc:  # noqa: BLE001 - any mail error; its text may hold the address
        logger.warning(
            "Sending the already-signed email for signature %s failed (%s)",
            signature_id,
            type(exc).__name__,
        )
        emails.release_email(signature, claimed=now, previous=previous)
