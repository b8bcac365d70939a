"""The interface an SMS provider's backend implements (mirrors Django email backends)."""


#: ``lookup`` answers this when it cannot tell whether a message went out.
UNKNOWN = object()


class BaseSMSBackend:
    """Base class for SMS backends.

    Subclasses implement :meth:`send_messages`. ``open``/``close`` let a backend reuse
    one provider session for a batch; the dispatcher calls them around each batch.

    ``send_messages(messages)`` receives a list of :class:`~heretostay_wagtail.pledges.sms.SMSMessage`
    (``to`` in E.164, ``body`` text) and returns the number sent. It must raise on a
    failure unless ``fail_silently`` is true; the dispatcher sends one message per call
    so that each delivery gets its own status, and retries messages that raised or
    were not counted as sent.
    """

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
