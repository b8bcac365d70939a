"""Language prefixes with no pages, and /favicon.ico (issue 16).

The languages the demo's defense cards are published in are in LANGUAGES, but pages exist
only in English and Spanish: /ar/, /fa/, /ko/, /pa/, /zh-hans/ and /ti/ send visitors to
the same page in English (example_site/middleware.py says why).
"""

import io

import pytest
from PIL import Image
from wagtail.models import Locale

from example_site.home.models import HomePage

NO_PAGES = ["ar", "fa", "ko", "pa", "zh-hans", "ti"]


@pytest.mark.parametrize("code", NO_PAGES)
def test_prefix_without_pages_goes_to_english(client, demo, code):
    response = client.get(f"/{code}/")
    assert response.status_code == 302
    assert response["Location"] == "/en/"
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("code", ["ar", "ti"])
def test_same_page_and_query_string_in_english(client, petition, code):
    response = client.get(f"/{code}/sanctuary-city/?utm_source=flyer", follow=True)
    assert response.redirect_chain == [("/en/sanctuary-city/?utm_source=flyer", 302)]
    assert response.status_code == 200
    assert "<h1>Make our city a sanctuary city</h1>" in response.content.decode()


def test_prefixes_with_pages_are_served(client, demo):
    for url in ("/en/", "/es/", "/es/sanctuary-city/"):
        assert client.get(url).status_code == 200, url


def test_a_language_serves_once_its_home_page_is_live(client, demo):
    es = Locale.objects.get(language_code="es")
    HomePage.objects.get(locale=es).unpublish()
    response = client.get("/es/sanctuary-city/")
    assert (response.status_code, response["Location"]) == (302, "/en/sanctuary-city/")


def test_urls_outside_the_pages_are_left_alone(client, demo):
    assert client.get("/api/v1/petitions/?locale=ar").status_code == 200
    assert client.get("/headless/").status_code == 200


def test_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert "public" in response["Cache-Control"] and "max-age=" in response["Cache-Control"]
    icon = Image.open(io.BytesIO(response.content))
    assert icon.format == "ICO" and {(16, 16), (32, 32)} <= icon.info["sizes"]
    assert client.head("/favicon.ico").status_code == 200
    assert client.post("/favicon.ico").status_code == 405
