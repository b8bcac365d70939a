"""Sends text messages through Twilio's Messages API with its official library.

    pip install "heretostay-wagtail[twilio]"

    HERETOSTAY = {
        "SMS_BACKEND": "heretostay_wagtail.pledges.sms.backends.twilio.SMSBackend",
        "TWILIO_ACCOUNT_SID": "AC…",
        "TWILIO_AUTH_TOKEN": "…",  # also verifies Twilio's webhooks
        "TWILIO_MESSAGING_SERVICE_SID": "MG…",  # or "TWILIO_FROM_NUMBER": "+1…"
    }

Each message asks Twilio to report its delivery to the ``heretostay:sms_status`` webhook
when the site's address is known (``WAGTAILADMIN_BASE_URL``). Twilio takes no
idempotency key on Messages, so :meth:`SMSBackend.lookup` finds a message by recipient
and text among the recent ones. ``TWILIO_API_URL`` sends every request to another base
URL (the tests' local fake); the library's request logging is reduced to the method and
path, so no number or message reaches the logs.
"""

import re
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from heretostay_wagtail.core.conf import get_setting
from heretostay_wagtail.pledges.sms.backends.base import (
    UNKNOWN,
    BaseSMSBackend,
    PermanentSMSError,
    SMSError,
)

#: Twilio error codes that no retry can fix for this recipient or this message.
#: https://www.twilio.com/docs/api/errors
PERMANENT_ERRORS = {
    21211,  # invalid 'To' phone number
    21214,  # 'To' phone number cannot be reached
    21217,  # phone number does not appear to be valid
    21401,  # invalid phone number
    21408,  # sending to this region is not enabled on the account
    21602,  # message body is required
    21610,  # the recipient replied STOP (unsubscribed)
    21612,  # the 'To' number is not reachable by SMS from this sender
    21614,  # 'To' is not a mobile number
    21617,  # message body too long
}

_ORIGIN = re.compile(r"^https?://[^/]+")


class HttpClient(TwilioHttpClient):
    """Twilio's HTTP client, sent to ``api_url`` instead of ``https://*.twilio.com`` when
    given, and logging only the method, path and status (the library's own logging
    writes query parameters such as ``To`` at INFO level)."""

    def __init__(self, api_url=None, **kwargs):
        super().__init__(**kwargs)
        self.api_url = (api_url or "").rstrip("/")

    def request(self, method, url, *args, **kwargs):
        if self.api_url:
            url = _ORIGIN.sub(self.api_url, url, count=1)
        return super().request(method, url, *args, **kwargs)

    def log_request(self, kwargs):
        self.logger.debug("Twilio request: %s %s", kwargs["method"], urlsplit(kwargs["url"]).path)

    def log_response(self, status_code, response):
        self.logger.debug("Twilio response: %s", status_code)


def status_callback_url():
    """The absolute URL of the delivery-receipt webhook, or None if the site's address
    (``WAGTAILADMIN_BASE_URL``) or the route is unknown."""
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "") or ""
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    try:
        path = reverse("heretostay:sms_status")
    except NoReverseMatch:
        return None
    return f"{parts.scheme}://{parts.netloc}{path}"


def _error(exc):
    """Our exception for a Twilio one, naming codes only (Twilio's messages may quote
    the number)."""
    if isinstance(exc, TwilioRestException):
        detail = f"Twilio error {exc.code} (HTTP {exc.status})"
        if exc.code in PERMANENT_ERRORS:
            return PermanentSMSError(detail)
        return SMSError(detail)
    return SMSError(f"Twilio could not be reached ({type(exc).__name__})")


class SMSBackend(BaseSMSBackend):
    webhook_signature = "twilio"
    #: Seconds to wait for Twilio before giving up (the message is then retried).
    timeout = 10
    #: Most recent messages to one number that :meth:`lookup` reads.
    lookup_limit = 50

    def __init__(
        self,
        fail_silently=False,
        account_sid=None,
        auth_token=None,
        messaging_service_sid=None,
        from_number=None,
        api_url=None,
        **kwargs,
    ):
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.account_sid = account_sid or get_setting("TWILIO_ACCOUNT_SID")
        self.auth_token = auth_token or get_setting("TWILIO_AUTH_TOKEN")
        self.messaging_service_sid = messaging_service_sid or get_setting(
            "TWILIO_MESSAGING_SERVICE_SID"
        )
        self.from_number = from_number or get_setting("TWILIO_FROM_NUMBER")
        self.api_url = api_url or get_setting("TWILIO_API_URL")
        self.client = None
        self.status_callback = None

    def open(self):
        if self.client is not None:
            return False
        self.client = Client(
            self.account_sid,
            self.auth_token,
            http_client=HttpClient(api_url=self.api_url, timeout=self.timeout),
        )
        self.status_callback = status_callback_url()
        return True

    def close(self):
        if self.client is None:
            return
        session = getattr(self.client.http_client, "session", None)
        if session is not None:
            session.close()
        self.client = None

    def send_messages(self, messages):
        if not messages:
            return 0
        new = self.open()
        sent = 0
        try:
            for message in messages:
                try:
                    self._send(message)
                except SMSError:
                    if not self.fail_silently:
                        raise
                else:
                    sent += 1
        finally:
            if new:
                self.close()
        return sent

    def _send(self, message):
        options = {"to": message.to, "body": message.body}
        if self.messaging_service_sid:
            options["messaging_service_sid"] = self.messaging_service_sid
        else:
            options["from_"] = self.from_number
        if self.status_callback:
            options["status_callback"] = self.status_callback
        try:
            created = self.client.messages.create(**options)
        except Exception as exc:  # the library raises requests' and its own errors
            raise _error(exc) from None
        message.provider_id = created.sid

    def lookup(self, message):
        """Find ``message`` among the latest messages sent to its number, by its text.

        The window starts at ``message.metadata["sent_after"]`` (a datetime, e.g. when
        the delivery was first claimed) if given, else ``ALERT_EXPIRY_HOURS`` ago: an
        alert older than that is never sent. The same text sent to the same number
        inside the window by another alert counts as found.
        """
        since = message.metadata.get("sent_after") or timezone.now() - timedelta(
            hours=get_setting("ALERT_EXPIRY_HOURS")
        )
        if timezone.is_naive(since):
            since = timezone.make_aware(since)
        new = self.open()
        try:
            records = self.client.messages.list(to=message.to, limit=self.lookup_limit)
        except Exception:  # any failure: we cannot tell
            return UNKNOWN
        finally:
            if new:
                self.close()
        for record in records:
            created = record.date_created
            if created is not None and created < since:
                continue
            outbound = (record.direction or "").startswith("outbound")
            # endswith: a trial account prefixes "Sent from your Twilio trial account - ".
            if outbound and message.body and (record.body or "").endswith(message.body):
                return record.sid
        if len(records) >= self.lookup_limit and all(
            r.date_created is None or r.date_created >= since for r in records
        ):
            return UNKNOWN  # older messages in the window were not read
        return None
