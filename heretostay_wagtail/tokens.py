"""Signed, expiring tokens for links we email (confirm a signature, manage a pledge).

Nothing is stored: the token is the record's public id signed with SECRET_KEY.
"""

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
