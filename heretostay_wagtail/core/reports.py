"""The personal-data audit report, in the admin's Reports menu (issue 14).

Every ``heretostay.*`` entry of Wagtail's audit log (written by ``core/audit.py``): on
campaign pages (``PageLogEntry``) and on other objects (``ModelLogEntry``: the default site
or the acting user for entries about no one page, an alert). Each row says when, who, which
action, about what (a campaign, or all of them), how many records, and the rest of the
entry's data. Behind ``heretostay.view_audit_report`` (or a superuser).

The log never holds a supporter's name, email or phone, and nothing here adds one: records
are counted, and a deleted one is named only by its public id. The report's own spreadsheet
export (Wagtail's, with formulas neutralized in CSV) is not itself audit-logged: it holds no
supporter data, and the audit log records what happens to supporters' personal data.
"""

import datetime
import uuid
from collections import defaultdict

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import IntegerField, Q, Value
from django.http import HttpResponseBadRequest
from django.urls import path, reverse
from django.utils.encoding import force_str
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.timezone import localtime, now
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.defaults import permission_denied
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.utils import get_user_display_name
from wagtail.admin.views.reports import ReportView
from wagtail.log_actions import registry as log_action_registry
from wagtail.models import ModelLogEntry, Page, PageLogEntry, Site
from wagtail.permissions import policy_registry

from heretostay_wagtail.core.admin import PermissionMenuItem
from heretostay_wagtail.core.exports import REDACTED, neutralize
from heretostay_wagtail.core.filters import parse_id
from heretostay_wagtail.core.models import Source
from heretostay_wagtail.core.reports_filters import (
    CAMPAIGN_FILTER_KEYS,
    AuditReportFilterSet,
    default_locale_id,
    package_entries,
    page_field,
)

PERMISSION = "heretostay.view_audit_report"
URL_NAME = "heretostay_audit_report"
RESULTS_URL_NAME = "heretostay_audit_report_results"

#: The two log models the package writes to, in the union's order (``log_model`` index).
LOG_MODELS = (PageLogEntry, ModelLogEntry)

#: Entries read per query while exporting the whole report.
EXPORT_CHUNK = 500


def can_view(user):
    return user.is_active and user.has_perm(PERMISSION)


# -- How many records --------------------------------------------------------------------


def _number(value):
    return value if isinstance(value, int) and not isinstance(value, bool) else None


#: Keys of an erasure's or a retention run's counts that are not records about people:
#: files (a delivery PDF lists many people), settings and ids.
NOT_RECORDS = frozenset(
    {"delivery_pdfs", "files", "failed_files", "job", "page", "page_id", "entered_by"}
)


def is_record_count(key):
    return key not in NOT_RECORDS and not str(key).startswith("days")


def total(data):
    """The sum of the counts per kind in ``data`` (its ``counts`` when it has them; nested
    too), without files and settings; None when it holds no count."""
    if not isinstance(data, dict):
        return _number(data)
    if isinstance(data.get("counts"), dict):
        return total(data["counts"])
    counts = [
        n for key, value in data.items() if is_record_count(key) and (n := total(value)) is not None
    ]
    return sum(counts) if counts else None


def field(name):
    def count(data):
        return _number(data.get(name))

    return count


def one(data):
    return 1


def nothing(data):
    return None


def paper_entry(data):
    """Signatures typed in and added, or counted on paper without names."""
    return _number(data["added"]) if "added" in data else _number(data.get("tally"))


def people_reached(data):
    preview = data.get("preview")
    return _number(preview.get("people")) if isinstance(preview, dict) else None


def queued(data):
    return total(data.get("queued"))


#: action -> (how many records its entry is about, the data keys that number is read
#: from, left out of the details). One rule per action, so the column adds up.
RECORD_COUNTS = {
    "heretostay.view": (field("records"), {"records"}),
    "heretostay.export": (field("rows"), {"rows"}),
    "heretostay.download": (field("rows"), {"rows"}),
    "heretostay.delete_supporter": (one, set()),
    "heretostay.paper_entry": (paper_entry, {"added", "tally"}),
    "heretostay.paper_tally_remove": (field("tally"), {"tally"}),
    "heretostay.delete_personal_data": (field("rows"), {"rows"}),
    "heretostay.deliver": (field("signatures"), {"signatures"}),
    # Erasure and retention: the sum of the counts per kind, which the details list.
    "heretostay.erasure": (total, set()),
    "heretostay.retention": (total, set()),
    "heretostay.alert.create": (nothing, set()),  # a draft: no one's data yet
    "heretostay.alert.verify": (people_reached, set()),
    "heretostay.alert.send": (people_reached, set()),
    "heretostay.alert.dispatch": (queued, set()),
    "heretostay.alert.unverify": (nothing, set()),  # back to draft: no one's data
    "heretostay.verification_request": (field("pledges"), {"pledges"}),
    # Recovery: the messages resolved (sent, queued again, failed), which the details list.
    "heretostay.alert.recover": (total, set()),
}


def record_count(action, data):
    """How many records an entry is about; None for actions about no records (creating
    an alert)."""
    if action in RECORD_COUNTS:
        count, _keys = RECORD_COUNTS[action]
        return count(data)
    # An action added later: the keys the package's entries use for counts.
    return _number(data.get("records", data.get("rows")))


# -- Details -----------------------------------------------------------------------------

TALLY = _("Counted on paper, without names")  # as ``paper/entry.py`` says it

DETAIL_LABELS = {
    "model": _("Kind"),
    "format": _("Format"),
    "filters": _("Filters"),
    "contacts": _("Contacts shown"),
    "page": _("Page of results"),
    "via": _("Through"),
    "method": _("Method"),
    "sheet_code": _("Sheet"),
    "added": _("Added"),
    "duplicates": _("Duplicates"),
    "rejected": _("Rejected rows"),
    "tally": TALLY,
    "note": _("Note"),
    "entered_at": _("Entered on"),
    "entered_by": _("Entered by"),
    "file": _("File"),
    "job": _("Delivery job"),
    "reason": _("Reason"),
    "days": _("Days kept"),
    "recipients": _("Recipients"),
    "signatures": _("Signatures"),
    "pledges": _("Pledges"),
    "alert_deliveries": _("Alert messages"),
    "delivery_pdfs": _("Delivery PDFs"),
    "matched_by": _("Matched by"),
    "failed_files": _("Files not deleted"),
    "preview": _("Reach by channel"),
    "queued": _("Queued by channel"),
    "people": _("People"),
    "supporter": _("Record"),
    "public_id": _("Record"),
    "campaign": _("Campaign"),
    "petition": _("Petition"),
    "source": _("Source"),
    "q": _("Search"),
    "search": _("Search"),
    "sms": _("SMS"),
    "email": _("Email"),
    "phone": _("Phone"),
}

VALUE_LABELS = {
    "method": {
        "form": _("Typed in"),
        "csv": _("Spreadsheet upload"),
        "api": _("API"),
        "tally": TALLY,
    },
    "source": dict(Source.choices),
    "file": {"delivery_pdf": _("Delivery PDF")},
    "reason": {"retention": _("Retention period"), "organizer": _("An organizer")},
    "matched_by": {"email": _("email"), "phone": _("phone")},
}


#: Details in this order whatever the database (PostgreSQL's jsonb reorders keys).
DETAIL_ORDER = {key: i for i, key in enumerate(DETAIL_LABELS)}


def in_order(data):
    return sorted(
        data.items(), key=lambda item: (DETAIL_ORDER.get(item[0], len(DETAIL_ORDER)), item[0])
    )


def detail_label(key):
    return DETAIL_LABELS.get(key) or capfirst(str(key).replace("_", " "))


def campaign_refs(data):
    """The campaigns an entry's data names (its filters, a deleted record's campaign):
    page ids and campaign keys."""
    values = [data.get("campaign")]
    filters = data.get("filters")
    if isinstance(filters, dict):
        values += [filters.get(key) for key in CAMPAIGN_FILTER_KEYS]
    refs = []
    for value in values:
        if value in (None, ""):
            continue
        if (page_id := parse_id(value)) is not None:
            refs.append(page_id)
            continue
        try:
            refs.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    return refs


class Lookup:
    """What one batch of entries refers to (pages, objects, users), read in a fixed number
    of queries whatever the batch's size."""

    def __init__(self, entries, user, default_locale):
        self.user = user
        self.default_locale = default_locale
        self.linked_types = set()  # content types with a ``page`` foreign key
        self.object_pages = self._object_pages(entries)
        page_ids, keys, user_ids = set(), set(), set()
        for entry in entries:
            if isinstance(entry, PageLogEntry):
                page_ids.add(entry.page_id)
            elif self.object_pages.get(self.object_key(entry)):
                page_ids.add(self.object_pages[self.object_key(entry)])
            for ref in campaign_refs(entry.data):
                (keys if isinstance(ref, uuid.UUID) else page_ids).add(ref)
            if _number(entry.data.get("entered_by")) is not None:
                user_ids.add(entry.data["entered_by"])
        self.pages, self.campaigns = self._pages(page_ids, keys)
        self.editable = self._editable(set(self.pages))
        self.users = self._users(user_ids)

    @staticmethod
    def object_key(entry):
        return (entry.content_type_id, entry.object_id)

    def _object_pages(self, entries):
        ids_by_type = defaultdict(set)
        for entry in entries:
            if isinstance(entry, ModelLogEntry) and entry.content_type_id:
                ids_by_type[entry.content_type].add(entry.object_id)
        found = {}
        for content_type, ids in ids_by_type.items():
            model = content_type.model_class()
            if model is None or page_field(model) is None:
                continue
            self.linked_types.add(content_type.pk)
            rows = model._default_manager.filter(pk__in=ids).values_list("pk", "page_id")
            for pk, page_id in rows:
                found[(content_type.pk, str(pk))] = page_id
        return found

    def _pages(self, page_ids, keys):
        if not page_ids and not keys:
            return {}, {}
        rows = Page.objects.filter(Q(pk__in=page_ids) | Q(translation_key__in=keys))
        pages, campaigns = {}, {}
        for pk, key, title, locale_id in rows.order_by("pk").values_list(
            "pk", "translation_key", "title", "locale_id"
        ):
            pages[pk] = title
            if key not in campaigns or locale_id == self.default_locale:
                campaigns[key] = pk
        return pages, campaigns

    def _editable(self, page_ids):
        if not page_ids or self.user.is_superuser:
            return page_ids
        policy = policy_registry.get_by_type(Page)
        return set(
            policy.instances_user_has_any_permission_for(self.user, {"change"})
            .filter(pk__in=page_ids)
            .values_list("pk", flat=True)
        )

    def _users(self, user_ids):
        if not user_ids:
            return {}
        return {
            user.pk: get_user_display_name(user)
            for user in get_user_model().objects.filter(pk__in=user_ids)
        }

    def page(self, page_id):
        """(title, editor URL or None) of an existing page; None when it is gone."""
        if page_id not in self.pages:
            return None
        url = None
        if page_id in self.editable:
            url = reverse("wagtailadmin_pages:edit", args=(page_id,))
        return self.pages[page_id], url

    def campaign(self, ref):
        """(title, editor URL or None) of the campaign ``ref`` names (page id or key)."""
        if isinstance(ref, uuid.UUID):
            ref = self.campaigns.get(ref)
        return self.page(ref)


def describe_what(entry, lookup):
    """(the campaign's title, its editor's URL or None)."""
    if isinstance(entry, PageLogEntry):
        found = lookup.page(entry.page_id)
        if found:
            return found
        return gettext("%(title)s (deleted)") % {"title": entry.label}, None
    if entry.content_type_id in lookup.linked_types:
        page_id = lookup.object_pages.get(lookup.object_key(entry))
        found = lookup.page(page_id) if page_id else None
        if found:
            return found
    for ref in campaign_refs(entry.data):
        found = lookup.campaign(ref)
        if found:
            return found
    if entry.content_type_id in lookup.linked_types:
        # A record or alert that is gone (or has no campaign): say what it was.
        return capfirst(entry.object_verbose_name), None
    return gettext("All campaigns"), None


def format_value(key, value, lookup):
    if value is None or value == "":
        return "—"
    if value == REDACTED:
        return gettext("searched (the text is not logged)")
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, dict):
        if not value:
            return gettext("none")
        return "; ".join(
            f"{detail_label(k)}: {format_value(k, v, lookup)}" for k, v in in_order(value)
        )
    if isinstance(value, list | tuple):
        return ", ".join(format_value(key, v, lookup) for v in value) or gettext("none")
    if key == "model":
        try:
            return capfirst(apps.get_model(str(value))._meta.verbose_name_plural)
        except (LookupError, ValueError):
            return str(value)
    if key == "format":
        return str(value).upper()
    if key in ("campaign", *CAMPAIGN_FILTER_KEYS):
        refs = campaign_refs({"campaign": value})
        found = lookup.campaign(refs[0]) if refs else None
        return found[0] if found else str(value)
    if key == "entered_by":
        return lookup.users.get(value) or f"#{value}"
    if key == "entered_at":
        try:
            return date_format(localtime(datetime.datetime.fromisoformat(value)), "DATETIME_FORMAT")
        except (TypeError, ValueError):
            return str(value)
    if key in VALUE_LABELS:
        return force_str(VALUE_LABELS[key].get(value, value))
    return str(value)


def describe_details(entry, lookup):
    """(label, text) pairs: the object an entry is on (unless a page, the site or a user)
    and the entry's data less what the record count was read from."""
    details = []
    if isinstance(entry, ModelLogEntry) and entry.content_type_id:
        model = entry.content_type.model_class()
        if model is not None and model is not Site and model is not get_user_model():
            details.append((capfirst(entry.object_verbose_name), f"#{entry.object_id}"))
    _count, used = RECORD_COUNTS.get(entry.action, (None, set()))
    for key, value in in_order(entry.data):
        if key in used:
            continue
        if key == "preview" and isinstance(value, dict):
            value = value.get("channels")
        if value in (None, "", [], ()) and key != "filters":
            continue
        details.append((detail_label(key), format_value(key, value, lookup)))
    return details


def action_label(action):
    try:
        return capfirst(force_str(log_action_registry.get_action_label(action)))
    except KeyError:
        return action


def decorate(entries, user, default_locale):
    """Set what the columns and the export show on each entry of a batch."""
    lookup = Lookup(entries, user, default_locale)
    for entry in entries:
        entry.hts_action = action_label(entry.action)
        entry.hts_what, entry.hts_what_url = describe_what(entry, lookup)
        entry.hts_records = record_count(entry.action, entry.data)
        entry.hts_details = describe_details(entry, lookup)
        entry.hts_details_text = " | ".join(f"{label}: {text}" for label, text in entry.hts_details)
    return entries


# -- The admin view ----------------------------------------------------------------------


class WhoColumn(Column):
    cell_template_name = "heretostay/reports/who_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["display_name"] = instance.user_display_name
        return context


class RecordsColumn(Column):
    cell_template_name = "heretostay/reports/records_cell.html"


class DetailsColumn(Column):
    cell_template_name = "heretostay/reports/details_cell.html"


class AuditPaginator(WagtailPaginator):
    """Counts "audit-log entries", not "page log entries" (the union's first model)."""

    verbose_name = _("audit-log entry")
    verbose_name_plural = _("audit-log entries")


class AuditReportView(ReportView):
    paginator_class = AuditPaginator
    page_title = _("Personal data audit")
    header_icon = "clipboard-list"
    filterset_class = AuditReportFilterSet
    index_url_name = URL_NAME
    index_results_url_name = RESULTS_URL_NAME
    verbose_name_plural = _("audit-log entries")
    paginate_by = 50
    columns = [
        DateColumn("timestamp", label=_("When")),
        WhoColumn("user", label=_("Who")),
        Column("hts_action", label=_("Action")),
        TitleColumn("hts_what", label=_("What"), get_url=lambda entry: entry.hts_what_url),
        RecordsColumn("hts_records", label=_("Records")),
        DetailsColumn("hts_details", label=_("Details")),
    ]
    list_export = [
        "timestamp",
        "user_display_name",
        "hts_action",
        "hts_what",
        "hts_records",
        "hts_details_text",
    ]
    export_headings = {
        "timestamp": _("Date/time (UTC)"),
        "user_display_name": _("Who"),
        "hts_action": _("Action"),
        "hts_what": _("What"),
        "hts_records": _("Records"),
        "hts_details_text": _("Details"),
    }

    def dispatch(self, request, *args, **kwargs):
        if not can_view(request.user):
            # A 403, not Wagtail's redirect to the dashboard for a PermissionDenied.
            return permission_denied(request, PermissionDenied())
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if self.is_export and self.filters is not None and not self.filters.is_valid():
            # Never export more than asked because a filter was mistyped.
            return HttpResponseBadRequest(gettext("The report's filters are not valid."))
        return super().get(request, *args, **kwargs)

    def get_filename(self):
        return "personal-data-audit-{}".format(now().strftime("%Y-%m-%d"))

    def get_filtered_queryset(self):
        """Both log models' entries of the package, newest first: a union of (pk, timestamp,
        model index) rows, each side filtered on its own (as Wagtail's "Site history")."""
        queryset = None
        for index, log_model in enumerate(LOG_MODELS):
            rows = package_entries(log_model).values("pk", "timestamp")
            rows = rows.annotate(log_model=Value(index, output_field=IntegerField()))
            rows = self.filter_queryset(rows).order_by()
            queryset = rows if queryset is None else queryset.union(rows, all=True)
        return queryset.order_by("-timestamp", "-log_model", "-pk")

    @cached_property
    def default_locale(self):
        return default_locale_id()

    def entries(self, rows):
        """The log entries of ``rows``, in their order, decorated: one query per log model
        (with their users) plus the lookups of ``Lookup``."""
        rows = list(rows)
        pks = defaultdict(list)
        for row in rows:
            pks[row["log_model"]].append(row["pk"])
        found = {}
        for index, ids in pks.items():
            for entry in (
                LOG_MODELS[index]
                .objects.filter(pk__in=ids)
                .select_related("user", "user__wagtail_userprofile", "content_type")
            ):
                found[(index, entry.pk)] = entry
        entries = [found[key] for row in rows if (key := (row["log_model"], row["pk"])) in found]
        return decorate(entries, self.request.user, self.default_locale)

    def paginate_queryset(self, queryset, page_size):
        """Decorate the page's entries before the listing's table is built from them."""
        paginator, page, rows, is_paginated = super().paginate_queryset(queryset, page_size)
        page.object_list = self.entries(rows)
        return paginator, page, page.object_list, is_paginated

    def decorate_paginated_queryset(self, object_list):
        if self.is_export:  # not paginated: every entry, read in chunks
            return self.export_entries(object_list)
        return object_list  # decorated when paginated

    def export_entries(self, rows):
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) == EXPORT_CHUNK:
                yield from self.entries(batch)
                batch = []
        if batch:
            yield from self.entries(batch)

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        if export_format == self.FORMAT_CSV:
            # Wagtail types XLSX cells that look like formulas as text; CSV has no types.
            value = neutralize(value)
        return value


def urlpatterns():
    return [
        path("heretostay/audit-report/", AuditReportView.as_view(), name=URL_NAME),
        path(
            "heretostay/audit-report/results/",
            AuditReportView.as_view(results_only=True),
            name=RESULTS_URL_NAME,
        ),
    ]


def menu_item():
    return PermissionMenuItem(
        _("Personal data audit"),
        reverse(URL_NAME),
        permission=PERMISSION,
        name="heretostay-audit-report",
        icon_name="clipboard-list",
        order=1100,
    )
