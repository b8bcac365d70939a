"""Personal-data helpers: the only place an IP address is touched, how emails and phones
are masked for those who may not see them, and the audit entry of every view of
personal data.

IP addresses are never stored. They are reduced to a keyed hash so abuse from one
address can be spotted without keeping the address itself (as Pytition does).

Emails and phones ("contacts") are shown only to users with the model's contact
permission (``heretostay.view_signature_contact``, ``heretostay.view_pledge_contact``);
everyone else sees them masked, in a form that cannot be used to reach the person or to
tell who they are: an email keeps its first character, the first character of its domain
and a generic top-level domain (``a•••@e•••.org``; a country's two-letter domain, which
could hint at where someone comes from, is masked too), a phone its last two digits
(``•••42``; never the country code, for the same reason).
"""

import hashlib
import hmac
import re

from django.conf import settings

from heretostay_wagtail.core.conf import get_setting

MASK = "•••"


def client_ip(request):
    """The client's address, honouring ``NUM_PROXIES`` trusted reverse proxies."""
    num_proxies = get_setting("NUM_PROXIES")
    if num_proxies:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= num_proxies:
            return hops[-num_proxies]
    return request.META.get("REMOTE_ADDR", "")


#: The last address hashed, with its key and hash: one request hashes its address up to
#: three times (its throttles' buckets, the record), and HMAC's keying is most of the cost.
#: Only in this process's memory, and replaced by the next address.
_LAST = (None, None, "")


def hash_ip(ip):
    """A salted, keyed hash of an IP address, or "" when there is none."""
    global _LAST
    if not ip:
        return ""
    key = f"heretostay.ip:{get_setting('IP_HASH_SALT') or settings.SECRET_KEY}"
    last_ip, last_key, hashed = _LAST
    if ip != last_ip or key != last_key:
        hashed = hmac.new(key.encode(), ip.encode(), hashlib.sha256).hexdigest()
        _LAST = (ip, key, hashed)
    return hashed


def normalize_email(email):
    """Case-insensitive identity of an email address, used for dedupe."""
    return (email or "").strip().lower()


# -- contacts: who may see them, and how everyone else sees them ---------------------------


def contact_permission(model):
    """The permission to see ``model``'s emails and phones: ``<app>.view_<model>_contact``
    (declared in the model's ``Meta.permissions``)."""
    return f"{model._meta.app_label}.view_{model._meta.model_name}_contact"


def can_see_contacts(user, model):
    """Whether ``user`` may see the emails and phones of ``model``'s records."""
    return bool(user and user.has_perm(contact_permission(model)))


def _generic_tld(label):
    # Country-code domains are exactly two letters (internationalized ones start with
    # "xn--"): both are masked, since they can hint at a country of origin.
    return len(label) > 2 and label.isascii() and label.isalpha()


def mask_email(email):
    """``ana.ruiz@example.org`` as ``a•••@e•••.org``: not an address anyone can write to,
    nor one that tells people apart beyond a letter. "" stays ""."""
    email = str(email or "").strip()
    if not email:
        return ""
    local, at, domain = email.rpartition("@")
    if not at or not local or not domain:
        return MASK
    labels = domain.split(".")
    masked = f"{local[0]}{MASK}@{domain[0]}{MASK}"
    if len(labels) > 1:
        masked += "." + (labels[-1].lower() if _generic_tld(labels[-1]) else MASK)
    return masked


def mask_phone(phone):
    """A phone number (text or ``PhoneNumber``) as its last two digits, ``•••42``; no
    country code, no length. "" stays ""."""
    digits = re.sub(r"\D", "", str(phone or ""))
    if not digits:
        return ""
    return MASK + digits[-2:] if len(digits) >= 4 else MASK


EMAIL_IN_TEXT = re.compile(r"[^\s@<>()\[\]{},;:'\"]+@[^\s@<>()\[\]{},;:'\"]+")
PHONE_IN_TEXT = re.compile(r"\+?\d[\d ().-]{5,}\d")


def redact_contacts(text):
    """``text`` (a provider's error message, say) with every email address and phone-like
    number in it masked."""
    text = EMAIL_IN_TEXT.sub(lambda m: mask_email(m.group()), str(text or ""))

    def phone(match):
        found = match.group()
        return mask_phone(found) if len(re.sub(r"\D", "", found)) >= 7 else found

    return PHONE_IN_TEXT.sub(phone, text)
