"""The PDF renderer reads the site's own static and media files, and nothing else: no
local file, no other host, no network, whatever the URL's spelling."""

import base64
import io
import socket
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image
from pypdf import PdfReader

from heretostay_wagtail.pdf.fetcher import BASE_URL, FetchRefused, safe_url_fetcher
from heretostay_wagtail.pdf.render import html_to_pdf

from .conftest import pdf_text

pytestmark = pytest.mark.django_db

#: A static file the package ships.
STATIC_CSS = "heretostay/css/heretostay.css"


def png(width, height, colour):
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def fetch(url):
    response = safe_url_fetcher().fetch(url)
    try:
        return response.read(), response.content_type
    finally:
        response.close()


@pytest.fixture
def media_png():
    """A PNG in the site's media storage, 3x2 pixels: ``(name, bytes)``."""
    data = png(3, 2, "blue")
    name = default_storage.save("fetcher-test/pixel.png", ContentFile(data))
    yield name, data
    default_storage.delete(name)


@pytest.fixture
def own_static(tmp_path, settings):
    """A static directory of this test with a stylesheet that writes a marker."""
    root = tmp_path / "static"
    (root / "fetchertest").mkdir(parents=True)
    (root / "fetchertest" / "print.css").write_text('p::before { content: "FROM-STATIC-CSS " }')
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, str(root)]
    return "fetchertest/print.css"


@pytest.fixture
def secrets(tmp_path):
    """Local files a hostile URL could point at, with markers we can look for."""
    css = tmp_path / "secret.css"
    css.write_text('p::after { content: " LEAKED-CSS" }')
    image = tmp_path / "secret.png"
    image.write_bytes(png(7, 5, "red"))
    return {"css": css.as_uri(), "png": image.as_uri()}


@pytest.fixture
def no_network(monkeypatch):
    """Record (and stop) any attempt to open a network connection."""
    attempts = []

    def refuse(self, address, *args, **kwargs):
        attempts.append(address)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


# -- what it serves ----------------------------------------------------------------------


def test_serves_a_static_file_from_the_static_finders():
    on_disk = Path(finders.find(STATIC_CSS)).read_bytes()
    assert on_disk.startswith(b"/*")
    body, _ = fetch(BASE_URL + "static/" + STATIC_CSS)
    assert body == on_disk
    # The query string and fragment do not change which file is read.
    body, _ = fetch(BASE_URL + "static/" + STATIC_CSS + "?v=2#top")
    assert body == on_disk


def test_serves_static_files_under_the_sites_own_host(home):
    """Absolute URLs (e.g. image renditions) name the Wagtail site's host."""
    on_disk = Path(finders.find(STATIC_CSS)).read_bytes()
    assert fetch("http://testserver/static/" + STATIC_CSS)[0] == on_disk
    assert fetch("http://testserver:80/static/" + STATIC_CSS)[0] == on_disk


def test_serves_a_media_file_from_storage(media_png):
    name, data = media_png
    body, _ = fetch(BASE_URL + "media/" + name)
    assert body == data
    assert Image.open(io.BytesIO(body)).size == (3, 2)


@pytest.mark.parametrize(
    "path, mime_type",
    [("static/" + STATIC_CSS, "text/css"), ("media/fetcher-test/pixel.png", "image/png")],
)
def test_served_files_have_their_mime_type(path, mime_type, media_png):
    assert fetch(BASE_URL + path)[1] == mime_type


@pytest.mark.parametrize(
    "url, body, mime_type",
    [
        ("data:text/plain,hello", b"hello", "text/plain"),
        ("data:text/css;base64," + base64.b64encode(b"p{}").decode(), b"p{}", "text/css"),
        ("data:image/png;base64," + base64.b64encode(png(1, 1, "red")).decode(), None, "image/png"),
    ],
)
def test_serves_data_uris_decoded_with_their_mime_type(url, body, mime_type):
    fetched, fetched_type = fetch(url)
    assert fetched_type == mime_type
    assert fetched == (body if body is not None else png(1, 1, "red"))


# -- what it refuses ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        # local files, however named
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        "FILE:///etc/passwd",
        "/etc/passwd",
        # other hosts and the cloud metadata service
        "http://169.254.169.254/latest/meta-data/",
        "http://127.0.0.1/static/" + STATIC_CSS,
        "http://localhost/static/" + STATIC_CSS,
        "https://example.com/logo.png",
        "https://heretostay.invalid@example.com/static/" + STATIC_CSS,
        "https://example.com/static/" + STATIC_CSS,
        "//example.com/static/" + STATIC_CSS,
        # other schemes
        "ftp://example.com/x",
        "gopher://example.com/",
        "javascript:alert(1)",
        "jar:file:///etc/passwd!/x",
        "about:blank",
        # the site's host, outside STATIC_URL and MEDIA_URL
        BASE_URL + "etc/passwd",
        BASE_URL + "admin/",
        BASE_URL + "staticx/" + STATIC_CSS,
        # path traversal, plain and encoded
        BASE_URL + "static/../../../etc/passwd",
        BASE_URL + "static/heretostay/../../../../../etc/passwd",
        BASE_URL + "static/..%2f..%2f..%2fetc/passwd",
        BASE_URL + "static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        BASE_URL + "static/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        BASE_URL + "static/%252e%252e/%252e%252e/etc/passwd",
        BASE_URL + "static/..\\..\\..\\etc\\passwd",
        BASE_URL + "media/../../etc/passwd",
        BASE_URL + "media/..%2f..%2fetc%2fpasswd",
        # the site's own paths that do not exist
        BASE_URL + "static/heretostay/missing.css",
        BASE_URL + "media/missing.png",
        # absolute paths after the prefix
        BASE_URL + "static//etc/passwd",
        BASE_URL + "static/%2Fetc/passwd",
        BASE_URL + "media//etc/passwd",
        BASE_URL + "media/%2Fetc%2Fpasswd",
    ],
)
def test_refuses(url, home, no_network):
    with pytest.raises(FetchRefused):
        safe_url_fetcher().fetch(url)
    assert no_network == []


def test_refuses_a_static_file_by_its_local_path():
    """The same bytes it serves as a static URL are refused as a file:// URL."""
    with pytest.raises(FetchRefused):
        safe_url_fetcher().fetch(Path(finders.find(STATIC_CSS)).as_uri())


# -- in a real render --------------------------------------------------------------------


def pdf_images(pdf):
    """The pixel size of every image embedded in ``pdf``."""
    return sorted(
        image.image.size for page in PdfReader(io.BytesIO(pdf)).pages for image in page.images
    )


def test_render_embeds_site_files_and_nothing_else(media_png, own_static, secrets, no_network):
    name, _ = media_png
    html = f"""<html><head>
    <link rel="stylesheet" href="{secrets["css"]}">
    <link rel="stylesheet" href="https://example.com/evil.css">
    <style>
      @import url("/static/{own_static}");
      @import url("{secrets["css"]}");
      @import url("http://169.254.169.254/latest/meta-data/");
      @import url("/static/../../../{secrets["css"].removeprefix("file:///")}");
      body {{ background: url("{secrets["png"]}"); }}
      h1::after {{ content: url("{secrets["png"]}"); }}
    </style></head>
    <body><h1>Title</h1><p>Visible text</p>
    <img src="/media/{name}" alt="">
    <img src="{secrets["png"]}" alt="">
    <img src="/static/../../../{secrets["png"].removeprefix("file:///")}" alt="">
    <img src="https://example.com/pixel.png" alt="">
    <object data="{secrets["png"]}"></object>
    <embed src="{secrets["png"]}">
    <iframe src="file:///etc/passwd"></iframe></body></html>"""
    pdf = html_to_pdf(html)
    text = " ".join(pdf_text(pdf).split())
    assert "Visible text" in text
    assert "FROM-STATIC-CSS Visible text" in text  # the site's static CSS was applied
    assert "LEAKED" not in text and "root:" not in text
    # Only the media image is embedded (3x2), never the local one (7x5).
    assert pdf_images(pdf) == [(3, 2)]
    assert no_network == []


def test_render_does_not_embed_etc_passwd(no_network):
    html = """<html><head>
    <link rel="stylesheet" href="file:///etc/passwd">
    <style>@import url("https://example.com/evil.css");
    body::after { content: url(file:///etc/passwd); }</style></head>
    <body><p>Visible text</p><img src="file:///etc/passwd" alt="">
    <img src="/static/../../../../etc/passwd" alt="">
    <img src="/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd" alt="">
    <object data="file:///etc/passwd"></object>
    <iframe src="file:///etc/passwd"></iframe></body></html>"""
    pdf = html_to_pdf(html)
    text = pdf_text(pdf)
    assert "Visible text" in text
    assert "root:" not in text and "/bin/" not in text
    assert pdf_images(pdf) == []
    assert no_network == []


def test_linked_static_stylesheet_is_applied(own_static):
    html = f"""<html><head><link rel="stylesheet" href="/static/{own_static}"></head>
    <body><p>Visible text</p></body></html>"""
    assert "FROM-STATIC-CSS" in pdf_text(html_to_pdf(html))
