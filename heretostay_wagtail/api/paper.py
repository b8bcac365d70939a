"""Paper signatures and delivery PDFs for staff, with the admin's permissions.

Bulk entry runs ``paper.entry.enter_rows`` (the admin's own row-by-row validation,
signing and report); a delivery PDF is requested and downloaded through the same
``paper.tasks`` functions as the admin, so the job, the task and the audit entries
are the same whichever screen asked.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from heretostay_wagtail.api import errors
from heretostay_wagtail.api.base import StaffView, StrictSerializer, get_or_404
from heretostay_wagtail.api.fields import StrictBooleanField, StrictCharField
from heretostay_wagtail.api.permissions import IsAuthenticated, has_perm
from heretostay_wagtail.core import rights
from heretostay_wagtail.paper import entry
from heretostay_wagtail.paper.forms import BY_REGION, DeliveryForm
from heretostay_wagtail.paper.models import DeliveryJob, DeliveryJobStatus
from heretostay_wagtail.paper.regions import MAX_NAME, MAX_PREFIX, MAX_PREFIXES, MAX_REGIONS
from heretostay_wagtail.paper.regions import MAX_TEXT as MAX_REGIONS_TEXT
from heretostay_wagtail.paper.tasks import FILE_MISSING, delivery_file_response, request_delivery
from heretostay_wagtail.petitions.models import PetitionPage

PAPER_PERMISSION = "heretostay.add_paper_signatures"
DELIVER_PERMISSION = "heretostay.deliver_petition"
MAX_ROWS = 500

NO_PETITION = _("No petition with this id.")
NO_JOB = _("No delivery PDF with this id.")
NOT_READY = _("This PDF is not ready yet.")
DELETED = _("This PDF was deleted. Generate a new one if you need it.")

PETITION_PARAMETER = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Page id of the petition."
)
JOB_PARAMETER = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Id of the delivery PDF job."
)


NO_PAGE_RIGHTS = _("You do not have permission to work on this petition.")


def with_page_rights(request, page, permission):
    """As in the admin: the global ``permission`` and Wagtail page rights on this petition
    (core.rights.can_use_tool), else a 403."""
    if not rights.can_use_tool(request.user, page, permission):
        raise exceptions.PermissionDenied(NO_PAGE_RIGHTS)
    return page


def get_petition(request, pk, permission):
    """Any petition, published or not, as in the admin, if the user may work on it."""
    return with_page_rights(
        request, get_or_404(PetitionPage.objects.all(), pk, NO_PETITION), permission
    )


# -- bulk entry --------------------------------------------------------------------------


class PaperRowSerializer(StrictSerializer):
    """One line of a paper sheet, as typed; the petition's rules are checked per row."""

    name = StrictCharField(required=False, allow_blank=True, max_length=300)
    email = StrictCharField(required=False, allow_blank=True, max_length=300)
    postal_code = StrictCharField(required=False, allow_blank=True, max_length=40)
    phone = StrictCharField(required=False, allow_blank=True, max_length=40)
    comment = StrictCharField(required=False, allow_blank=True, max_length=4000)
    opt_in = StrictBooleanField(required=False, default=False)
    sheet_code = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=40,
        help_text="This row's sheet, when it differs from the batch's.",
    )


class PaperBatchSerializer(StrictSerializer):
    sheet_code = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=40,
        help_text="The code printed on the sheet (for rows without their own).",
    )
    rows = PaperRowSerializer(many=True, max_length=MAX_ROWS, allow_empty=False)


class RowReportSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="1-based position in the rows sent.")
    status = serializers.ChoiceField(choices=[entry.ADDED, entry.DUPLICATE, entry.REJECTED])
    errors = serializers.ListField(child=StrictCharField())


class PaperReportSerializer(serializers.Serializer):
    added = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    rejected = serializers.IntegerField()
    rows = RowReportSerializer(many=True, help_text="Blank rows are skipped and not listed.")


def petition_operation(operation_id, summary, request, responses):
    """The OpenAPI operation of a staff POST on one petition's paper tools."""
    return extend_schema(
        operation_id=operation_id,
        summary=summary,
        parameters=[PETITION_PARAMETER],
        request=request,
        responses={**responses, **errors.responses(400, 401, 403, 404, 413, 415, 429)},
        tags=["paper"],
    )


class PaperSignatures(StaffView):
    permission_classes = (IsAuthenticated, has_perm(PAPER_PERMISSION))
    serializer_class = PaperBatchSerializer

    @petition_operation(
        "petitions_paper_signatures_create",
        "Enter paper signatures (staff)",
        PaperBatchSerializer,
        {200: PaperReportSerializer},
    )
    def post(self, request, pk):
        """Needs heretostay.add_paper_signatures. Each row is validated and signed like the
        admin's paper entry (source paper); a bad row is reported and skipped, never
        blocking the others. One audit-log entry per batch.
        """
        petition = get_petition(request, pk, PAPER_PERMISSION)
        batch = self.body()
        try:
            code = entry.check_sheet_code(petition, batch.get("sheet_code", ""))
        except ValueError as exc:
            raise serializers.ValidationError({"sheet_code": [str(exc)]}) from None
        rows = list(enumerate(batch["rows"], start=1))
        report = entry.enter_rows(petition, rows, user=request.user, sheet_code=code, method="api")
        return Response(
            {
                **report.summary(),
                "rows": [
                    {"row": r.number, "status": r.status, "errors": [str(e) for e in r.errors]}
                    for r in report.rows
                ],
            }
        )


# -- delivery ----------------------------------------------------------------------------


class DeliveryRequestSerializer(StrictSerializer):
    """The admin's delivery options; ``DeliveryForm`` checks them."""

    group_by = serializers.ChoiceField(
        choices=[0, 2, 3, 5],
        required=False,
        default=0,
        help_text="Group signers by this many leading postal-code characters (0: none).",
    )
    regions = StrictCharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        max_length=MAX_REGIONS_TEXT,
        help_text=(
            "Group signers by region instead: one region per line, its name, a colon, then "
            "postal codes or their first characters separated by commas or spaces, e.g. "
            '"District 1: 94102, 94103\\nDistrict 2: 941". The longest matching prefix '
            "wins; signers in no region (or without a postal code) come last. At most "
            f"{MAX_REGIONS} regions, {MAX_PREFIXES} codes per region, names of "
            f"{MAX_NAME} and codes of {MAX_PREFIX} characters. Leave group_by at 0. "
            "Errors name the line."
        ),
    )
    include_comments = StrictBooleanField(
        required=False, default=True, help_text="Ignored when the petition asks no comment."
    )
    only_confirmed = StrictBooleanField(required=False, default=True)

    def validate(self, attrs):
        if attrs.get("regions", "").strip() and attrs.get("group_by"):
            raise serializers.ValidationError(
                {"regions": [_("Group either by postal code or by region, not both.")]}
            )
        return attrs


class RegionSerializer(serializers.Serializer):
    name = StrictCharField()
    prefixes = serializers.ListField(
        child=StrictCharField(), help_text="Postal codes or their first characters."
    )


class DeliveryJobSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    petition = serializers.IntegerField(source="page_id")
    status = serializers.ChoiceField(choices=DeliveryJobStatus.choices)
    progress = serializers.IntegerField(help_text="Percent done.")
    total_rows = serializers.IntegerField()
    rows_done = serializers.IntegerField()
    group_by = serializers.IntegerField()
    regions = serializers.SerializerMethodField(
        help_text="The regions the list is grouped by, in order (empty: not by region)."
    )
    include_comments = serializers.BooleanField()
    only_confirmed = serializers.BooleanField()
    error = StrictCharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    url = serializers.SerializerMethodField()
    file_url = serializers.SerializerMethodField()

    @extend_schema_field(RegionSerializer(many=True))
    def get_regions(self, job):
        return [{"name": name, "prefixes": list(prefixes)} for name, prefixes in job.regions]

    def get_url(self, job) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("heretostay_api:delivery-detail", args=[job.pk])
        )

    def get_file_url(self, job) -> str | None:
        if job.status != DeliveryJobStatus.DONE or not job.file_name:
            return None
        return self.context["request"].build_absolute_uri(
            reverse("heretostay_api:delivery-file", args=[job.pk])
        )


class RequestDelivery(StaffView):
    permission_classes = (IsAuthenticated, has_perm(DELIVER_PERMISSION))
    serializer_class = DeliveryRequestSerializer

    @petition_operation(
        "petitions_deliveries_create",
        "Request a delivery PDF (staff)",
        DeliveryRequestSerializer,
        {202: DeliveryJobSerializer},
    )
    def post(self, request, pk):
        """Needs heretostay.deliver_petition. The PDF is built in the background; poll the
        job's url until status is done, then download file_url.
        """
        petition = get_petition(request, pk, DELIVER_PERMISSION)
        data = {k: v for k, v in self.body().items() if v is not False}
        if data.get("regions", "").strip():
            data["group_by"] = BY_REGION
        form = DeliveryForm(data, petition=petition)
        if not form.is_valid():
            raise errors.form_invalid(form)
        job = request_delivery(petition, form.cleaned_data, user=request.user)
        body = DeliveryJobSerializer(job, context=self.get_serializer_context()).data
        response = Response(body, status=status.HTTP_202_ACCEPTED)
        response["Location"] = body["url"]
        return response


def get_job(request, pk):
    job = get_or_404(DeliveryJob.objects.select_related("page"), pk, NO_JOB)
    with_page_rights(request, job.page, DELIVER_PERMISSION)
    return job


class DeliveryDetail(StaffView):
    permission_classes = (IsAuthenticated, has_perm(DELIVER_PERMISSION))
    serializer_class = DeliveryJobSerializer

    @extend_schema(
        operation_id="deliveries_retrieve",
        summary="Status and progress of a delivery PDF (staff)",
        parameters=[JOB_PARAMETER],
        responses={200: DeliveryJobSerializer, **errors.responses(400, 401, 403, 404, 429)},
        tags=["paper"],
    )
    def get(self, request, pk):
        return Response(self.get_serializer(get_job(request, pk)).data)


class DeliveryFile(StaffView):
    permission_classes = (IsAuthenticated, has_perm(DELIVER_PERMISSION))

    @extend_schema(
        operation_id="deliveries_file",
        summary="Download a finished delivery PDF (staff)",
        parameters=[JOB_PARAMETER],
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="PDF"),
            409: OpenApiResponse(errors.Error, description="The PDF is not ready yet."),
            410: OpenApiResponse(errors.Error, description="The PDF's file was deleted."),
            **errors.responses(400, 401, 403, 404, 429),
        },
        tags=["paper"],
    )
    def get(self, request, pk):
        """Written to the audit log as a download of personal data. A 409 while the PDF is not
        ready; a 410 once its file was deleted (after DELIVERY_RETENTION_DAYS, or by an
        organizer).
        """
        job = get_job(request, pk)
        if job.is_file_deleted:
            return Response(
                {"status": 410, "code": "deleted", "detail": str(DELETED)},
                status=status.HTTP_410_GONE,
            )
        if job.status != DeliveryJobStatus.DONE or not job.file_name:
            return Response(
                {"status": 409, "code": "not_ready", "detail": str(NOT_READY)},
                status=status.HTTP_409_CONFLICT,
            )
        response = delivery_file_response(job.page.specific, job, user=request.user)
        if response is None:
            return Response(
                {"status": 410, "code": "deleted", "detail": str(FILE_MISSING)},
                status=status.HTTP_410_GONE,
            )
        return response
