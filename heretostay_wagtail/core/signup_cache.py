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

Only when Wagtail's own serve hooks are registered: a host's ``before_serve_page`` or
``on_serve_page`` hook might refuse a request, and the quick path does not run them.
"""

import hashlib
import uuid

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from wagtail import hooks
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Locale, Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

VERSION_KEY = "heretostay:signup:version"
TIMEOUT = 10 * 60

#: Attribute a full request sets to the version it read, so the profile it stores is
#: made with the version current before the page was loaded.
_VERSION_SEEN = "_heretostay_signup_version"
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


def _read(request, key):
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    setattr(request, _VERSION_SEEN, version)
    profile = found.get(key)
    if version is None or profile is None or profile.get("version") != version:
        return None
    return profile


def _remember(request, key, page, url):
    if not _hooks_are_wagtails():
        return
    version = getattr(request, _VERSION_SEEN, None)
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
        "model": page._meta.label_lower,
        "fields": fields,
        "language": page.locale.language_code,
        "url": url,
    }
    cache.set(key, profile, timeout=TIMEOUT)


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
    page.save = _refuse_save  # before Wagtail's full_clean; pre_save refuses save_base too
    return page


def page_for_path(request):
    """The campaign page whose sign-up route this request's path is, rebuilt from its
    cached profile, or None (not cached, stale, or not a sign-up route)."""
    profile = _read(request, path_key(request))
    return _rebuild(profile) if profile else None


def remember_path(request, page):
    """After a full request routed ``request`` to ``page``'s sign-up: cache its profile,
    when the page is live and has no view restriction."""
    if page.live and not getattr(request, "is_preview", False):
        if not page.get_view_restrictions().exists():
            _remember(request, path_key(request), page, page.url)


def page_by_id(request, pk):
    """A campaign page by id, rebuilt from its cached profile, or None."""
    profile = _read(request, page_key(pk))
    return _rebuild(profile) if profile else None


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
    post_delete.connect(_stale_on_change, dispatch_uid=f"{uid}_delete")
    pre_save.connect(_never_saved, dispatch_uid=f"{uid}_never_saved")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(_stale, dispatch_uid=f"{uid}_{id(signal)}")
