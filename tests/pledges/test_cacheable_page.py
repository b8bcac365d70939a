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
