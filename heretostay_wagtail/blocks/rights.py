"""Know-your-rights blocks: what to say, what (not) to do, warrants, scenarios."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from heretostay_wagtail.blocks.contact import HotlineBlock
from heretostay_wagtail.blocks.preparedness import ChecklistBlock, ResourceLinksBlock

LINE = 300


class SayThisBlock(blocks.StructBlock):
    heading = blocks.CharBlock(
        max_length=200, required=False, label=_("Heading"), default="What to say"
    )
    lines = blocks.ListBlock(
        blocks.CharBlock(max_length=LINE, label=_("Line")),
        min_num=1,
        max_num=20,
        label=_("Lines to say"),
        help_text=_('Short sentences to say out loud, e.g. "I do not consent to a search."'),
    )

    class Meta:
        icon = "openquote"
        label = _('"Say this" script')
        template = "heretostay/blocks/say_this.html"


class DoDontBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=200, required=False, label=_("Heading"))
    do = blocks.ListBlock(blocks.CharBlock(max_length=LINE), max_num=20, label=_("Do"))
    dont = blocks.ListBlock(blocks.CharBlock(max_length=LINE), max_num=20, label=_("Don't"))

    class Meta:
        icon = "list-ul"
        label = _("Do / don't lists")
        template = "heretostay/blocks/do_dont.html"


JUDICIAL = (
    "<p>Issued by a court and <b>signed by a judge</b>. It names the court, the address "
    "to be searched or the person to be arrested. Only a judicial warrant lets agents "
    "enter a home without consent.</p>"
)
ADMINISTRATIVE = (
    "<p>An immigration form (such as I-200 or I-205) <b>signed by an immigration "
    "officer</b>, not a judge. According to rights groups it does not by itself allow "
    "agents to enter a home: you do not have to open the door.</p>"
)


class WarrantExplainerBlock(blocks.StructBlock):
    heading = blocks.CharBlock(
        max_length=200, label=_("Heading"), default="Judicial or administrative warrant?"
    )
    judicial_title = blocks.CharBlock(
        max_length=200, label=_("Judicial warrant title"), default="Judicial warrant"
    )
    judicial = blocks.RichTextBlock(
        features=["bold", "italic", "ul"],
        label=_("Judicial warrant"),
        default=JUDICIAL,
        max_length=2000,
    )
    administrative_title = blocks.CharBlock(
        max_length=200,
        label=_("Administrative warrant title"),
        default="Administrative warrant",
    )
    administrative = blocks.RichTextBlock(
        features=["bold", "italic", "ul"],
        label=_("Administrative warrant"),
        default=ADMINISTRATIVE,
        max_length=2000,
    )
    tip = blocks.TextBlock(
        max_length=500,
        required=False,
        label=_("Tip"),
        default="Ask the agent to slide the warrant under the door or hold it to a window.",
    )

    class Meta:
        icon = "doc-full"
        label = _("Warrant explainer")
        template = "heretostay/blocks/warrant.html"


class Scenario:
    HOME = "home"
    PUBLIC = "public"
    WORK = "work"
    CAR = "car"
    BORDER = "border"
    COURT = "court"

    choices = [
        (HOME, _("At home")),
        (PUBLIC, _("In public")),
        (WORK, _("At work")),
        (CAR, _("In a car")),
        (BORDER, _("Border zone or airport")),
        (COURT, _("Courthouse and check-ins")),
    ]


class ScenarioContentBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        features=["bold", "italic", "link", "ol", "ul"], label=_("Paragraph"), max_length=5000
    )
    say_this = SayThisBlock()
    do_dont = DoDontBlock()
    warrant = WarrantExplainerBlock()
    hotline = HotlineBlock()
    checklist = ChecklistBlock()
    resources = ResourceLinksBlock()


class ScenarioBlock(blocks.StructBlock):
    scenario = blocks.ChoiceBlock(choices=Scenario.choices, label=_("Scenario"))
    heading = blocks.CharBlock(
        max_length=200,
        required=False,
        label=_("Heading"),
        help_text=_("Leave blank to use the scenario's name."),
    )
    intro = blocks.RichTextBlock(
        features=["bold", "italic", "link"],
        required=False,
        label=_("Introduction"),
        max_length=2000,
    )
    content = ScenarioContentBlock(label=_("Content"))

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["scenario_label"] = dict(Scenario.choices).get(value.get("scenario"), "")
        return context

    def get_api_representation(self, value, context=None):
        data = super().get_api_representation(value, context)
        data["scenario_label"] = str(dict(Scenario.choices).get(value.get("scenario"), ""))
        return data

    class Meta:
        icon = "folder-open-inverse"
        label = _("Scenario section")
        template = "heretostay/blocks/scenario.html"
