"""My Campaigns and the manage pane in a real browser: a starter of the demo petition logs
in on the public site and every pane page passes axe and fits a 360px phone, in English
and Spanish (the pane follows the browser's language). The pages have no script of
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
user = get_user_model().objects.create_user("starter", "starter@example.org", "starter-pass-1")
EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
page = PetitionPage.objects.get(locale__language_code="en", slug="sanctuary-city")
CampaignAdmin.objects.create(page=page, user=user, role="starter", added_by=user)
urls = {}
for name in %r:
    args = [] if name == "index" else [page.pk]
    urls[name] = reverse("heretostay:heretostay_mycampaigns_" + name, args=args)
print("URLS=" + json.dumps(urls))
"""


@pytest.fixture(scope="module")
def pane_urls(server):
    out = server.manage("shell", "-c", SETUP % (PANE_PAGES,))
    line = next(line for line in out.splitlines() if line.startswith("URLS="))
    return json.loads(line[5:])


def log_in(page, server):
    page.goto(server.url("/en/accounts/login/"))
    page.fill("#id_login", "starter@example.org")
    page.fill("#id_password", "starter-pass-1")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


@pytest.mark.parametrize("width", helpers.WIDTHS)
@pytest.mark.parametrize("language", helpers.LANGUAGES)
def test_pane_passes_axe_and_fits(new_page, server, pane_urls, axe, no_overflow, language, width):
    page = new_page(width=width, locale=language)
    log_in(page, server)
    problems = []
    for name in PANE_PAGES:
        response = page.goto(server.url(pane_urls[name]))
        assert response.status == 200, (name, response.status)
        assert page.locator("html").get_attribute("lang") == language
        label = f"my-campaigns {name} [{language}, {width}px]"
        problems += axe(page, label)
        too_wide = no_overflow(page, label)
        if too_wide:
            problems.append(too_wide)
    assert not problems, "\n".join(problems)
