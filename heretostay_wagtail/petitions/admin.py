"""The signatures listing in the Wagtail admin: filter, search, export, delete.

Built on Wagtail's ``ModelViewSet`` so it looks and behaves like the rest of the admin,
with three changes: it is read-only (signatures are created only by ``services.sign``;
``core.admin.SupporterPermissionPolicy`` refuses add and change),
exports go through ``exports.export_supporters`` (permission, audit log, streaming,
formula neutralization) instead of Wagtail's in-memory spreadsheet export, and deletions
are written to the audit log.
"""

from django.db import transaction
from django.http import HttpResponseBadRequest
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views import generic
from wagtail.admin.widgets.button import ListingButton
from wagtail.models import Locale

from heretostay_wagtail.core import audit, exports
from heretostay_wagtail.core.admin import (
    SupporterIndexView,
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
    pages = PetitionPage.objects.filter(translation_key=campaign_key)
    return pages.filter(locale=Locale.get_default()).first() or pages.first()


def _describe(value):
    """A filter value as the audit log should show it (date ranges are slices)."""
    if isinstance(value, slice):
        return f"{value.start or ''}..{value.stop or ''}"
    return value


class SignatureIndexView(SupporterIndexView):
    any_permission_required = ["view"]

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("page")

    @cached_property
    def show_export_buttons(self):
        return False  # Wagtail's own export is replaced by ours (signatures_results.html)

    @cached_property
    def can_export(self):
        return self.request.user.has_perm(EXPORT_PERMISSION)

    @property
    def csv_export_url(self):
        return self.get_export_url("csv")

    @property
    def xlsx_export_url(self):
        return self.get_export_url("xlsx")

    def get_export_url(self, format):
        params = self.request.GET.copy()
        params.pop(self.page_kwarg, None)
        params.pop("_w_filter_fragment", None)
        params["export"] = format
        return self.index_url + "?" + params.urlencode()

    def get(self, request, *args, **kwargs):
        if not self.is_export:
            return super().get(request, *args, **kwargs)
        if self.filters is not None and not self.filters.is_valid():
            # Never fall back to exporting everyone because a filter was mistyped.
            return HttpResponseBadRequest(_("The export filters are not valid."))
        return self.export(self.request.GET["export"])

    def export(self, fmt):
        """Stream every matching signature through the shared permission + audit gate."""
        applied = {}
        if self.filters is not None:
            applied = {
                name: _describe(value)
                for name, value in self.filters.form.cleaned_data.items()
                if name in self.filters.form.changed_data and value not in (None, "")
            }
        if self.search_query:
            applied["q"] = self.search_query
        instance = None
        if applied.get("petition"):
            instance = petition_for_campaign(applied["petition"])
        return exports.export_supporters(
            self.request.user,
            self.get_queryset(),
            fmt,
            permission=EXPORT_PERMISSION,
            columns=SIGNATURE_COLUMNS,
            filename="signatures",
            filters=applied,
            instance=instance,
        )


class SignatureInspectView(generic.InspectView):
    any_permission_required = ["view"]


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
