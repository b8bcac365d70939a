"""Emails to supporters, rendered in the language they signed in."""

from datetime import timedelta

from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import translation

from heretostay_wagtail.core import branding
from heretostay_wagtail.core.conf import get_setting


def send_templated(template_base, context, to, subject, language, attachments=(), connection=None):
    """Render ``<base>.txt`` and ``<base>.html`` in ``language`` and send them.

    The templates sign off with the organization's name and contact line: the branding
    of the site of the context's ``page`` (or ``petition``), unless the context has them.
    """
    with translation.override(language):
        context = {**_signature(context), **context, "LANGUAGE_CODE": language}
        subject = " ".join(str(subject).split())
        text = render_to_string(f"{template_base}.txt", context)
        html = render_to_string(f"{template_base}.html", context)
        message = EmailMultiAlternatives(subject=subject, body=text, to=to, connection=connection)
        message.attach_alternative(html, "text/html")
        for attachment in attachments:
            message.attach(*attachment)
        message.send()


def _signature(context):
    if "organization" in context:
        return {}
    page = context.get("page") or context.get("petition")
    return branding.email_context(branding.for_page(page))


def claim_email(record, *, now, also_due=None):
    """Claim the one email a supporter record (signature, pledge) may get per
    ``EMAIL_COOLDOWN_SECONDS``: an atomic update of ``confirmation_sent_at`` that only one
    of several parallel tasks wins, however many times the address is used to sign up
    (no mail bombing through the site). False: one went out too recently, send nothing.
    ``also_due`` (a ``Q``) makes more records due (a signer who confirmed since)."""
    cooldown = timedelta(seconds=get_setting("EMAIL_COOLDOWN_SECONDS") or 0)
    due = Q(confirmation_sent_at__isnull=True) | Q(confirmation_sent_at__lte=now - cooldown)
    if also_due is not None:
        due |= also_due
    rows = type(record)._default_manager.filter(pk=record.pk).filter(due)
    return bool(rows.update(confirmation_sent_at=now))


def release_email(record, *, claimed, previous):
    """Give a claim back after a failed send, so a retry (or the next sign-up) sends."""
    type(record)._default_manager.filter(pk=record.pk, confirmation_sent_at=claimed).update(
        confirmation_sent_at=previous
    )
