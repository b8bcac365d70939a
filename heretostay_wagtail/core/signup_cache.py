"""A campaign page as its sign-up needs it, kept in Django's cache (issue 15).

Signing needs little of a page: its campaign key, which fields it asks, whether it is
open, its language and its URL. Yet a sign-up POST used to cost Wagtail's whole routing
(the site, the page route, the specific page, its view restrictions: seven queries) and
the API loaded the full petition detail. Both now read a *profile* of the page from the
cache: the page's own column values (less its rich text and StreamFields, which signing
never reads), rebuilt into an unsaved-looking instance of its class with its primary key,
so the form (``SignatureForm``, ``PledgeForm``) and the service (``petitions/services.py``,
``pledges/services.py``) run unchanged on it. Everything else (the page with field errors,
a throttled or cross-site POST) is answered by the full view, as before.

A profile is made by a full request that found the page live and without a view
restriction, and is valid only while ``VERSION_KEY`` holds the version it was made with.
The version is replaced (never incremented: an evicted key cannot bring old profiles
back) whenever a page, a view restriction or a site is saved or deleted, or a page
moved (``core/signals.py``), and again once that transaction commits. Profiles also
expire after ``TIMEOUT`` seconds.

Each app server keeps the profiles it has read in memory (``_LOCAL``), as a memo of the
shared cache and never instead of it: every use reads ``VERSION_KEY`` from the shared
cache, in the same Redis round trip that counts the request against its throttles
(``throttling.hit_and_get``), and a memo made with another version is dropped. So a
change made through any server is seen by all of them at the next request, and a
steady sign-up costs one round trip to Redis and one SQL statement.

Only when Wagtail's own serve hooks are registered: a host's ``before_serve_page`` or
``on_serve_page`` hook might refuse a request, and the quick path does not run them.
"""

import copy
import hashlib
import time
import uuid

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from wagtail import hooks
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Locale, Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from heretostay_wagtail.core import throttling

VERSION_KEY = "heretostay:signup:version"
TIMEOUT = 10 * 60

#: Attribute a full request sets to the version it read, so the profile it stores is
#: made with the version current before the page was loaded.
_VERSION_SEEN = "_heretostay_signup_version"
#: The request's ``path_key``, once worked out.
_PATH_KEY = "_heretostay_signup_path_key"
#: Pages a request has already read by id (``page_by_id``): {pk: page}.
_BY_ID = "_heretostay_signup_by_id"
#: This process's memo of the profiles it has read or made: {cache key: profile}.
_LOCAL = {}
#: Profiles kept in ``_LOCAL`` at most (it is emptied when full).
LOCAL_MAX = 512
#: A page rebuilt from a profile: see ``memo``.
_MEMO = "_heretostay_profile_memo"
#: Marks a page rebuilt from a profile: it lacks its rich text and StreamFields, so saving
#: it would wipe them; ``_never_saved`` refuses.
_REBUILT = "_heretostay_signup_profile"


def bump():
    """Make every cached profile stale (now, and again after the current transaction
    commits, so a request that loaded the old page in between cannot keep it)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    transaction.on_commit(lambda: cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None))


def _hooks_are_wagtails():
    return all(
        getattr(hook, "__module__", "").startswith("wagtail.")
        for name in ("before_serve_page", "on_serve_page")
        for hook in hooks.get_hooks(name)
    )


def path_key(request):
    raw = f"{request.get_host()}\n{request.path}".encode("utf-8", "surrogateescape")
    return "heretostay:signup:path:" + hashlib.sha256(raw).hexdigest()


def page_key(pk):
    return f"heretostay:signup:page:{pk}"


def _fresh(profile):
    return profile.get("made", 0) + TIMEOUT > time.time()


def _keep_local(key, profile):
    """Keep ``profile`` in this process, with its page rebuilt once: each request then
    gets a copy (``copy.copy``, about a sixth of the cost of building the page anew)."""
    if len(_LOCAL) >= LOCAL_MAX:
        _LOCAL.clear()
    entry = _LOCAL[key] = {"profile": profile, "page": _rebuild(profile)}
    return entry


def _read(request, key, *, scopes=(), ident=None, count_page=False):
    """This process's entry (``_keep_local``) for the profile cached under ``key`` if
    that profile is current, else None.

    The same Redis round trip counts the request in ``scopes`` and, with ``count_page``,
    in the page's own throttle scope (when this process already knows the page)."""
    request = throttling.django_request(request)
    entry = _LOCAL.get(key)
    local = entry["profile"] if entry is not None else None
    if local is not None and not _fresh(local):
        local = None
    scopes = list(scopes)
    if local is not None and local["scope"] and local["scope"] not in scopes:
        if count_page() if callable(count_page) else count_page:
            scopes.append(local["scope"])
    wanted = [VERSION_KEY] if local is not None else [VERSION_KEY, key]
    found = throttling.hit_and_get(request, scopes, wanted, ident=ident)
    version = found.get(VERSION_KEY)
    setattr(request, _VERSION_SEEN, version)
    if version is None:
        return None
    if local is not None:
        if local["version"] == version:
            return entry
        _LOCAL.pop(key, None)  # stale here: the shared cache may have a newer one
        profile = cache.get(key)
    else:
        profile = found.get(key)
    if profile is None or profile.get("version") != version or not _fresh(profile):
        return None
    return _keep_local(key, profile)


def _remember(request, key, page, url):
    if not _hooks_are_wagtails():
        return
    version = getattr(throttling.django_request(request), _VERSION_SEEN, None)
    if version is None:
        # First use, or the key was evicted. A version made now, after the page was
        # loaded, is safe to use only if no change made one in between.
        version = uuid.uuid4().hex
        if not cache.add(VERSION_KEY, version, timeout=None):
            return
    fields = {
        field.attname: getattr(page, field.attname)
        for field in page._meta.concrete_fields
        if not isinstance(field, (RichTextField, StreamField))
    }
    profile = {
        "version": version,
        "made": time.time(),
        "model": page._meta.label_lower,
        "fields": fields,
        "language": page.locale.language_code,
        "url": url,
        "scope": page.throttle_scope,
    }
    cache.set(key, profile, timeout=TIMEOUT)
    _keep_local(key, profile)


def _rebuild(profile):
    model = apps.get_model(profile["model"])
    page = model(**profile["fields"])
    page._state.adding = False
    page._state.db = "default"
    # The locale is read for the record's language when no language is active.
    page._state.fields_cache["locale"] = Locale(
        id=profile["fields"]["locale_id"], language_code=profile["language"]
    )
    page.signup_url = profile["url"]
    setattr(page, _REBUILT, True)
    setattr(page, _MEMO, {})  # shared by this page's copies, dropped with the profile
    page.save = _refuse_save  # before Wagtail's full_clean; pre_save refuses save_base too
    return page


def memo(page):
    """A dict shared by the requests that use the same profile, for what they would
    otherwise each work out anew from the page (``SupporterForm.validating``'s fields,
    the thank-you URL); None for a page not rebuilt from a profile. Whatever is kept
    there is dropped with the profile, when the page or its site changes."""
    return getattr(page, _MEMO, None)


def _page(entry):
    """A copy of the entry's rebuilt page, for one request."""
    return copy.copy(entry["page"]) if entry is not None else None


def known_path(request):
    """Whether this server holds a profile for the request's path: a path it has seen
    Wagtail route to a campaign page's sign-up (whether it is still current, ``_read``
    asks the shared cache)."""
    return _path_key(request) in _LOCAL


def _path_key(request):
    """``path_key``, worked out once per request."""
    key = getattr(request, _PATH_KEY, None)
    if key is None:
        key = path_key(request)
        setattr(request, _PATH_KEY, key)
    return key


def page_for_path(request, *, count=True):
    """The campaign page whose sign-up route this request's path is, rebuilt from its
    cached profile, or None (not cached, stale, or not a sign-up route). With ``count``
    (a bool, or a callable asked only once the path is known as a sign-up), the request
    is counted in the page's throttle scope in the same round trip (once this server
    knows the page), and ``throttling.hit`` uses that count."""
    return _page(_read(request, _path_key(request), count_page=count))


def remember_path(request, page):
    """After a full request routed ``request`` to ``page``'s sign-up: cache its profile,
    when the page is live and has no view restriction."""
    if page.live and not getattr(request, "is_preview", False):
        if not page.get_view_restrictions().exists():
            _remember(request, _path_key(request), page, page.url)


def page_by_id(request, pk, *, scopes=(), ident=None):
    """A campaign page by id, rebuilt from its cached profile, or None. The request is
    counted in ``scopes`` in the same round trip; a second call for the same request
    answers from the first."""
    request = throttling.django_request(request)
    seen = getattr(request, _BY_ID, None)
    if seen is None:
        seen = {}
        setattr(request, _BY_ID, seen)
    if pk not in seen:
        seen[pk] = _page(_read(request, page_key(pk), scopes=scopes, ident=ident))
    return seen[pk]


def remember_id(request, page):
    """Cache ``page``'s profile by id; the caller checked it is live and public."""
    _remember(request, page_key(page.pk), page, page.url)


def _stale_on_change(sender, instance=None, **kwargs):
    if isinstance(instance, (Page, PageViewRestriction, Site)):
        bump()


def _stale(sender, **kwargs):
    bump()


def _refuse_save(*args, **kwargs):
    raise RuntimeError(
        "This page was rebuilt from its cached signing profile (core/signup_cache.py) "
        "without its rich text and StreamFields: it must never be saved. Load the page "
        "from the database to change it."
    )


def _never_saved(sender, instance=None, **kwargs):
    if getattr(instance, _REBUILT, False):
        _refuse_save()


def connect():
    """Connect the receivers that make profiles stale (called once, from ``core/views.py``,
    which ``HeretostayConfig.ready`` imports)."""
    uid = "heretostay_signup_cache"
    post_save.connect(_stale_on_change, dispatch_uid=f"{uid}_save")
    # Deletions by sender: a receiver for every model would cost each of them Django's
    # fast delete (rows deleted without being loaded). Deleting a page of any type
    # deletes its ``Page`` row too, which sends this signal for ``Page``.
    for model in (Page, PageViewRestriction, Site):
        post_delete.connect(
            _stale_on_change, sender=model, dispatch_uid=f"{uid}_delete_{model._meta.label}"
        )
    pre_save.connect(_never_saved, dispatch_uid=f"{uid}_never_saved")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(_stale, dispatch_uid=f"{uid}_{id(signal)}")
