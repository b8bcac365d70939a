"""The signatures listing in the Wagtail admin: filter, search, inspect, export, delete.

Built on Wagtail's ``ModelViewSet`` so it looks and behaves like the rest of the admin,
with these changes: it is read-only (signatures are created only by ``services.sign``;
``core.admin.SupporterPermissionPolicy`` refuses add and change); emails and phones are
masked for users without ``heretostay.view_signature_contact``; every listing page and
inspected signature is written to the audit log (``core/admin.py``); exports go through
``exports.export_supporters`` (permission, contacts, audit log, streaming, formula
neutralization) instead of Wagtail's in-memory spreadsheet export; and deletions are
written to the audit log.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views import generic
from wagtail.admin.widgets.button import ListingButton

from heretostay_wagtail.core import audit
from heretostay_wagtail.core.admin import (
    SupporterIndexView,
    SupporterInspectView,
    SupporterViewSet,
    listing_columns,
    register_supporter_policy,
)
from heretostay_wagtail.petitions.exports import COLUMNS as SIGNATURE_COLUMNS
from heretostay_wagtail.petitions.filters import SignatureFilterSet
from heretostay_wagtail.petitions.models import PetitionPage, Signature

EXPORT_PERMISSION = "heretostay.export_signature"
VIEW_PERMISSION = "heretostay.view_signature"


def petition_for_campaign(campaign_key):
    """The default-language page of a campaign (or any translation), for audit entries."""
    return audit.campaign_page(PetitionPage, campaign_key)


class SignatureIndexView(SupporterIndexView):
    any_permission_required = ["view"]
    export_columns = SIGNATURE_COLUMNS
    export_permission = EXPORT_PERMISSION
    export_filename = "signatures"
    campaign_filter = "petition"
    campaign_page_model = PetitionPage

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("page")


class SignatureInspectView(SupporterInspectView):
    export_columns = SIGNATURE_COLUMNS

    def get_audit_instance(self):
        return self.object.page or petition_for_campaign(self.object.campaign_key)


class SignatureDeleteView(generic.DeleteView):
    def delete_action(self):
        """Delete and record who deleted which signature, without keeping the name."""
        signature = self.object
        page = signature.page or petition_for_campaign(signature.campaign_key)
        instance = page or audit.default_instance(self.request.user)
        with transaction.atomic():
            audit.log(
                instance,
                "heretostay.delete_supporter",
                user=self.request.user,
                model=Signature._meta.label,
                supporter=str(signature.public_id),
                campaign=str(signature.campaign_key),
                source=signature.source,
            )
            signature.delete()  # the post_delete signal keeps the counter exact


# Signatures are never typed in or changed here: only ``services.sign`` makes them.
register_supporter_policy(Signature, refused=("add", "change"))


class SignatureViewSet(SupporterViewSet):
    model = Signature
    icon = "form"
    menu_label = _("Signatures")
    menu_order = 250
    add_to_admin_menu = True
    url_prefix = "heretostay/signatures"
    name = "heretostay_signatures"
    index_view_class = SignatureIndexView
    inspect_view_class = SignatureInspectView
    delete_view_class = SignatureDeleteView
    inspect_view_enabled = True
    index_results_template_name = "heretostay/admin/signatures_results.html"
    form_fields = []
    list_display = listing_columns(SIGNATURE_COLUMNS)
    filterset_class = SignatureFilterSet
    search_fields = ["name", "email"]
    inspect_view_fields = [
        "name",
        "email",
        "postal_code",
        "phone",
        "comment",
        "page",
        "language",
        "source",
        "sheet_code",
        "created_at",
        "confirmed_at",
        "opted_in",
        "consent_text",
        "consent_given_at",
        "entered_by",
    ]


signature_viewset = SignatureViewSet()


@hooks.register("register_admin_viewset")
def register_signature_viewset():
    return signature_viewset


def signatures_url(campaign_key=None):
    """The admin listing, filtered to one campaign when given."""
    from django.urls import reverse

    url = reverse(signature_viewset.get_url_name("index"))
    return f"{url}?petition={campaign_key}" if campaign_key else url


@hooks.register("register_page_listing_buttons")
def signatures_listing_button(page, user, next_url=None):
    """A "Signatures" button on each petition's row in the page explorer, for those who may
    see them: the petition's own list, one click away (as the editor's count panel has)."""
    cls = page.specific_class
    if cls is None or not issubclass(cls, PetitionPage):
        return
    if not user.has_perm("heretostay.view_signature"):
        return
    yield ListingButton(
        _("Signatures"),
        signatures_url(page.specific_deferred.campaign_key),
        icon_name="list-ul",
        priority=40,
        attrs={"aria-label": _("Signatures of '%(title)s'") % {"title": page.title}},
    )
