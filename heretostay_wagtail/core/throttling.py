"""Per-IP rate limits kept in Django's cache, so every app server shares them."""

import time

from django.core.cache import caches

from heretostay_wagtail.core.conf import get_setting
from heretostay_wagtail.core.privacy import client_ip, hash_ip

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate):
    """``"10/m"`` -> ``(10, 60)``. ``None`` means no limit."""
    if not rate:
        return None
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period.strip()[0].lower()]


def _bucket_key(scope, ip, window, now):
    return f"heretostay:throttle:{scope}:{hash_ip(ip)}:{int(now // window)}"


def hit(request, scope, ident=None):
    """Count one request in ``scope``; return True while the client is within its rate.

    Clients are told apart by IP unless ``ident`` is given (the API counts staff per
    user). Fixed windows keep this to one atomic cache increment per request.
    """
    parsed = parse_rate(get_setting("THROTTLE_RATES").get(scope))
    if parsed is None:
        return True
    limit, window = parsed
    cache = caches[get_setting("THROTTLE_CACHE")]
    key = _bucket_key(scope, ident or client_ip(request), window, time.time())
    if cache.add(key, 1, timeout=window + 1):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=window + 1)
        return True
    return count <= limit


def retry_after(scope):
    parsed = parse_rate(get_setting("THROTTLE_RATES").get(scope))
    return parsed[1] if parsed else 0
