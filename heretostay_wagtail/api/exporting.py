"""Streaming CSV/NDJSON exports of supporters, shared by signatures and pledgers.

Both go through ``exports.export_supporters``, so the permission check, the contact
columns, formula neutralization, constant memory and the audit-log entry live in one
place; this module only adds the API's query parsing (the list's filters plus
``contacts``) and the OpenAPI description of each format.
"""

from django.utils import timezone, translation
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers

from heretostay_wagtail.api import errors
from heretostay_wagtail.api.base import StaffView
from heretostay_wagtail.core import exports, privacy


def with_contacts(query_serializer, model):
    """``query_serializer`` (a list's filters) plus the export's ``contacts`` parameter."""
    permission = privacy.contact_permission(model)

    class ExportQuery(query_serializer):
        contacts = serializers.BooleanField(
            required=False,
            default=True,
            help_text=(
                "Include the email and phone columns. Always false (the columns are left "
                f"out) without the {permission} permission; the audit-log entry says "
                "whether they were included."
            ),
        )

    ExportQuery.__name__ = ExportQuery.__qualname__ = f"{query_serializer.__name__}Export"
    return ExportQuery


FORMATS = (
    (exports.CSV, "text/csv", "CSV"),
    (exports.NDJSON, "application/x-ndjson", "NDJSON (one JSON object per line)"),
)


class SupporterExport(StaffView):
    """Subclasses set the query serializer, permission, file name and these hooks."""

    fmt = None
    query_serializer = None
    permission = None
    filename = None

    def get_queryset(self, query):
        raise NotImplementedError

    def get_columns(self):
        raise NotImplementedError

    def filters_for_log(self, query):
        raise NotImplementedError

    def audit_instance(self, query):
        """The campaign's page when the query names one (the audit entry is logged on
        it); None logs it on the default site."""
        return None

    def get(self, request):
        query = dict(self.query())
        contacts = query.pop("contacts", True)
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response = exports.export_supporters(
            request.user,
            self.get_queryset(query),
            self.fmt,
            permission=self.permission,
            columns=self.get_columns(),
            filename=f"{self.filename}-{stamp}",
            filters=self.filters_for_log(query),
            instance=self.audit_instance(query),
            contacts=contacts,
        )
        response.streaming_content = in_language(response.streaming_content, get_language())
        return response


def in_language(chunks, language):
    """Produce each streamed chunk in the request's language (CSV headings), without
    leaving that language active in the thread between chunks."""
    chunks = iter(chunks)
    while True:
        with translation.override(language):
            try:
                chunk = next(chunks)
            except StopIteration:
                return
        yield chunk


def format_views(view, *, noun, tag, source):
    """One view class per export format, each with its own OpenAPI operation."""
    views = []
    for fmt, media_type, label in FORMATS:

        @extend_schema(
            operation_id=f"{noun}_export_{fmt}",
            summary=f"Export {noun} as {label} (staff)",
            description=(
                f"Streams all matching {noun} (constant memory). Needs the "
                f"{view.permission} permission and writes the same audit-log entry as an "
                f"export from {source}. The email and phone columns are left out with "
                "contacts=false, and always without the contact permission (see "
                "contacts). Text cells that a spreadsheet would run as formulas are "
                "neutralized in CSV."
            ),
            parameters=[view.query_serializer],
            responses={
                (200, media_type): OpenApiResponse(OpenApiTypes.STR, description=label),
                **errors.responses(400, 401, 403, 429),
            },
            tags=[tag],
        )
        def get(self, request):
            return SupporterExport.get(self, request)

        views.append(type(f"{view.__name__}{fmt.upper()}", (view,), {"fmt": fmt, "get": get}))
    return views
