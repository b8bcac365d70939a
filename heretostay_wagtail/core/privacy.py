"""Personal-data helpers: the only place an IP address is touched.

IP addresses are never stored. They are reduced to a keyed hash so abuse from one
address can be spotted without keeping the address itself (as Pytition does).
"""

import hashlib
import hmac

from django.conf import settings

from heretostay_wagtail.core.conf import get_setting


def client_ip(request):
    """The client's address, honouring ``NUM_PROXIES`` trusted reverse proxies."""
    num_proxies = get_setting("NUM_PROXIES")
    if num_proxies:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= num_proxies:
            return hops[-num_proxies]
    return request.META.get("REMOTE_ADDR", "")


def hash_ip(ip):
    """A salted, keyed hash of an IP address, or "" when there is none."""
    if not ip:
        return ""
    salt = get_setting("IP_HASH_SALT") or settings.SECRET_KEY
    return hmac.new(f"heretostay.ip:{salt}".encode(), ip.encode(), hashlib.sha256).hexdigest()


def normalize_email(email):
    """Case-insensitive identity of an email address, used for dedupe."""
    return (email or "").strip().lower()
