"""Editor panels that show campaign figures while a page is being edited.

Free of model and feature imports, so page models can use them: a panel is told which
admin listing to link to by URL name and permission, not by importing the admin.
"""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel


class SupporterCountPanel(Panel):
    """A campaign's live count, and a link to its supporters for those allowed to see them.

    ``listing_url_name`` is the admin listing, filtered with ``?<filter_name>=<campaign
    key>``; the link shows only to users with ``permission``. ``links`` adds more:
    ``(label, url_name, permissions)``, each reversed with the page's id and shown to
    users with any of ``permissions``.
    """

    def __init__(
        self,
        listing_url_name=None,
        filter_name=None,
        permission=None,
        links=(),
        template_name="heretostay/admin/signature_count_panel.html",
        **kwargs,
    ):
        kwargs.setdefault("heading", _("Signatures"))
        super().__init__(**kwargs)
        self.listing_url_name = listing_url_name
        self.filter_name = filter_name
        self.permission = permission
        self.links = tuple(links)
        self.template_name = template_name

    def clone_kwargs(self):
        kwargs = super().clone_kwargs()
        kwargs.update(
            listing_url_name=self.listing_url_name,
            filter_name=self.filter_name,
            permission=self.permission,
            links=self.links,
            template_name=self.template_name,
        )
        return kwargs

    @property
    def clean_name(self):
        return super().clean_name or "signature_count"

    class BoundPanel(Panel.BoundPanel):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.template_name = self.panel.template_name

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            page = self.instance
            context["saved"] = bool(page.pk)
            if page.pk:
                totals = page.get_totals()  # exact: organizers see every supporter now
                context.update(
                    online=totals["count"],
                    paper=totals["paper_tally"],
                    total=totals["count"] + totals["paper_tally"],
                    goal=page.goal,
                )
                panel = self.panel
                if (
                    panel.listing_url_name
                    and self.request
                    and self.request.user.has_perm(panel.permission)
                ):
                    query = urlencode({panel.filter_name: page.campaign_key})
                    context["signatures_url"] = f"{reverse(panel.listing_url_name)}?{query}"
                user = getattr(self.request, "user", None)
                context["links"] = [
                    (label, reverse(url_name, args=[page.pk]))
                    for label, url_name, permissions in panel.links
                    if user and any(user.has_perm(p) for p in permissions)
                ]
            return context
