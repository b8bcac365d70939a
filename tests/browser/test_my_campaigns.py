"""My Campaigns and the manage pane in a real browser: a starter of the demo petition logs
in on the public site and every pane page passes axe and fits a 360px phone, in English
and Spanish (the pane speaks the campaign's language: a starter of the Spanish
translation sees it in Spanish whatever the browser says). The pages have no script of
their own; axe needs JavaScript to run."""

import json

import helpers
import pytest

PANE_PAGES = (
    "index",
    "manage",
    "edit",
    "admins",
    "paper_sheets",
    "paper_entry",
    "deliver",
    "signers",
)

SETUP = """
import json
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.urls import reverse
from heretostay_wagtail.models import CampaignAdmin, PetitionPage
from wagtail.models import Locale
english = PetitionPage.objects.get(locale__language_code="en", slug="sanctuary-city")
urls = {}
for language in ("en", "es"):
    user = get_user_model().objects.create_user(
        "starter-" + language, "starter-" + language + "@example.org", "starter-pass-1"
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    page = english.get_translation(Locale.objects.get(language_code=language))
    CampaignAdmin.objects.create(page=page, user=user, role="starter", added_by=user)
    urls[language] = {}
    for name in %r:
        args = [] if name == "index" else [page.pk]
        urls[language][name] = reverse("heretostay:heretostay_mycampaigns_" + name, args=args)
print("URLS=" + json.dumps(urls))
"""


@pytest.fixture(scope="module")
def pane_urls(server):
    out = server.manage("shell", "-c", SETUP % (PANE_PAGES,))
    line = next(line for line in out.splitlines() if line.startswith("URLS="))
    return json.loads(line[5:])


def log_in(page, server, language):
    page.goto(server.url(f"/{language}/accounts/login/"))
    page.fill("#id_login", f"starter-{language}@example.org")
    page.fill("#id_password", "starter-pass-1")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


@pytest.mark.parametrize("width", helpers.WIDTHS)
@pytest.mark.parametrize("language", helpers.LANGUAGES)
def test_pane_passes_axe_and_fits(new_page, server, pane_urls, axe, no_overflow, language, width):
    # The browser asks for the other language: the pane follows the campaign's.
    page = new_page(width=width, locale="en" if language == "es" else "es")
    log_in(page, server, language)
    problems = []
    for name in PANE_PAGES:
        response = page.goto(server.url(pane_urls[language][name]))
        assert response.status == 200, (name, response.status)
        assert page.locator("html").get_attribute("lang") == language
        label = f"my-campaigns {name} [{language}, {width}px]"
        problems += axe(page, label)
        too_wide = no_overflow(page, label)
        if too_wide:
            problems.append(too_wide)
    assert not problems, "\n".join(problems)
