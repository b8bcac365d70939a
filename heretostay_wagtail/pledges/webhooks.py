"""Webhooks the SMS provider calls: replies (STOP and START) and delivery receipts.

Every request must carry the provider's signature, checked as the configured backend's
``webhook_signature`` says (``sms.backends.base.BaseSMSBackend``):

- ``"twilio"``: ``X-Twilio-Signature``, Twilio's HMAC of the URL it called and the posted
  fields, keyed with ``TWILIO_AUTH_TOKEN``. The URL is rebuilt from
  ``WAGTAILADMIN_BASE_URL`` (scheme and host) and the request's path, and from the request
  itself (``build_absolute_uri``, which behind a proxy needs ``SECURE_PROXY_SSL_HEADER``
  and, if the proxy changes the host, ``USE_X_FORWARDED_HOST``); either may match.
- ``"hmac"`` (any other backend): ``X-Heretostay-Signature``, the hex HMAC-SHA256 of the
  raw body keyed with ``SMS_WEBHOOK_SECRET`` (``sha256=`` before it is accepted).

No secret ever travels in the URL. An unsigned, forged or unverifiable request gets 403
and changes nothing; any other input gets 200 (or 400/405/413), never an error page, and
the same answer whether or not the number belongs to a pledger.
"""

import hashlib
import hmac
import json
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import (
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotAllowed,
    QueryDict,
)
from django.http.multipartparser import MultiPartParserError
from django.utils.module_loading import import_string
from django.views.decorators.csrf import csrf_exempt
from phonenumber_field.phonenumber import to_python

from heretostay_wagtail.core.conf import get_setting
from heretostay_wagtail.pledges import services as pledging
from heretostay_wagtail.pledges.models import AlertDelivery, DeliveryStatus

#: Replies that withdraw consent: carriers' standard words and Spanish ones.
STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "ALTO", "PARAR", "BAJA"}
#: Replies that give it back (carriers' and Twilio's opt-in words; Spanish "alta").
START_WORDS = {"START", "UNSTOP", "YES", "ALTA"}
#: Largest body read: a provider's webhook is a few hundred bytes.
MAX_BODY = 16 * 1024
#: Delivery receipts' statuses (Twilio's), by how far the message got: a late receipt
#: never moves a delivery back (callbacks may arrive out of order).
STATUS_RANK = {
    "accepted": 0,
    "scheduled": 0,
    "queued": 0,
    "sending": 1,
    "sent": 2,
    "canceled": 3,
    "failed": 3,
    "undelivered": 3,
    "delivered": 3,
    "partially_delivered": 3,
    "read": 4,
}
FAILED_STATUSES = {"failed", "undelivered", "canceled"}
TWIML_EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


class Unreadable(Exception):
    pass


def _backend_signature():
    try:
        backend = import_string(get_setting("SMS_BACKEND"))
    except ImportError:
        return None
    return getattr(backend, "webhook_signature", "hmac")


def _twilio_urls(request):
    urls = []
    base = urlsplit(getattr(settings, "WAGTAILADMIN_BASE_URL", "") or "")
    if base.scheme in ("http", "https") and base.netloc:
        urls.append(f"{base.scheme}://{base.netloc}{request.get_full_path()}")
    try:
        urls.append(request.build_absolute_uri())
    except SuspiciousOperation:  # a Host not in ALLOWED_HOSTS
        pass
    return urls


def _twilio_ok(request, fields):
    from twilio.request_validator import RequestValidator

    token = get_setting("TWILIO_AUTH_TOKEN")
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        return False
    validator = RequestValidator(str(token))
    return any(validator.validate(url, fields, signature) for url in _twilio_urls(request))


def _hmac_ok(request, raw):
    secret = get_setting("SMS_WEBHOOK_SECRET")
    given = request.headers.get("X-Heretostay-Signature", "").strip()
    if not secret or not given:
        return False
    if given.lower().startswith("sha256="):
        given = given[len("sha256=") :]
    expected = hmac.new(str(secret).encode(), raw, hashlib.sha256).hexdigest()
    return hmac.compare_digest(given.lower().encode(), expected.encode())


def sign(body, secret=None):
    """The ``X-Heretostay-Signature`` value for ``body`` (bytes): for providers' adapters
    and tests."""
    secret = secret or get_setting("SMS_WEBHOOK_SECRET")
    return "sha256=" + hmac.new(str(secret).encode(), body, hashlib.sha256).hexdigest()


def _read(request):
    """The raw body, or None if it is over ``MAX_BODY`` bytes."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise Unreadable from None
    if length < 0:
        raise Unreadable
    if length > MAX_BODY:
        return None
    try:
        return request.body
    except SuspiciousOperation:
        raise Unreadable from None


def _fields(request, raw):
    """The body's fields, as a QueryDict: a form (urlencoded, as Twilio posts, or
    multipart) or a JSON object (its string and number values)."""
    try:
        if request.content_type == "application/json":
            data = json.loads(raw.decode("utf-8")) if raw.strip() else {}
            if not isinstance(data, dict):
                raise Unreadable
            fields = QueryDict(mutable=True)
            for key, value in data.items():
                if isinstance(value, (str, int)) and not isinstance(value, bool):
                    fields[str(key)] = str(value)
            return fields
        if request.content_type == "multipart/form-data":
            return request.POST
        return QueryDict(raw, encoding="utf-8")
    except (ValueError, RecursionError, SuspiciousOperation, MultiPartParserError):
        raise Unreadable from None


def _verified(handler):
    """POST only, a bounded body, and a valid signature; ``handler(fields)`` does the
    rest. The HMAC is checked on the raw body before it is parsed; Twilio's signature
    covers the parsed fields."""

    @csrf_exempt
    def view(request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        kind = _backend_signature()
        try:
            raw = _read(request)
            if raw is None:
                return HttpResponse("Too large", status=413, content_type="text/plain")
            if kind == "hmac" and not _hmac_ok(request, raw):
                return HttpResponseForbidden("Forbidden", content_type="text/plain")
            fields = _fields(request, raw)
        except Unreadable:
            return HttpResponseBadRequest("Bad request", content_type="text/plain")
        if kind not in ("hmac", "twilio") or (kind == "twilio" and not _twilio_ok(request, fields)):
            return HttpResponseForbidden("Forbidden", content_type="text/plain")
        return handler(fields)

    view.__doc__ = handler.__doc__
    view.__name__ = handler.__name__
    return view


def _field(fields, *names, limit=64):
    for name in names:
        value = fields.get(name)
        if value:
            return str(value)[:limit]
    return ""


def _keyword(body):
    """The reply as one keyword ("Stop." -> "STOP"), or "" if it is more than a word.
    Like carriers and Twilio, only a reply of the word alone counts: "End of my shift,
    on my way" must not unsubscribe a volunteer."""
    words = body.split()
    if len(words) != 1:
        return ""
    return words[0].strip(".!¡¿?,;:\"'").upper()


@_verified
def sms_inbound(fields):
    """A reply to one of the site's numbers: STOP withdraws text-alert consent for every
    pledge with that number; START (or UNSTOP, YES, ALTA) turns it back on and marks the
    number verified, since the reply came from it. Anything else is ignored. Twilio's
    ``OptOutType`` (Advanced Opt-Out on a Messaging Service) wins over the words."""
    sender = _field(fields, "From", "from", limit=32)
    body = _field(fields, "Body", "body", "text", limit=200)
    opt_out = _field(fields, "OptOutType", limit=16).upper()
    keyword = _keyword(body)
    if opt_out in ("STOP", "START"):
        action = opt_out
    elif keyword in STOP_WORDS:
        action = "STOP"
    elif keyword in START_WORDS:
        action = "START"
    else:
        action = None
    if action:
        phone = to_python(sender, region=get_setting("PHONE_DEFAULT_REGION"))
        if phone and phone.is_valid():
            if action == "STOP":
                pledging.stop_texts(phone)
            else:
                pledging.start_texts(phone)
    return HttpResponse(TWIML_EMPTY, content_type="text/xml")


@_verified
def sms_status(fields):
    """A delivery receipt: the provider's status of one message (``MessageSid``,
    ``MessageStatus``, ``ErrorCode``), stored on its delivery; ``failed`` and
    ``undelivered`` mark the delivery failed. An unknown id changes nothing."""
    sid = _field(fields, "MessageSid", "SmsSid", "id", limit=64)
    status = _field(fields, "MessageStatus", "SmsStatus", "status", limit=32).lower()
    code = _field(fields, "ErrorCode", "error_code", limit=16)
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", sid) or status not in STATUS_RANK:
        return HttpResponse("", content_type="text/plain")
    rank = STATUS_RANK[status]
    later = [name for name, r in STATUS_RANK.items() if r > rank]
    changes = {"provider_status": status}
    if status in FAILED_STATUSES:
        reason = f"Delivery receipt: {status}"
        if code.isdigit():
            reason += f" (provider error {code})"
        changes.update(status=DeliveryStatus.FAILED, error=reason)
    AlertDelivery.objects.filter(provider_id=sid).exclude(provider_status__in=later).update(
        **changes
    )
    return HttpResponse("", content_type="text/plain")
