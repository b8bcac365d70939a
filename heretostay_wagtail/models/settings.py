"""Per-site settings organizers edit in the admin (Settings > Campaigns)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

__all__ = ["CampaignSettings"]


@register_setting(icon="group")
class CampaignSettings(BaseSiteSetting):
    organization_name = models.CharField(_("organization name"), max_length=200, blank=True)
    privacy_policy_url = models.URLField(_("privacy policy URL"), blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)

    class Meta:
        verbose_name = _("campaign settings")
