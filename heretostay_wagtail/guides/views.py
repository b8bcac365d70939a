"""Public downloads of defense cards and printable guides (no personal data involved)."""

import posixpath

from django.core.files.base import ContentFile
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.utils import translation
from django.views.decorators.http import require_GET

from heretostay_wagtail.core import routes
from heretostay_wagtail.core.conf import get_setting
from heretostay_wagtail.guides.cards.files import (
    download_filename,
    get_card_file,
    open_card_file,
    storage,
)
from heretostay_wagtail.guides.cards.formats import FORMATS
from heretostay_wagtail.guides.models import DefenseCard, RightsGuidePage
from heretostay_wagtail.pdf.render import render_pdf


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
    if get_setting("CARD_DOWNLOADS") == "redirect":
        # The file itself comes from the storage's URL (the web server's media files, a
        # bucket or a CDN), like any static file; only this small answer is Django's.
        response = HttpResponseRedirect(storage().url(get_card_file(card, card_format)))
        response["Cache-Control"] = "public, max-age=300"
        return response
    _name, handle = open_card_file(card, card_format)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_filename(card, card_format),
        content_type=card_format.content_type,
    )
    response["Cache-Control"] = "public, max-age=300"
    response["Content-Language"] = card.language
    return response


@routes.page_view(RightsGuidePage, "pdf")
def guide_pdf(request, guide):
    """The printable guide, cached per published revision and language."""
    store = storage()
    name = posixpath.join(
        "heretostay/guides",
        str(guide.translation_key),
        guide.locale.language_code,
        f"{guide.live_revision_id or guide.latest_revision_id or 0}.pdf",
    )
    if not store.exists(name):
        name = store.save(name, ContentFile(render_guide_pdf(guide, request)))
        _purge_other_files(store, name)
    return FileResponse(
        store.open(name, "rb"),
        filename=f"{guide.slug}-{guide.locale.language_code}.pdf",
        content_type="application/pdf",
    )


def render_guide_pdf(guide, request=None):
    with translation.override(guide.locale.language_code):
        return render_pdf(guide.pdf_template, {"page": guide, "pdf": True}, request=request)


def _purge_other_files(store, keep):
    """Remove PDFs of earlier revisions of this guide in this language."""
    folder = posixpath.dirname(keep)
    try:
        _dirs, names = store.listdir(folder)
    except (NotImplementedError, FileNotFoundError, OSError):
        return
    for filename in names:
        path = posixpath.join(folder, filename)
        if path != keep:
            store.delete(path)
