"""Public petitions: list and detail, with live counts and no personal data.

Lists cost a fixed number of queries whatever their length: counters, targets,
translations and image renditions are each fetched for the whole page at once.
"""

from collections import defaultdict

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from wagtail.images import get_image_model
from wagtail.rich_text import expand_db_html

from heretostay_wagtail.api import errors
from heretostay_wagtail.api.base import PublicView, get_or_404
from heretostay_wagtail.api.fields import StrictCharField
from heretostay_wagtail.core import sharing
from heretostay_wagtail.core.conf import get_setting
from heretostay_wagtail.core.models import CampaignCounter
from heretostay_wagtail.petitions.models import FieldChoice, PetitionPage, PetitionStatus, Scope

#: Image renditions offered to frontends: name -> Wagtail filter spec.
RENDITIONS = {
    "share": "fill-1200x630",  # Open Graph / social card size
    "large": "max-1200x1200",
    "thumbnail": "fill-400x300",
}

ID_PARAMETER = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Page id of the petition."
)


def campaigns_queryset(model, *related):
    """Published, publicly viewable campaign pages, with what the serializers read."""
    images = get_image_model().objects.prefetch_renditions(*RENDITIONS.values())
    return (
        model.objects.live()
        .public()
        .select_related("locale")
        .prefetch_related(*related, Prefetch("image", queryset=images))
        .order_by("-first_published_at", "-pk")
    )


def petitions_queryset():
    return campaigns_queryset(PetitionPage, "targets")


def listed_petitions():
    """The petitions lists show: not those live but awaiting review (grassroots/), which
    answer by id but stay unlisted until an editor reviews them."""
    return petitions_queryset().filter(awaiting_review=False)


def get_petition(pk):
    """A published petition by page id; a 404 for anything else (bad ids included)."""
    return get_or_404(petitions_queryset(), pk, _("No petition with this id."))


def annotate_campaigns(pages, model):
    """Attach public counts and live translations to campaign ``pages`` in two queries in
    all (plus one ``UPDATE`` when public counts are due for a refresh)."""
    pages = list(pages)
    keys = {p.translation_key for p in pages}
    totals = CampaignCounter.public_totals_for(keys)
    siblings = defaultdict(list)
    for page in (
        model.objects.live()
        .public()
        .filter(translation_key__in=keys)
        .select_related("locale")
        .only("id", "title", "url_path", "translation_key", "locale", "depth", "path")
        .order_by("locale__language_code")
    ):
        siblings[page.translation_key].append(page)
    for page in pages:
        page._public_totals = totals[page.translation_key]
        page._api_translations = [p for p in siblings[page.translation_key] if p.pk != page.pk]
    return pages


def annotate(petitions, request):
    """Petitions with their counters and translations (see :func:`annotate_campaigns`)."""
    return annotate_campaigns(petitions, PetitionPage)


def _absolute(request, url):
    return request.build_absolute_uri(url) if url else None


def image_body(request, image):
    """An image's alt text and absolute rendition URLs (renditions prefetched)."""
    if image is None:
        return None
    renditions = image.get_renditions(*RENDITIONS.values())
    return {
        "alt": image.default_alt_text if hasattr(image, "default_alt_text") else image.title,
        "renditions": {
            name: {
                "url": _absolute(request, renditions[spec].url),
                "width": renditions[spec].width,
                "height": renditions[spec].height,
            }
            for name, spec in RENDITIONS.items()
        },
    }


# -- serializers -----------------------------------------------------------------------


class TargetSerializer(serializers.Serializer):
    name = StrictCharField()
    role = StrictCharField(allow_blank=True)


class RenditionSerializer(serializers.Serializer):
    url = serializers.URLField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()


class ImageSerializer(serializers.Serializer):
    alt = StrictCharField(allow_blank=True, help_text="The image title, as alt text.")
    renditions = serializers.DictField(
        child=RenditionSerializer(),
        help_text="Resized versions: " + ", ".join(f"{k} ({v})" for k, v in RENDITIONS.items()),
    )


class ProgressSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Signatures so far (online and on paper).")
    goal = serializers.IntegerField()
    target = serializers.IntegerField(help_text="The goal, or the next milestone once passed.")
    percent = serializers.IntegerField()
    goal_reached = serializers.BooleanField()


class ShareSerializer(serializers.Serializer):
    url = serializers.URLField()
    text = StrictCharField()
    facebook = serializers.URLField()
    x = serializers.URLField()
    whatsapp = serializers.URLField()
    email = StrictCharField(help_text="A mailto: link with a sample message.")


class TranslationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    locale = StrictCharField()
    title = StrictCharField()
    url = serializers.URLField(allow_null=True)
    api_url = serializers.URLField()


class SignerFieldsSerializer(serializers.Serializer):
    """Which optional fields this petition asks for: off, optional or required."""

    postal_code = serializers.ChoiceField(choices=FieldChoice.choices)
    phone = serializers.ChoiceField(choices=FieldChoice.choices)
    comment = serializers.ChoiceField(choices=FieldChoice.choices)


class CampaignSerializer(serializers.Serializer):
    """What every campaign page (petition, pledge) shows in the API."""

    detail_route = None

    id = serializers.IntegerField()
    campaign = serializers.UUIDField(
        source="translation_key", help_text="Shared by every translation of the campaign."
    )
    title = StrictCharField()
    slug = StrictCharField()
    locale = StrictCharField(source="locale.language_code")
    url = serializers.SerializerMethodField()
    api_url = serializers.SerializerMethodField()
    goal = serializers.IntegerField()
    progress = serializers.SerializerMethodField()
    is_open = serializers.BooleanField()
    closed_reason = serializers.SerializerMethodField()
    first_published_at = serializers.DateTimeField(allow_null=True)
    last_published_at = serializers.DateTimeField(allow_null=True)
    opens_at = serializers.DateTimeField(allow_null=True)
    closes_at = serializers.DateTimeField(allow_null=True)
    image = serializers.SerializerMethodField()
    share = serializers.SerializerMethodField()
    translations = serializers.SerializerMethodField()

    def _request(self):
        return self.context["request"]

    def get_url(self, page) -> str | None:
        return page.get_full_url(self._request()._request)

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, page):
        return page.progress()

    def get_closed_reason(self, page) -> str | None:
        reason = page.closed_reason()
        return str(reason) if reason else None

    @extend_schema_field(ImageSerializer(allow_null=True))
    def get_image(self, page):
        return image_body(self._request(), page.image)

    @extend_schema_field(ShareSerializer)
    def get_share(self, page):
        return sharing.share_links(page, self._request()._request)

    def get_api_url(self, page) -> str:
        return self._request().build_absolute_uri(reverse(self.detail_route, args=[page.pk]))

    def translation_pages(self, page):
        return page._api_translations

    @extend_schema_field(TranslationSerializer(many=True))
    def get_translations(self, page):
        request = self._request()
        return [
            {
                "id": p.pk,
                "locale": p.locale.language_code,
                "title": p.title,
                "url": p.get_full_url(request._request),
                "api_url": request.build_absolute_uri(reverse(self.detail_route, args=[p.pk])),
            }
            for p in self.translation_pages(page)
        ]


class PetitionSerializer(CampaignSerializer):
    detail_route = "heretostay_api:petition-detail"

    sign_url = serializers.SerializerMethodField()
    targets = TargetSerializer(many=True, source="targets.all")
    ask = StrictCharField()
    why = serializers.SerializerMethodField()
    scope = serializers.ChoiceField(choices=Scope.choices)
    place_name = StrictCharField(allow_blank=True)
    postal_code = StrictCharField(allow_blank=True)
    status = serializers.ChoiceField(choices=PetitionStatus.choices)
    delivered_at = serializers.DateTimeField(allow_null=True)
    signer_fields = serializers.SerializerMethodField()
    consent_text = serializers.SerializerMethodField()
    confirmation_required = serializers.SerializerMethodField()

    def get_sign_url(self, page) -> str:
        return self._request().build_absolute_uri(
            reverse("heretostay_api:petition-sign", args=[page.pk])
        )

    def get_why(self, page) -> str:
        return expand_db_html(page.why)

    @extend_schema_field(SignerFieldsSerializer)
    def get_signer_fields(self, page):
        return {
            "postal_code": page.ask_postal_code,
            "phone": page.ask_phone,
            "comment": page.ask_comment,
        }

    def get_consent_text(self, page) -> str:
        return str(page.get_consent_text())

    def get_confirmation_required(self, page) -> bool:
        return bool(get_setting("DOUBLE_OPT_IN"))

    def translation_pages(self, page):
        pages = getattr(page, "_api_translations", None)
        if pages is None:
            pages = annotate([page], self._request())[0]._api_translations
        return pages


class PetitionQuery(serializers.Serializer):
    status = serializers.ChoiceField(choices=PetitionStatus.choices, required=False)
    scope = serializers.ChoiceField(choices=Scope.choices, required=False)
    locale = serializers.ChoiceField(
        choices=[code for code, _name in settings.LANGUAGES],
        required=False,
        help_text="Language code of the page (each translation is its own petition page).",
    )
    place = StrictCharField(
        required=False, max_length=200, help_text="Part of the place name, any case."
    )
    postal_code = StrictCharField(required=False, max_length=20)
    campaign = serializers.UUIDField(required=False, help_text="Every translation of one campaign.")


def filter_campaigns(queryset, query):
    """The list filters every kind of campaign has: a language, one campaign."""
    if "locale" in query:
        queryset = queryset.filter(locale__language_code=query["locale"])
    if "campaign" in query:
        queryset = queryset.filter(translation_key=query["campaign"])
    return queryset


def filter_petitions(queryset, query):
    queryset = filter_campaigns(queryset, query)
    if "status" in query:
        queryset = queryset.filter(status=query["status"])
    if "scope" in query:
        queryset = queryset.filter(scope=query["scope"])
    if query.get("place"):
        queryset = queryset.filter(place_name__icontains=query["place"])
    if query.get("postal_code"):
        queryset = queryset.filter(postal_code__iexact=query["postal_code"])
    return queryset


# -- views -----------------------------------------------------------------------------


def campaign_views(
    name, *, serializer, query, queryset, annotate, get_object, id_parameter, tag, summaries
):
    """The public list and detail views of one kind of campaign, with their operations.

    ``queryset(query)`` gives the filtered published pages, ``annotate(pages, request)``
    adds counts and translations in a few queries, ``get_object(pk)`` one page or a 404.
    """

    class List(PublicView):
        paginated = True
        serializer_class = serializer
        query_serializer = query

        @extend_schema(
            operation_id=f"{tag}_list",
            summary=summaries[0],
            parameters=[query],
            responses={200: serializer(many=True), **errors.responses(400, 404, 429)},
            tags=[tag],
        )
        def get(self, request):
            page = self.paginate_queryset(queryset(self.query()))
            return self.get_paginated_response(
                self.get_serializer(annotate(page, request), many=True).data
            )

    class Detail(PublicView):
        serializer_class = serializer

        @extend_schema(
            operation_id=f"{tag}_retrieve",
            summary=summaries[1],
            parameters=[id_parameter],
            responses={200: serializer, **errors.responses(400, 404, 429)},
            tags=[tag],
        )
        def get(self, request, pk):
            return Response(self.get_serializer(annotate([get_object(pk)], request)[0]).data)

    for view, suffix in ((List, "List"), (Detail, "Detail")):
        view.__name__ = view.__qualname__ = f"{name}{suffix}"
    return List, Detail


PetitionList, PetitionDetail = campaign_views(
    "Petition",
    serializer=PetitionSerializer,
    query=PetitionQuery,
    queryset=lambda query: filter_petitions(listed_petitions(), query),
    annotate=annotate,
    get_object=get_petition,
    id_parameter=ID_PARAMETER,
    tag="petitions",
    summaries=("List published petitions", "One published petition, with its live count"),
)
