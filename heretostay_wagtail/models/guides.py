"""Know-your-rights guides, organized by scenario, with their last legal review."""

import posixpath

from django.core.files.base import ContentFile
from django.db import models
from django.http import FileResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField

from ..blocks import GuideBodyBlock

__all__ = ["RightsGuidePage"]


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
        from ..blocks.rights import Scenario

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
        """The printable guide, cached per published revision and language."""
        from ..cards.files import storage

        store = storage()
        name = posixpath.join(
            "heretostay/guides",
            str(self.translation_key),
            self.locale.language_code,
            f"{self.live_revision_id or self.latest_revision_id or 0}.pdf",
        )
        if not store.exists(name):
            name = store.save(name, ContentFile(self.render_pdf(request)))
            _purge_other_files(store, name)
        return FileResponse(
            store.open(name, "rb"),
            filename=f"{self.slug}-{self.locale.language_code}.pdf",
            content_type="application/pdf",
        )

    def render_pdf(self, request=None):
        from ..pdf.render import render_pdf

        with translation.override(self.locale.language_code):
            return render_pdf(self.pdf_template, {"page": self, "pdf": True}, request=request)


def _purge_other_files(store, keep):
    """Remove PDFs of earlier revisions of this guide in this language."""
    folder = posixpath.dirname(keep)
    try:
        _dirs, names = store.listdir(folder)
    except (NotImplementedError, FileNotFoundError, OSError):
        return
    for filename in names:
        path = posixpath.join(folder, filename)
        if path != keep:
            store.delete(path)
