"""The demo loads, and its pages answer in English and Spanish."""

from wagtail.models import Locale, Site

from example_site.home.models import HomePage
from heretostay_wagtail.models import DefenseCard, PledgePage, RightsGuidePage


def text(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_demo_loader_creates_the_content(demo):
    assert "Demo content loaded." in demo
    es = Locale.objects.get(language_code="es")
    home = HomePage.objects.get(locale__language_code="en")
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    assert home.has_translation(es)
    for model in (PledgePage, RightsGuidePage):
        page = model.objects.get(locale__language_code="en")
        assert page.live and page.has_translation(es)
    assert DefenseCard.objects.filter(locale__language_code="ar").exists()


def test_home_page_in_english(client, demo):
    html = text(client.get("/en/"))
    assert '<html lang="en" dir="ltr">' in html
    assert '<h1 id="demo-title">Here to Stay</h1>' in html
    assert '<h2 id="take-action-heading">Take action</h2>' in html
    assert "Make our city a sanctuary city" in html


def test_home_page_in_spanish(client, demo):
    html = text(client.get("/es/"))
    assert '<html lang="es" dir="ltr">' in html
    assert '<h1 id="demo-title">Aquí Nos Quedamos</h1>' in html
    assert '<h2 id="take-action-heading">Actúa</h2>' in html  # the example site's catalogue
    assert "Hagamos de nuestra ciudad una ciudad santuario" in html
    assert "Take action" not in html and "Make our city a sanctuary city" not in html


def test_petition_page_in_english(client, petition):
    html = text(client.get(petition.url))
    assert "<h1>Make our city a sanctuary city</h1>" in html
    assert "Mayor Ana Ruiz" in html


def test_petition_page_in_spanish(client, petition_es):
    html = text(client.get(petition_es.url))
    assert '<html lang="es" dir="ltr">' in html
    assert "<h1>Hagamos de nuestra ciudad una ciudad santuario</h1>" in html
    assert "Alcaldesa Ana Ruiz" in html


def test_demo_pages_carry_the_organizations_branding(client, petition):
    """The demo is not bare: its organization's name, logo and contact line are on every
    public page (and, through the same setting, on emails, cards and delivery PDFs)."""
    from example_site.demo.content.images import CONTACT_LINE, ORGANIZATION
    from heretostay_wagtail.models import BrandingSettings

    branding = BrandingSettings.for_site(Site.objects.get(is_default_site=True))
    assert branding.organization_name == ORGANIZATION and branding.logo is not None
    for url in ("/en/", petition.url):
        html = text(client.get(url))
        assert f'<span class="hts-brand__name">{ORGANIZATION}</span>' in html
        assert 'class="hts-brand__logo"' in html
        assert CONTACT_LINE in html
