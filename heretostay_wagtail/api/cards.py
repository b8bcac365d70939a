"""Defense cards: which languages and formats each card is offered in, and where.

A card is one translatable snippet; its translations are listed together, each with
absolute download URLs (the public downloads at ``/campaigns/cards/...``). Cards hold
an organization's text only, never anyone's personal data.
"""

from collections import defaultdict

from django.conf import settings
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from heretostay_wagtail.api import errors
from heretostay_wagtail.api.base import PublicView
from heretostay_wagtail.api.fields import StrictCharField
from heretostay_wagtail.guides.cards.files import download_links
from heretostay_wagtail.guides.cards.formats import FORMATS
from heretostay_wagtail.guides.models import DefenseCard

NO_CARD = _("No defense card with this id.")

ID_PARAMETER = OpenApiParameter(
    "id",
    OpenApiTypes.UUID,
    OpenApiParameter.PATH,
    description="The card's id, shared by all its translations.",
)


def language_name(code):
    try:
        return get_language_info(code)["name_local"]
    except KeyError:
        return dict(settings.LANGUAGES).get(code, code)


class DownloadSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=list(FORMATS))
    label = StrictCharField(help_text="In the request's language.")
    url = serializers.URLField(help_text="Absolute; public, no credentials needed.")
    content_type = StrictCharField()
    filename = StrictCharField()
    extension = StrictCharField()


class CardLanguageSerializer(serializers.Serializer):
    language = StrictCharField()
    language_name = StrictCharField(help_text="The language's own name for itself.")
    rtl = serializers.BooleanField(help_text="Written right to left.")
    title = StrictCharField()
    updated_at = serializers.DateTimeField()
    downloads = DownloadSerializer(many=True)


class CardSerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text="Shared by every translation of the card.")
    title = StrictCharField(help_text="In the request's language when translated.")
    organization_name = StrictCharField()
    api_url = serializers.URLField()
    languages = serializers.SerializerMethodField()

    @extend_schema_field(CardLanguageSerializer(many=True))
    def get_languages(self, group):
        return group["languages"]


def card_groups(request, keys):
    """One entry per card (translation key), its translations in ``keys`` order."""
    from django.urls import reverse

    cards = defaultdict(list)
    for card in (
        DefenseCard.objects.filter(translation_key__in=keys)
        .select_related("locale")
        .order_by("locale__language_code")
    ):
        cards[card.translation_key].append(card)
    wanted = get_language()
    groups = []
    for key in keys:
        translations = cards.get(key)
        if not translations:
            continue
        shown = next((c for c in translations if c.language == wanted), translations[0])
        groups.append(
            {
                "id": key,
                "title": shown.title,
                "organization_name": shown.organization_name,
                "api_url": request.build_absolute_uri(
                    reverse("heretostay_api:card-detail", args=[key])
                ),
                "languages": [
                    {
                        "language": card.language,
                        "language_name": language_name(card.language),
                        "rtl": card.is_rtl,
                        "title": card.title,
                        "updated_at": card.updated_at,
                        "downloads": [
                            {**link, "url": request.build_absolute_uri(link["url"])}
                            for link in download_links(card, list(FORMATS))
                        ],
                    }
                    for card in translations
                ],
            }
        )
    return groups


class CardQuery(serializers.Serializer):
    language = StrictCharField(
        required=False, max_length=15, help_text="Only cards available in this language."
    )


class CardList(PublicView):
    paginated = True
    serializer_class = CardSerializer
    query_serializer = CardQuery

    @extend_schema(
        operation_id="cards_list",
        summary="List defense cards with their languages and download URLs",
        parameters=[CardQuery],
        responses={200: CardSerializer(many=True), **errors.responses(400, 404, 429)},
        tags=["cards"],
    )
    def get(self, request):
        query = self.query()
        cards = DefenseCard.objects.all()
        if query.get("language"):
            cards = cards.filter(locale__language_code=query["language"])
        keys = cards.order_by("translation_key").values_list("translation_key", flat=True)
        page = self.paginate_queryset(keys.distinct())
        data = self.get_serializer(card_groups(request, list(page)), many=True).data
        return self.get_paginated_response(data)


class CardDetail(PublicView):
    serializer_class = CardSerializer

    @extend_schema(
        operation_id="cards_retrieve",
        summary="One defense card: its languages and download URLs",
        parameters=[ID_PARAMETER],
        responses={200: CardSerializer, **errors.responses(400, 404, 429)},
        tags=["cards"],
    )
    def get(self, request, pk):
        import uuid

        try:
            key = uuid.UUID(str(pk))
        except ValueError:
            raise NotFound(NO_CARD) from None
        groups = card_groups(request, [key])
        if not groups:
            raise NotFound(NO_CARD)
        return Response(self.get_serializer(groups[0]).data)
