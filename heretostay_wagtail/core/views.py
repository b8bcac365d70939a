"""Shared request handling for supporter forms on campaign pages (sign, pledge).

Post/Redirect/Get with a plain HTML form, so it works without JavaScript; the same
thank-you page is shown for a new and a repeat email so nobody can test who signed.
"""

from django.http import HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from heretostay_wagtail.core import routes, signup_cache, throttling
from heretostay_wagtail.core.conf import get_setting
from heretostay_wagtail.core.middleware import REMEMBER, TOKENLESS, is_cross_site
from heretostay_wagtail.core.models import CampaignPage
from heretostay_wagtail.core.privacy import client_ip

THROTTLED = _("Too many attempts from your connection. Please wait a minute and try again.")
CROSS_SITE = _(
    "This form was sent from another website. To sign, open this page on our site and "
    "send the form from here."
)


def _directives(options):
    directives = {"max_age": int(options.get("max_age") or 0)}
    for name in ("s_maxage", "stale_while_revalidate", "stale_if_error"):
        if options.get(name):
            directives[name] = int(options[name])
    return directives


def cache_publicly(request, page, response):
    """Let a shared cache keep an anonymous visitor's view of a campaign page.

    Only when the page carries nothing per visitor: the sign-up form has no CSRF token
    (``core.middleware.CampaignFormMiddleware`` is installed), nobody is logged in (the
    Wagtail user bar), the page has no view restriction (a visitor who passed one must
    not be served to others), and ``PAGE_CACHE_CONTROL`` allows it (s_maxage > 0).
    """
    options = get_setting("PAGE_CACHE_CONTROL")
    user = getattr(request, "user", None)
    if (
        request.method not in ("GET", "HEAD")
        or response.status_code != 200
        or not getattr(request, TOKENLESS, False)
        or not options.get("s_maxage")
        or (user is not None and user.is_authenticated)
        or getattr(request, "is_preview", False)
        or page.get_view_restrictions().exists()
    ):
        patch_cache_control(response, private=True)
        return response
    patch_cache_control(response, public=True, **_directives(options))
    return response


signup_cache.connect()

#: Set on a request once its POST has been counted against the client's rate.
_RATE_SEEN = "_heretostay_within_rate"


def _within_rate(request, page):
    """Count this POST against the client's rate, once, even when the quick path
    (``quick_signup``) hands it on to the full view."""
    within = getattr(request, _RATE_SEEN, None)
    if within is None:
        within = throttling.hit(request, page.throttle_scope)
        setattr(request, _RATE_SEEN, within)
    return within


def quick_signup(request, page):
    """A sign-up POST answered from the page's cached profile (``core/signup_cache.py``),
    without Wagtail's routing: the same form, throttle and service as ``campaign_signup``.

    Answers only what needs no page rendered: a valid form (recorded, then the thank-you
    page) and the honeypot. Returns None for everything else (field errors, a client over
    its rate), which the full view then answers with the page. Another site's POST never
    gets here (``CampaignFormMiddleware`` checks first).
    """
    shared = signup_cache.memo(page)
    if "thanks" not in shared:
        shared["thanks"] = page.signup_url + page.reverse_subpage("thanks")
    thanks = HttpResponseRedirect(shared["thanks"])
    form = page.form_class.validating(page, request.POST)
    if form.is_bot:
        return thanks
    if not form.is_valid() or not _within_rate(request, page):
        return None
    page.record(form, client_ip(request))
    return thanks


@routes.page_view(CampaignPage, "signup")
def campaign_signup(request, page):
    """Render the page's form; on a valid POST record it through the feature's service."""
    form_class = page.form_class
    status = 200
    if request.method == "POST":
        if getattr(request, REMEMBER, False):
            signup_cache.remember_path(request, page)  # the next POSTs take the quick path
        form = form_class(page, request.POST)
        if is_cross_site(request):
            # Without a CSRF token (cacheable pages), this is what stops another site's
            # page from making its visitors' browsers sign (docs/security.md).
            form.is_valid()
            form.add_error(None, CROSS_SITE)
            status = 403
        elif form.is_bot:
            return HttpResponseRedirect(page.url + page.reverse_subpage("thanks"))
        elif not _within_rate(request, page):
            form.is_valid()  # keep what was typed and show field errors too
            form.add_error(None, THROTTLED)
            status = 429
        elif form.is_valid():
            page.record(form, client_ip(request))
            return HttpResponseRedirect(page.url + page.reverse_subpage("thanks"))
        else:
            status = 400
    else:
        form = form_class(page)
    context = page.get_context(request)
    context["form"] = form
    response = TemplateResponse(request, page.get_template(request), context, status=status)
    return cache_publicly(request, page, response)


@routes.page_view(CampaignPage, "thanks")
def campaign_thanks(request, page):
    """The same thank-you page for everyone (a new or a repeat email): cacheable."""
    response = TemplateResponse(request, page.thanks_template, page.get_context(request))
    return cache_publicly(request, page, response)


def count_cache_control():
    """The count endpoint's ``Cache-Control`` directives, from ``COUNT_CACHE_CONTROL``.

    The count cannot change faster than ``PUBLIC_COUNT_INTERVAL`` (it is refreshed in
    batches), so by default that is its max-age: a cache in front of the site answers
    everyone in between, like the UK Parliament petitions site's ``count.json``.
    """
    options = dict(get_setting("COUNT_CACHE_CONTROL"))
    if options.get("max_age") is None:
        options["max_age"] = max(5, get_setting("PUBLIC_COUNT_INTERVAL") or 0)
    return {"public": True, **_directives(options)}


@routes.page_view(CampaignPage, "count")
@require_safe
def campaign_count(request, page):
    progress = page.progress()
    response = JsonResponse(
        {
            "count": progress["count"],
            "goal": progress["goal"],
            "target": progress["target"],
            "percent": progress["percent"],
            "goal_reached": progress["goal_reached"],
        }
    )
    patch_cache_control(response, **count_cache_control())
    response["Access-Control-Allow-Origin"] = "*"
    return response
