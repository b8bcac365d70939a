"""Smoke tests of the example site, with its own settings (``--ds=example_site.settings``).

The demo loader runs once per session, as ``make demo`` runs it; each test then works
on that content inside its own transaction.
"""

import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from wagtail.models import Locale

from heretostay_wagtail.models import PetitionPage, PledgePage, RightsGuidePage

if settings.SETTINGS_MODULE != "example_site.settings":
    raise pytest.UsageError(
        "Run the example site's tests with its settings: "
        "pytest example_site/tests -p no:cacheprovider --ds=example_site.settings"
    )


@pytest.fixture(scope="session")
def media_root(tmp_path_factory):
    """One media folder for the session: the demo's pictures are stored there once."""
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def demo_output(django_db_setup, django_db_blocker, media_root):
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media_root):
        out = io.StringIO()
        call_command("load_demo", port="80", stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def _quiet_backends(settings, media_root):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = media_root
    # The settings are production's (DEBUG off), which redirect plain HTTP to HTTPS; the
    # test client speaks plain HTTP (test_production_settings.py checks the redirect).
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture
def demo(demo_output, db):
    return demo_output


@pytest.fixture
def petition(demo):
    return PetitionPage.objects.get(locale__language_code="en", slug="sanctuary-city")


@pytest.fixture
def pledge(demo):
    return PledgePage.objects.get(locale__language_code="en", slug="pledge")


@pytest.fixture
def guide(demo):
    return RightsGuidePage.objects.get(locale__language_code="en", slug="know-your-rights")


@pytest.fixture
def petition_es(petition):
    return petition.get_translation(Locale.objects.get(language_code="es"))
