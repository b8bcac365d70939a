"""Public downloads of defense cards (no personal data involved)."""

from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from heretostay_wagtail.guides.cards.files import download_filename, get_card_file, storage
from heretostay_wagtail.guides.cards.formats import FORMATS
from heretostay_wagtail.guides.models import DefenseCard


@require_GET
def card_download(request, key, language, fmt):
    card_format = FORMATS.get(fmt)
    if card_format is None:
        raise Http404("Unknown card format")
    card = (
        DefenseCard.objects.select_related("locale")
        .filter(translation_key=key, locale__language_code=language)
        .first()
    )
    if card is None:
        raise Http404("No such card in this language")
    name = get_card_file(card, card_format)
    response = FileResponse(
        storage().open(name, "rb"),
        as_attachment=True,
        filename=download_filename(card, card_format),
        content_type=card_format.content_type,
    )
    response["Cache-Control"] = "public, max-age=300"
    response["Content-Language"] = card.language
    return response
