from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail_localize.fields import SynchronizedField

from heretostay_wagtail.blocks import CampaignBodyBlock
from heretostay_wagtail.models import PetitionPage, PledgePage, RightsGuidePage


def image_field(verbose_name, help_text):
    return models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=verbose_name,
        help_text=help_text,
    )


class HomePage(Page):
    """The demo organization's home page: its purpose, then its campaigns and guides.

    The same for every visitor (no forms, no cookies), so a cache can keep it. Counts are
    the campaigns' counters (``CampaignPage.progress``), one indexed read per campaign.
    """

    intro = RichTextField(
        _("purpose"),
        blank=True,
        features=["bold", "italic", "link"],
        help_text=_("What the organization does and why, in two or three sentences."),
    )
    image = image_field(_("picture"), _("Shown next to the purpose."))
    guide_image = image_field(
        _("know-your-rights picture"),
        _("Shown on the cards of know-your-rights guides, which have no picture of their own."),
    )
    body = StreamField(CampaignBodyBlock(), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("image"),
        FieldPanel("guide_image"),
        FieldPanel("body"),
    ]
    # A translator may swap a picture (one with words in it), like campaign pages' images.
    override_translatable_fields = [SynchronizedField("image"), SynchronizedField("guide_image")]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        children = self.get_children().live().public().specific().filter(locale=self.locale)
        petitions, pledges, guides = [], [], []
        for page in children:
            if isinstance(page, PetitionPage):
                petitions.append(page)
            elif isinstance(page, PledgePage):
                pledges.append(page)
            elif isinstance(page, RightsGuidePage):
                guides.append({"page": page, "downloads": card_downloads(page)})
        context["campaigns"] = [
            {"page": page, "kind": kind, "progress": page.progress()}
            for kind, pages in (("petition", petitions), ("pledge", pledges))
            for page in pages
        ]
        context["guides"] = guides
        # The three ways to act: straight to the page when there is one of a kind, else to
        # the cards.
        context["actions"] = [
            {"kind": kind, "url": pages[0].url if len(pages) == 1 else "#take-action"}
            for kind, pages in (
                ("petition", petitions),
                ("pledge", pledges),
                ("guide", [guide["page"] for guide in guides]),
            )
            if pages
        ]
        return context


def card_downloads(guide):
    """The download links of the guide's first defense card, in the guide's language."""
    for block in _blocks(guide.body):
        if block.block_type == "defense_card":
            return block.block.downloads(block.value, {"page": guide})
    return []


def _blocks(stream):
    """The blocks of a stream, and those of the scenarios in it, in order."""
    for block in stream:
        yield block
        if block.block_type == "scenario":
            yield from block.value.get("content") or []
