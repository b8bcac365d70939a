"""Streaming CSV/NDJSON exports of supporters, shared by signatures and pledgers.

Both go through ``exports.export_supporters``, so the permission check, the contact
columns, formula neutralization, constant memory and the audit-log entry live in one
place; this module only adds the API's query parsing (the list's filters plus
``contacts``) and the OpenAPI description of each format.
"""

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from heretostay_wagtail.api import errors
from heretostay_wagtail.api.base import StaffView, get_or_404
from heretostay_wagtail.core import export_jobs, exports, privacy
from heretostay_wagtail.core.models import ExportJob, ExportJobStatus


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
            job_response=lambda job: job_accepted(request, job),
        )
        if response.streaming:
            response.streaming_content = in_language(response.streaming_content, get_language())
        return response


# -- exports too large to stream: background jobs (core/export_jobs.py) ------------------


NO_EXPORT = _("There is no such export.")
EXPORT_NOT_READY = _("This export is not ready yet.")
EXPORT_GONE = _("This export's file is no longer available. Export again if you need it.")


class ExportJobSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ExportJobStatus.choices)
    progress = serializers.IntegerField(help_text="Percent done.")
    total_rows = serializers.IntegerField(help_text="Rows the file holds (counted at the start).")
    rows_done = serializers.IntegerField()
    format = serializers.CharField()
    contacts = serializers.BooleanField(help_text="Whether the file has the email and phone.")
    error = serializers.SerializerMethodField(help_text="Why it failed, when it did.")
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(
        allow_null=True, help_text="After this the file is deleted and cannot be downloaded."
    )
    url = serializers.SerializerMethodField()
    file_url = serializers.SerializerMethodField()

    def get_error(self, job) -> str:
        return (
            str(export_jobs.ERRORS.get(job.error, export_jobs.ERRORS[export_jobs.FAILED]))
            if job.error
            else ""
        )

    def get_url(self, job) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("heretostay_api:export-detail", args=[job.pk])
        )

    def get_file_url(self, job) -> str | None:
        if not job.is_downloadable():
            return None
        return self.context["request"].build_absolute_uri(
            reverse("heretostay_api:export-file", args=[job.pk])
        )


def job_accepted(request, job):
    """The API's answer to an export too large to stream: 202, with the job to poll."""
    data = ExportJobSerializer(job, context={"request": request}).data
    response = Response(data, status=status.HTTP_202_ACCEPTED)
    response["Location"] = data["url"]
    return response


def get_export_job(request, pk):
    """The job, for the user who asked for it (or a superuser) while they hold the export's
    permission; a 404 for anyone else, saying nothing about whose it is."""
    job = get_or_404(ExportJob.objects.select_related("page"), pk, NO_EXPORT)
    if not export_jobs.may_see(request.user, job):
        raise NotFound(NO_EXPORT)
    return job


EXPORT_JOB_PARAMETER = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Id of the export."
)


class ExportJobDetail(StaffView):
    serializer_class = ExportJobSerializer

    @extend_schema(
        operation_id="exports_retrieve",
        summary="Status and progress of a large export (staff)",
        description=(
            "An export of more rows than EXPORT_INLINE_MAX_ROWS answers 202 with this "
            "object: poll its url until status is done, then download file_url. Only the "
            "user who asked for it (or a superuser) sees it, while they hold the export's "
            "permission."
        ),
        parameters=[EXPORT_JOB_PARAMETER],
        responses={200: ExportJobSerializer, **errors.responses(400, 401, 403, 404, 429)},
        tags=["exports"],
    )
    def get(self, request, pk):
        job = export_jobs.with_progress(get_export_job(request, pk))
        export_jobs.expire(job)
        return Response(self.get_serializer(job).data)


class ExportJobFile(StaffView):
    @extend_schema(
        operation_id="exports_file",
        summary="Download a finished large export (staff)",
        parameters=[EXPORT_JOB_PARAMETER],
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The CSV, XLSX or NDJSON file."
            ),
            409: OpenApiResponse(errors.Error, description="The export is not ready yet."),
            410: OpenApiResponse(
                errors.Error, description="The export failed, expired or its file is gone."
            ),
            **errors.responses(400, 401, 403, 404, 429),
        },
        tags=["exports"],
    )
    def get(self, request, pk):
        """Written to the audit log as a download of personal data, like the admin's."""
        job = get_export_job(request, pk)
        response = export_jobs.file_response(job, user=request.user, via="api")
        if response is not None:
            return response
        if not job.is_finished:
            return Response(
                {"status": 409, "code": "not_ready", "detail": str(EXPORT_NOT_READY)},
                status=status.HTTP_409_CONFLICT,
            )
        return Response(
            {"status": 410, "code": "gone", "detail": str(EXPORT_GONE)},
            status=status.HTTP_410_GONE,
        )


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
                202: OpenApiResponse(
                    ExportJobSerializer,
                    description=(
                        "More rows than EXPORT_INLINE_MAX_ROWS: the export runs in the "
                        "background. Poll url (also in Location), then download file_url."
                    ),
                ),
                **errors.responses(400, 401, 403, 429),
            },
            tags=[tag],
        )
        def get(self, request):
            return SupporterExport.get(self, request)

        views.append(type(f"{view.__name__}{fmt.upper()}", (view,), {"fmt": fmt, "get": get}))
    return views
