"""The public side of grassroots campaigns: the index's list, starting a campaign step by
step, the "submitted" and share pages of its starter, and reporting a campaign.

Every view here is for one visitor (a draft in their session, a form with a CSRF token,
their own campaign): ``never_cache``. The campaign pages themselves stay cacheable: the
petition page only links here. Each view speaks the language of the page it is about
(the index's or the petition's), whatever the address's prefix.
"""

import functools
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from heretostay_wagtail.core import rights, routes, sharing, throttling
from heretostay_wagtail.core.privacy import client_ip
from heretostay_wagtail.core.views import THROTTLED
from heretostay_wagtail.grassroots import listing, services
from heretostay_wagtail.grassroots.forms import STEP_NAMES, STEPS, ReportForm, ReviewForm, step_form
from heretostay_wagtail.grassroots.models import CampaignIndexPage
from heretostay_wagtail.petitions.models import PetitionPage

TEMPLATES = "heretostay/grassroots/"


@routes.page_view(CampaignIndexPage, "listing_context")
def index_listing(request, index):
    context = listing.listing_context(request, index)
    if index.allow_starting:
        context["start_url"] = reverse("heretostay:heretostay_grassroots_start", args=[index.pk])
    return context


def _in_language_of(get_page):
    """Run the view in the language of the page it is about (404 when there is none)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, pk, *args, **kwargs):
            page = get_page(request, pk)
            if page is None:
                raise Http404
            with translation.override(page.locale.language_code):
                response = view(request, page, *args, **kwargs)
                if hasattr(response, "render") and not response.is_rendered:
                    response.render()
            return response

        return never_cache(wrapper)

    return decorator


def _open_index(request, pk):
    return CampaignIndexPage.objects.live().public().filter(pk=pk, allow_starting=True).first()


def _petition(request, pk):
    return PetitionPage.objects.filter(pk=pk).select_related("locale").first()


def _live_petition(request, pk):
    return PetitionPage.objects.live().public().filter(pk=pk).select_related("locale").first()


def _start_url(index, step=None):
    if step is None:
        return reverse("heretostay:heretostay_grassroots_start", args=[index.pk])
    return reverse("heretostay:heretostay_grassroots_start_step", args=[index.pk, step])


def _review_url(index):
    return reverse("heretostay:heretostay_grassroots_review", args=[index.pk])


def _account_url(name, next_url):
    try:
        url = reverse(name)
    except NoReverseMatch:
        if name != "account_login":
            return None
        url = resolve_url(settings.LOGIN_URL)
    return f"{url}?{urlencode({'next': next_url})}"


def _step_context(index, current):
    number = STEP_NAMES.index(current) + 1 if current in STEP_NAMES else len(STEPS) + 1
    return {
        "index": index,
        "page": index,
        "step_number": number,
        "step_total": len(STEPS) + 1,  # the steps, then the review
        "previous_url": _start_url(index, STEP_NAMES[number - 2])
        if 1 < number <= len(STEPS) + 1
        else index.url,
    }


@_in_language_of(_open_index)
@require_http_methods(["GET", "HEAD"])
def start(request, index):
    """Where "Start a campaign" leads: the first step the draft still needs."""
    draft = services.Draft(request, index)
    missing = draft.first_missing_step()
    if missing is None and draft.data:
        return HttpResponseRedirect(_review_url(index))
    return HttpResponseRedirect(_start_url(index, missing or STEP_NAMES[0]))


@_in_language_of(_open_index)
@require_http_methods(["GET", "HEAD", "POST"])
def start_step(request, index, step):
    form_class = step_form(step)
    if form_class is None:
        raise Http404
    draft = services.Draft(request, index)
    status = 200
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            draft.update({key: form.cleaned_data.get(key) or "" for key in form_class.keys()})
            position = STEP_NAMES.index(step)
            if request.POST.get("to_review") and draft.first_missing_step() is None:
                return HttpResponseRedirect(_review_url(index))
            if position + 1 < len(STEP_NAMES):
                return HttpResponseRedirect(_start_url(index, STEP_NAMES[position + 1]))
            missing = draft.first_missing_step()
            if missing:
                return HttpResponseRedirect(_start_url(index, missing))
            return HttpResponseRedirect(_review_url(index))
        status = 400
    else:
        data = draft.data
        form = form_class(initial={key: data[key] for key in form_class.keys() if key in data})
    context = _step_context(index, step)
    context.update(
        {
            "form": form,
            "step": form_class,
            "editing": draft.first_missing_step() is None,
            "action": _start_url(index, step),
        }
    )
    return TemplateResponse(request, TEMPLATES + "start_step.html", context, status=status)


@_in_language_of(_open_index)
@require_http_methods(["GET", "HEAD", "POST"])
def review(request, index):
    """The review pane: the petition as it will look, a picture, and submit."""
    draft = services.Draft(request, index)
    missing = draft.first_missing_step()
    if missing is not None:
        return HttpResponseRedirect(_start_url(index, missing))
    if not request.user.is_authenticated:
        return HttpResponseRedirect(
            reverse("heretostay:heretostay_grassroots_account", args=[index.pk])
        )
    status = 200
    if request.method == "POST":
        form = ReviewForm(request.POST, request.FILES)
        if not throttling.hit(request, "start_campaign", ident=f"user:{request.user.pk}"):
            form.is_valid()
            form.add_error(None, THROTTLED)
            status = 429
        elif form.is_valid():
            page = services.start(
                index,
                draft.data,
                request.user,
                picture=form.cleaned_data.get("picture"),
                picture_description=form.cleaned_data.get("picture_description") or "",
            )
            draft.clear()
            return HttpResponseRedirect(
                reverse("heretostay:heretostay_grassroots_started", args=[page.pk])
            )
        else:
            status = 400
    else:
        form = ReviewForm()
    context = _step_context(index, "review")
    context.update(
        {
            "form": form,
            "preview": services.build_page(index, draft.data),
            "draft": draft.data,
            "steps": STEPS,
            "edit_urls": {name: _start_url(index, name) for name in STEP_NAMES},
            "live_unlisted": index.live_unlisted,
        }
    )
    return TemplateResponse(request, TEMPLATES + "start_review.html", context, status=status)


@_in_language_of(_open_index)
@require_http_methods(["GET", "HEAD"])
def account(request, index):
    """Between the steps and the review: create an account or log in (the draft stays
    in the session, and both come back to the review)."""
    if request.user.is_authenticated:
        return HttpResponseRedirect(_review_url(index))
    if services.Draft(request, index).first_missing_step() is not None:
        return HttpResponseRedirect(_start_url(index))
    next_url = _review_url(index)
    context = _step_context(index, "review")
    context.update(
        {
            "signup_url": _account_url("account_signup", next_url),
            "login_url": _account_url("account_login", next_url),
        }
    )
    return TemplateResponse(request, TEMPLATES + "start_account.html", context)


def _campaign_for_admin(request, page):
    if not request.user.is_authenticated or not rights.can_manage_campaign(request.user, page):
        raise Http404  # not a 403: whether a draft campaign exists is not for others to learn
    return page


def _my_campaigns_url():
    try:
        return reverse("heretostay:heretostay_mycampaigns_index")
    except NoReverseMatch:
        return None


@_in_language_of(_petition)
@require_http_methods(["GET", "HEAD"])
def started(request, page):
    """What the starter sees after submitting: pending review, or live (unlisted)."""
    _campaign_for_admin(request, page)
    context = {
        "petition": page,
        "pending": not page.live,
        "awaiting_review": page.live and page.awaiting_review,
        "share_url": reverse("heretostay:heretostay_grassroots_share", args=[page.pk]),
        "my_campaigns_url": _my_campaigns_url(),
    }
    return TemplateResponse(request, TEMPLATES + "started.html", context)


def sample_message(page, links):
    targets = ", ".join(page.target_names)
    return _(
        "Hi! I started a petition to %(targets)s: “%(title)s”. %(ask)s\n\n"
        "It takes a minute to sign, and it matters. Please sign and share it:\n%(url)s"
    ) % {"targets": targets, "title": page.title, "ask": page.ask, "url": links["url"]}


@_in_language_of(_petition)
@require_http_methods(["GET", "HEAD"])
def share(request, page):
    """The share step: share links and a sample message to copy (live campaigns)."""
    _campaign_for_admin(request, page)
    context = {"petition": page, "live": page.live, "my_campaigns_url": _my_campaigns_url()}
    if page.live:
        links = sharing.share_links(page, request)
        context.update({"links": links, "message": sample_message(page, links)})
    return TemplateResponse(request, TEMPLATES + "share.html", context)


@_in_language_of(_live_petition)
@require_http_methods(["GET", "HEAD", "POST"])
def report(request, page):
    """Report a campaign: reason, optional details and email. Throttled per address."""
    status = 200
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_bot:
            return HttpResponseRedirect(
                reverse("heretostay:heretostay_grassroots_reported", args=[page.pk])
            )
        if not throttling.hit(request, "report"):
            form.is_valid()
            form.add_error(None, THROTTLED)
            status = 429
        elif form.is_valid():
            services.report(page, form, client_ip(request))
            return HttpResponseRedirect(
                reverse("heretostay:heretostay_grassroots_reported", args=[page.pk])
            )
        else:
            status = 400
    else:
        form = ReportForm()
    context = {"petition": page, "form": form}
    return TemplateResponse(request, TEMPLATES + "report.html", context, status=status)


@_in_language_of(_petition)
@require_http_methods(["GET", "HEAD"])
def reported(request, page):
    return TemplateResponse(request, TEMPLATES + "reported.html", {"petition": page})
