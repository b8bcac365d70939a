"""The grassroots pages fit a 360px phone, long typed words included (WeasyPrint lays them
out with the site's stylesheets: tests/csslayout.py)."""

import re

import pytest

from tests.conftest import make_petition
from tests.csslayout import CSS_PATH, layout, overflowing
from tests.grassroots.start_helpers import *  # noqa: F403 (fixtures)
from tests.grassroots.start_helpers import fill_steps, start_url

pytestmark = pytest.mark.django_db

GRASSROOTS_CSS = CSS_PATH.parent / "grassroots.css"
LINK = re.compile(r'<link rel="stylesheet" href="[^"]*grassroots\.css">')
LONG = "Sanctuary" * 13  # a 117-character word


def fits(html):
    css = CSS_PATH.read_text() + GRASSROOTS_CSS.read_text()
    return overflowing(layout(LINK.sub("", html), css=css))


def test_index_with_long_titles_fits(client, index):
    make_petition(index, title=LONG, slug="long", place_name=LONG[:100])
    assert fits(client.get(index.url).content.decode()) == []


def test_steps_and_review_with_errors_fit(client, index, starter):
    html = client.post(start_url(index, "name"), {"title": LONG * 2}).content.decode()
    assert fits(html) == []
    fill_steps(client, index, {**DRAFT, "name": {"title": LONG[:120]}})  # noqa: F405
    client.force_login(starter)
    assert fits(client.get(start_url(index, "review")).content.decode()) == []


@pytest.mark.parametrize("path", ["/en/accounts/login/", "/es/accounts/signup/"])
def test_account_pages_fit(client, home, path):
    html = client.post(path, {"login": LONG, "email": LONG}).content.decode()
    assert fits(html) == []
