"""Signed, expiring tokens for links we email (confirm a signature, manage a pledge).

Nothing is stored: the token is the record's public id signed with SECRET_KEY.
"""

import base64

from django.core import signing

from .conf import get_setting


def make(purpose, public_id):
    return signing.TimestampSigner(salt=f"heretostay.{purpose}").sign(str(public_id))


def read(purpose, token, max_age=None):
    """The public id inside ``token``, or None if it is forged, mangled or expired."""
    max_age = max_age if max_age is not None else get_setting("CONFIRMATION_MAX_AGE")
    try:
        return signing.TimestampSigner(salt=f"heretostay.{purpose}").unsign(token, max_age=max_age)
    except signing.BadSignature:
        return None


def make_for_path(purpose, public_id):
    """A token safe inside a Wagtail page route (Wagtail serves only ``[\\w-]`` segments,
    and signed values contain ``:``): the signed value, base64url-encoded."""
    raw = make(purpose, public_id).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def read_from_path(purpose, token, max_age=None):
    """The public id inside a :func:`make_for_path` token, or None."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    return read(purpose, raw, max_age=max_age)
