"""CORS for the headless example's origin (django-cors-headers, example settings)."""

from django.conf import settings

ORIGIN = "http://localhost:8001"


def test_preflight_for_signing_from_the_headless_origin(client, petition):
    response = client.options(
        f"/api/v1/petitions/{petition.pk}/signatures/",
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type,accept-language",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    allowed = response["Access-Control-Allow-Headers"]
    assert "content-type" in allowed and "accept-language" in allowed


def test_other_origins_and_other_urls_get_no_cors(client, petition):
    response = client.get("/api/v1/petitions/", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in response
    page = client.get(petition.url, HTTP_ORIGIN=ORIGIN)
    assert page.status_code == 200
    assert "Access-Control-Allow-Origin" not in page


def test_headless_example_calls_only_the_documented_api():
    js = (settings.BASE_DIR / "headless" / "app.js").read_text()
    assert "/petitions/" in js and "/signatures/" in js and '"Accept-Language": lang' in js
    html = (settings.BASE_DIR / "headless" / "index.html").read_text()
    assert 'value="es"' in html and "app.js" in html
