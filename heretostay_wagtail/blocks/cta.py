"""Calls to action: donate (links out) and sign / pledge (embeds a campaign's form)."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

#: Campaign page types whose signing form can be embedded. Types that are not
#: installed (yet) are skipped, so the block works before the pledge feature exists.
CAMPAIGN_PAGE_TYPES = ["heretostay.PetitionPage", "heretostay.PledgePage"]


class DonateBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=200, label=_("Heading"))
    text = blocks.TextBlock(max_length=1000, required=False, label=_("Text"))
    button_text = blocks.CharBlock(max_length=60, label=_("Button text"), default="Donate")
    url = blocks.URLBlock(
        max_length=500,
        label=_("Donation page"),
        help_text=_("Your organization's donation page (opens the external site)."),
    )

    class Meta:
        icon = "pick"
        label = _("Donate call to action")
        template = "heretostay/blocks/donate.html"


class CampaignPageChooserBlock(blocks.PageChooserBlock):
    @property
    def target_models(self):
        from django.apps import apps
        from wagtail.models import Page

        models = []
        for name in self.page_type:
            try:
                models.append(apps.get_model(name))
            except (LookupError, ValueError):
                continue
        return models or [Page]


class CampaignActionBlock(blocks.StructBlock):
    """Embeds the signing form of a petition or pledge; the form posts to that page."""

    page = CampaignPageChooserBlock(
        page_type=CAMPAIGN_PAGE_TYPES, label=_("Petition or pledge page")
    )
    heading = blocks.CharBlock(max_length=200, required=False, label=_("Heading"))
    text = blocks.TextBlock(max_length=1000, required=False, label=_("Text"))

    def campaign(self, value, context=None):
        """The chosen campaign in the language of the page shown (else the active
        language), if it is live and accepts sign-ups; else None."""
        page = value.get("page")
        if page is None:
            return None
        host = (context or {}).get("page")
        if host is not None and hasattr(host, "locale_id") and host.locale_id != page.locale_id:
            translated = page.get_translation_or_none(host.locale)
            page = (translated if translated is not None and translated.live else page).specific
        elif host is None:
            page = page.specific.localized
        else:
            page = page.specific
        if not page.live or getattr(page, "form_class", None) is None:
            return None
        return page

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        campaign = self.campaign(value, parent_context)
        context["campaign"] = campaign
        context["closed_reason"] = None
        context["form"] = None
        context["button_label"] = _("Sign up")
        if campaign is not None:
            context["closed_reason"] = campaign.closed_reason()
            if context["closed_reason"] is None:
                context["form"] = campaign.form_class(campaign)
            if campaign._meta.label == "heretostay.PetitionPage":
                context["button_label"] = _("Sign the petition")
            elif campaign._meta.label == "heretostay.PledgePage":
                context["button_label"] = _("Take the pledge")
        return context

    def get_api_representation(self, value, context=None):
        campaign = self.campaign(value, context)
        if campaign is None:
            return {"page": None, "heading": value.get("heading"), "text": value.get("text")}
        return {
            "page": {
                "id": campaign.pk,
                "type": campaign._meta.label,
                "title": campaign.title,
                "url": campaign.full_url,
                "is_open": campaign.closed_reason() is None,
            },
            "heading": value.get("heading") or campaign.title,
            "text": value.get("text"),
        }

    class Meta:
        icon = "form"
        label = _("Petition or pledge call to action")
        template = "heretostay/blocks/campaign_action.html"
