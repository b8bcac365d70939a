"""Background work of petitions: the double opt-in email, and its twin for a repeat."""

import logging

from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from heretostay_wagtail.core import emails, tokens
from heretostay_wagtail.core.tasks import retry_later
from heretostay_wagtail.petitions.models import Signature

logger = logging.getLogger(__name__)


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
    try:
        send_confirmation_email(signature)
    except Exception:
        logger.exception("Sending confirmation for signature %s failed", signature_id)
        Signature.objects.filter(pk=signature_id).update(send_attempts=F("send_attempts") + 1)
        retry_later(send_signature_confirmation, signature.send_attempts + 1, signature_id)
        return
    Signature.objects.filter(pk=signature_id).update(
        confirmation_sent_at=timezone.now(), send_attempts=F("send_attempts") + 1
    )


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
    """
    signature = (
        Signature.objects.filter(pk=signature_id, confirmed_at__isnull=False)
        .select_related("page")
        .first()
    )
    if signature is None or signature.page is None:
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
    except Exception:
        logger.exception("Sending the already-signed email for signature %s failed", signature_id)
