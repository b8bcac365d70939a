"""Accounts of campaign starters on the public site (django-allauth).

The host project points ``ACCOUNT_ADAPTER`` here (docs/grassroots.md). A public account
is an ordinary user: never staff, never a superuser, in no group, so it has no Wagtail
admin access whatever it starts or co-administers (its rights over its campaigns are
``CampaignAdmin`` rows, checked by the package's own views).

Account emails (verification code, password reset) come from the organization: its name
from the site's branding, not the host name allauth would use without Django's sites
framework ("Hello from localhost:8000").
"""

from dataclasses import dataclass

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.conf import settings

from heretostay_wagtail.core import branding


@dataclass
class Organization:
    """What allauth's email templates read as ``current_site``."""

    name: str
    domain: str


def organization(request):
    name = ""
    domain = ""
    if request is not None:
        name = (branding.for_request(request).organization_name or "").strip()
        domain = request.get_host()
    return Organization(name or getattr(settings, "WAGTAIL_SITE_NAME", "") or domain, domain)


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.is_staff = False
        user.is_superuser = False
        if commit:
            user.save()
        return user

    def format_email_subject(self, subject):
        name = organization(context.request).name
        return f"[{name}] {subject}" if name else str(subject)

    def send_mail(self, template_prefix, email, ctx):
        ctx = {"current_site": organization(context.request), **ctx}
        return super().send_mail(template_prefix, email, ctx)
