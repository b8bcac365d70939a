"""The interface an SMS provider's backend implements (mirrors Django email backends)."""

#: ``lookup`` answers this when it cannot tell whether a message went out.
UNKNOWN = object()


class SMSError(Exception):
    """The provider did not take a message; sending it again later may work (an outage,
    a rate limit, a 5xx). Its text names the provider's error code, never the recipient's
    number or the message, so the dispatcher may log it and store it on the delivery."""


class PermanentSMSError(SMSError):
    """The provider refused this message for good (e.g. Twilio 21610: the recipient
    replied STOP; 21211: not a valid number): the dispatcher marks the delivery failed
    at once instead of retrying."""


class BaseSMSBackend:
    """Base class for SMS backends.

    Subclasses implement :meth:`send_messages`. ``open``/``close`` let a backend reuse
    one provider session for a batch; the dispatcher calls them around each batch.

    ``send_messages(messages)`` receives a list of :class:`~heretostay_wagtail.pledges.sms.SMSMessage`
    (``to`` in E.164, ``body`` text) and returns the number sent. It must raise on a
    failure unless ``fail_silently`` is true; the dispatcher sends one message per call
    so that each delivery gets its own status, and retries messages that raised or
    were not counted as sent. A backend raises :class:`PermanentSMSError` when the
    provider refused the message for good (retrying cannot help: an unsubscribed or
    invalid number), and :class:`SMSError` (or any other exception) when a later attempt
    may succeed. Neither error's text may contain the number or the message.

    A backend sets ``message.provider_id`` to the provider's id of each message it sent
    (delivery receipts find the delivery by it).

    Webhooks (``heretostay_wagtail.pledges.webhooks``: replies such as STOP and START,
    and delivery receipts) are verified as the configured backend's
    ``webhook_signature`` says: ``"hmac"`` (the default) expects the header
    ``X-Heretostay-Signature``, the hex HMAC-SHA256 of the raw request body keyed with
    ``SMS_WEBHOOK_SECRET``; ``"twilio"`` expects Twilio's ``X-Twilio-Signature``, made
    with ``TWILIO_AUTH_TOKEN``.
    """

    #: How the provider signs its webhooks (see above).
    webhook_signature = "hmac"

    def __init__(self, fail_silently=False, **kwargs):
        self.fail_silently = fail_silently

    def open(self):
        """Open a provider session; return True if a new one was opened."""
        return False

    def close(self):
        """Close the session opened by :meth:`open`."""

    def __enter__(self):
        try:
            self.open()
        except Exception:
            self.close()
            raise
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        self.close()

    def send_messages(self, messages):
        raise NotImplementedError("SMS backends must implement send_messages(messages)")

    def lookup(self, message):
        """After a crash: did the provider accept ``message`` (same ``to`` and
        ``idempotency_key``) before? Return its provider id (a non-empty string) if it
        did, None if it did not, or ``UNKNOWN`` if the backend cannot tell; the
        recovery task then leaves the delivery for a person to decide, rather than
        risk texting someone twice."""
        return UNKNOWN
