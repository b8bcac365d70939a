"""Pledge campaigns: list and detail, pledge (public); list and export pledgers (staff).

Pledging validates through ``PledgeForm`` and records through ``pledging.pledge`` with
``Source.API``, as the page does. New and repeat emails get the same 202; only the
address's owner learns, by email, that they had already pledged.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.response import Response
from wagtail.rich_text import expand_db_html

from heretostay_wagtail.api import errors
from heretostay_wagtail.api.base import PublicView, StaffView, filtered, get_or_404
from heretostay_wagtail.api.exporting import SupporterExport, format_views, with_contacts
from heretostay_wagtail.api.fields import (
    StrictBooleanField,
    StrictCharField,
    StrictEmailField,
    SupporterTextField,
)
from heretostay_wagtail.api.permissions import IsAuthenticated, has_perm
from heretostay_wagtail.api.petitions import (
    CampaignSerializer,
    annotate_campaigns,
    campaign_views,
    campaigns_queryset,
    filter_campaigns,
)
from heretostay_wagtail.api.signatures import (
    CONTACTS_HELP,
    ContactsSerializerMixin,
    StrictSerializer,
)
from heretostay_wagtail.api.throttles import PackageThrottle, PublicThrottle
from heretostay_wagtail.core import audit, privacy
from heretostay_wagtail.core.models import Source
from heretostay_wagtail.core.privacy import client_ip
from heretostay_wagtail.pledges import services as pledging
from heretostay_wagtail.pledges.exports import COLUMNS as PLEDGER_COLUMNS
from heretostay_wagtail.pledges.filters import PledgeFilterSet
from heretostay_wagtail.pledges.forms import PledgeForm
from heretostay_wagtail.pledges.models import (
    PLEDGE_LANGUAGES,
    Availability,
    Pledge,
    PledgePage,
    VolunteerRole,
)

RECEIVED = _(
    "Thank you! Your pledge has been received. We are emailing you a link to update or withdraw it."
)
NO_PLEDGE = _("No pledge campaign with this id.")

VIEW_PERMISSION = "heretostay.view_pledge"
EXPORT_PERMISSION = "heretostay.export_pledge"

ID_PARAMETER = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Page id of the pledge campaign."
)


class PledgeThrottle(PackageThrottle):
    """The web form's ``pledge`` budget, shared with the API per address."""

    scope = "pledge"


def pledges_queryset():
    return campaigns_queryset(PledgePage)


def get_pledge_page(pk):
    return get_or_404(pledges_queryset(), pk, NO_PLEDGE)


def annotate(pages, request=None):
    """Counters, translations and offered roles for a page of campaigns, in a few queries."""
    pages = annotate_campaigns(pages, PledgePage)
    roles = {}
    for page in pages:
        if page.locale_id not in roles:
            roles[page.locale_id] = list(VolunteerRole.for_locale(page.locale))
        page._api_roles = roles[page.locale_id]
    return pages


# -- serializers -----------------------------------------------------------------------


class RoleSerializer(serializers.Serializer):
    code = StrictCharField(help_text="Send these codes in a pledge's roles.")
    name = StrictCharField(help_text="In the campaign's language.")
    description = StrictCharField(allow_blank=True)


class ChoiceSerializer(serializers.Serializer):
    code = StrictCharField()
    name = StrictCharField()


class PledgeCampaignSerializer(CampaignSerializer):
    detail_route = "heretostay_api:pledge-detail"

    pledge_url = serializers.SerializerMethodField()
    statement = StrictCharField()
    explanation = serializers.SerializerMethodField()
    roles = serializers.SerializerMethodField()
    languages = serializers.SerializerMethodField()
    availability = serializers.SerializerMethodField()
    sms_consent_text = serializers.SerializerMethodField()
    email_consent_text = serializers.SerializerMethodField()

    def get_pledge_url(self, page) -> str:
        return self._request().build_absolute_uri(
            reverse("heretostay_api:pledge-create", args=[page.pk])
        )

    def get_explanation(self, page) -> str:
        return expand_db_html(page.explanation)

    @extend_schema_field(RoleSerializer(many=True))
    def get_roles(self, page):
        return [
            {"code": r.code, "name": r.name, "description": r.description} for r in page._api_roles
        ]

    @extend_schema_field(ChoiceSerializer(many=True))
    def get_languages(self, page):
        return [{"code": code, "name": str(name)} for code, name in PLEDGE_LANGUAGES]

    @extend_schema_field(ChoiceSerializer(many=True))
    def get_availability(self, page):
        return [{"code": code, "name": str(name)} for code, name in Availability.choices]

    def get_sms_consent_text(self, page) -> str:
        return str(page.get_sms_consent_text())

    def get_email_consent_text(self, page) -> str:
        return str(page.get_email_consent_text())


class PledgeCampaignQuery(serializers.Serializer):
    locale = serializers.ChoiceField(
        choices=[code for code, _name in settings.LANGUAGES],
        required=False,
        help_text="Language code of the page (each translation is its own page).",
    )
    campaign = serializers.UUIDField(required=False, help_text="Every translation of one campaign.")


# -- public views ----------------------------------------------------------------------


PledgeCampaignList, PledgeCampaignDetail = campaign_views(
    "PledgeCampaign",
    serializer=PledgeCampaignSerializer,
    query=PledgeCampaignQuery,
    queryset=lambda query: filter_campaigns(pledges_queryset(), query),
    annotate=annotate,
    get_object=get_pledge_page,
    id_parameter=ID_PARAMETER,
    tag="pledges",
    summaries=(
        "List published pledge campaigns",
        "One published pledge campaign, with its live count and roles",
    ),
)


def validate_with_form(page, data):
    """Run the one validator; role codes become the page's roles first."""
    data = dict(data)
    if "roles" in data:
        by_code = {r.code: r.pk for r in VolunteerRole.for_locale(page.locale)}
        # Unknown codes are passed on as they are, so the form reports them on "roles".
        data["roles"] = [by_code.get(code, code) for code in data["roles"]]
    form = PledgeForm.validating(page, data, source=Source.API)
    if not form.is_valid():
        raise errors.form_invalid(form)
    return form.pledger_data()


class PledgeCreateSerializer(StrictSerializer):
    """Types only: ``PledgeForm`` decides what is required and valid."""

    name = StrictCharField(required=False, trim_whitespace=False, allow_blank=True)
    email = StrictCharField(required=False, trim_whitespace=False, allow_blank=True)
    phone = StrictCharField(required=False, trim_whitespace=False, allow_blank=True)
    area = StrictCharField(required=False, trim_whitespace=False, allow_blank=True, max_length=100)
    roles = serializers.ListField(
        child=StrictCharField(max_length=50), required=False, max_length=50
    )
    languages = serializers.ListField(
        child=StrictCharField(max_length=15), required=False, max_length=50
    )
    availability = serializers.ListField(
        child=StrictCharField(max_length=20), required=False, max_length=10
    )
    alert_sms = StrictBooleanField(
        required=False, default=False, help_text="Text alerts (sms_consent_text); needs phone."
    )
    alert_email = StrictBooleanField(
        required=False, default=False, help_text="Email alerts (email_consent_text)."
    )

    def validate(self, attrs):
        return validate_with_form(self.context["page"], attrs)


class PledgeCreate(PledgeCreateSerializer):
    """The documented request: name, email and area are always required by the form."""

    name = SupporterTextField(max_length=200)
    email = StrictEmailField(max_length=254)
    area = SupporterTextField(
        max_length=100, help_text="Postal code or neighborhood (alerts go to people nearby)."
    )
    roles = serializers.ListField(
        child=StrictCharField(max_length=50),
        required=False,
        max_length=50,
        help_text="Codes from the campaign's roles.",
    )
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=[c for c, _n in PLEDGE_LANGUAGES]),
        required=False,
        max_length=50,
    )
    availability = serializers.ListField(
        child=serializers.ChoiceField(choices=Availability.choices), required=False, max_length=10
    )


class PledgeReceivedSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["received"])
    detail = StrictCharField()


def received_body():
    """The one answer to every accepted pledge, new or repeated."""
    return {"status": "received", "detail": str(RECEIVED)}


class PledgeCreateView(PublicView):
    throttle_classes = (PublicThrottle, PledgeThrottle)
    serializer_class = PledgeCreateSerializer

    @extend_schema(
        operation_id="pledges_create",
        summary="Pledge (join the rapid-response network)",
        parameters=[ID_PARAMETER],
        request=PledgeCreate,
        responses={202: PledgeReceivedSerializer, **errors.responses(400, 404, 413, 415, 429)},
        tags=["pledges"],
    )
    def post(self, request, pk):
        """Validated like the campaign's web form and counted once per email across
        translations. The answer is the same 202 whether the email is new or has already
        pledged, so nobody can learn who pledged; the address's owner gets an email with a
        link to update or withdraw the pledge.
        """
        page = get_pledge_page(pk)
        pledging.pledge(
            page,
            self.body(page=page),
            source=Source.API,
            ip=client_ip(request),
            language=get_language(),
        )
        return Response(received_body(), status=status.HTTP_202_ACCEPTED)


# -- staff -----------------------------------------------------------------------------


class PledgerQuery(serializers.Serializer):
    """The admin roster's filters."""

    campaign = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="Page id of a pledge campaign: its pledgers in every language.",
    )
    area = StrictCharField(
        required=False,
        max_length=100,
        help_text="Postal code or prefix; several separated by commas or spaces.",
    )
    role = serializers.SlugField(required=False, max_length=50, help_text="A role code.")
    language = serializers.ChoiceField(choices=PLEDGE_LANGUAGES, required=False)
    availability = serializers.ChoiceField(choices=Availability.choices, required=False)
    alert_sms = serializers.BooleanField(required=False, allow_null=True, default=None)
    alert_email = serializers.BooleanField(required=False, allow_null=True, default=None)
    trained = serializers.BooleanField(required=False, allow_null=True, default=None)
    withdrawn = serializers.BooleanField(required=False, allow_null=True, default=None)


def filter_pledgers(query):
    """Pledgers matching the validated query: the admin roster's ``PledgeFilterSet``."""
    queryset = Pledge.objects.select_related("page").prefetch_related("roles")
    return filtered(PledgeFilterSet, query, queryset)


def _filters_for_log(query):
    return {k: v for k, v in query.items() if v is not None}


def campaign_for_log(query):
    """The pledge page the query names (audit entries are logged on it), else None."""
    if query.get("campaign"):
        return PledgePage.objects.filter(pk=query["campaign"]).first()
    return None


class PledgerSerializer(ContactsSerializerMixin, serializers.ModelSerializer):
    """A pledger with their personal data: staff only."""

    id = serializers.UUIDField(source="public_id")
    campaign = serializers.UUIDField(source="campaign_key")
    email = serializers.EmailField(
        allow_null=True,
        read_only=True,
        help_text=CONTACTS_HELP.format(permission=privacy.contact_permission(Pledge)),
    )
    phone = serializers.SerializerMethodField(
        help_text="E.164, or empty; "
        + CONTACTS_HELP.format(permission=privacy.contact_permission(Pledge))
    )
    roles = serializers.SerializerMethodField()
    languages = serializers.ListField(source="language_list", child=StrictCharField())
    availability = serializers.ListField(source="availability_list", child=StrictCharField())

    class Meta:
        model = Pledge
        fields = [
            "id",
            "campaign",
            "language",
            "name",
            "email",
            "phone",
            "area",
            "roles",
            "languages",
            "availability",
            "alert_sms",
            "alert_sms_consent_at",
            "alert_email",
            "alert_email_consent_at",
            "trained_at",
            "source",
            "created_at",
            "withdrawn_at",
        ]

    def get_phone(self, pledge) -> str | None:
        return pledge.phone.as_e164 if pledge.phone else ""

    def get_roles(self, pledge) -> list[str]:
        return sorted(r.code for r in pledge.roles.all())


class PledgerList(StaffView):
    paginated = True
    permission_classes = (IsAuthenticated, has_perm(VIEW_PERMISSION))
    serializer_class = PledgerSerializer
    query_serializer = PledgerQuery

    @extend_schema(
        operation_id="pledgers_list",
        summary="List pledgers (staff)",
        parameters=[PledgerQuery],
        responses={200: PledgerSerializer(many=True), **errors.responses(400, 401, 403, 404, 429)},
        tags=["pledges"],
    )
    def get(self, request):
        """Needs the heretostay.view_pledge permission, like the admin roster; emails and
        phones are null without heretostay.view_pledge_contact. Each page read is written
        to the audit log (heretostay.view: how many records, whether contacts were shown,
        the filters; never whom).
        """
        query = self.query()
        queryset = filter_pledgers(query).order_by("-created_at", "-pk")
        page = self.paginate_queryset(queryset)
        audit.log_view(
            request.user,
            Pledge,
            records=len(page),
            contacts=self.contacts,
            filters=_filters_for_log(query),
            instance=campaign_for_log(query),
            page=self.paginator.page.number,
            via="api",
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @property
    def contacts(self):
        return privacy.can_see_contacts(self.request.user, Pledge)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "contacts": self.contacts}


class PledgerExport(SupporterExport):
    """Streams every matching pledger; memory stays flat (``exports.py``)."""

    permission_classes = (IsAuthenticated, has_perm(EXPORT_PERMISSION))
    query_serializer = with_contacts(PledgerQuery, Pledge)
    permission = EXPORT_PERMISSION
    filename = "pledgers"

    def get_queryset(self, query):
        return filter_pledgers(query).order_by("pk")

    def get_columns(self):
        return PLEDGER_COLUMNS

    def filters_for_log(self, query):
        return _filters_for_log(query)

    def audit_instance(self, query):
        return campaign_for_log(query)


PledgerExportCSV, PledgerExportNDJSON = format_views(
    PledgerExport, noun="pledgers", tag="pledges", source="the admin roster"
)
