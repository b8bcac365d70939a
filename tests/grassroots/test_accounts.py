"""Public-site accounts (django-allauth) in the site's layout: English and Spanish, labels
and errors, password reset, login rate limits."""

import pytest
from django.core import mail

from tests.grassroots.start_helpers import *  # noqa: F403 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["login", "signup", "password/reset"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_account_pages_use_the_site_layout(client, home, language, path):
    response = client.get(f"/{language}/accounts/{path}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    assert "heretostay/css/heretostay.css" in html
    assert '<meta name="robots" content="noindex">' in html
    assert 'class="hts-field' in html
    assert '<label for="id_email"' in html or '<label for="id_login"' in html
    assert "<script" not in html


def test_spanish_pages_speak_spanish(client, home):
    html = client.get("/es/accounts/login/").content.decode()
    assert "Contraseña" in html


def test_errors_are_listed_and_linked_to_fields(client, home):
    response = client.post(
        "/en/accounts/signup/", {"email": "nope", "password1": "a", "password2": "b"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="hts-error-summary"' in html
    assert 'href="#id_email"' in html


def test_no_username_is_asked(client, home):
    html = client.get("/en/accounts/signup/").content.decode()
    assert 'name="username"' not in html


def test_password_reset_sends_an_email(client, home, starter):
    response = client.post("/en/accounts/password/reset/", {"email": starter.email})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[starter.email]]


def test_account_emails_come_from_the_organization_not_the_host_name(client, home):
    from heretostay_wagtail.models import BrandingSettings

    branding = BrandingSettings.for_site(home.get_site())
    branding.organization_name = "Here to Stay Springfield"
    branding.save()
    client.post(
        "/es/accounts/signup/",
        {"email": "new@example.org", "password1": "Santuario-2026", "password2": "Santuario-2026"},
    )
    [message] = mail.outbox
    assert message.subject.startswith("[Here to Stay Springfield] ")
    assert "Here to Stay Springfield" in message.body
    assert "testserver" not in message.subject + message.body.split("\n")[0]


def test_failed_logins_are_rate_limited(client, home, starter):
    statuses = []
    for _ in range(7):
        response = client.post("/en/accounts/login/", {"login": starter.email, "password": "wrong"})
        statuses.append(response.status_code)
    # allauth's default: 5 failed attempts per 5 minutes per account, then refused even
    # with the right password.
    response = client.post(
        "/en/accounts/login/", {"login": starter.email, "password": "a-long-password-1"}
    )
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
