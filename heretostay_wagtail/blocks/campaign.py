"""The body stream of campaign pages."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock


class CampaignBodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(max_length=200, label=_("Heading"), form_classname="title")
    paragraph = blocks.RichTextBlock(
        features=["bold", "italic", "link", "ol", "ul"], label=_("Paragraph")
    )
    image = ImageBlock(label=_("Image"))

    class Meta:
        label = _("Body")
