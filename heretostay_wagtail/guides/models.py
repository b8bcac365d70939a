"""Know-your-rights guides, organized by scenario, with their last legal review."""

import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from heretostay_wagtail.blocks import GuideBodyBlock
from heretostay_wagtail.core import routes

__all__ = [
    "RightsGuidePage",
    "DefenseCard",
    "RTL_LANGUAGES",
]


class RightsGuidePage(RoutablePageMixin, Page):
    intro = RichTextField(
        _("introduction"), features=["bold", "italic", "link"], blank=True, max_length=2000
    )
    last_legal_review = models.DateField(
        _("last legal review"),
        help_text=_("Legal guidance changes: the date a lawyer last reviewed this guide."),
    )
    reviewed_by = models.CharField(
        _("reviewed by"),
        max_length=200,
        help_text=_("Name of the lawyer or legal organization that reviewed the guide."),
    )
    body = StreamField(GuideBodyBlock(), blank=True, verbose_name=_("body"))

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("last_legal_review"), FieldPanel("reviewed_by")])],
            heading=_("Legal review"),
        ),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    api_fields = [
        APIField("intro"),
        APIField("last_legal_review"),
        APIField("reviewed_by"),
        APIField("body"),
    ]
    override_translatable_fields = [SynchronizedField("reviewed_by")]

    template = "heretostay/guides/rights_guide_page.html"
    pdf_template = "heretostay/guides/rights_guide_pdf.html"

    class Meta:
        verbose_name = _("know-your-rights guide")
        verbose_name_plural = _("know-your-rights guides")

    def scenario_links(self):
        """Table of contents: one entry per scenario section."""
        from heretostay_wagtail.blocks.rights import Scenario

        labels = dict(Scenario.choices)
        return [
            {
                "code": block.value["scenario"],
                "title": block.value["heading"] or labels.get(block.value["scenario"], ""),
            }
            for block in self.body
            if block.block_type == "scenario"
        ]

    @path("pdf/", name="pdf")
    def pdf(self, request):
        """The printable guide (guides/views.py: cached per revision and language)."""
        return routes.serve(self, "pdf", request)


#: Right-to-left languages cards are published in (Django's LANGUAGES_BIDI lacks Pashto).
RTL_LANGUAGES = {"ar", "fa", "ps", "ur", "he", "ckb", "ug", "prs", "yi", "dv", "sd"}


AGENT_TEXT = (
    "To the officer: I am exercising my right to remain silent (Fifth Amendment). "
    "I do not consent to your entry, or to a search of me, my home, my car or my "
    "belongings (Fourth Amendment). I will not sign anything. I want to speak with a lawyer."
)


#: Bump when card templates change so cached files are regenerated.
RENDER_VERSION = "1"


class DefenseCard(TranslatableMixin, index.Indexed, models.Model):
    title = models.CharField(
        _("title"),
        max_length=200,
        help_text=_("For editors, e.g. 'Know your rights card'. Not printed."),
    )
    organization_name = models.CharField(_("organization name"), max_length=120)
    holder_heading = models.CharField(
        _("holder-side heading"), max_length=80, default="Know your rights"
    )
    holder_text = models.TextField(
        _("holder-side rights"),
        max_length=600,
        help_text=_("In the card's language. One right per line; keep it short to fit the card."),
    )
    agent_text = models.TextField(
        _("agent-side text (English)"),
        max_length=600,
        default=AGENT_TEXT,
        help_text=_("Read by the agent; stays in English in every translation."),
    )
    hotline = PhoneNumberField(_("hotline"), blank=True)
    hotline_label = models.CharField(
        _("hotline label"), max_length=60, blank=True, default="Hotline"
    )
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("organization_name"),
        MultiFieldPanel(
            [FieldPanel("holder_heading"), FieldPanel("holder_text")],
            heading=_("Holder side (card's language)"),
        ),
        FieldPanel("agent_text"),
        MultiFieldPanel([FieldPanel("hotline_label"), FieldPanel("hotline")], heading=_("Hotline")),
    ]

    search_fields = [index.SearchField("title"), index.SearchField("organization_name")]

    override_translatable_fields = [
        TranslatableField("title"),
        TranslatableField("organization_name"),
        TranslatableField("holder_heading"),
        TranslatableField("holder_text"),
        TranslatableField("hotline_label"),
        SynchronizedField("agent_text", overridable=False),
        SynchronizedField("hotline", overridable=False),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("defense card")
        verbose_name_plural = _("defense cards")

    def __str__(self):
        return f"{self.title} ({self.language})"

    @property
    def language(self):
        return self.locale.language_code

    @property
    def is_rtl(self):
        code = self.language.lower()
        return code.split("-")[0] in RTL_LANGUAGES or code in settings.LANGUAGES_BIDI

    @property
    def holder_lines(self):
        return [line.strip() for line in self.holder_text.splitlines() if line.strip()]

    def content_hash(self):
        """Changes whenever anything printed on the card changes (or the templates do)."""
        payload = json.dumps(
            [
                RENDER_VERSION,
                self.language,
                self.organization_name,
                self.holder_heading,
                self.holder_text,
                self.agent_text,
                self.hotline.as_e164 if self.hotline else "",
                self.hotline_label,
            ]
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:20]
