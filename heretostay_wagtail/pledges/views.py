"""What a pledge page does for the public: take pledges (the shared sign-up view with
``PledgeForm`` and ``services.pledge``), and pledger self-service by signed links:
manage the pledge, confirm the email, verify the phone by its code. The SMS provider's
webhooks are in ``webhooks.py``.

Links are emailed only to the pledger, carry no personal data and change nothing on
GET: email scanners open links, so every change is a POST.
"""

from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from heretostay_wagtail.core import routes, throttling, tokens
from heretostay_wagtail.core.conf import get_setting
from heretostay_wagtail.core.models import Source
from heretostay_wagtail.pledges import services as pledging
from heretostay_wagtail.pledges import verification
from heretostay_wagtail.pledges.forms import PhoneCodeForm, PledgeForm, PledgeUpdateForm
from heretostay_wagtail.pledges.models import Pledge, PledgePage

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
@never_cache  # a page for one person, with their data: no cache may keep it
def manage_pledge(request, page, token):
    """Update roles, availability and consents, withdraw or rejoin, and prove the
    contacts: "Confirm my email" (a POST through the emailed link: only the address's
    owner has it), and the code texted to the phone.

    Any successful POST through a link younger than ``EMAIL_VERIFY_MAX_AGE`` proves the
    email too; an older link still manages the pledge but no longer confirms the email.
    """
    pledge = _pledge_from_token(page, pledging.MANAGE, token)
    context = page.get_context(request)
    context.update({"pledge": pledge, "token": token, "message": None})
    if pledge is None:
        return TemplateResponse(request, "heretostay/pledge_manage.html", context, status=400)
    verify_age = get_setting("EMAIL_VERIFY_MAX_AGE")
    fresh = tokens.read(pledging.MANAGE, token, max_age=verify_age) is not None
    status = 200
    form = PledgeUpdateForm(pledge, page=page)
    code_form = PhoneCodeForm()
    if request.method == "POST":
        action = request.POST.get("action", "update")
        if not throttling.hit(request, "confirm"):
            context["message"] = _(
                "Too many attempts from your connection. Please wait a minute and try again."
            )
            status = 429
        elif action == "verify_email":
            if fresh:
                verification.verify_email(pledge)
                context["message"] = _("Thank you: your email is confirmed.")
            else:
                # The page explains it, with the way to a new link.
                context["old_link_refused"] = True
                status = 400
        elif action == "withdraw":
            pledging.withdraw(pledge)
            context["message"] = _(
                "You have withdrawn your pledge. You will not receive any more alerts."
            )
        elif action == "rejoin":
            pledging.rejoin(pledge)
            form = PledgeUpdateForm(pledge, page=page)
            context["message"] = _("Welcome back! Choose how you want to be alerted.")
        elif pledge.is_withdrawn:
            status = 400
        elif action == "verify_phone":
            code_form = PhoneCodeForm(request.POST)
            status = _verify_phone(pledge, code_form, context)
            if status == 200:
                code_form = PhoneCodeForm()
        elif action == "send_code":
            if verification.request_code(pledge):
                context["message"] = _(
                    "We are texting you a new code. It can take a minute to arrive."
                )
            elif verification.wants_phone_code(pledge):
                context["message"] = _(
                    "We have sent this number as many codes as we can for now. "
                    "Please try again in an hour."
                )
                status = 429
        else:
            form = PledgeUpdateForm(pledge, request.POST, page=page)
            if form.is_valid():
                pledging.update(pledge, form.cleaned_data, page=page)
                form = PledgeUpdateForm(pledge, page=page)
                if getattr(pledge, "code_queued", False):
                    context["message"] = _(
                        "Your choices are saved. To get text alerts, enter the code we are "
                        "texting to your phone."
                    )
                else:
                    context["message"] = _("Your choices are saved.")
            else:
                status = 400
        if status == 200 and fresh:
            verification.verify_email(pledge)
    context.update(
        {
            "form": form,
            "code_form": code_form,
            "link_fresh": fresh,
            "phone_pending": verification.wants_phone_code(pledge),
        }
    )
    return TemplateResponse(request, "heretostay/pledge_manage.html", context, status=status)


def _verify_phone(pledge, code_form, context):
    """Check the typed code; the status of the answer (errors go on the code field)."""
    if not code_form.is_valid():
        return 400
    try:
        verification.verify_phone(pledge, code_form.cleaned_data["code"])
    except verification.CodeRefused as refused:
        code_form.add_error("code", refused.message)
        return 400
    context["message"] = _("Thank you: your phone is confirmed. You can now get text alerts.")
    return 200


@routes.page_view(PledgePage, "unsubscribe")
@never_cache  # a page for one person, with their data: no cache may keep it
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
