"""Signed, expiring tokens for links we email (confirm a signature, manage a pledge).

Nothing is stored: the token is the record's public id signed with SECRET_KEY. The
signed value is base64url-encoded because Wagtail serves page routes only for path
segments of ``[\\w-]`` characters, and a signer's ``:`` separators would make the link 404.
"""

import binascii

from django.core import signing
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from heretostay_wagtail.core.conf import get_setting


def make(purpose, public_id):
    signed = signing.TimestampSigner(salt=f"heretostay.{purpose}").sign(str(public_id))
    return urlsafe_base64_encode(signed.encode())


def read(purpose, token, max_age=None):
    """The public id inside ``token``, or None if it is forged, mangled or expired."""
    max_age = max_age if max_age is not None else get_setting("CONFIRMATION_MAX_AGE")
    try:
        signed = urlsafe_base64_decode(token).decode()
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    try:
        return signing.TimestampSigner(salt=f"heretostay.{purpose}").unsign(signed, max_age=max_age)
    except signing.BadSignature:
        return None


def digest(purpose, value):
    """A keyed SHA-256 digest of ``value`` (hex): stored where only equality matters
    (a phone verification code, the number it was sent to), so the database holds
    neither the code nor the number."""
    from django.utils.crypto import salted_hmac

    return salted_hmac(f"heretostay.{purpose}", str(value), algorithm="sha256").hexdigest()
