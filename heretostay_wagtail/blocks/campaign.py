"""The body stream of campaign pages and guides."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock

from heretostay_wagtail.blocks.cards import DefenseCardBlock
from heretostay_wagtail.blocks.contact import HotlineBlock
from heretostay_wagtail.blocks.cta import CampaignActionBlock, DonateBlock
from heretostay_wagtail.blocks.preparedness import (
    ActionStepsBlock,
    ChecklistBlock,
    ResourceLinksBlock,
)
from heretostay_wagtail.blocks.rights import (
    DoDontBlock,
    SayThisBlock,
    ScenarioBlock,
    WarrantExplainerBlock,
)


class CampaignBodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(
        max_length=200,
        label=_("Heading"),
        form_classname="title",
        template="heretostay/blocks/heading.html",
    )
    paragraph = blocks.RichTextBlock(
        features=["bold", "italic", "link", "ol", "ul"], label=_("Paragraph")
    )
    image = ImageBlock(label=_("Image"), template="heretostay/blocks/image.html")
    say_this = SayThisBlock()
    do_dont = DoDontBlock()
    warrant = WarrantExplainerBlock()
    hotline = HotlineBlock()
    checklist = ChecklistBlock()
    resources = ResourceLinksBlock()
    action_steps = ActionStepsBlock()
    donate = DonateBlock()
    campaign_action = CampaignActionBlock()
    defense_card = DefenseCardBlock()

    class Meta:
        label = _("Body")


class GuideBodyBlock(CampaignBodyBlock):
    """A guide is organized by scenario, plus everything campaign pages can use."""

    scenario = ScenarioBlock()

    class Meta:
        label = _("Guide")
