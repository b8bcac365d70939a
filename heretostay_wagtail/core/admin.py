"""What every supporter listing in the Wagtail admin shares.

Supporter records (signatures, pledges) are created only by their feature's service,
which validates, dedupes, counts and records consent. So the admin never offers to add
one, whatever permissions a group holds: ``SupporterPermissionPolicy`` refuses the
actions a listing must not offer, and Wagtail's generic views then hide their buttons
and refuse their URLs. One mechanism for every supporter listing.

Minimal exposure: ``SupporterIndexView`` and ``SupporterInspectView`` mask emails and
phones (the feature's contact columns, ``exports.Column.mask``) for users without the
model's contact permission, limit their email search to an exact address, export through
``exports.export_supporters`` with or without contacts, and write one ``heretostay.view``
audit entry per request (``audit.log_view``).
"""

from django.apps import apps
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.http import HttpResponseBadRequest
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.active_filters import ChoiceFilterAdapter, register_filter_adapter_class
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from heretostay_wagtail.core import audit, exports, privacy
from heretostay_wagtail.core.filters import CampaignFilter


class PermissionMenuItem(MenuItem):
    """A menu item shown only to users with ``permission`` (the package's own screens:
    erasure, retention preview, audit report)."""

    def __init__(self, label, url, *, permission, **kwargs):
        self.permission = permission
        super().__init__(label, url, **kwargs)

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


# The active-filter pill above a listing names the campaign ("Petition: Make our city a
# sanctuary city"), not its key, as for any choice filter.
register_filter_adapter_class(CampaignFilter, adapter_class=ChoiceFilterAdapter)


class SupporterPermissionPolicy(ModelPermissionPolicy):
    """Django model permissions, less the actions in ``refused`` (for everyone); and
    every action needs ``view`` as well, since each screen (delete, history, edit) shows
    the supporter's name: ``delete_signature`` alone opens none of them."""

    def __init__(self, model, *, refused=("add",), **kwargs):
        super().__init__(model, **kwargs)
        self.refused = frozenset(refused)

    def _may_view(self, user):
        return super().user_has_permission(user, "view")

    def user_has_permission(self, user, action):
        if action in self.refused:
            return False
        return super().user_has_permission(user, action) and self._may_view(user)

    def user_has_any_permission(self, user, actions):
        allowed = [action for action in actions if action not in self.refused]
        return (
            bool(allowed)
            and super().user_has_any_permission(user, allowed)
            and self._may_view(user)
        )

    def users_with_any_permission(self, actions):
        allowed = [action for action in actions if action not in self.refused]
        if not allowed:
            return self.user_model.objects.none()
        return super().users_with_any_permission(allowed)


def register_supporter_policy(model, refused=("add",)):
    """Register ``model``'s policy with Wagtail, so every admin view uses it."""
    policy = SupporterPermissionPolicy(model, refused=refused)
    register_permission_policy(model, policy)
    return policy


class SupporterViewSet(ModelViewSet):
    """A listing of supporter records; register the model's policy first."""

    copy_view_enabled = False
    search_backend_name = None  # plain database search: supporter data stays out of indexes


def wants_contacts(value):
    """The ``contacts`` query parameter of an export: absent or true includes emails and
    phones (for those allowed to see them), "0"/"false" leaves them out."""
    return value is None or str(value).strip().lower() not in ("0", "false", "no", "off")


def _describe(value):
    """A filter value as the audit log should show it (date ranges are slices)."""
    if isinstance(value, slice):
        return f"{value.start or ''}..{value.stop or ''}"
    return value


class ContactColumn(Column):
    """A listing column of emails or phones; ``SupporterIndexView`` shows it masked to
    users without the contact permission."""

    def __init__(self, name, *, mask, **kwargs):
        super().__init__(name, **kwargs)
        self.mask = mask

    def masked(self):
        """The same column showing masked values, and never sortable (an order by email
        would tell more than the mask does)."""
        return Column(
            self.name, label=self.label, accessor=lambda obj: self.mask(self.get_value(obj))
        )


class ContactsMixin:
    """Whether the request's user may see the model's emails and phones."""

    @cached_property
    def show_contacts(self):
        return privacy.can_see_contacts(self.request.user, self.model)


class SupporterIndexView(ContactsMixin, generic.IndexView):
    """A supporter listing filtered by the feature's one FilterSet, less the filters
    only API clients use (the FilterSet's ``api_only``: no control for them here).

    Contacts are masked without the contact permission; each request writes one
    ``heretostay.view`` audit entry; ``?export=csv|xlsx`` (with ``contacts=0`` to leave
    out emails and phones) streams exactly what is listed, through
    ``exports.export_supporters``.
    """

    #: The feature's export columns (``<feature>/exports.py``): what an export carries and
    #: which columns are contacts.
    export_columns = ()
    #: The permission to export (the export links and ``?export=`` need it).
    export_permission = None
    export_filename = "export"
    #: The filter that narrows the listing to one campaign, and its page model: audit
    #: entries are then logged on that campaign's page.
    campaign_filter = None
    campaign_page_model = None

    @cached_property
    def filters(self):
        filters = super().filters
        if filters is not None:
            for name in getattr(filters, "api_only", ()):
                filters.form.fields.pop(name, None)
        return filters

    @cached_property
    def columns(self):
        columns = super().columns
        if self.show_contacts:
            return columns
        return [c.masked() if isinstance(c, ContactColumn) else c for c in columns]

    @cached_property
    def contact_keys(self):
        return {column.key for column in self.export_columns if column.contact}

    def search_queryset(self, queryset):
        """Without the contact permission, a search matches an email only as a whole
        address (any case): someone who already knows it can find its record, but a part
        of an address ("@gmail", "jose") reveals nothing, so the masked addresses cannot
        be worked out one search at a time."""
        if not self.is_searching or self.show_contacts:
            return super().search_queryset(queryset)
        query = Q()
        for field in self.search_fields or []:
            if field not in self.contact_keys:
                query |= Q(**{f"{field}__icontains": self.search_query})
        email = privacy.normalize_email(self.search_query)
        if "email" in (self.search_fields or []) and "@" in email:
            query |= Q(email_normalized=email)
        return queryset.filter(query) if query else queryset.none()

    @cached_property
    def applied_filters(self):
        """The filters and search narrowing the listing, as the audit log keeps them."""
        applied = {}
        if self.filters is not None and self.filters.is_valid():
            applied = {
                name: _describe(value)
                for name, value in self.filters.form.cleaned_data.items()
                if name in self.filters.form.changed_data and value not in (None, "")
            }
        if self.search_query:
            applied["q"] = self.search_query  # redacted by the audit log
        return applied

    @cached_property
    def audit_instance(self):
        """The campaign's page when the listing shows one campaign; else None (the
        default site)."""
        key = self.applied_filters.get(self.campaign_filter) if self.campaign_filter else None
        return audit.campaign_page(self.campaign_page_model, key) if key else None

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        page = context.get("page_obj")
        audit.log_view(
            self.request.user,
            self.model,
            records=len(context["object_list"]),
            contacts=self.show_contacts and bool(self.contact_keys & self.listed_keys),
            filters=self.applied_filters,
            instance=self.audit_instance,
            page=page.number if page is not None else 1,
            via="admin",
        )
        return context

    @cached_property
    def listed_keys(self):
        return {column.name for column in self.columns}

    # -- export ---------------------------------------------------------------------

    @cached_property
    def show_export_buttons(self):
        return False  # Wagtail's own export is replaced by ours (the results template)

    @cached_property
    def can_export(self):
        return bool(self.export_permission) and self.request.user.has_perm(self.export_permission)

    @cached_property
    def can_export_contacts(self):
        return self.can_export and self.show_contacts and bool(self.contact_keys)

    def get_export_url(self, fmt, contacts=False):
        params = self.request.GET.copy()
        for name in (self.page_kwarg, "_w_filter_fragment", "export", "contacts"):
            params.pop(name, None)
        params["export"] = fmt
        params["contacts"] = "1" if contacts else "0"
        return self.index_url + "?" + params.urlencode()

    @cached_property
    def export_links(self):
        """The results template's export links: ``without`` contacts for every exporter,
        ``with`` them for those allowed to see them."""
        formats = [(exports.CSV, _("CSV")), (exports.XLSX, _("XLSX"))]
        links = {"without": [(label, self.get_export_url(fmt)) for fmt, label in formats]}
        if self.can_export_contacts:
            links["with"] = [(label, self.get_export_url(fmt, True)) for fmt, label in formats]
        return links

    def get(self, request, *args, **kwargs):
        if not self.is_export:
            return super().get(request, *args, **kwargs)
        if self.filters is not None and not self.filters.is_valid():
            # Never fall back to exporting everyone because a filter was mistyped.
            return HttpResponseBadRequest(_("The export filters are not valid."))
        return self.export(request.GET["export"])

    def export(self, fmt):
        """Stream every matching record through the shared permission + audit gate."""
        return exports.export_supporters(
            self.request.user,
            self.get_queryset(),
            fmt,
            permission=self.export_permission,
            columns=self.export_columns,
            filename=self.export_filename,
            filters=self.applied_filters,
            instance=self.audit_instance,
            contacts=wants_contacts(self.request.GET.get("contacts")),
        )


class SupporterInspectView(ContactsMixin, generic.InspectView):
    """One supporter record: contacts masked without the contact permission, and one
    ``heretostay.view`` audit entry per request (on the record's campaign page), naming
    the record by its public id only."""

    any_permission_required = ["view"]
    #: The feature's export columns: their contact columns say which fields to mask.
    export_columns = ()

    @cached_property
    def contact_columns(self):
        return {column.key: column for column in self.export_columns if column.contact}

    def get_field_display_value(self, field_name, field):
        column = self.contact_columns.get(field_name)
        if column is not None and not self.show_contacts:
            return column.mask(column.get(self.object))
        return super().get_field_display_value(field_name, field)

    def get_audit_instance(self):
        return getattr(self.object, "page", None)

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        audit.log_view(
            request.user,
            self.model,
            records=1,
            contacts=self.show_contacts and bool(set(self.contact_columns) & set(self.fields)),
            instance=self.get_audit_instance(),
            supporter=str(self.object.public_id),
            via="admin",
        )
        return response


LISTING_COLUMNS = {"text": Column, "date": DateColumn, "boolean": BooleanColumn}


def listing_columns(columns):
    """An admin listing's ``list_display`` from a feature's export columns: those marked
    ``listing``, the "title" one first. It is given by field name, so Wagtail makes it the
    row's link with its buttons (inspect, edit, delete as permitted). Contact columns
    become ``ContactColumn``s, which ``SupporterIndexView`` masks per request."""
    display = [column.key for column in columns if column.listing == "title"]
    for column in columns:
        if column.listing and column.listing != "title":
            options = dict(
                label=column.heading,
                accessor=column.display or column.get,
                sort_key=None if column.contact else column.sort_key,
            )
            if column.contact:
                display.append(ContactColumn(column.key, mask=column.mask, **options))
            else:
                display.append(LISTING_COLUMNS[column.listing](column.key, **options))
    return display


# -- the group editor ----------------------------------------------------------------------


@hooks.register("register_permissions")
def register_package_permissions():
    """Every permission a model of the package declares in ``Meta.permissions`` (export,
    contacts, erasure, paper entry and delivery, alert verification...), so Wagtail's
    group editor offers each as a checkbox, whether or not an admin viewset registers its
    model. (Add/change/delete/view are offered by each model's viewset, snippet or
    setting.)"""
    config = apps.get_app_config("heretostay")
    codenames = {
        codename for model in config.get_models() for codename, _name in model._meta.permissions
    }
    return Permission.objects.filter(content_type__app_label=config.label, codename__in=codenames)


# -- background exports (core/export_jobs.py) ----------------------------------------------


def _export_job(request, job_id):
    """The job, for the user who asked for it (or a superuser) while they still hold the
    export's permission; anyone else gets a 404, which says nothing about whose it is."""
    from django.http import Http404

    from heretostay_wagtail.core import export_jobs
    from heretostay_wagtail.core.models import ExportJob

    job = ExportJob.objects.filter(pk=job_id).select_related("page").first()
    if job is None or not export_jobs.may_see(request.user, job):
        raise Http404
    return job


def export_job(request, job_id):
    """A background export's progress, then its download link. The page reloads itself
    every few seconds while the export runs (an HTML refresh, no script needed), unless
    asked not to (``?refresh=0``); a link reloads it by hand."""
    from django.template.response import TemplateResponse
    from django.urls import reverse

    from heretostay_wagtail.core import export_jobs

    job = export_jobs.with_progress(_export_job(request, job_id))
    export_jobs.expire(job)
    refreshing = not job.is_finished and request.GET.get("refresh") != "0"
    url = reverse("heretostay_export_job", args=[job.pk])
    return TemplateResponse(
        request,
        "heretostay/admin/export_job.html",
        {
            "job": job,
            "page_title": _("Export"),
            "header_icon": "download",
            "refresh_seconds": 3 if refreshing else None,
            "job_url": url,
            "stop_url": f"{url}?refresh=0",
            "error": export_jobs.ERRORS.get(job.error, export_jobs.ERRORS[export_jobs.FAILED])
            if job.error
            else "",
            "download_name": export_jobs.download_name(job),
        },
    )


def export_job_download(request, job_id):
    """The export's file, checked again and audit-logged; refused once it expired."""
    from django.template.response import TemplateResponse

    from heretostay_wagtail.core import export_jobs

    job = _export_job(request, job_id)
    response = export_jobs.file_response(job, user=request.user, via="admin")
    if response is not None:
        return response
    return TemplateResponse(
        request,
        "heretostay/admin/export_job.html",
        {
            "job": job,
            "page_title": _("Export"),
            "header_icon": "download",
            "refused": True,
            "job_url": "",
            "error": export_jobs.ERRORS.get(job.error, "") if job.error else "",
        },
        status=410 if job.status == "expired" or job.is_finished else 409,
    )


@hooks.register("register_admin_urls")
def register_export_job_urls():
    from django.urls import path

    return [
        path("heretostay/exports/<int:job_id>/", export_job, name="heretostay_export_job"),
        path(
            "heretostay/exports/<int:job_id>/download/",
            export_job_download,
            name="heretostay_export_download",
        ),
    ]
