"""The admin's "What retention will do" screen, in the Settings menu beside the retention
settings, behind the permission to change them.

A dry run of ``retention.services.apply``: per campaign due, what would be anonymized or
deleted and why, in numbers, never names. Nothing changes here; the changes are made by
``manage.py heretostay_retention`` or the ``apply_retention`` task, when scheduled.
"""

from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from heretostay_wagtail.core.admin import PermissionMenuItem
from heretostay_wagtail.core.models import RetentionAction
from heretostay_wagtail.retention import services

URL_NAME = "heretostay_retention"


def kind_labels():
    return {
        "signatures": _("Signatures"),
        "pledges": _("Pledges"),
        "alert_deliveries": _("Alert messages sent"),
        "delivery_files": _("Delivery PDF files"),
    }


def reason_text(reason, days):
    if reason == services.CLOSED:
        text = ngettext("%(days)s day after it closed", "%(days)s days after it closed", days)
    else:
        text = ngettext(
            "%(days)s day after its last sign-up", "%(days)s days after its last sign-up", days
        )
    return text % {"days": days}


def row(campaign):
    return {
        "title": campaign.title,
        "key": campaign.key,
        "edit_url": (
            reverse("wagtailadmin_pages:edit", args=[campaign.page.pk])
            if campaign.page is not None
            else None
        ),
        "action": RetentionAction(campaign.action).label,
        "reason": reason_text(campaign.reason, campaign.days),
        "counts": [campaign.counts[kind] for kind in services.KINDS],
    }


class RetentionPreviewView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "heretostay/retention/preview.html"
    page_title = gettext_lazy("What retention will do")
    header_icon = "lock"
    breadcrumbs_items = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(services.PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        result = services.apply(dry_run=True)
        labels = kind_labels()
        totals = result.totals
        return super().get_context_data(
            kinds=[labels[kind] for kind in services.KINDS],
            rows=[row(campaign) for campaign in result.campaigns],
            totals=[totals[kind] for kind in services.KINDS],
            settings_url=reverse("wagtailsettings:edit", args=["heretostay", "retentionsettings"]),
            **kwargs,
        )


@hooks.register("register_admin_urls")
def register_retention_urls():
    return [path("heretostay/retention/", RetentionPreviewView.as_view(), name=URL_NAME)]


@hooks.register("register_settings_menu_item")
def register_retention_menu_item():
    return PermissionMenuItem(
        gettext_lazy("What retention will do"),
        reverse(URL_NAME),
        permission=services.PERMISSION,
        name="heretostay-retention",
        icon_name="lock",
        order=1001,
    )
