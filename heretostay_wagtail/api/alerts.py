"""Rapid-response alerts for staff: create, read with reach, edit, verify, send.

Validation is the admin's form (``alerts.AlertForm``), and create/update/verify/send are
``alerts.create``/``update``/``verify``/``send``, which enforce the two-person rule (the
verifier is neither the author nor the last editor, and verifies the version they read:
its ``fingerprint``), write the audit entries and dispatch at most once. Sending an
alert that is already sent answers 200 with the alert and messages nobody again.
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
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from wagtail.models import Locale

from heretostay_wagtail.api import errors
from heretostay_wagtail.api.base import StaffView, StrictSerializer, get_or_404
from heretostay_wagtail.api.fields import StrictCharField
from heretostay_wagtail.api.permissions import IsAuthenticated, has_perm
from heretostay_wagtail.pledges import alerts
from heretostay_wagtail.pledges.filters import default_roles
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
    unverified = serializers.DictField(
        child=serializers.IntegerField(),
        help_text=(
            "Per channel, matching pledgers who consented to it but have not verified that "
            "phone or email: they are left out."
        ),
    )


class AlertSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    campaign = serializers.IntegerField(source="page_id", help_text="Page id of the campaign.")
    message = StrictCharField()
    areas = serializers.ListField(source="area_list", child=StrictCharField())
    roles = serializers.SerializerMethodField()
    channel = serializers.ChoiceField(choices=AlertChannel.choices)
    expires_at = serializers.DateTimeField(
        help_text="Not sent by then, the alert is never sent (nor are its pending messages)."
    )
    expired = serializers.BooleanField(source="is_expired")
    status = serializers.ChoiceField(choices=AlertStatus.choices)
    fingerprint = serializers.SerializerMethodField(
        help_text=(
            "Digest of what a verification confirms (campaign, message, areas, roles, "
            "channel, expiry): send it to the verify action. Any change makes a new one."
        )
    )
    created_by = serializers.IntegerField(source="created_by_id", allow_null=True)
    created_at = serializers.DateTimeField()
    updated_by = serializers.IntegerField(
        source="updated_by_id", allow_null=True, help_text="Who saved it last."
    )
    updated_at = serializers.DateTimeField(allow_null=True)
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

    def get_fingerprint(self, alert) -> str:
        return alerts.fingerprint(alert)

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
    expires_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text=(
            "When the alert expires: in the future, at most 7 days ahead. Not sent by "
            "then, it is never sent. Default: 12 hours from now (ALERT_EXPIRY_HOURS)."
        ),
    )


class AlertUpdateSerializer(AlertCreateSerializer):
    """The fields to change (others stay as they are). A verified alert that changes goes
    back to draft, and someone other than you and its author must verify it again."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
        self.fields["channel"].default = serializers.empty


class VerifySerializer(StrictSerializer):
    """What the verifier read."""

    fingerprint = serializers.RegexField(
        r"^[0-9a-f]{64}$",
        help_text=(
            "The alert's fingerprint as you read it (GET the alert): the verification "
            "is refused with a 409 if the alert changed since."
        ),
    )


def _form_data(data, alert=None):
    """The admin form's fields: the campaign's source page and the default-language roles;
    when editing ``alert``, its current values where ``data`` gives none."""
    if "campaign" in data:
        page = PledgePage.objects.filter(pk=data["campaign"]).first()
        if page is None:
            raise serializers.ValidationError({"campaign": [NO_CAMPAIGN]})
        source = PledgePage.objects.filter(
            translation_key=page.translation_key, locale__language_code=_default_language()
        ).first()
        page_id = (source or page).pk
    else:
        page_id = alert.page_id
    by_code = {r.code: r.pk for r in default_roles()}
    if "roles" in data or alert is None:
        # Unknown codes are passed on as they are, so the form reports them on "roles".
        roles = [by_code.get(code, code) for code in data.get("roles", [])]
    else:
        roles = list(alert.roles.values_list("pk", flat=True))
    current = alert or Alert()
    expires_at = data["expires_at"] if "expires_at" in data else current.expires_at
    return {
        "page": page_id,
        "message": data.get("message", current.message),
        "areas": data.get("areas", current.areas),
        "roles": roles,
        "channel": data.get("channel", current.channel),
        "expires_at": expires_at.isoformat() if expires_at else "",
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
        form = alerts.AlertForm(data=_form_data(self.body()))
        if not form.is_valid():
            raise errors.form_invalid(form, rename={"page": "campaign"})
        alert = alerts.create(form, request.user)
        body = AlertSerializer(alert, context=self.get_serializer_context()).data
        response = Response(body, status=status.HTTP_201_CREATED)
        response["Location"] = body["url"]
        return response


STATE_ERROR = OpenApiResponse(errors.Error, description="Not allowed in the alert's state.")


class AlertDetail(StaffView):
    permission_classes = (IsAuthenticated, CanSeeAlerts)
    serializer_class = AlertSerializer

    def get_serializer_class(self):
        if self.request is not None and self.request.method == "PATCH":
            return AlertUpdateSerializer
        return AlertSerializer

    @extend_schema(
        operation_id="alerts_retrieve",
        summary="An alert, with how many people it reaches (staff)",
        parameters=[ID_PARAMETER],
        responses={200: AlertSerializer, **errors.responses(400, 401, 403, 404, 429)},
        tags=["alerts"],
    )
    def get(self, request, pk):
        return Response(self.get_serializer(get_alert(pk)).data)

    @extend_schema(
        operation_id="alerts_partial_update",
        summary="Change an alert that is not sent yet (staff)",
        description=(
            "Needs heretostay.change_alert. Only the fields given change. A verified alert "
            "whose campaign, message, areas, roles, channel or expiry change goes back to "
            "draft: someone other than its author and you must verify it again. A sent "
            "alert gets a 409."
        ),
        parameters=[ID_PARAMETER],
        request=AlertUpdateSerializer,
        responses={
            200: AlertSerializer,
            409: STATE_ERROR,
            **errors.responses(400, 401, 403, 404, 413, 415, 429),
        },
        tags=["alerts"],
    )
    def patch(self, request, pk):
        if not request.user.has_perm("heretostay.change_alert"):
            raise PermissionDenied
        alert = get_alert(pk)
        data = self.body()
        form = alerts.AlertForm(data=_form_data(data, alert), instance=alert)
        if not form.is_valid():
            raise errors.form_invalid(form, rename={"page": "campaign"})
        try:
            alert = alerts.update(form, request.user)
        except alerts.AlertError as error:
            return _conflict(error)
        return Response(AlertSerializer(alert, context=self.get_serializer_context()).data)


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


def action_schema(operation_id, summary, description, request=None):
    """The operation of an action view: on its (inherited) ``post``, not on the class,
    where drf-spectacular warns that an operation id may break the schema."""
    return extend_schema_view(
        post=extend_schema(
            operation_id=operation_id,
            summary=summary,
            description=description,
            parameters=[ID_PARAMETER],
            request=request,
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
    "Needs heretostay.verify_alert, and must be someone other than the alert's author and "
    "its last editor (two-person rule): they get a 409. Send the fingerprint of the version "
    "you read (GET the alert): if the alert changed since, the answer is a 409 and nothing "
    "is verified. Only unexpired drafts can be verified.",
    request=VerifySerializer,
)
class VerifyAlert(AlertAction):
    permission_classes = (IsAuthenticated, has_perm(alerts.VERIFY_PERMISSION))

    def post(self, request, pk):
        serializer = VerifySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.seen = serializer.validated_data["fingerprint"]
        return super().post(request, pk)

    def act(self, alert, user):
        alerts.verify(alert, user, self.seen)


@action_schema(
    "alerts_send",
    "Send a verified alert (staff)",
    "Needs heretostay.send_alert. Idempotent: sending an alert that is already sent "
    "answers 200 and messages nobody again. A draft, an expired alert, or one that changed "
    "since it was verified (it goes back to draft) gets a 409.",
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
