"""The headless example works with whatever port the demo runs on (issue 16): the demo
serves it at /headless/ and it calls the API on its own origin; ?api= points it elsewhere,
and CORS allows the demo's own port as well as the example's."""

import runpy

from django.conf import settings

SETTINGS_FILE = settings.BASE_DIR / "settings.py"


def test_demo_serves_the_headless_example(client, db):
    response = client.get("/headless/")
    assert response.status_code == 200
    html = b"".join(response.streaming_content).decode()
    assert '<script src="app.js"></script>' in html and 'href="style.css"' in html
    for name, content_type in (("app.js", "javascript"), ("style.css", "text/css")):
        response = client.get(f"/headless/{name}")
        assert response.status_code == 200 and content_type in response["Content-Type"]
    # Only those three files: nothing else from the folder or around it.
    for url in ("/headless/index.html", "/headless/..%2Fsettings.py", "/headless/x.js"):
        assert client.get(url).status_code in (302, 404), url


def test_api_base_is_the_page_origin_unless_given():
    js = (settings.BASE_DIR / "headless" / "app.js").read_text()
    assert 'params.get("api") || new URL("/api/v1", location.href).href' in js
    assert '8000/api/v1")' not in js  # no fixed port


def test_same_origin_calls_need_no_cors(client, petition):
    """What the example does from /headless/: same origin, no Origin header."""
    response = client.get("/api/v1/petitions/?locale=en", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert any(p["id"] == petition.pk for p in response.json()["results"])


def test_cors_allows_the_configured_ports(monkeypatch):
    monkeypatch.delenv("CORS_ALLOWED_ORIGINS", raising=False)
    monkeypatch.setenv("PORT", "8123")
    origins = runpy.run_path(str(SETTINGS_FILE))["CORS_ALLOWED_ORIGINS"]
    assert origins == [
        "http://localhost:8001",
        "http://127.0.0.1:8001",
        "http://localhost:8123",
        "http://127.0.0.1:8123",
    ]
    monkeypatch.setenv("HEADLESS_PORT", "9000")
    assert "http://localhost:9000" in runpy.run_path(str(SETTINGS_FILE))["CORS_ALLOWED_ORIGINS"]


def test_readme_documents_the_api_parameter():
    readme = (settings.PROJECT_DIR / "README.md").read_text()
    assert "/headless/" in readme and "?api=" in readme
