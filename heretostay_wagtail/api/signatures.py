"""Signatures: sign and confirm (public), list and export (staff).

Signing validates through ``SignatureForm`` and records through ``signing.sign`` with
``Source.API``, exactly as the page does. New and repeat signers get the same 202.
Staff reads go through the same permissions and audit entries as the admin.
"""

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from heretostay_wagtail.api import errors
from heretostay_wagtail.api.base import (
    PublicView,
    QuickPost,
    StaffView,
    StrictSerializer,
    filtered,
)
from heretostay_wagtail.api.exporting import SupporterExport, format_views, with_contacts
from heretostay_wagtail.api.fields import (
    PostalCodeField,
    StrictBooleanField,
    StrictCharField,
    StrictEmailField,
    SupporterTextField,
)
from heretostay_wagtail.api.permissions import IsAuthenticated, has_perm
from heretostay_wagtail.api.petitions import ID_PARAMETER, get_petition
from heretostay_wagtail.api.throttles import ConfirmThrottle, PublicThrottle, SignThrottle
from heretostay_wagtail.core import audit, privacy, signup_cache, throttling, tokens
from heretostay_wagtail.core.conf import get_setting
from heretostay_wagtail.core.filters import parse_id
from heretostay_wagtail.core.models import Source
from heretostay_wagtail.core.privacy import client_ip
from heretostay_wagtail.petitions import services as signing
from heretostay_wagtail.petitions.exports import COLUMNS as SIGNATURE_COLUMNS
from heretostay_wagtail.petitions.filters import SignatureFilterSet
from heretostay_wagtail.petitions.forms import SignatureForm
from heretostay_wagtail.petitions.models import PetitionPage, Signature

RECEIVED = _("Thank you! Your signature has been received.")
RECEIVED_CONFIRM = _(
    "Thank you! If this is your first signature on this petition, check your email "
    "for a link to confirm it."
)
CONFIRMED = _("Thank you! Your signature is confirmed.")
BAD_TOKEN = _("This confirmation link is not valid or has expired.")


def validate_with_form(petition, data):
    """Run the one validator; its errors become field errors of the API."""
    form = SignatureForm.validating(petition, data, source=Source.API)
    if not form.is_valid():
        raise errors.form_invalid(form)
    return form.signer_data()


class SignatureCreateSerializer(StrictSerializer):
    """Types only: the petition's ``SignatureForm`` decides what is required and valid.

    Which of postal_code, phone and comment a petition asks for (and whether they are
    required) is in the petition's ``signer_fields``; fields it does not ask for are
    ignored and never stored.
    """

    # Not required here, so that a missing name and a bad email are reported together
    # by the form (the schema, ``SignatureCreate``, says they are required).
    name = StrictCharField(required=False, trim_whitespace=False, allow_blank=True)
    email = StrictCharField(required=False, trim_whitespace=False, allow_blank=True)
    postal_code = StrictCharField(required=False, trim_whitespace=False, allow_blank=True)
    phone = StrictCharField(required=False, trim_whitespace=False, allow_blank=True)
    comment = StrictCharField(required=False, trim_whitespace=False, allow_blank=True)
    opt_in = StrictBooleanField(
        required=False, default=False, help_text="Join the mailing list (consent_text)."
    )

    @classmethod
    def check(cls, attrs, context):
        return validate_with_form(context["petition"], attrs)


class SignatureCreate(SignatureCreateSerializer):
    """The documented request: name and email are always required by the form."""

    name = SupporterTextField(max_length=200)
    email = StrictEmailField(max_length=254)
    postal_code = PostalCodeField(required=False, allow_blank=True)
    comment = SupporterTextField(one_line=False, required=False, allow_blank=True)


class ReceivedSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["received"])
    detail = StrictCharField()
    confirmation_required = serializers.BooleanField(
        help_text="True when the site asks new signers to confirm by email (double opt-in)."
    )


#: The answer's message per (language, double opt-in): translated once.
_RECEIVED_DETAIL = {}


def received_body():
    """The one answer to every accepted signature, new or repeated."""
    double = bool(get_setting("DOUBLE_OPT_IN"))
    key = (get_language(), double)
    detail = _RECEIVED_DETAIL.get(key)
    if detail is None:
        detail = _RECEIVED_DETAIL[key] = str(RECEIVED_CONFIRM if double else RECEIVED)
    return {"status": "received", "detail": detail, "confirmation_required": double}


def petition_for_signing(request, pk):
    """The petition as signing needs it: rebuilt from its cached profile
    (``core/signup_cache.py``), else the published, public petition (or the 404), whose
    profile is then cached for the next signatures."""
    pk = parse_id(pk)
    page = signup_cache.page_by_id(request, pk) if pk else None
    if isinstance(page, PetitionPage):
        return page
    petition = get_petition(pk)
    signup_cache.remember_id(request, petition)
    return petition


def record_api_signature(request, petition, signer_data):
    """Sign, and the body of the answer (the same for a new and a repeated email)."""
    signing.sign(
        petition, signer_data, source=Source.API, ip=client_ip(request), language=get_language()
    )
    return received_body()


class SignPetition(QuickPost, PublicView):
    throttle_classes = (PublicThrottle, SignThrottle)
    serializer_class = SignatureCreateSerializer

    def quick_post(self, request, data, pk=None):
        """The common case (``QuickPost``): a petition whose profile is cached, a client
        within both rates, a body of the declared types that the petition's form takes."""
        pk = parse_id(pk)
        if not pk:
            return None
        scopes = [throttle.scope for throttle in self.throttle_classes]
        petition = signup_cache.page_by_id(request, pk, scopes=scopes)
        if not isinstance(petition, PetitionPage) or not throttling.within_counted(request, scopes):
            return None
        context = {"request": request, "view": self, "format": None, "petition": petition}
        signer_data = SignatureCreateSerializer.validate_typed(data, context)
        if signer_data is None:
            return None
        return record_api_signature(request, petition, signer_data), status.HTTP_202_ACCEPTED

    def check_throttles(self, request):
        # Read the petition's signing profile and count the request against both
        # throttles in one round trip to Redis; DRF's check then uses those counts.
        pk = parse_id(self.kwargs.get("pk"))
        if pk:
            scopes = [throttle.scope for throttle in self.get_throttles()]
            signup_cache.page_by_id(request, pk, scopes=scopes)
        super().check_throttles(request)

    @extend_schema(
        operation_id="petitions_sign",
        summary="Sign a petition",
        parameters=[ID_PARAMETER],
        request=SignatureCreate,
        responses={
            202: ReceivedSerializer,
            **errors.responses(400, 404, 413, 415, 429),
        },
        tags=["signatures"],
    )
    def post(self, request, pk):
        """Validated like the petition's web form and counted once per email across
        translations. The answer is the same 202 whether the email is new or has already
        signed, so nobody can learn who signed.
        """
        petition = petition_for_signing(request, pk)
        body = record_api_signature(request, petition, self.body(petition=petition))
        return Response(body, status=status.HTTP_202_ACCEPTED)


class ConfirmSerializer(StrictSerializer):
    token = StrictCharField(max_length=200, help_text="The token from the emailed link.")


class ConfirmedSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["confirmed"])
    detail = StrictCharField()


class ConfirmSignature(PublicView):
    """Double opt-in. A POST, because email scanners follow GET links."""

    throttle_classes = (PublicThrottle, ConfirmThrottle)
    serializer_class = ConfirmSerializer

    @extend_schema(
        operation_id="signatures_confirm",
        summary="Confirm a signature (double opt-in)",
        description="Confirming twice is harmless: the signature counts once.",
        request=ConfirmSerializer,
        responses={200: ConfirmedSerializer, **errors.responses(400, 413, 415, 429)},
        tags=["signatures"],
    )
    def post(self, request):
        public_id = tokens.read("confirm", self.body()["token"])
        signature = None
        if public_id:
            try:
                signature = Signature.objects.filter(public_id=public_id).first()
            except DjangoValidationError:
                signature = None
        if signature is None:
            raise serializers.ValidationError({"token": [BAD_TOKEN]})
        signing.confirm(signature)
        return Response({"status": "confirmed", "detail": str(CONFIRMED)})


# -- staff ---------------------------------------------------------------------------


class PetitionRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = StrictCharField()


CONTACTS_HELP = "null without the {permission} permission."


class ContactsSerializerMixin:
    """Emails and phones only for users with the model's contact permission: the view puts
    ``contacts`` in the serializer's context; without it both are null (never a masked
    value, which a program could take for an address)."""

    contact_fields = ("email", "phone")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context.get("contacts", False):
            for name in self.contact_fields:
                data[name] = None
        return data


class SignatureSerializer(ContactsSerializerMixin, serializers.ModelSerializer):
    """A signature with its personal data: staff only."""

    id = serializers.UUIDField(source="public_id")
    campaign = serializers.UUIDField(source="campaign_key")
    petition = PetitionRefSerializer(source="page", allow_null=True)
    email = serializers.EmailField(
        allow_null=True,
        read_only=True,
        help_text=CONTACTS_HELP.format(permission=privacy.contact_permission(Signature)),
    )
    phone = serializers.SerializerMethodField(
        help_text="E.164, or empty; "
        + CONTACTS_HELP.format(permission=privacy.contact_permission(Signature))
    )

    class Meta:
        model = Signature
        fields = [
            "id",
            "campaign",
            "petition",
            "language",
            "name",
            "email",
            "postal_code",
            "phone",
            "comment",
            "source",
            "sheet_code",
            "created_at",
            "confirmed_at",
            "opted_in",
            "consent_text",
            "consent_given_at",
        ]

    def get_phone(self, signature) -> str | None:
        return signature.phone.as_e164 if signature.phone else ""


class SignatureQuery(serializers.Serializer):
    petition = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="Page id of a petition: its campaign's signatures in every language.",
    )
    campaign = serializers.UUIDField(required=False)
    created_after = serializers.DateTimeField(required=False, help_text="Inclusive.")
    created_before = serializers.DateTimeField(required=False, help_text="Exclusive.")
    source = serializers.ChoiceField(choices=Source.choices, required=False)
    confirmed = serializers.BooleanField(required=False, allow_null=True, default=None)
    opted_in = serializers.BooleanField(required=False, allow_null=True, default=None)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)


def filter_signatures(query):
    """Signatures matching the validated query: the admin listing's ``SignatureFilterSet``."""
    return filtered(SignatureFilterSet, query, Signature.objects.select_related("page"))


def _filters_for_log(query):
    return {k: v for k, v in query.items() if v is not None}


def campaign_for_log(query):
    """The petition's page when the query names one campaign (audit entries are logged
    on it), else None."""
    if query.get("petition"):
        return PetitionPage.objects.filter(pk=query["petition"]).first()
    if query.get("campaign"):
        return audit.campaign_page(PetitionPage, query["campaign"])
    return None


class SignatureList(StaffView):
    paginated = True
    permission_classes = (IsAuthenticated, has_perm("heretostay.view_signature"))
    serializer_class = SignatureSerializer
    query_serializer = SignatureQuery

    @extend_schema(
        operation_id="signatures_list",
        summary="List signatures (staff)",
        parameters=[SignatureQuery],
        responses={
            200: SignatureSerializer(many=True),
            **errors.responses(400, 401, 403, 404, 429),
        },
        tags=["signatures"],
    )
    def get(self, request):
        """Needs the heretostay.view_signature permission; emails and phones are null
        without heretostay.view_signature_contact. Each page read is written to the audit
        log (heretostay.view: how many records, whether contacts were shown, the filters;
        never whom).
        """
        query = self.query()
        queryset = filter_signatures(query).order_by("-created_at", "-pk")
        page = self.paginate_queryset(queryset)
        self.audit(request, query, self.paginator, page, contacts=self.contacts)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @property
    def contacts(self):
        return privacy.can_see_contacts(self.request.user, Signature)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "contacts": self.contacts}

    @staticmethod
    def audit(request, query, paginator, page, contacts=True):
        """One ``heretostay.view`` entry per page of signatures read through the API
        (OSDI's people, which always carry their contacts, too)."""
        audit.log_view(
            request.user,
            Signature,
            records=len(page),
            contacts=contacts,
            filters=_filters_for_log(query),
            instance=campaign_for_log(query),
            page=paginator.page.number,
            via="api",
        )


class SignatureExport(SupporterExport):
    """Streams every matching signature; memory stays flat (``exports.py``)."""

    query_serializer = with_contacts(SignatureQuery, Signature)
    permission = "heretostay.export_signature"
    filename = "signatures"

    def get_queryset(self, query):
        return filter_signatures(query).order_by("created_at", "pk")

    def get_columns(self):
        return SIGNATURE_COLUMNS

    def filters_for_log(self, query):
        return _filters_for_log(query)

    def audit_instance(self, query):
        return campaign_for_log(query)


SignatureExportCSV, SignatureExportNDJSON = format_views(
    SignatureExport, noun="signatures", tag="signatures", source="the admin"
)

__all__ = [
    "ConfirmSignature",
    "SignPetition",
    "SignatureExportCSV",
    "SignatureExportNDJSON",
    "SignatureList",
]
