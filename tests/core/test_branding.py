"""Branding (issue 16): the organization's name, logo, colours and contact line, per site,
on public pages, in emails, on the delivery PDF's cover and on defense cards."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from heretostay_wagtail.core import branding as core_branding
from heretostay_wagtail.core import contrast
from heretostay_wagtail.guides.cards import files as card_files
from heretostay_wagtail.guides.cards.formats import FORMATS
from heretostay_wagtail.guides.cards.render import render_card
from heretostay_wagtail.models import BrandingSettings, DeliveryJob, Source
from heretostay_wagtail.paper import delivery
from heretostay_wagtail.pdf.fetcher import safe_url_fetcher
from heretostay_wagtail.petitions import services as signing
from heretostay_wagtail.petitions.tasks import send_confirmation_email
from tests.cards.conftest import card, card_es, guide  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

NAME = "Springfield Immigrant Alliance"
CONTACT = "Hotline 555-0100 · info@springfield.example"
SIGNER = {"name": "Ana", "email": "ana@example.org", "postal_code": "62701", "opt_in": False}


@pytest.fixture(autouse=True)
def _english():
    """Messages and numbers in English, whatever language an earlier test left active."""
    with translation.override("en"):
        yield


@pytest.fixture
def logo():
    return get_image_model().objects.create(
        title="Alliance logo", file=get_test_image_file(size=(320, 120), colour="#a3122b")
    )


@pytest.fixture
def branded(home, logo):
    settings = BrandingSettings.for_site(home.get_site())
    settings.organization_name = NAME
    settings.contact_line = CONTACT
    settings.logo = logo
    settings.accent_color = "#1d4ed8"
    settings.accent_text_color = "#ffffff"
    settings.full_clean()
    settings.save()
    return settings


def pdf_text(data):
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


# -- contrast (WCAG 2.x) ------------------------------------------------------------------
def test_relative_luminance_and_contrast_ratio_follow_wcag():
    assert contrast.relative_luminance("#000") == 0
    assert contrast.relative_luminance("#ffffff") == pytest.approx(1)
    assert contrast.contrast_ratio("#000000", "#FFF") == pytest.approx(21)
    assert contrast.contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast.contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert not contrast.passes_aa("#777777", "#ffffff")
    assert contrast.passes_aa("#767676", "#ffffff")
    assert contrast.contrast_ratio("#a3122b", "#fff") == contrast.contrast_ratio("#fff", "#a3122b")
    with pytest.raises(ValueError):
        contrast.normalize_hex("red; } body { display: none")


# -- the setting and its validation ------------------------------------------------------
def test_defaults_are_the_current_look(home):
    settings = BrandingSettings.for_site(home.get_site())
    assert (settings.accent_color, settings.accent_text_color) == ("#a3122b", "#ffffff")
    assert settings.organization_name == "" and settings.logo is None
    settings.full_clean()
    assert settings.css_variables == (
        "--hts-accent: #a3122b; --hts-accent-ink: #ffffff; --hts-link: #a3122b;"
    )


def test_a_pair_below_aa_is_refused_on_the_text_colour_field(home):
    settings = BrandingSettings(
        site=home.get_site(), accent_color="#FFCC00", accent_text_color="#fff"
    )
    with pytest.raises(ValidationError) as raised:
        settings.full_clean()
    errors = raised.value.message_dict
    assert list(errors) == ["accent_text_color"]
    message = errors["accent_text_color"][0]
    assert message.startswith("Text colour on the accent colour: #ffffff on #ffcc00")
    assert "1.5" in message and "4.5:1" in message


def test_the_ratio_is_rounded_down_in_the_message(home):
    # #777777 on white is 4.478...: shown as 4.47, never as an apparently passing 4.50.
    settings = BrandingSettings(site=home.get_site(), accent_color="#777777")
    with pytest.raises(ValidationError) as raised:
        settings.full_clean()
    assert "4.47:1" in raised.value.message_dict["accent_text_color"][0]


def test_colours_must_be_hex_and_are_normalized(home):
    settings = BrandingSettings(site=home.get_site(), accent_color="red", accent_text_color="#FFF")
    with pytest.raises(ValidationError) as raised:
        settings.full_clean()
    assert list(raised.value.message_dict) == ["accent_color"]
    settings.accent_color = "#1D4ED8"
    settings.full_clean()
    assert (settings.accent_color, settings.accent_text_color) == ("#1d4ed8", "#ffffff")


def test_a_light_accent_with_dark_text_links_in_the_dark_colour(home):
    settings = BrandingSettings(
        site=home.get_site(), accent_color="#ffcc00", accent_text_color="#1a1a1a"
    )
    settings.full_clean()
    assert settings.link_color == "#1a1a1a"  # yellow text on the white page would fail
    assert contrast.passes_aa(settings.link_color, "#ffffff")


def test_values_saved_around_the_form_never_reach_the_page_unchecked(home):
    settings = BrandingSettings(accent_color="#ffcc00", accent_text_color="#ffffff")
    assert settings.colors == ("#a3122b", "#ffffff")
    settings = BrandingSettings(accent_color="#000;}</style>", accent_text_color="#ffffff")
    assert "</style>" not in settings.css_variables


def test_admin_form_refuses_a_low_contrast_pair(admin_client, home):
    site = home.get_site()
    url = reverse("wagtailsettings:edit", args=["heretostay", "brandingsettings", site.pk])
    data = {
        "organization_name": NAME,
        "logo": "",
        "accent_color": "#ffcc00",
        "accent_text_color": "#ffffff",
        "contact_line": CONTACT,
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Text colour on the accent colour: #ffffff on #ffcc00" in html
    assert BrandingSettings.for_site(site).organization_name == ""

    response = admin_client.post(url, {**data, "accent_text_color": "#1a1a1a"})
    assert response.status_code == 302
    saved = BrandingSettings.for_site(site)
    assert (saved.organization_name, saved.accent_color, saved.accent_text_color) == (
        NAME,
        "#ffcc00",
        "#1a1a1a",
    )


# -- public pages ------------------------------------------------------------------------
def test_pages_show_name_logo_contact_and_colours(client, petition, branded):
    html = client.get(petition.url).content.decode()
    header = html[html.index('<header class="hts-header">') : html.index("</header>")]
    assert NAME in header and 'class="hts-brand__logo"' in header
    assert 'alt=""' in header  # the name is written next to it
    footer = html[html.index('<footer class="hts-footer">') :]
    assert NAME in footer and CONTACT in footer
    style = re.search(r"<style>(.*?)</style>", html).group(1)
    assert "--hts-accent: #1d4ed8; --hts-accent-ink: #ffffff; --hts-link: #1d4ed8;" in style
    # After the stylesheet, so the site's colours override its defaults.
    assert html.index("heretostay.css") < html.index("<style>")


def test_unbranded_pages_keep_the_current_look(client, petition):
    html = client.get(petition.url).content.decode()
    assert "hts-brand" not in html and "hts-footer" not in html
    assert "--hts-accent: #a3122b; --hts-accent-ink: #ffffff;" in html


def test_a_logo_without_a_name_is_described(client, petition, branded):
    branded.organization_name = ""
    branded.save()
    html = client.get(petition.url).content.decode()
    assert 'alt="Alliance logo"' in html


def test_branding_is_read_once_per_request(client, petition, guide, branded):  # noqa: F811
    for url in (petition.url, guide.url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        reads = [q for q in queries if "brandingsettings" in q["sql"]]
        assert len(reads) == 1, url


# -- emails (sent from tasks, outside any request) ---------------------------------------
def test_emails_sign_off_with_the_organization(mailoutbox, petition, branded):
    signature = signing.sign(petition, SIGNER, source=Source.WEB).record
    send_confirmation_email(signature)
    message = mailoutbox[-1]
    assert message.body.rstrip().endswith(f"-- \n{NAME}\n{CONTACT}")
    html = message.alternatives[0][0]
    assert f"<strong>{NAME}</strong><br>{CONTACT}" in html


def test_delivery_email_signs_off_with_the_organization(petition, branded):
    context = delivery.email_context(petition)
    assert (context["organization"], context["contact_line"]) == (NAME, CONTACT)


# -- the delivery PDF's cover ------------------------------------------------------------
def test_delivery_cover_has_the_name_contact_and_logo_from_media(petition, branded):
    signing.sign(petition, SIGNER, source=Source.WEB)
    logo_url = core_branding.logo_url(branded)
    assert logo_url.startswith("/media/")  # read by the safe fetcher, not over the network
    assert safe_url_fetcher().fetch("https://heretostay.invalid" + logo_url)
    job = DeliveryJob.objects.create(page=petition)
    delivery.build(job)  # as the task does: no request, the petition's site's branding
    reader = PdfReader(io.BytesIO(delivery.read(job)))
    cover = reader.pages[0]
    text = cover.extract_text()
    assert NAME in text and CONTACT in text
    assert len(cover.images) == 1


def test_delivery_cover_without_a_logo_file_still_builds(petition, branded):
    branded.logo.file.delete(save=False)
    job = DeliveryJob.objects.create(page=petition)
    delivery.build(job)
    assert NAME in pdf_text(delivery.read(job))


# -- defense cards -----------------------------------------------------------------------
def test_card_footer_has_the_contact_line_and_files_follow_the_branding(card_es, branded):  # noqa: F811
    text = pdf_text(render_card(card_es, FORMATS["wallet"]))
    assert CONTACT in " ".join(text.split())
    first = card_files.get_card_file(card_es, FORMATS["wallet"])
    branded.contact_line = "Línea 555-0199"
    branded.save()
    second = card_files.get_card_file(card_es, FORMATS["wallet"])
    assert second != first  # not the cached file with the old contact line
