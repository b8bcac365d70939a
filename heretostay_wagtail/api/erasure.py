"""Erasure of everything about one email or phone, for staff (issue 14).

Validated by the admin's ``erasure.forms.ErasureForm`` and done by
``erasure.services`` (the same counts, deletions and single audit-log entry as the
admin screen and ``manage.py heretostay_erase``). Answers counts, never names.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response

from heretostay_wagtail.api import errors
from heretostay_wagtail.api.base import StaffView, StrictSerializer
from heretostay_wagtail.api.fields import (
    NOT_BLANK,
    StrictBooleanField,
    StrictCharField,
    StrictEmailField,
)
from heretostay_wagtail.api.permissions import IsAuthenticated, has_perm
from heretostay_wagtail.erasure import services
from heretostay_wagtail.erasure.forms import ErasureForm


class StorageFailed(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _(
        "A delivery PDF could not be deleted from storage, so nothing else was erased. "
        "Try again later."
    )
    default_code = "storage_failed"


class ErasureRequestSerializer(StrictSerializer):
    """An email, a phone or both."""

    email = StrictEmailField(required=False, allow_blank=True, max_length=254)
    phone = StrictCharField(required=False, allow_blank=True, max_length=40)
    dry_run = StrictBooleanField(
        required=False,
        default=True,
        help_text="True (the default) only counts; false erases.",
    )


class ErasureRequestSchema(OpenApiSerializerExtension):
    """The form wants an email or a phone (``ErasureForm.clean``): the schema says so."""

    target_class = ErasureRequestSerializer

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        if direction == "request":
            schema["anyOf"] = [
                {"required": ["email"], "properties": {"email": {"minLength": 1}}},
                {"required": ["phone"], "properties": {"phone": {"pattern": NOT_BLANK}}},
            ]
        return schema


class ErasureCountsSerializer(serializers.Serializer):
    signatures = serializers.IntegerField(min_value=0)
    pledges = serializers.IntegerField(min_value=0)
    alert_deliveries = serializers.IntegerField(
        min_value=0, help_text="Alert messages sent to the pledgers found."
    )
    delivery_pdfs = serializers.IntegerField(
        min_value=0,
        help_text="Delivery PDFs listing a signature found; their files are deleted, "
        "the jobs stay.",
    )


class ErasureResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    counts = ErasureCountsSerializer(help_text="Found (dry run) or erased.")


class Erasure(StaffView):
    permission_classes = (IsAuthenticated, has_perm(services.PERMISSION))
    serializer_class = ErasureRequestSerializer

    @extend_schema(
        operation_id="erasure_create",
        summary="Find or erase everything about one email or phone (staff)",
        description=(
            "Needs heretostay.erase_supporter. Give `email` (any case) and/or `phone` "
            "(read with PHONE_DEFAULT_REGION). With `dry_run` true (the default) answers "
            "how many signatures, pledges, alert messages and delivery PDFs are about them; "
            "with false erases them (records deleted and taken off the counts, delivery "
            "PDF files deleted, jobs kept) and writes one audit-log entry with the counts. "
            "A storage failure on a PDF file erases nothing else: 503, try again."
        ),
        request=ErasureRequestSerializer,
        responses={
            200: ErasureResultSerializer,
            **errors.responses(400, 401, 403, 413, 415, 429, 503),
        },
        tags=["erasure"],
    )
    def post(self, request):
        data = self.body()
        form = ErasureForm(data={"email": data.get("email", ""), "phone": data.get("phone", "")})
        if not form.is_valid():
            raise errors.form_invalid(form)
        if data["dry_run"]:
            return Response({"dry_run": True, "counts": form.find()})
        result = services.erase(**form.target(), user=request.user)
        if not result.complete:
            raise StorageFailed()
        return Response({"dry_run": False, "counts": result.counts})
