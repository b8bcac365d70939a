"""Petitions and signatures in Open Supporter Data Interface (OSDI) shape.

HAL+JSON with ``osdi:`` link relations, as Action Network-style tools expect, so a
CRM sync job can read petitions and signatures and create signatures with
``record_signature_helper``. The helper is public but throttled, and answers new and
repeat signers identically, like ``petitions_sign``: it is what an embedded form on
another site calls, and a staff token must never ship inside a public web page.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from heretostay_wagtail.api import errors
from heretostay_wagtail.api.base import (
    LimitedJSONParser,
    Pagination,
    PublicView,
    StaffView,
)
from heretostay_wagtail.api.fields import (
    PostalCodeField,
    StrictCharField,
    StrictEmailField,
    SupporterTextField,
)
from heretostay_wagtail.api.permissions import IsAuthenticated, has_perm
from heretostay_wagtail.api.petitions import (
    ID_PARAMETER,
    RENDITIONS,
    annotate,
    get_petition,
    listed_petitions,
)
from heretostay_wagtail.api.signatures import (
    SignatureList,
    filter_signatures,
    record_api_signature,
    validate_with_form,
)
from heretostay_wagtail.api.throttles import PublicThrottle, SignThrottle
from heretostay_wagtail.core import privacy
from heretostay_wagtail.core.conf import get_setting
from heretostay_wagtail.petitions.models import Signature

ORIGIN_SYSTEM = "heretostay-wagtail"
CURIES = [
    {"name": "osdi", "href": "https://opensupporter.github.io/osdi-docs/{rel}", "templated": True}
]


class HALJSONRenderer(JSONRenderer):
    media_type = "application/hal+json"


class HALJSONParser(LimitedJSONParser):
    media_type = "application/hal+json"


class OSDIMixin:
    renderer_classes = (HALJSONRenderer,)
    parser_classes = (LimitedJSONParser, HALJSONParser)


def _url(request, name, *args):
    return request.build_absolute_uri(reverse(f"heretostay_api:{name}", args=args))


def split_name(name):
    """OSDI wants given and family names; we keep one ``name``: split on the last space."""
    name = (name or "").strip()
    given, _sep, family = name.rpartition(" ")
    return (given, family) if given else (name, "")


# -- output ---------------------------------------------------------------------------


class OSDILink(serializers.Serializer):
    href = serializers.URLField()


class OSDITarget(serializers.Serializer):
    name = StrictCharField()


class OSDIPetition(serializers.Serializer):
    identifiers = serializers.ListField(child=StrictCharField())
    origin_system = StrictCharField()
    created_date = serializers.DateTimeField(allow_null=True)
    modified_date = serializers.DateTimeField(allow_null=True)
    title = StrictCharField()
    description = StrictCharField(help_text="Why it matters (HTML).")
    petition_text = StrictCharField(help_text="The ask.")
    browser_url = serializers.URLField(allow_null=True)
    featured_image_url = serializers.URLField(allow_null=True)
    total_signatures = serializers.IntegerField()
    target = OSDITarget(many=True)
    _links = serializers.DictField(
        child=OSDILink(), help_text="self, osdi:signatures, osdi:record_signature_helper"
    )


def petition_data(page, request):
    from wagtail.rich_text import expand_db_html

    image_url = None
    if page.image is not None:
        image_url = request.build_absolute_uri(page.image.get_rendition(RENDITIONS["share"]).url)
    return {
        "identifiers": [f"heretostay:{page.translation_key}:{page.locale.language_code}"],
        "origin_system": ORIGIN_SYSTEM,
        "created_date": serializers.DateTimeField().to_representation(page.first_published_at)
        if page.first_published_at
        else None,
        "modified_date": serializers.DateTimeField().to_representation(page.last_published_at)
        if page.last_published_at
        else None,
        "title": page.title,
        "description": expand_db_html(page.why),
        "petition_text": page.ask,
        "browser_url": page.get_full_url(request._request),
        "featured_image_url": image_url,
        "total_signatures": page.supporter_count,
        "target": [{"name": t.name} for t in page.targets.all()],
        "_links": {
            "self": {"href": _url(request, "osdi-petition", page.pk)},
            "osdi:signatures": {"href": _url(request, "osdi-signatures", page.pk)},
            "osdi:record_signature_helper": {
                "href": _url(request, "osdi-record-signature", page.pk)
            },
        },
    }


class OSDIEmailAddress(serializers.Serializer):
    address = StrictEmailField()
    primary = serializers.BooleanField()
    status = serializers.ChoiceField(choices=["subscribed", "unsubscribed"])


class OSDIPhoneNumber(serializers.Serializer):
    number = StrictCharField()
    primary = serializers.BooleanField()


class OSDIPostalAddress(serializers.Serializer):
    postal_code = StrictCharField()
    primary = serializers.BooleanField()


class OSDIPerson(serializers.Serializer):
    given_name = StrictCharField(allow_blank=True)
    family_name = StrictCharField(allow_blank=True)
    email_addresses = OSDIEmailAddress(many=True)
    phone_numbers = OSDIPhoneNumber(many=True)
    postal_addresses = OSDIPostalAddress(many=True)


class OSDISignature(serializers.Serializer):
    identifiers = serializers.ListField(child=StrictCharField())
    origin_system = StrictCharField()
    created_date = serializers.DateTimeField()
    modified_date = serializers.DateTimeField()
    comments = StrictCharField(allow_blank=True)
    referrer_data = serializers.DictField(child=StrictCharField())
    _links = serializers.DictField(child=OSDILink(), help_text="osdi:petition")
    _embedded = serializers.DictField(child=OSDIPerson(), help_text="osdi:person")


def signature_data(signature, request, petition, contacts=True):
    """One signature as OSDI; without ``contacts`` (the reader lacks the contact
    permission) its person has no email address nor phone number, as the staff lists give
    them as null."""
    given, family = split_name(signature.name)
    when = serializers.DateTimeField().to_representation
    person = {
        "given_name": given,
        "family_name": family,
        "email_addresses": (
            [
                {
                    "address": signature.email,
                    "primary": True,
                    "status": "subscribed" if signature.opted_in else "unsubscribed",
                }
            ]
            if contacts
            else []
        ),
        "phone_numbers": (
            [{"number": signature.phone.as_e164, "primary": True}]
            if contacts and signature.phone
            else []
        ),
        "postal_addresses": (
            [{"postal_code": signature.postal_code, "primary": True}]
            if signature.postal_code
            else []
        ),
    }
    return {
        "identifiers": [f"heretostay:{signature.public_id}"],
        "origin_system": ORIGIN_SYSTEM,
        "created_date": when(signature.created_at),
        "modified_date": when(signature.confirmed_at or signature.created_at),
        "comments": signature.comment,
        "referrer_data": {"source": signature.source},
        "_links": {"osdi:petition": {"href": _url(request, "osdi-petition", petition.pk)}},
        "_embedded": {"osdi:person": person},
    }


class HALPagination(Pagination):
    """OSDI collection: paging fields, ``_links`` and ``_embedded`` under ``osdi:<rel>``."""

    rel = None

    def get_paginated_response(self, data):
        links = {"self": {"href": self.request.build_absolute_uri()}}
        if self.get_next_link():
            links["next"] = {"href": self.get_next_link()}
        if self.get_previous_link():
            links["prev"] = {"href": self.get_previous_link()}
        links["curies"] = CURIES
        return Response(
            {
                "total_pages": self.page.paginator.num_pages,
                "per_page": self.page.paginator.per_page,
                "page": self.page.number,
                "total_records": self.page.paginator.count,
                "_links": links,
                "_embedded": {f"osdi:{self.rel}": data},
            }
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["total_pages", "per_page", "page", "total_records", "_links", "_embedded"],
            "properties": {
                "total_pages": {"type": "integer"},
                "per_page": {"type": "integer"},
                "page": {"type": "integer"},
                "total_records": {"type": "integer"},
                "_links": {"type": "object"},
                "_embedded": {
                    "type": "object",
                    "required": [f"osdi:{self.rel}"],
                    "properties": {f"osdi:{self.rel}": schema},
                },
            },
        }


class PetitionPagination(HALPagination):
    rel = "petitions"


class SignaturePagination(HALPagination):
    rel = "signatures"


# -- input ----------------------------------------------------------------------------


class EmailAddressIn(serializers.Serializer):
    address = StrictCharField(trim_whitespace=False, allow_blank=True)
    status = serializers.ChoiceField(
        choices=["subscribed", "unsubscribed"],
        required=False,
        help_text="subscribed = joins the mailing list (opt-in).",
    )


class PhoneNumberIn(serializers.Serializer):
    number = StrictCharField(trim_whitespace=False, allow_blank=True)


class PostalAddressIn(serializers.Serializer):
    postal_code = PostalCodeField(trim_whitespace=False, allow_blank=True)


class PersonIn(serializers.Serializer):
    given_name = SupporterTextField(trim_whitespace=False, allow_blank=True)
    family_name = SupporterTextField(required=False, trim_whitespace=False, allow_blank=True)
    email_addresses = EmailAddressIn(many=True, allow_empty=False, max_length=5)
    phone_numbers = PhoneNumberIn(many=True, required=False, max_length=5)
    postal_addresses = PostalAddressIn(many=True, required=False, max_length=5)


#: Where each SignatureForm field lives in the OSDI request, for error messages.
FORM_TO_OSDI = {
    "name": "person.given_name",
    "email": "person.email_addresses.0.address",
    "phone": "person.phone_numbers.0.number",
    "postal_code": "person.postal_addresses.0.postal_code",
    "comment": "comments",
    "opt_in": "person.email_addresses.0.status",
}


class RecordSignatureHelper(serializers.Serializer):
    """OSDI's one-POST signature + person. Other OSDI keys (add_tags, triggers...) are
    accepted and ignored, as OSDI clients send them freely."""

    person = PersonIn()
    comments = SupporterTextField(
        one_line=False, required=False, trim_whitespace=False, allow_blank=True
    )

    def validate(self, attrs):
        person = attrs["person"]
        name = " ".join(
            part.strip()
            for part in (person.get("given_name", ""), person.get("family_name", ""))
            if part and part.strip()
        )
        email = person["email_addresses"][0]
        data = {
            "name": name,
            "email": email["address"],
            "opt_in": email.get("status") == "subscribed",
            "phone": (person.get("phone_numbers") or [{}])[0].get("number", ""),
            "postal_code": (person.get("postal_addresses") or [{}])[0].get("postal_code", ""),
            "comment": attrs.get("comments", ""),
        }
        try:
            return validate_with_form(self.context["petition"], data)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError(
                {FORM_TO_OSDI.get(key, key): value for key, value in exc.detail.items()}
            ) from None


class OSDIReceived(serializers.Serializer):
    status = serializers.ChoiceField(choices=["received"])
    detail = StrictCharField()
    confirmation_required = serializers.BooleanField()
    _links = serializers.DictField(child=OSDILink(), help_text="osdi:petition")


# -- views ----------------------------------------------------------------------------


class OSDIEntry(serializers.Serializer):
    motd = StrictCharField()
    vendor_name = StrictCharField()
    product_name = StrictCharField()
    osdi_version = StrictCharField()
    max_pagesize = serializers.IntegerField()
    _links = serializers.DictField(help_text="self, curies, osdi:petitions")


class EntryPoint(OSDIMixin, PublicView):
    @extend_schema(
        operation_id="osdi_entry_point",
        summary="OSDI API entry point",
        responses={200: OSDIEntry, **errors.responses(400, 429)},
        tags=["osdi"],
    )
    def get(self, request):
        return Response(
            {
                "motd": str(_("Petitions and signatures in OSDI shape.")),
                "vendor_name": ORIGIN_SYSTEM,
                "product_name": ORIGIN_SYSTEM,
                "osdi_version": "1.1",
                "max_pagesize": get_setting("API_MAX_PAGE_SIZE"),
                "_links": {
                    "self": {"href": _url(request, "osdi-entry")},
                    "curies": CURIES,
                    "osdi:petitions": {"href": _url(request, "osdi-petitions")},
                },
            }
        )


class PetitionCollection(OSDIMixin, PublicView):
    paginated = True
    pagination_class = PetitionPagination
    serializer_class = OSDIPetition

    @extend_schema(
        operation_id="osdi_petitions_list",
        summary="Petitions (OSDI collection)",
        responses={200: OSDIPetition(many=True), **errors.responses(400, 404, 429)},
        tags=["osdi"],
    )
    def get(self, request):
        page = self.paginate_queryset(listed_petitions())
        data = [petition_data(p, request) for p in annotate(page, request)]
        return self.get_paginated_response(data)


class PetitionItem(OSDIMixin, PublicView):
    @extend_schema(
        operation_id="osdi_petitions_retrieve",
        summary="One petition (OSDI)",
        parameters=[ID_PARAMETER],
        responses={200: OSDIPetition, **errors.responses(400, 404, 429)},
        tags=["osdi"],
    )
    def get(self, request, pk):
        petition = annotate([get_petition(pk)], request)[0]
        return Response(petition_data(petition, request))


class SignatureCollection(OSDIMixin, StaffView):
    """A petition's signatures with their people embedded: staff only, audited."""

    paginated = True

    permission_classes = (IsAuthenticated, has_perm("heretostay.view_signature"))
    pagination_class = SignaturePagination
    serializer_class = OSDISignature

    @extend_schema(
        operation_id="osdi_signatures_list",
        summary="A petition's signatures (OSDI, staff)",
        parameters=[ID_PARAMETER],
        responses={200: OSDISignature(many=True), **errors.responses(400, 401, 403, 404, 429)},
        tags=["osdi"],
    )
    def get(self, request, pk):
        """Needs heretostay.view_signature; every page read is written to the audit log.
        Signatures of every translation of the petition are included. People's email
        addresses and phone numbers are left out without
        heretostay.view_signature_contact.
        """
        petition = get_petition(pk)
        queryset = filter_signatures({"campaign": petition.translation_key}).order_by(
            "-created_at", "-pk"
        )
        page = self.paginate_queryset(queryset)
        contacts = privacy.can_see_contacts(request.user, Signature)
        SignatureList.audit(
            request,
            {"campaign": petition.translation_key},
            self.paginator,
            page,
            contacts=contacts,
        )
        return self.get_paginated_response(
            [signature_data(s, request, petition, contacts=contacts) for s in page]
        )


class RecordSignature(OSDIMixin, PublicView):
    throttle_classes = (PublicThrottle, SignThrottle)
    serializer_class = RecordSignatureHelper

    @extend_schema(
        operation_id="osdi_record_signature_helper",
        summary="Record a signature and its person in one POST (OSDI helper)",
        parameters=[ID_PARAMETER],
        request=RecordSignatureHelper,
        responses={202: OSDIReceived, **errors.responses(400, 404, 413, 415, 429)},
        tags=["osdi"],
    )
    def post(self, request, pk):
        """given_name and family_name are joined into one name. Validated like the petition's
        web form; errors name the OSDI field (person.email_addresses.0.address). The same
        202 answers a new and a repeat signer.
        """
        petition = get_petition(pk)
        body = record_api_signature(request, petition, self.body(petition=petition))
        body["_links"] = {"osdi:petition": {"href": _url(request, "osdi-petition", petition.pk)}}
        return Response(body, status=status.HTTP_202_ACCEPTED)
