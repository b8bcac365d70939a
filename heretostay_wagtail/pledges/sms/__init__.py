"""Text messages for rapid-response alerts, shaped like ``django.core.mail``.

An organization plugs in its provider by writing a backend (see
``backends.base.BaseSMSBackend``) and naming it in ``HERETOSTAY["SMS_BACKEND"]``.
"""

from dataclasses import dataclass, field

from django.utils.module_loading import import_string

from heretostay_wagtail.core.conf import get_setting

__all__ = ["SMSMessage", "get_connection", "send_messages", "outbox"]

#: Messages "sent" with the in-memory backend land here (like ``mail.outbox``).
outbox = []


@dataclass
class SMSMessage:
    """One text message: ``to`` is a phone number in E.164 (``+15555550123``)."""

    to: str
    body: str
    #: Free-form values a backend may use (for example a status callback id).
    metadata: dict = field(default_factory=dict)
    #: The same for every attempt at one message (alert deliveries: one per delivery
    #: row). A backend passes it to a provider that dedupes on it, and ``lookup`` finds
    #: the message by it after a crash.
    idempotency_key: str = ""
    #: Set by the backend once the provider accepted the message (e.g. a Twilio SID).
    provider_id: str = ""


def get_connection(backend=None, fail_silently=False, **kwargs):
    """An instance of the configured (or given) SMS backend."""
    klass = import_string(backend or get_setting("SMS_BACKEND"))
    return klass(fail_silently=fail_silently, **kwargs)


def send_messages(messages, fail_silently=False, connection=None):
    """Send ``messages`` through one connection; returns how many were sent."""
    connection = connection or get_connection(fail_silently=fail_silently)
    return connection.send_messages(messages)
