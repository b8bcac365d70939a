"""The PDF renderer can't be made to read local files or reach the network."""

import pytest

from heretostay_wagtail.pdf.fetcher import BASE_URL, FetchRefused, safe_url_fetcher
from heretostay_wagtail.pdf.render import html_to_pdf

from .conftest import pdf_text


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.com/logo.png",
        BASE_URL + "etc/passwd",
        BASE_URL + "static/../../../etc/passwd",
        "ftp://example.com/x",
    ],
)
def test_fetcher_refuses(url, db):
    with pytest.raises(FetchRefused):
        safe_url_fetcher().fetch(url)


def test_fetcher_serves_data_uris():
    response = safe_url_fetcher().fetch("data:text/plain,hello")
    assert response is not None


def test_render_with_hostile_urls_does_not_crash_or_leak(db):
    html = """<html><head>
    <link rel="stylesheet" href="file:///etc/passwd">
    <style>@import url("https://example.com/evil.css");
    body::after { content: url(file:///etc/passwd); }</style></head>
    <body><p>Visible text</p><img src="file:///etc/passwd" alt="">
    <img src="https://example.com/pixel.png" alt="">
    <object data="file:///etc/passwd"></object>
    <iframe src="file:///etc/passwd"></iframe></body></html>"""
    pdf = html_to_pdf(html)
    text = pdf_text(pdf)
    assert "Visible text" in text
    assert "root:" not in text and "/bin/" not in text
