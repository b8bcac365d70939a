"""Admin for the rapid-response network: roles, the roster, and alerts.

The roster masks emails and phones for users without ``heretostay.view_pledge_contact``
and writes one audit entry per page or pledger viewed (``core/admin.py``). Alerts follow
draft -> verified -> sent; the views below only call the service in
``heretostay_wagtail.pledges.alerts``, which enforces the two-person rule and idempotent dispatch.
"""

from django.contrib.admin.utils import quote
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import CreateView, DeleteView, EditView, IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton, ListingButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from heretostay_wagtail.core import audit, exports, privacy
from heretostay_wagtail.core.admin import (
    SupporterIndexView,
    SupporterInspectView,
    SupporterViewSet,
    listing_columns,
    register_supporter_policy,
    wants_contacts,
)
from heretostay_wagtail.pledges import alerts
from heretostay_wagtail.pledges.exports import COLUMNS as PLEDGER_COLUMNS
from heretostay_wagtail.pledges.filters import PledgeFilterSet, default_roles
from heretostay_wagtail.pledges.models import (
    Alert,
    AlertDelivery,
    AlertStatus,
    DeliveryStatus,
    Pledge,
    PledgePage,
    VolunteerRole,
)

EXPORT_PERMISSION = "heretostay.export_pledge"


# -- Roles (translatable snippet) ----------------------------------------------------------


class VolunteerRoleViewSet(SnippetViewSet):
    model = VolunteerRole
    icon = "group"
    menu_label = _("Volunteer roles")
    list_display = ["name", "code"]
    sort_order_field = "sort_order"


register_snippet(VolunteerRoleViewSet)


# -- Roster ---------------------------------------------------------------------------


class RosterIndexView(SupporterIndexView):
    export_columns = PLEDGER_COLUMNS
    export_permission = EXPORT_PERMISSION
    export_filename = "pledgers"
    campaign_filter = "campaign"
    campaign_page_model = PledgePage

    def get_base_queryset(self):
        return super().get_base_queryset().prefetch_related("roles")

    @cached_property
    def header_buttons(self):
        # The export links come with the results (roster_results.html), so they follow
        # filters and search changed in place.
        query = self.request.GET.urlencode()
        suffix = f"?{query}" if query else ""
        return [
            HeaderButton(
                _("Counts by area and role"),
                url=reverse(roster_viewset.get_url_name("summary")) + suffix,
                icon_name="table",
            )
        ]


class RosterInspectView(SupporterInspectView):
    export_columns = PLEDGER_COLUMNS


class RosterEditView(EditView):
    """Organizers record training; everything else is the pledger's to change."""


class RosterDeleteView(DeleteView):
    """Deleting a pledger is audited like any supporter record (the counter follows)."""

    def delete_action(self):
        audit.log(
            self.object,
            "heretostay.delete_supporter",
            user=self.request.user,
            model="heretostay.Pledge",
            public_id=str(self.object.public_id),
        )
        return super().delete_action()


def filtered_roster(request):
    filters = PledgeFilterSet(data=request.GET, request=request, queryset=Pledge.objects.all())
    if not filters.is_valid():
        return Pledge.objects.none(), filters
    return filters.qs, filters


class RosterPermissionMixin:
    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("heretostay.view_pledge"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class RosterSummaryView(RosterPermissionMixin, WagtailAdminTemplateMixin, View):
    template_name = "heretostay/admin/roster_summary.html"
    page_title = _("Network: counts by area and role")
    header_icon = "table"
    breadcrumbs_items = None

    def get(self, request):
        queryset, filters = filtered_roster(request)
        active = queryset.filter(withdrawn_at__isnull=True)
        by_area = (
            active.order_by()
            .values("area_normalized")
            .annotate(n=Count("pk"))
            .order_by("-n", "area_normalized")[:200]
        )
        by_key = dict(
            Pledge.roles.through.objects.filter(pledge__in=active.order_by().values("pk"))
            .values_list("volunteerrole__translation_key")
            .annotate(n=Count("pledge_id", distinct=True))
            .order_by()
        )
        by_role = [(role, by_key.get(role.translation_key, 0)) for role in default_roles()]
        context = self.get_context_data(
            filters=filters,
            total=active.count(),
            by_area=by_area,
            by_role=by_role,
            roster_url=reverse(roster_viewset.get_url_name("index")),
        )
        return self.render_to_response(context)


def export_roster(request):
    """The roster's filters (not its search) as CSV or XLSX: ``?format=`` and, to leave out
    emails and phones, ``contacts=0``. The roster's own links use the listing's
    ``?export=``, which follows the search too."""
    queryset, filters = filtered_roster(request)
    fmt = request.GET.get("format", exports.CSV)
    if fmt not in (exports.CSV, exports.XLSX):
        raise Http404
    applied = {k: v for k, v in request.GET.items() if k not in ("format", "contacts")}
    campaign = filters.form.cleaned_data.get("campaign") if filters.is_valid() else None
    return exports.export_supporters(
        request.user,
        queryset.prefetch_related("roles").order_by("pk"),
        fmt,
        permission=EXPORT_PERMISSION,
        columns=PLEDGER_COLUMNS,
        filename="pledgers",
        filters=applied,
        instance=audit.campaign_page(PledgePage, campaign) if campaign else None,
        contacts=wants_contacts(request.GET.get("contacts")),
    )


# Pledges come only from ``services.pledge``; organizers may record training (change).
register_supporter_policy(Pledge)


class RosterViewSet(SupporterViewSet):
    model = Pledge
    icon = "group"
    menu_label = _("Network roster")
    url_prefix = "heretostay/roster"
    name = "heretostay_roster"
    index_view_class = RosterIndexView
    inspect_view_class = RosterInspectView
    edit_view_class = RosterEditView
    delete_view_class = RosterDeleteView
    inspect_view_fields_exclude = ["ip_hash", "email_normalized", "area_normalized"]
    filterset_class = PledgeFilterSet
    inspect_view_enabled = True
    form_fields = ["trained_at", "training_notes"]
    search_fields = ["name", "email", "area"]
    list_per_page = 50
    list_display = listing_columns(PLEDGER_COLUMNS)
    index_results_template_name = "heretostay/admin/roster_results.html"

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("summary/", RosterSummaryView.as_view(), name="summary"),
            path("export/", export_roster, name="export"),
        ]


roster_viewset = RosterViewSet()


# -- Alerts -------------------------------------------------------------------------------


ALERT_PANELS = [
    FieldPanel("page"),
    FieldPanel("message"),
    FieldPanel("areas"),
    FieldPanel("roles"),
    FieldPanel("channel"),
    FieldPanel("expires_at"),
]


class AlertCreateView(CreateView):
    def save_instance(self):
        return alerts.create(self.form, self.request.user)

    def get_success_url(self):
        return reverse(alert_viewset.get_url_name("detail"), args=[quote(self.object.pk)])


class AlertEditView(EditView):
    """Drafts and verified alerts can change (a verified one that changes goes back to
    draft: ``alerts.update``); whoever edits last cannot verify it."""

    def dispatch(self, request, *args, **kwargs):
        # Loaded once: the generic view's get_object() returns it.
        self.object = get_object_or_404(Alert, pk=kwargs.get("pk"))
        if self.object.status == AlertStatus.SENT:
            return redirect(alert_viewset.get_url_name("detail"), self.object.pk)
        return super().dispatch(request, *args, **kwargs)

    def save_instance(self):
        return alerts.update(self.form, self.request.user)

    def form_valid(self, form):
        # As loaded for this request (``alerts.update`` locks the row and rereads it).
        was_verified = self.object.status == AlertStatus.VERIFIED
        try:
            response = super().form_valid(form)
        except alerts.AlertError as error:
            messages.error(self.request, str(error))
            return redirect(alert_viewset.get_url_name("detail"), self.object.pk)
        if was_verified and self.object.status == AlertStatus.DRAFT:
            messages.warning(
                self.request,
                _(
                    "This alert changed after it was verified, so it went back to draft: "
                    "another person must verify it again."
                ),
            )
        return response

    def get_success_url(self):
        return reverse(alert_viewset.get_url_name("detail"), args=[quote(self.object.pk)])


class AlertIndexView(IndexView):
    #: Whoever may verify or send an alert must find it: the list (and the menu item) opens
    #: for any alert permission, as the alert's own screens and the API do.
    any_permission_required = ["add", "change", "delete", "view", "verify", "send"]

    def get_edit_url(self, instance):
        return reverse(alert_viewset.get_url_name("detail"), args=[quote(instance.pk)])


class AlertViewMixin(WagtailAdminTemplateMixin):
    header_icon = "warning"
    breadcrumbs_items = None

    def dispatch(self, request, pk):
        self.alert = get_object_or_404(Alert.objects.select_related("page"), pk=pk)
        if not any(
            request.user.has_perm(f"heretostay.{p}")
            for p in ("view_alert", "add_alert", "change_alert", "verify_alert", "send_alert")
        ):
            raise PermissionDenied
        return super().dispatch(request, pk)

    def act(self, action, done):
        """Run ``action(alert, user)`` (the service enforces who may do what, and when);
        back to the alert with its outcome as a message."""
        try:
            action(self.alert, self.request.user)
        except alerts.AlertError as error:
            messages.error(self.request, str(error))
        else:
            messages.success(self.request, done)
        return redirect(self.detail_url())

    def detail_url(self):
        return reverse(alert_viewset.get_url_name("detail"), args=[self.alert.pk])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        alert = self.alert
        user = self.request.user
        roles = list(alert.roles.all())
        context.update(
            alert=alert,
            roles=roles,
            # What this screen shows, as the verify form posts it back: verifying binds
            # to exactly this version.
            fingerprint=alerts.fingerprint(alert, [role.translation_key for role in roles]),
            expired=alert.is_expired,
            status_label=alerts.status_label(alert),
            can_verify=alerts.can_verify(alert, user),
            can_send=(
                alert.status == AlertStatus.VERIFIED
                and not alert.is_expired
                and user.has_perm(alerts.SEND_PERMISSION)
            ),
            can_edit=(
                alert.status in (AlertStatus.DRAFT, AlertStatus.VERIFIED)
                and user.has_perm("heretostay.change_alert")
            ),
            urls={
                name: reverse(alert_viewset.get_url_name(name), args=[alert.pk])
                for name in ("detail", "verify", "send", "deliveries", "edit")
            },
            index_url=reverse(alert_viewset.get_url_name("index")),
        )
        return context


class AlertDetailView(AlertViewMixin, View):
    template_name = "heretostay/admin/alert_detail.html"
    page_title = _("Rapid-response alert")

    def get(self, request, pk):
        counts = dict(
            self.alert.deliveries.order_by().values_list("status").annotate(n=Count("pk"))
        )
        labels = dict(DeliveryStatus.choices)
        show_contacts = privacy.can_see_contacts(request.user, Pledge)
        failures = [
            (reason if show_contacts else privacy.redact_contacts(reason), n)
            for reason, n in alerts.failure_reasons(self.alert)
        ]
        return self.render_to_response(
            self.get_context_data(
                preview=alerts.preview(self.alert),
                delivery_counts=[(labels.get(status, status), n) for status, n in counts.items()],
                failures=failures,
            )
        )


class AlertVerifyView(AlertViewMixin, View):
    def post(self, request, pk):
        seen = request.POST.get("fingerprint", "")
        return self.act(
            lambda alert, user: alerts.verify(alert, user, seen),
            _("Alert verified. It can now be sent."),
        )


class AlertSendView(AlertViewMixin, View):
    template_name = "heretostay/admin/alert_send.html"
    page_title = _("Send rapid-response alert")

    def dispatch(self, request, pk):
        if not request.user.has_perm(alerts.SEND_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, pk)

    def get(self, request, pk):
        if self.alert.status != AlertStatus.VERIFIED:
            messages.error(request, _("Only a verified alert can be sent."))
            return redirect(self.detail_url())
        if self.alert.is_expired:
            messages.error(request, _("This alert has expired and can no longer be sent."))
            return redirect(self.detail_url())
        return self.render_to_response(self.get_context_data(preview=alerts.preview(self.alert)))

    def post(self, request, pk):
        return self.act(alerts.send, _("Alert sent. Deliveries are being processed."))


class AlertDeliveriesView(AlertViewMixin, View):
    """The delivery log: pledgers' names (with ``view_pledge``) and each failure's reason,
    whose email addresses and phone numbers (a provider's error often quotes them) are
    masked without ``view_pledge_contact``. A page showing names is audit-logged."""

    template_name = "heretostay/admin/alert_deliveries.html"
    page_title = _("Delivery log")

    def get(self, request, pk):
        deliveries = self.alert.deliveries.select_related("pledge").order_by("pk")
        status = request.GET.get("status")
        if status:
            deliveries = deliveries.filter(status=status)
        page = Paginator(deliveries, 100).get_page(request.GET.get("p"))
        show_names = request.user.has_perm("heretostay.view_pledge")
        show_contacts = privacy.can_see_contacts(request.user, Pledge)
        rows = list(page)
        for delivery in rows:
            error = alerts.reason_text(delivery.error)
            delivery.shown_error = error if show_contacts else privacy.redact_contacts(error)
        if show_names or show_contacts:
            audit.log_view(
                request.user,
                AlertDelivery,
                records=len(rows),
                contacts=show_contacts,
                filters={"status": status} if status else {},
                instance=self.alert.page,
                page=page.number,
                via="admin",
            )
        return self.render_to_response(
            self.get_context_data(
                page_obj=page,
                deliveries=rows,
                status=status,
                statuses=AlertDelivery._meta.get_field("status").choices,
                show_names=show_names,
            )
        )


class AlertViewSet(ModelViewSet):
    model = Alert
    icon = "warning"
    menu_label = _("Alerts")
    url_prefix = "heretostay/alerts"
    name = "heretostay_alerts"
    index_view_class = AlertIndexView
    add_view_class = AlertCreateView
    edit_view_class = AlertEditView
    copy_view_enabled = False
    edit_handler = ObjectList(ALERT_PANELS, base_form_class=alerts.AlertForm)
    list_filter = ["status", "channel"]
    list_display = [
        TitleColumn("__str__", label=_("Alert"), url_name="heretostay_alerts:detail"),
        Column("areas", label=_("Areas")),
        Column("channel", label=_("Channel"), accessor="get_channel_display"),
        Column("status", label=_("Status"), accessor=alerts.status_label),
        # The exact time (a relative "in 11 hours" reads as past in Wagtail's DateColumn).
        Column(
            "expires_at",
            label=_("Expires"),
            accessor=lambda alert: (
                date_format(localtime(alert.expires_at), "SHORT_DATETIME_FORMAT")
                if alert.expires_at
                else ""
            ),
        ),
        DateColumn("created_at", label=_("Created"), sort_key="created_at"),
        DateColumn("sent_at", label=_("Sent")),
    ]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("<int:pk>/", AlertDetailView.as_view(), name="detail"),
            path("<int:pk>/verify/", AlertVerifyView.as_view(), name="verify"),
            path("<int:pk>/send/", AlertSendView.as_view(), name="send"),
            path("<int:pk>/deliveries/", AlertDeliveriesView.as_view(), name="deliveries"),
        ]

    def get_permissions_to_register(self):
        """All of the alert's permissions: ``view_alert`` too, which opens the alert's
        own detail and delivery screens (Wagtail offers it only with an inspect view)."""
        return Permission.objects.filter(content_type=ContentType.objects.get_for_model(self.model))


alert_viewset = AlertViewSet()


class RapidResponseGroup(ViewSetGroup):
    menu_label = _("Rapid response")
    menu_icon = "warning"
    items = (roster_viewset, alert_viewset)


@hooks.register("register_admin_viewset")
def register_rapid_response():
    return RapidResponseGroup()


@hooks.register("register_page_listing_buttons")
def roster_listing_button(page, user, next_url=None):
    """A "Volunteers" button on each pledge page's row in the page explorer: the roster of
    that campaign, for those who may see it."""
    cls = page.specific_class
    if cls is None or not issubclass(cls, PledgePage):
        return
    if not user.has_perm("heretostay.view_pledge"):
        return
    url = reverse(roster_viewset.get_url_name("index"))
    yield ListingButton(
        _("Volunteers"),
        f"{url}?campaign={page.specific_deferred.campaign_key}",
        icon_name="group",
        priority=40,
        attrs={"aria-label": _("Volunteers of '%(title)s'") % {"title": page.title}},
    )
