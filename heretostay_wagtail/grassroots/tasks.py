"""Emails to campaign starters: the outcome of the review of the campaign they started,
in the campaign's language."""

import logging

from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from heretostay_wagtail.core import emails
from heretostay_wagtail.core.tasks import retry_later
from heretostay_wagtail.grassroots import services
from heretostay_wagtail.petitions.models import PetitionPage

logger = logging.getLogger(__name__)

APPROVED, REJECTED = "approved", "rejected"


def _absolute(page, path):
    site = page.get_site()
    root = site.root_url if site else ""
    return f"{root}{path}"


@task()
def send_outcome(page_id, outcome, comment="", attempt=0):
    """Tell the starter of ``page_id`` that it was approved (with its share step) or
    rejected (with the moderator's comment). Retried with back-off if sending fails."""
    page = PetitionPage.objects.filter(pk=page_id).select_related("locale").first()
    starter = services.starter_of(page) if page else None
    if page is None or starter is None or not starter.email:
        return
    language = page.locale.language_code
    with translation.override(language):
        if outcome == APPROVED:
            subject = _("Your campaign is approved: %(title)s") % {"title": page.title}
        else:
            subject = _("Your campaign needs changes: %(title)s") % {"title": page.title}
        share_url = _absolute(
            page, reverse("heretostay:heretostay_grassroots_share", args=[page.pk])
        )
        try:
            my_campaigns = reverse("heretostay:heretostay_mycampaigns_index")
        except NoReverseMatch:  # a host without My Campaigns' URLs
            my_campaigns = ""
    context = {
        "petition": page,
        "approved": outcome == APPROVED,
        "comment": comment,
        "page_url": page.get_full_url() if page.live else "",
        "share_url": share_url,
        "my_campaigns_url": _absolute(page, my_campaigns) if my_campaigns else "",
    }
    try:
        emails.send_templated(
            "heretostay/emails/campaign_outcome",
            context,
            to=[starter.email],
            subject=subject,
            language=language,
        )
    except Exception as exc:  # noqa: BLE001 - any mail error; its text may hold the address
        logger.warning("Outcome email for page %s failed (%s)", page_id, type(exc).__name__)
        retry_later(send_outcome, attempt + 1, page_id, outcome, comment, attempt + 1)
