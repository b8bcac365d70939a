"""Proof that a pledger owns their contacts: the one place for it (the manage page uses
it; the API or the admin can too).

- The email is proved by a POST through the link emailed to it (``verify_email``): only
  the address's owner gets that link, and email scanners only GET.
- The phone is proved by typing back a short code texted to it (``request_code``,
  ``send_phone_code``, ``verify_phone``). The database keeps neither the code nor the
  number, only keyed digests (``PhoneVerification``); a code is single-use, expires
  after ``PHONE_CODE_TTL_SECONDS``, is void after ``PHONE_CODE_MAX_TRIES`` wrong tries,
  and one number gets at most ``PHONE_CODES_PER_HOUR`` codes an hour. Only the newest
  code of a pledge counts, and only for the number it was sent to.

Codes are texted by a task, never in the request, in the pledger's language; logs name
the pledge id only, never the number or the code.
"""

import hmac
import logging
import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_tasks import task

from heretostay_wagtail.core import branding, tokens
from heretostay_wagtail.core.conf import get_setting
from heretostay_wagtail.core.tasks import retry_later
from heretostay_wagtail.pledges import sms
from heretostay_wagtail.pledges.models import PhoneVerification, Pledge

logger = logging.getLogger(__name__)

#: ``core.tokens.digest`` purposes: the number a code was sent to, and the code.
PHONE = "phone"
CODE = "phone-code"

NO_CODE = _("There is no code waiting for this number. Press “Text me a new code”.")
EXPIRED = _("This code has expired. Press “Text me a new code”.")
VOID = _("Too many wrong tries for this code. Press “Text me a new code”.")
WRONG = _("That code is not right. Check the text message we sent and try again.")


class CodeRefused(Exception):
    """A phone code that does not verify; ``message`` says why, for the pledger."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def phone_digest(phone):
    return tokens.digest(PHONE, phone.as_e164)


# -- email -------------------------------------------------------------------------------


def verify_email(pledge, *, when=None):
    """Mark the pledger's email verified (a POST through its emailed link); True only
    the first time."""
    now = when or timezone.now()
    updated = Pledge.objects.filter(pk=pledge.pk, email_verified_at__isnull=True).update(
        email_verified_at=now
    )
    if updated:
        pledge.email_verified_at = now
    return bool(updated)


# -- phone -------------------------------------------------------------------------------


def wants_phone_code(pledge):
    """Whether the pledger asked for text alerts on a phone not proved yet."""
    return bool(
        pledge.phone
        and pledge.alert_sms
        and pledge.phone_verified_at is None
        and pledge.withdrawn_at is None
    )


def codes_left(pledge, *, now=None):
    """How many more codes the pledger's number may be sent this hour (counted per
    number, across pledges)."""
    now = now or timezone.now()
    sent = PhoneVerification.objects.filter(
        phone_digest=phone_digest(pledge.phone), created_at__gt=now - timedelta(hours=1)
    ).count()
    return max(0, get_setting("PHONE_CODES_PER_HOUR") - sent)


def request_code(pledge):
    """Queue a new code for the pledger's phone, texted after the commit. False (and
    nothing queued) when there is nothing to verify or the number already had its codes
    for the hour."""
    if not wants_phone_code(pledge) or not codes_left(pledge):
        return False
    pledge_id = pledge.pk
    transaction.on_commit(lambda: send_phone_code.enqueue(pledge_id))
    return True


def _new_code():
    return "".join(secrets.choice("0123456789") for _ in range(get_setting("PHONE_CODE_LENGTH")))


def _sender_name(pledge):
    """Who the code is from: the pledger's campaign page's organization (or title)."""
    from heretostay_wagtail.pledges.services import campaign_page  # it imports this module

    return branding.sender_name(campaign_page(pledge))


def code_text(pledge, code):
    """The text message carrying ``code``, in the pledger's language."""
    minutes = max(1, get_setting("PHONE_CODE_TTL_SECONDS") // 60)
    with translation.override(pledge.language):
        body = ngettext(
            "Your code is %(code)s. It expires in %(minutes)s minute. Do not share it.",
            "Your code is %(code)s. It expires in %(minutes)s minutes. Do not share it.",
            minutes,
        ) % {"code": code, "minutes": minutes}
    name = _sender_name(pledge)
    return f"{name}\n{body}" if name else body


@task()
def send_phone_code(pledge_id, attempt=0):
    """Text a new code to the pledger's phone (the newest code replaces older ones)."""
    pledge = Pledge.objects.filter(pk=pledge_id).select_related("page").first()
    if pledge is None or not wants_phone_code(pledge):
        return
    if not codes_left(pledge):
        logger.info("No phone code texted for pledge %s: hourly limit reached", pledge_id)
        return
    code = _new_code()
    row = PhoneVerification.objects.create(
        pledge=pledge,
        phone_digest=phone_digest(pledge.phone),
        code_digest=tokens.digest(CODE, code),
        expires_at=timezone.now() + timedelta(seconds=get_setting("PHONE_CODE_TTL_SECONDS")),
    )
    message = sms.SMSMessage(
        to=pledge.phone.as_e164,
        body=code_text(pledge, code),
        idempotency_key=f"heretostay-phone-code-{row.pk}",
    )
    try:
        if sms.get_connection().send_messages([message]) != 1:
            raise RuntimeError("The SMS backend did not accept the message.")
    except Exception as exc:  # noqa: BLE001 - any provider error; never log the message
        # The code reached nobody: it must not count towards the hour's codes.
        row.delete()
        logger.warning(
            "Texting a phone code for pledge %s failed (%s)", pledge_id, type(exc).__name__
        )
        retry_later(send_phone_code, attempt + 1, pledge_id, attempt + 1)


def clean_code(value):
    """The digits of a typed code (spaces and dashes dropped)."""
    return "".join(str(value or "").split()).replace("-", "")


def verify_phone(pledge, code, *, when=None):
    """Check ``code`` against the newest code texted for this pledge; on a match mark
    the phone verified. Raises ``CodeRefused`` (with a message for the pledger)
    otherwise. A code verifies only the number it was sent to."""
    now = when or timezone.now()
    code = clean_code(code)
    latest = PhoneVerification.objects.filter(pledge=pledge).order_by("-created_at", "-pk").first()
    if (
        not pledge.phone
        or latest is None
        or latest.used_at is not None
        or not hmac.compare_digest(latest.phone_digest, phone_digest(pledge.phone))
    ):
        raise CodeRefused(NO_CODE)
    max_tries = get_setting("PHONE_CODE_MAX_TRIES")
    if latest.attempts >= max_tries:
        raise CodeRefused(VOID)
    if latest.expires_at <= now:
        raise CodeRefused(EXPIRED)
    # Count the try before comparing, atomically: parallel guesses cannot exceed the limit.
    counted = PhoneVerification.objects.filter(
        pk=latest.pk, used_at__isnull=True, attempts__lt=max_tries
    ).update(attempts=F("attempts") + 1)
    if not counted:
        raise CodeRefused(VOID)
    if not hmac.compare_digest(latest.code_digest, tokens.digest(CODE, code)):
        raise CodeRefused(WRONG if latest.attempts + 1 < max_tries else VOID)
    with transaction.atomic():
        used = PhoneVerification.objects.filter(pk=latest.pk, used_at__isnull=True).update(
            used_at=now
        )
        verified = used and Pledge.objects.filter(pk=pledge.pk, phone=pledge.phone).update(
            phone_verified_at=now
        )
    if not verified:
        raise CodeRefused(NO_CODE)
    pledge.phone_verified_at = now
    return True
