"""Defense card metadata: languages, formats and absolute public download URLs."""

import pytest

pytestmark = pytest.mark.django_db

LIST = "/api/v1/cards/"


def test_list_shows_each_card_once_with_its_languages_and_downloads(api, card):
    body = api.get(LIST).json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["id"] == str(card.translation_key)
    assert item["title"] == "Know your rights card"
    assert [lang["language"] for lang in item["languages"]] == ["en", "es"]
    spanish = item["languages"][1]
    assert spanish["language_name"] == "español" and spanish["rtl"] is False
    formats = [d["format"] for d in spanish["downloads"]]
    assert formats == ["wallet", "sheet-letter", "sheet-a4", "phone"]
    wallet = spanish["downloads"][0]
    assert wallet["url"] == (f"http://testserver/campaigns/cards/{card.translation_key}/es/wallet/")
    assert wallet["content_type"] == "application/pdf"
    assert wallet["filename"] == "defense-card-es-wallet.pdf"
    assert api.get(LIST, {"language": "fr"}).json()["count"] == 0
    assert api.get(LIST, {"language": "es"}).json()["count"] == 1


def test_detail_in_the_requests_language(api, card):
    url = f"{LIST}{card.translation_key}/"
    body = api.get(url, HTTP_ACCEPT_LANGUAGE="es").json()
    es_title = card.get_translation(card.locale.__class__.objects.get(language_code="es")).title
    assert body["title"] == es_title
    assert body["api_url"] == "http://testserver" + url
    labels = [d["label"] for d in body["languages"][0]["downloads"]]
    assert labels[0] != "Wallet card (PDF, front and back)"  # translated label


def test_download_urls_work(api, client, card):
    url = api.get(LIST).json()["results"][0]["languages"][0]["downloads"][-1]["url"]
    response = client.get(url.removeprefix("http://testserver"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"


def test_unknown_card_is_a_json_404(api, card):
    for pk in ("00000000-0000-0000-0000-000000000000", "not-a-uuid"):
        response = api.get(f"{LIST}{pk}/")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_no_personal_data_and_no_auth_needed(api, card):
    text = api.get(LIST).content.decode()
    assert "555" not in text  # not even the organization's hotline: only metadata
    assert "email" not in text
