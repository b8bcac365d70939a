"""Helpers for the petition tests: sign as a supporter would, through the page."""

import pytest

from heretostay_wagtail.models import Source
from heretostay_wagtail.petitions import services as signing


def form_data(**overrides):
    data = {
        "name": "Rosa Parks",
        "email": "rosa@example.org",
        "postal_code": "62701",
        "phone": "",
        "comment": "",
        "website": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def sign_page(client):
    """POST the public form of ``page`` like a browser would, from ``ip``."""

    def post(page, ip="198.51.100.7", follow=False, **fields):
        return client.post(page.url, form_data(**fields), REMOTE_ADDR=ip, follow=follow)

    return post


@pytest.fixture
def add_signature():
    """Create a signature through the signing service (the only way one is created)."""

    def add(petition, source=Source.WEB, language="en", **fields):
        data = {"name": "Rosa Parks", "email": "rosa@example.org", "postal_code": "62701"}
        data.update(fields)
        return signing.sign(petition, data, source=source, language=language).record

    return add


@pytest.fixture
def make_other_petition(home):
    from tests.conftest import make_petition

    def make(**kwargs):
        kwargs.setdefault("title", "Fund legal defense")
        kwargs.setdefault("slug", "legal-defense")
        return make_petition(home, **kwargs)

    return make
