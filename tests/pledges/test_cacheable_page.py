"""The pledge page is cacheable too (issue 15): no cookie for anonymous visitors, and its
form works without a CSRF token from the page itself, not from another site."""

import pytest
from django.test import Client

from heretostay_wagtail.models import Pledge

pytestmark = pytest.mark.django_db


def form(**overrides):
    data = {
        "name": "Ana Flores",
        "email": "ana@example.org",
        "phone": "",
        "area": "60608",
        "website": "",
    }
    data.update(overrides)
    return data


def test_pledge_page_is_public_and_its_form_needs_no_token(pledge_page):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(pledge_page.url)
    assert page.status_code == 200 and not page.cookies
    assert "public" in page["Cache-Control"]
    assert "csrfmiddlewaretoken" not in page.content.decode()

    sent = browser.post(pledge_page.url, form(), HTTP_SEC_FETCH_SITE="same-origin")
    assert sent.status_code == 302, sent.content[:400]
    assert Pledge.objects.filter(email_normalized="ana@example.org").exists()

    forged = browser.post(
        pledge_page.url,
        form(email="someone@example.org"),
        HTTP_SEC_FETCH_SITE="cross-site",
        HTTP_ORIGIN="https://evil.example",
    )
    assert forged.status_code == 403
    assert not Pledge.objects.filter(email_normalized="someone@example.org").exists()


def test_pages_for_one_person_are_never_cached(client, pledge_page, petition):
    from heretostay_wagtail.core import tokens
    from heretostay_wagtail.petitions import services as signing
    from heretostay_wagtail.pledges import services as pledging

    from .helpers import make_pledge

    pledge = make_pledge(pledge_page, email="own@example.org")
    signature = signing.sign(
        petition,
        {"name": "Ana", "email": "own@example.org", "postal_code": "62701"},
        source="web",
    ).record
    for url in (
        pledging.manage_url(pledge),
        pledging.unsubscribe_url(pledge),
        petition.url
        + petition.reverse_subpage("confirm", args=[tokens.make("confirm", signature.public_id)]),
    ):
        response = client.get(url)
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= directives, (url, response["Cache-Control"])
