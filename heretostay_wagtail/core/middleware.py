"""Campaign pages that a shared cache or CDN can keep: sign-up forms without a CSRF cookie.

Django's CSRF protection ties a form to a per-visitor cookie, so every page carrying a
sign-up form was different for each visitor and nothing in front of the site could cache
it: the page a petition most needs cached on its viral day. ``CampaignFormMiddleware``
(place it before ``django.middleware.csrf.CsrfViewMiddleware``) lifts the token for one
kind of request only, a POST that Wagtail routes to a campaign page's sign-up route, and
the sign-up view refuses those a browser says come from another site (``is_cross_site``:
``Sec-Fetch-Site``, then ``Origin``). Every other POST, the admin's included, keeps
Django's CSRF check. The threat model is in docs/security.md.

Without the middleware the forms carry the token as before (and the pages set a cookie).

A sign-up POST to a page whose profile is cached (``core/signup_cache.py``) is answered
here, before Wagtail's routing, by ``core.views.quick_signup`` when the form is valid:
once this server knows the path as a sign-up route, before URL resolution and the
middleware placed after this one (place any middleware that must see every request
before it).
"""

from urllib.parse import urlsplit

from django.conf import settings
from wagtail.models import Page
from wagtail.views import serve as wagtail_serve

from heretostay_wagtail.core import signup_cache
from heretostay_wagtail.core.forms import HONEYPOT
from heretostay_wagtail.core.models import CampaignPage

#: Set on every request the middleware sees: templates leave the CSRF token out of
#: campaign sign-up forms when it is there.
TOKENLESS = "heretostay_tokenless_forms"
#: Set on a sign-up POST that found no cached profile: the view caches one.
REMEMBER = "_heretostay_remember_signup"
#: Set on a POST once the quick path was tried (so it is counted once against the rate).
QUICK_TRIED = "_heretostay_quick_tried"


def _signup_route(request, path):
    """The campaign page whose sign-up route ``path`` is, or None."""
    route = Page.route_for_request(request, path)  # cached on the request for serve()
    if route is None:
        return None
    page, args, _kwargs = route
    if not isinstance(page, CampaignPage):
        return None
    view = args[0] if args else None
    if getattr(view, "__name__", None) != "signup":
        return None
    return page


class CampaignFormMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        setattr(request, TOKENLESS, True)
        if request.method == "POST" and signup_cache.known_path(request):
            # A path this server has already seen Wagtail route to a sign-up: answered
            # before URL resolution and the middleware after this one (as a cache
            # middleware answers), which a valid sign-up needs neither of.
            response = self.quick(request)
            if response is not None:
                return response
        return self.get_response(request)

    def quick(self, request):
        """A sign-up POST answered from the page's cached profile (``quick_signup``), or
        None (not cached, another site's POST, field errors...): the full view answers.
        Tried once per request."""
        if getattr(request, QUICK_TRIED, False):
            return None
        setattr(request, QUICK_TRIED, True)
        if is_cross_site(request):  # another site's POST: the full view refuses it
            return None
        # A bot's POST (the honeypot) is not counted against the client's rate. The body
        # is read only for a path known to be a sign-up.
        page = signup_cache.page_for_path(request, count=lambda: not request.POST.get(HONEYPOT))
        if page is None:
            return None
        from heretostay_wagtail.core.views import quick_signup

        request._dont_enforce_csrf_checks = True  # the sign-up view checks instead
        return quick_signup(request, page)  # None: the full view answers

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or view_func is not wagtail_serve:
            return None
        response = self.quick(request)
        if response is not None:
            return response
        path = view_kwargs.get("path", view_args[0] if view_args else "")
        if _signup_route(request, path) is not None:
            # The sign-up view checks where the POST came from instead.
            request._dont_enforce_csrf_checks = True
            setattr(request, REMEMBER, True)
        return None


def _origin_of(request):
    scheme = "https" if request.is_secure() else "http"
    return f"{scheme}://{request.get_host()}"


def _trusted(origin):
    """An origin listed in ``CSRF_TRUSTED_ORIGINS`` (``https://*.example.org`` too)."""
    parts = urlsplit(origin)
    for trusted in getattr(settings, "CSRF_TRUSTED_ORIGINS", []):
        allowed = urlsplit(trusted)
        if allowed.scheme != parts.scheme:
            continue
        if allowed.netloc == parts.netloc:
            return True
        if allowed.netloc.startswith("*.") and parts.netloc.endswith(allowed.netloc[1:]):
            return True
    return False


def is_cross_site(request):
    """Whether the browser says this POST was sent by a page of another site.

    ``Sec-Fetch-Site`` (every current browser sends it) answers first: ``same-origin``
    or ``none`` (typed, bookmarked) pass. Otherwise the ``Origin`` header (browsers send
    it on every cross-origin POST) must be this site's own or one of
    ``CSRF_TRUSTED_ORIGINS``. A request with neither header is not from a browser page at
    all (curl, old browsers): the honeypot and the per-IP throttles handle those.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site", "").lower()
    if fetch_site in ("same-origin", "none"):
        return False
    origin = request.headers.get("Origin")
    if origin is None:
        return bool(fetch_site)  # "same-site"/"cross-site" with no Origin: refuse
    if origin == "null":
        return True
    origin = origin.rstrip("/")
    return origin != _origin_of(request) and not _trusted(origin)
