"""Blocks that help people prepare and act: checklists, resources, weekly action steps."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class ChecklistBlock(blocks.StructBlock):
    heading = blocks.CharBlock(
        max_length=200, label=_("Heading"), default="Family preparedness plan"
    )
    intro = blocks.TextBlock(max_length=1000, required=False, label=_("Introduction"))
    items = blocks.ListBlock(
        blocks.CharBlock(max_length=300, label=_("Item")),
        min_num=1,
        max_num=30,
        label=_("Checklist items"),
        help_text=_("For example: Memorize two emergency phone numbers."),
    )

    class Meta:
        icon = "tasks"
        label = _("Family preparedness checklist")
        template = "heretostay/blocks/checklist.html"


class ResourceLinkBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=200, label=_("Title"))
    url = blocks.URLBlock(max_length=500, label=_("Link"))
    description = blocks.CharBlock(max_length=300, required=False, label=_("Description"))


class ResourceLinksBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=200, required=False, label=_("Heading"))
    links = blocks.ListBlock(ResourceLinkBlock(), min_num=1, max_num=30, label=_("Links"))

    class Meta:
        icon = "link"
        label = _("Resource links")
        template = "heretostay/blocks/resources.html"


class ActionStepBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=200, label=_("Action"))
    text = blocks.TextBlock(
        max_length=1000,
        required=False,
        label=_("Details or script"),
        help_text=_("For example, a short script to read when calling an official."),
    )
    link_url = blocks.URLBlock(max_length=500, required=False, label=_("Link"))
    link_text = blocks.CharBlock(max_length=100, required=False, label=_("Link text"))


class ActionStepsBlock(blocks.StructBlock):
    """The weekly action list: save the card, read, attend, call, donate."""

    heading = blocks.CharBlock(max_length=200, required=False, label=_("Heading"))
    steps = blocks.ListBlock(ActionStepBlock(), min_num=1, max_num=20, label=_("Steps"))

    class Meta:
        icon = "list-ol"
        label = _("Numbered action steps")
        template = "heretostay/blocks/action_steps.html"
