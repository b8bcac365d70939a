"""The defense card download block: a card snippet and the formats to offer."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from heretostay_wagtail.guides.cards.formats import FORMATS, format_choices


class DefenseCardBlock(blocks.StructBlock):
    card = SnippetChooserBlock("heretostay.DefenseCard", label=_("Defense card"))
    heading = blocks.CharBlock(
        max_length=200, required=False, label=_("Heading"), default="Download your card"
    )
    text = blocks.TextBlock(max_length=500, required=False, label=_("Text"))
    formats = blocks.MultipleChoiceBlock(
        choices=format_choices,
        default=list(FORMATS),
        label=_("Formats to offer"),
        widget=forms.CheckboxSelectMultiple,
    )

    def card_in_language(self, value, context=None):
        """The card in the language of the page being shown.

        wagtail-localize already points a translated page to the translated card; the
        page's locale covers pages translated before the card was. Never the visitor's
        active language: API clients of a Spanish page get the Spanish card.
        """
        card = value.get("card")
        page = (context or {}).get("page")
        if card is None or page is None or not hasattr(page, "locale_id"):
            return card
        if card.locale_id == page.locale_id:
            return card
        return card.get_translation_or_none(page.locale) or card

    def downloads(self, value, context=None):
        from heretostay_wagtail.guides.cards.files import download_links

        card = self.card_in_language(value, context)
        if card is None:
            return []
        return download_links(card, value.get("formats") or list(FORMATS))

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["card"] = self.card_in_language(value, parent_context)
        context["downloads"] = self.downloads(value, parent_context)
        return context

    def get_api_representation(self, value, context=None):
        card = self.card_in_language(value, context)
        return {
            "heading": value.get("heading"),
            "text": value.get("text"),
            "card": card
            and {
                "id": card.pk,
                "title": card.title,
                "language": card.language,
                "organization": card.organization_name,
            },
            "downloads": [
                {k: link[k] for k in ("format", "url", "content_type", "filename", "label")}
                for link in self.downloads(value, context)
            ],
        }

    class Meta:
        icon = "download"
        label = _("Defense card download")
        template = "heretostay/blocks/defense_card.html"
