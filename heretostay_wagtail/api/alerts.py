"""Rapid-response alerts for staff: create, read with reach, verify, send.

Validation is the admin's ``AlertForm`` (via the alert viewset), and verify/send are
``alerts.verify``/``alerts.send``, which enforce the two-person rule, write the audit
entries and dispatch at most once. Sending an alert that is already sent answers 200
with the alert and messages nobody again.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from wagtail.models import Locale

from heretostay_wagtail.api import errors
from heretostay_wagtail.api.base import StaffView, StrictSerializer, get_or_404
from heretostay_wagtail.api.fields import StrictCharField
from heretostay_wagtail.api.permissions import IsAuthenticated, has_perm
from heretostay_wagtail.pledges import alerts
from heretostay_wagtail.pledges.filters import default_roles
from heretostay_wagtail.pledges.forms import AlertForm
from heretostay_wagtail.pledges.models import Alert, AlertChannel, AlertStatus, PledgePage

NO_ALERT = _("No alert with this id.")
NO_CAMPAIGN = _("No pledge campaign with this id.")

ID_PARAMETER = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Id of the alert."
)


class CanSeeAlerts(BasePermission):
    """As the admin's alert screens: any of the alert permissions."""

    def has_permission(self, request, view):
        return any(
            request.user.has_perm(f"heretostay.{p}")
            for p in ("view_alert", "add_alert", "change_alert", "verify_alert", "send_alert")
        )


class ReachSerializer(serializers.Serializer):
    channels = serializers.DictField(
        child=serializers.IntegerField(), help_text="People reached per channel (sms, email)."
    )
    people = serializers.IntegerField(help_text="People reached on any channel.")


class AlertSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    campaign = serializers.IntegerField(source="page_id", help_text="Page id of the campaign.")
    message = StrictCharField()
    areas = serializers.ListField(source="area_list", child=StrictCharField())
    roles = serializers.SerializerMethodField()
    channel = serializers.ChoiceField(choices=AlertChannel.choices)
    status = serializers.ChoiceField(choices=AlertStatus.choices)
    created_by = serializers.IntegerField(source="created_by_id", allow_null=True)
    created_at = serializers.DateTimeField()
    verified_by = serializers.IntegerField(source="verified_by_id", allow_null=True)
    verified_at = serializers.DateTimeField(allow_null=True)
    sent_by = serializers.IntegerField(source="sent_by_id", allow_null=True)
    sent_at = serializers.DateTimeField(allow_null=True)
    reach = serializers.SerializerMethodField()

    def get_url(self, alert) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("heretostay_api:alert-detail", args=[alert.pk])
        )

    def get_roles(self, alert) -> list[str]:
        return sorted(r.code for r in alert.roles.all())

    @extend_schema_field(ReachSerializer)
    def get_reach(self, alert):
        return alerts.preview(alert)


def get_alert(pk):
    return get_or_404(Alert.objects.select_related("page"), pk, NO_ALERT)


class AlertCreateSerializer(StrictSerializer):
    campaign = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text="Page id of the pledge campaign."
    )
    message = StrictCharField(max_length=480, trim_whitespace=False)
    areas = StrictCharField(
        max_length=1000, help_text="Postal codes or prefixes, separated by spaces or commas."
    )
    roles = serializers.ListField(
        child=serializers.SlugField(max_length=50),
        required=False,
        max_length=50,
        help_text="Role codes to reach; empty for every role.",
    )
    channel = serializers.ChoiceField(choices=AlertChannel.choices, default=AlertChannel.SMS)


def _form_data(data):
    """The admin form's fields: the campaign's source page and the default-language roles."""
    page = PledgePage.objects.filter(pk=data["campaign"]).first()
    if page is None:
        raise serializers.ValidationError({"campaign": [NO_CAMPAIGN]})
    source = PledgePage.objects.filter(
        translation_key=page.translation_key, locale__language_code=_default_language()
    ).first()
    by_code = {r.code: r.pk for r in default_roles()}
    return {
        "page": (source or page).pk,
        "message": data["message"],
        "areas": data["areas"],
        # Unknown codes are passed on as they are, so the form reports them on "roles".
        "roles": [by_code.get(code, code) for code in data.get("roles", [])],
        "channel": data["channel"],
    }


def _default_language():
    return Locale.get_default().language_code


class AlertList(StaffView):
    permission_classes = (IsAuthenticated, has_perm("heretostay.add_alert"))
    serializer_class = AlertCreateSerializer

    @extend_schema(
        operation_id="alerts_create",
        summary="Create a rapid-response alert (staff)",
        description=(
            "Needs heretostay.add_alert. The alert starts as a draft; another person must "
            "verify it before it can be sent."
        ),
        request=AlertCreateSerializer,
        responses={
            201: AlertSerializer,
            **errors.responses(400, 401, 403, 413, 415, 429),
        },
        tags=["alerts"],
    )
    def post(self, request):
        form = AlertForm(data=_form_data(self.body()))
        if not form.is_valid():
            raise errors.form_invalid(form, rename={"page": "campaign"})
        alert = alerts.create(form, request.user)
        body = AlertSerializer(alert, context=self.get_serializer_context()).data
        response = Response(body, status=status.HTTP_201_CREATED)
        response["Location"] = body["url"]
        return response


class AlertDetail(StaffView):
    permission_classes = (IsAuthenticated, CanSeeAlerts)
    serializer_class = AlertSerializer

    @extend_schema(
        operation_id="alerts_retrieve",
        summary="An alert, with how many people it reaches (staff)",
        parameters=[ID_PARAMETER],
        responses={200: AlertSerializer, **errors.responses(400, 401, 403, 404, 429)},
        tags=["alerts"],
    )
    def get(self, request, pk):
        return Response(self.get_serializer(get_alert(pk)).data)


STATE_ERROR = OpenApiResponse(errors.Error, description="Not allowed in the alert's state.")


def _conflict(error):
    return Response(
        {"status": 409, "code": "conflict", "detail": str(error)}, status=status.HTTP_409_CONFLICT
    )


class AlertAction(StaffView):
    """A state change of an alert: the service decides whether it is allowed (409 if not)."""

    serializer_class = AlertSerializer

    def act(self, alert, user):
        raise NotImplementedError

    def post(self, request, pk):
        alert = get_alert(pk)
        try:
            self.act(alert, request.user)
        except alerts.AlertError as error:
            return _conflict(error)
        return Response(self.get_serializer(alert).data)


def action_schema(operation_id, summary, description):
    """The operation of an action view: on its (inherited) ``post``, not on the class,
    where drf-spectacular warns that an operation id may break the schema."""
    return extend_schema_view(
        post=extend_schema(
            operation_id=operation_id,
            summary=summary,
            description=description,
            parameters=[ID_PARAMETER],
            request=None,
            responses={
                200: AlertSerializer,
                409: STATE_ERROR,
                **errors.responses(400, 401, 403, 404, 413, 415, 429),
            },
            tags=["alerts"],
        )
    )


@action_schema(
    "alerts_verify",
    "Verify an alert: the second person (staff)",
    "Needs heretostay.verify_alert, and must be someone other than the alert's author "
    "(two-person rule): the author gets a 409. Only drafts can be verified.",
)
class VerifyAlert(AlertAction):
    permission_classes = (IsAuthenticated, has_perm(alerts.VERIFY_PERMISSION))

    def act(self, alert, user):
        alerts.verify(alert, user)


@action_schema(
    "alerts_send",
    "Send a verified alert (staff)",
    "Needs heretostay.send_alert. Idempotent: sending an alert that is already sent "
    "answers 200 and messages nobody again. A draft gets a 409.",
)
class SendAlert(AlertAction):
    permission_classes = (IsAuthenticated, has_perm(alerts.SEND_PERMISSION))

    def act(self, alert, user):
        if alert.status == AlertStatus.SENT:
            return
        try:
            alerts.send(alert, user)
        except alerts.AlertError:
            alert.refresh_from_db()
            if alert.status != AlertStatus.SENT:  # not lost to a concurrent send
                raise
