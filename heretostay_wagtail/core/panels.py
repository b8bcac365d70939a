"""Editor panels that show campaign figures while a page is being edited.

Kept free of model imports at module level so page models can use these panels.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel


class SignatureCountPanel(Panel):
    """The live count of a petition and a link to its signatures (for those allowed)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("heading", _("Signatures"))
        super().__init__(**kwargs)

    @property
    def clean_name(self):
        return super().clean_name or "signature_count"

    class BoundPanel(Panel.BoundPanel):
        template_name = "heretostay/admin/signature_count_panel.html"

        def get_context_data(self, parent_context=None):
            from heretostay_wagtail.petitions.admin import VIEW_PERMISSION, signatures_url

            context = super().get_context_data(parent_context)
            page = self.instance
            context["saved"] = bool(page.pk)
            if page.pk:
                totals = page.get_totals()
                context.update(
                    online=totals["count"],
                    paper=totals["paper_tally"],
                    total=page.supporter_count,
                    goal=page.goal,
                )
                if self.request and self.request.user.has_perm(VIEW_PERMISSION):
                    context["signatures_url"] = signatures_url(page.campaign_key)
            return context
