"""What a pledge page does for the public: take pledges (the shared sign-up view with
``PledgeForm`` and ``services.pledge``), pledger self-service by signed links, and the
STOP webhook an SMS provider calls.

Links are emailed only to the pledger, carry no personal data and change nothing on
GET: email scanners open links, so every change is a POST.
"""

import hmac

from django.http import HttpResponse, HttpResponseForbidden, HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from phonenumber_field.phonenumber import to_python

from heretostay_wagtail.core import routes, throttling, tokens
from heretostay_wagtail.core.conf import get_setting
from heretostay_wagtail.core.models import Source
from heretostay_wagtail.pledges import services as pledging
from heretostay_wagtail.pledges.forms import PledgeForm, PledgeUpdateForm
from heretostay_wagtail.pledges.models import Pledge, PledgePage

#: Words providers and carriers treat as an opt-out (English and Spanish).
STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "ALTO", "PARAR", "BAJA"}
LINK_MAX_AGE = 60 * 60 * 24 * 365


def pledge_on_page(page, form, ip):
    return pledging.pledge(page, form.pledger_data(), source=Source.WEB, ip=ip)


routes.register_signup(PledgePage, form_class=PledgeForm, record=pledge_on_page)


def _pledge_from_token(page, purpose, token, max_age=None):
    public_id = tokens.read(purpose, token, max_age=max_age)
    if not public_id:
        return None
    return Pledge.objects.filter(public_id=public_id, campaign_key=page.campaign_key).first()


@routes.page_view(PledgePage, "manage")
def manage_pledge(request, page, token):
    """Update roles, availability and consents, withdraw, or rejoin."""
    pledge = _pledge_from_token(page, pledging.MANAGE, token)
    context = page.get_context(request)
    context.update({"pledge": pledge, "token": token, "message": None})
    if pledge is None:
        return TemplateResponse(request, "heretostay/pledge_manage.html", context, status=400)
    status = 200
    form = PledgeUpdateForm(pledge)
    if request.method == "POST":
        action = request.POST.get("action", "update")
        if not throttling.hit(request, "confirm"):
            context["message"] = _(
                "Too many attempts from your connection. Please wait a minute and try again."
            )
            status = 429
        elif action == "withdraw":
            pledging.withdraw(pledge)
            context["message"] = _(
                "You have withdrawn your pledge. You will not receive any more alerts."
            )
        elif action == "rejoin":
            pledging.rejoin(pledge)
            form = PledgeUpdateForm(pledge)
            context["message"] = _("Welcome back! Choose how you want to be alerted.")
        elif pledge.is_withdrawn:
            status = 400
        else:
            form = PledgeUpdateForm(pledge, request.POST)
            if form.is_valid():
                pledging.update(pledge, form.cleaned_data)
                form = PledgeUpdateForm(pledge)
                context["message"] = _("Your choices are saved.")
            else:
                status = 400
    context["form"] = form
    return TemplateResponse(request, "heretostay/pledge_manage.html", context, status=status)


@routes.page_view(PledgePage, "unsubscribe")
def unsubscribe_email(request, page, token):
    """The link in every alert email: a button that stops email alerts."""
    pledge = _pledge_from_token(page, pledging.UNSUBSCRIBE, token, max_age=LINK_MAX_AGE)
    context = page.get_context(request)
    context.update({"valid": pledge is not None, "done": False})
    if pledge is None:
        return TemplateResponse(request, "heretostay/pledge_unsubscribe.html", context, status=400)
    if request.method == "POST":
        pledging.stop_emails(pledge)
        context["done"] = True
    return TemplateResponse(request, "heretostay/pledge_unsubscribe.html", context)


def _secret_ok(request):
    secret = get_setting("SMS_WEBHOOK_SECRET")
    given = request.headers.get("X-Heretostay-Secret") or request.GET.get("secret", "")
    return bool(secret) and hmac.compare_digest(str(given).encode(), str(secret).encode())


@csrf_exempt
def sms_stop(request):
    """Called by the SMS provider for each incoming reply.

    Authenticated with the shared ``SMS_WEBHOOK_SECRET`` (header ``X-Heretostay-Secret``
    or ``?secret=``) so strangers cannot unsubscribe people. Answers the same for known
    and unknown numbers.
    """
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not _secret_ok(request):
        return HttpResponseForbidden("Forbidden")
    sender = request.POST.get("From") or request.POST.get("from") or ""
    body = (request.POST.get("Body") or request.POST.get("body") or "").strip()
    phone = to_python(sender[:32], region=get_setting("PHONE_DEFAULT_REGION"))
    if body.split() and body.split()[0].upper().strip(".!") in STOP_WORDS:
        if phone and phone.is_valid():
            pledging.stop_texts(phone)
    return HttpResponse("", content_type="text/plain")
