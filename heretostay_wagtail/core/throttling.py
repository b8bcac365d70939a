"""Per-IP rate limits kept in Django's cache, so every app server shares them.

When the cache cannot be reached (Redis down), limits fail open: the request goes on and
a warning is logged. Losing a signature or a pledge is worse than a few minutes without
rate limits; the honeypot, the dedupe and the double opt-in still hold.
"""

import logging
import time

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from heretostay_wagtail.core.conf import get_setting
from heretostay_wagtail.core.privacy import client_ip, hash_ip

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

logger = logging.getLogger(__name__)


def parse_rate(rate):
    """``"10/m"`` -> ``(10, 60)``. ``None`` means no limit."""
    if not rate:
        return None
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period.strip()[0].lower()]


def _bucket_key(scope, ip, window, now):
    return f"heretostay:throttle:{scope}:{hash_ip(ip)}:{int(now // window)}"


#: Set on a request by ``hit_and_get``: {(scope, ident): within its rate}, each used
#: once by ``hit``.
_PRECOUNTED = "_heretostay_precounted"


def django_request(request):
    """The Django request itself, also when given DRF's ``Request``, which wraps it."""
    return getattr(request, "_request", request)


def hit(request, scope, ident=None):
    """Count one request in ``scope``; return True while the client is within its rate.

    Clients are told apart by IP unless ``ident`` is given (the API counts staff per
    user). Fixed windows keep this to one atomic cache increment per request. A count
    already made for this request by ``hit_and_get`` is used instead (once).
    """
    precounted = getattr(django_request(request), _PRECOUNTED, None)
    if precounted and (scope, ident) in precounted:
        return precounted.pop((scope, ident))
    parsed = parse_rate(get_setting("THROTTLE_RATES").get(scope))
    if parsed is None:
        return True
    limit, window = parsed
    key = _bucket_key(scope, ident or client_ip(request), window, time.time())
    try:
        return _count(caches[get_setting("THROTTLE_CACHE")], key, window) <= limit
    except Exception:  # noqa: BLE001 - any cache backend's connection error
        logger.warning("Rate limit %r not applied: the cache is unreachable.", scope, exc_info=True)
        return True


def _count(cache, key, window):
    if isinstance(cache, RedisCache):
        return _count_redis(cache, key, window)
    if cache.add(key, 1, timeout=window + 1):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=window + 1)
        return 1


def _count_redis(cache, key, window):
    """The same count on Django's Redis cache in one round trip instead of three
    (``add``, then ``incr``'s existence check and increment): ``SET NX EX`` and ``INCR``
    pipelined. Django stores integers as plain Redis integers, so ``cache.get(key)``
    reads the count as before."""
    full_key = cache.make_key(key)
    client = cache._cache.get_client(full_key, write=True)
    return int(_round_trip(client, _count_commands(full_key, window))[1])


def _count_commands(full_key, window):
    """One fixed-window count: two commands, the second's reply is the count."""
    return [("SET", full_key, 0, "EX", window + 1, "NX"), ("INCRBY", full_key, 1)]


def _round_trip(client, commands):
    """Send ``commands`` (each a tuple of Redis arguments) in one write and read their
    replies: a pipeline without a transaction, as redis-py's ``Pipeline`` sends it.

    redis-py's ``Pipeline`` object costs more than the round trip it makes (its command
    stack, retries, response callbacks and observability took about half of the
    throttle's time in issue 15's profile), and these commands need none of it: their
    replies are used as Redis sends them. A connection that fails midway is closed, so
    the next request never reads this one's replies.
    """
    pool = client.connection_pool
    try:
        connection = pool.get_connection()
    except TypeError:  # redis-py before 5.3 asks for a command name (since ignored)
        connection = pool.get_connection(commands[0][0])
    try:
        connection.send_packed_command(connection.pack_commands(commands))
        return [connection.read_response() for _command in commands]
    except BaseException:
        connection.disconnect()
        raise
    finally:
        pool.release(connection)


def hit_and_get(request, scopes, keys, ident=None):
    """Read ``keys`` from the default cache and count this request in each of
    ``scopes``, in one round trip when both live in the same Redis (the usual set-up).

    Returns the values found (a dict, as ``cache.get_many``). The counts are kept on the
    request, and ``hit(request, scope, ident)`` then answers from them without counting
    again. Elsewhere (another cache backend, or throttles in another cache) it is
    ``cache.get_many`` and ``hit`` counts as usual. When Redis cannot be reached the
    values are missing and the limits fail open, as ``hit`` does.
    """
    from django.core.cache import cache

    throttles = caches[get_setting("THROTTLE_CACHE")]
    if not isinstance(throttles, RedisCache) or throttles is not caches["default"]:
        return cache.get_many(keys)
    rates = get_setting("THROTTLE_RATES")
    counted = [(scope, parse_rate(rates.get(scope))) for scope in scopes]
    counted = [(scope, parsed) for scope, parsed in counted if parsed is not None]
    now = time.time()
    who = ident or client_ip(request)
    commands = [("MGET", *(throttles.make_key(key) for key in keys))]
    for scope, (_limit, window) in counted:
        commands += _count_commands(
            throttles.make_key(_bucket_key(scope, who, window, now)), window
        )
    try:
        results = _round_trip(throttles._cache.get_client(write=True), commands)
    except Exception:  # noqa: BLE001 - any connection error of the Redis client
        logger.warning(
            "Rate limits %r not applied: the cache is unreachable.", scopes, exc_info=True
        )
        _keep(request, {(scope, ident): True for scope in scopes})
        return {}
    loads = throttles._cache._serializer.loads
    found = {
        key: loads(value) for key, value in zip(keys, results[0], strict=True) if value is not None
    }
    precounted = {
        (scope, ident): int(count) <= limit
        for (scope, (limit, _window)), count in zip(counted, results[2::2], strict=True)
    }
    _keep(request, precounted)
    return found


def within_counted(request, scopes, ident=None):
    """``hit`` for each of ``scopes`` (with the counts ``hit_and_get`` made, if any):
    whether the request is within all their rates. If not, the answers are kept on the
    request, so that the view's own throttle checks give the same answers without
    counting the request again."""
    answers = {(scope, ident): hit(request, scope, ident) for scope in scopes}
    if all(answers.values()):
        return True
    _keep(request, answers)
    return False


def _keep(request, precounted):
    request = django_request(request)
    kept = getattr(request, _PRECOUNTED, None)
    if kept is None:
        setattr(request, _PRECOUNTED, precounted)
    else:
        kept.update(precounted)


def retry_after(scope):
    parsed = parse_rate(get_setting("THROTTLE_RATES").get(scope))
    return parsed[1] if parsed else 0
