"""Cacheable petition pages (issue 15): an anonymous visitor's page sets no cookie and
carries nothing per visitor, and its sign-up form still works without JavaScript and
without a CSRF token, refusing what a browser says another site sent."""

import pytest
from django.test import Client

from heretostay_wagtail.models import Signature

from .conftest import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser():
    """A client that enforces CSRF like a real deployment (the test client skips it)."""
    return Client(enforce_csrf_checks=True)


def cache_control(response):
    return {d.strip() for d in response.get("Cache-Control", "").split(",") if d.strip()}


def test_anonymous_page_sets_no_cookie_and_is_public(browser, petition):
    response = browser.get(petition.url)
    assert response.status_code == 200
    assert not response.cookies, response.cookies
    assert "csrfmiddlewaretoken" not in response.content.decode()
    # Shared caches keep it a minute; browsers ask again (a signer sees the page as it is).
    assert {"public", "max-age=0", "s-maxage=60", "stale-while-revalidate=60"} <= cache_control(
        response
    )
    assert "stale-if-error=86400" in cache_control(response)
    # Two visitors get the same bytes: nothing per visitor on the page.
    assert Client().get(petition.url).content == response.content
    thanks = browser.get(petition.url + "thanks/")
    assert not thanks.cookies and "public" in cache_control(thanks)


def test_same_origin_post_signs_without_a_token(browser, petition):
    response = browser.post(
        petition.url,
        form_data(email="same@example.org"),
        HTTP_SEC_FETCH_SITE="same-origin",
        HTTP_ORIGIN="http://testserver",
    )
    assert response.status_code == 302, response.content[:500]
    assert Signature.objects.filter(email_normalized="same@example.org").exists()


def test_post_without_browser_headers_is_left_to_honeypot_and_throttles(browser, petition):
    response = browser.post(petition.url, form_data(email="curl@example.org"))
    assert response.status_code == 302
    assert Signature.objects.filter(email_normalized="curl@example.org").exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_SEC_FETCH_SITE": "same-site", "HTTP_ORIGIN": "http://other.testserver"},
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
    ],
)
def test_cross_site_post_is_refused_with_a_clear_message(browser, petition, headers):
    response = browser.post(petition.url, form_data(email="victim@example.org"), **headers)
    assert response.status_code == 403
    assert "sent from another website" in response.content.decode()
    assert not Signature.objects.filter(email_normalized="victim@example.org").exists()


def test_trusted_origin_may_post(browser, petition, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://*.our-coalition.org"]
    response = browser.post(
        petition.url,
        form_data(email="embed@example.org"),
        HTTP_SEC_FETCH_SITE="cross-site",
        HTTP_ORIGIN="https://act.our-coalition.org",
    )
    assert response.status_code == 302


def test_other_posts_keep_django_csrf(browser, petition, home):
    # The same page's other routes, another Wagtail page and the admin are not exempt.
    assert browser.post(petition.url + "count/").status_code == 403
    assert browser.post(home.url, {"x": "1"}, HTTP_SEC_FETCH_SITE="same-origin").status_code == 403
    login = browser.post("/admin/login/", {"username": "a", "password": "b"})
    assert login.status_code == 403


def test_logged_in_and_refused_views_are_private(client, petition, superuser):
    refused = Client().post(petition.url, form_data(email="not-an-email"))
    assert refused.status_code == 400
    assert "private" in cache_control(refused) and "public" not in cache_control(refused)
    client.force_login(superuser)
    response = client.get(petition.url)
    assert "private" in cache_control(response)


def test_restricted_page_is_never_public(browser, petition):
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(page=petition, restriction_type="password", password="x")
    response = browser.get(petition.url)
    # Wagtail answers with its password form; our view is not reached, and nothing public.
    assert "public" not in cache_control(response)


def test_without_the_middleware_the_form_keeps_its_token(browser, petition, settings):
    settings.MIDDLEWARE = [
        m
        for m in settings.MIDDLEWARE
        if m != "heretostay_wagtail.core.middleware.CampaignFormMiddleware"
    ]
    response = browser.get(petition.url)
    assert "csrfmiddlewaretoken" in response.content.decode()
    assert "public" not in cache_control(response)
