"""Emails to supporters, rendered in the language they signed in."""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from heretostay_wagtail.core import branding


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
