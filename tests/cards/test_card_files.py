"""Card downloads as a supporter gets them: real WeasyPrint, read back with pypdf."""

import io
import unicodedata
import uuid

import pytest
from django.core.files.storage import storages
from PIL import Image
from wagtail_localize.segments.extract import extract_segments

from heretostay_wagtail.guides.cards import files
from heretostay_wagtail.guides.cards.formats import FORMATS
from heretostay_wagtail.guides.cards.render import render_card
from heretostay_wagtail.guides.models import AGENT_TEXT
from heretostay_wagtail.guides.samples import SAMPLE_CARDS

from .pdfcheck import embedded_font_coverage, page_sizes, page_texts, require_fonts

pytestmark = pytest.mark.django_db


def squash(text):
    return "".join(text.split())


def test_wallet_card_is_two_business_card_pages(card_es):
    pdf = render_card(card_es, FORMATS["wallet"])
    assert page_sizes(pdf) == [(252, 144), (252, 144)]
    front, back = page_texts(pdf)
    assert "Conoce tus derechos" in front
    assert "abogado" in front
    assert "(202) 555-0143" in front
    # The agent side stays in English in the Spanish card.
    assert "remain silent" in back
    assert "derecho" not in back


@pytest.mark.parametrize("fmt,size", [("sheet-letter", (612, 792)), ("sheet-a4", (595, 842))])
def test_print_sheet_has_ten_fronts_then_ten_backs(card_es, fmt, size):
    pdf = render_card(card_es, FORMATS[fmt])
    assert page_sizes(pdf) == [size, size]
    fronts, backs = page_texts(pdf)
    assert fronts.count("Conoce tus derechos") == 10
    assert backs.count("To the officer") == 10


def test_phone_image_is_a_tall_png(card):
    png = render_card(card, FORMATS["phone"])
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.width == 1080
    assert image.height > image.width
    # Not blank: the card text is drawn in dark pixels.
    assert image.convert("L").getextrema()[0] < 80


@pytest.mark.parametrize("language", list(SAMPLE_CARDS))
def test_every_character_of_each_sample_card_has_an_embedded_glyph(sample_cards, language):
    require_fonts(language)
    card = sample_cards[language]
    pdf = render_card(card, FORMATS["wallet"])
    covered = embedded_font_coverage(pdf)
    text = card.holder_heading + card.holder_text + card.hotline_label + card.agent_text
    # Invisible format controls (e.g. the Persian zero-width non-joiner) have no glyph.
    visible = {ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Cf"}
    missing = visible - covered
    assert not missing, f"{language}: no glyph for {sorted(missing)!r}"
    # The holder side really is in the card's language (not the English source).
    if language != "en":
        assert squash(card.holder_heading) != squash(SAMPLE_CARDS["en"][0])


def test_rtl_cards_are_marked_right_to_left(sample_cards):
    assert sample_cards["ar"].is_rtl and sample_cards["fa"].is_rtl
    assert not sample_cards["ko"].is_rtl
    from django.template.loader import render_to_string

    html = render_to_string(
        "heretostay/cards/card.html", {"card": sample_cards["ar"], "layout": "wallet"}
    )
    assert 'lang="ar" dir="rtl"' in html
    assert 'lang="en" dir="ltr"' in html  # agent side


def test_agent_side_is_synchronized_not_translated(card, sample_cards):
    segments = extract_segments(card)
    texts = [getattr(s, "source", None) or getattr(s, "data", None) for s in segments]
    flat = " ".join(str(t) for t in texts)
    assert "To the officer" not in flat
    assert any(getattr(s, "path", "") == "holder_heading" for s in segments)
    assert all(c.agent_text == AGENT_TEXT for c in sample_cards.values())


def test_files_are_cached_and_regenerated_after_an_edit(card_es, monkeypatch):
    calls = []
    real = files.render_card

    def counting(card, fmt, *args):
        calls.append(fmt.name)
        return real(card, fmt, *args)

    monkeypatch.setattr(files, "render_card", counting)
    first = files.get_card_file(card_es, FORMATS["wallet"])
    again = files.get_card_file(card_es, FORMATS["wallet"])
    assert first == again and calls == ["wallet"]
    assert card_es.content_hash() in first and "/es/" in first

    card_es.holder_heading = "Conozca sus derechos"
    card_es.save()
    edited = files.get_card_file(card_es, FORMATS["wallet"])
    assert edited != first and calls == ["wallet", "wallet"]
    store = storages["default"]
    assert store.exists(edited) and not store.exists(first)  # old version purged
    with store.open(edited) as fh:
        assert "Conozca sus derechos" in page_texts(fh.read())[0]


def test_same_text_other_language_has_its_own_file(card, card_es):
    assert files.storage_path(card, FORMATS["wallet"]) != files.storage_path(
        card_es, FORMATS["wallet"]
    )


def test_download_through_url(client, card_es):
    url = files.download_url(card_es, "wallet")
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="defense-card-es-wallet.pdf"' in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert page_sizes(body)[0] == (252, 144)

    response = client.get(files.download_url(card_es, "phone"))
    assert response["Content-Type"] == "image/png"
    assert 'filename="defense-card-es-phone.png"' in response["Content-Disposition"]


@pytest.mark.parametrize(
    "path",
    [
        "/campaigns/cards/{key}/es/poster/",
        "/campaigns/cards/{key}/xx/wallet/",
        "/campaigns/cards/{other}/es/wallet/",
        "/campaigns/cards/not-a-uuid/es/wallet/",
        "/campaigns/cards/{key}/es/../wallet/",
    ],
)
def test_bad_download_urls_are_404(client, card_es, path):
    url = path.format(key=card_es.translation_key, other=uuid.uuid4())
    assert client.get(url, follow=True).status_code == 404


def test_download_is_get_only(client, card_es):
    assert client.post(files.download_url(card_es, "wallet")).status_code == 405


def test_generated_card_is_served_from_its_storage_url(client, card_es, settings, monkeypatch):
    """CARD_DOWNLOADS = "redirect": once generated, the file comes from the storage's own
    URL (the web server's media files, a bucket, a CDN), named as its download; Django
    only answers a small cacheable redirect, without asking the storage again."""
    settings.HERETOSTAY = {**getattr(settings, "HERETOSTAY", {}), "CARD_DOWNLOADS": "redirect"}
    url = files.download_url(card_es, "wallet")
    first = client.get(url)
    assert first.status_code == 302
    assert first["Location"].endswith("/defense-card-es-wallet.pdf")
    assert first["Location"].startswith(settings.MEDIA_URL)
    assert "public" in first["Cache-Control"]
    store = storages["default"]
    name = first["Location"].removeprefix(settings.MEDIA_URL)
    with store.open(name) as fh:
        assert page_sizes(fh.read())[0] == (252, 144)

    asked = []
    real_exists = type(store).exists
    monkeypatch.setattr(
        type(store), "exists", lambda self, path: asked.append(path) or real_exists(self, path)
    )
    again = client.get(url)
    assert again["Location"] == first["Location"] and asked == []  # known from the cache


def test_a_card_file_lost_from_storage_is_rendered_again(client, card_es):
    """The cache says the file is in storage, but it is gone (deleted by hand, a bucket's
    lifecycle rule, another app server's memory in a misconfigured site): the download
    renders it again instead of answering 500 (found by benchmarks/bench_page_cache.py)."""
    url = files.download_url(card_es, "wallet")
    first = client.get(url)
    assert first.status_code == 200
    name = files.get_card_file(card_es, FORMATS["wallet"])
    storages["default"].delete(name)
    again = client.get(url)
    assert again.status_code == 200
    assert page_sizes(b"".join(again.streaming_content))[0] == (252, 144)
    assert storages["default"].exists(name)
