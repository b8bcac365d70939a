from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from heretostay_wagtail.blocks import CampaignBodyBlock


class HomePage(Page):
    """The demo organization's home page: an introduction and its live campaigns."""

    intro = RichTextField(blank=True, features=["bold", "italic", "link"])
    body = StreamField(CampaignBodyBlock(), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["campaigns"] = self.get_children().live().specific().filter(locale=self.locale)
        return context
