"""The demo's landing page: purpose, the three ways to act, campaign cards with their live
counts and pictures, guides with card downloads; translated; the same for everyone."""

import re
from html.parser import HTMLParser

from wagtail.models import Locale
from wagtail_localize.models import TranslationSource

from example_site.home.models import HomePage
from heretostay_wagtail.models import CampaignCounter


class Outline(HTMLParser):
    """Headings, images, links and landmarks of a page, as a screen reader lists them."""

    def __init__(self):
        super().__init__()
        self.headings, self.images, self.links, self.landmarks = [], [], [], []
        self._link = None
        self._heading = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._heading = [int(tag[1]), ""]
        elif tag == "img":
            self.images.append(attrs)
        elif tag == "a":
            self._link = [attrs.get("href"), ""]
        elif tag in ("main", "nav", "header", "footer"):
            self.landmarks.append((tag, attrs.get("aria-label")))

    def handle_data(self, data):
        if self._heading:
            self._heading[1] += data
        if self._link:
            self._link[1] += data

    def handle_endtag(self, tag):
        if tag.startswith("h") and tag[1:].isdigit() and self._heading:
            self.headings.append((self._heading[0], " ".join(self._heading[1].split())))
            self._heading = None
        elif tag == "a" and self._link:
            self.links.append((self._link[0], " ".join(self._link[1].split())))
            self._link = None


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response, response.content.decode()


def outline(html):
    parser = Outline()
    parser.feed(html)
    return parser




def test_purpose_and_the_three_ways_to_act(client, petition, pledge, guide):
    _response, html = get(client, "/en/")
    page = outline(html)
    assert page.headings[0] == (1, "Here to Stay")
    assert "Here to Stay is a network of immigrants, neighbors and allies" in html
    assert (
        petition.url,
        "Sign a petition Tell decision-makers what our community needs.",
    ) in page.links
    assert (pledge.url, "Pledge to show up Join the rapid-response network.") in page.links
    assert (guide.url, "Know your rights Read the guide and download a defense card.") in page.links
    assert ("nav", "Ways to act") in page.landmarks


def test_campaign_cards_show_the_live_counts(client, petition, pledge):
    _response, html = get(client, "/en/")
    assert "<strong>0</strong> of 1,000 signatures" in html
    assert "<strong>8</strong> of 500 pledges" in html  # the demo's fictional pledgers
    # The counter is the one the package keeps (signatures online + paper tallies).
    CampaignCounter.add(petition.campaign_key, count=40, paper_tally=2)
    _response, html = get(client, "/en/")
    assert "<strong>42</strong> of 1,000 signatures" in html
    assert '<progress max="1000" value="42"' in html
    page = outline(html)
    assert (petition.url, "Sign the petition: Make our city a sanctuary city") in page.links
    assert (pledge.url, "Take the pledge: Here to Stay: the pledge") in page.links


def test_closed_petition_says_so(client, petition):
    petition.status = "closed"
    petition.save_revision().publish()
    _response, html = get(client, "/en/")
    assert "This petition is closed." in html
    assert (petition.url, "Read more: Make our city a sanctuary city") in outline(html).links


def test_guide_card_offers_the_defense_card(client, guide):
    _response, html = get(client, "/en/")
    page = outline(html)
    assert (3, guide.title) in page.headings and (4, "Download a defense card") in page.headings
    downloads = [href for href, _text in page.links if href.startswith("/campaigns/cards/")]
    assert len(downloads) == 4 and all("/en/" in href for href in downloads)
    assert (guide.url, f"Read the guide: {guide.title}") in page.links
    assert '<time datetime="2026-11-01">' in html  # last legal review


def test_pictures_are_wagtail_images_on_every_language(demo, petition, pledge):
    es = Locale.objects.get(language_code="es")
    for page in (petition, pledge):
        assert page.image and page.image.title.startswith("Demo: ")
        assert page.get_translation(es).image_id == page.image_id
    home = HomePage.objects.get(locale__language_code="en")
    home_es = home.get_translation(es)
    assert home.image and home.guide_image
    assert (home_es.image_id, home_es.guide_image_id) == (home.image_id, home.guide_image_id)


def test_pictures_render_and_are_decorative(client, demo):
    _response, html = get(client, "/en/")
    images = outline(html).images
    # The logo, beside the organization's name; then hero, petition, pledge, guide.
    assert len(images) == 5 and "hts-brand__logo" in images[0].get("class", "")
    for image in images:
        assert image["alt"] == ""  # the name, headings and links next to them say it all
        assert image["src"].startswith("/media/images/") and "not-found" not in image["src"]
    for image in images[1:]:
        assert image["srcset"] and image["sizes"]


def test_outline_and_landmarks(client, demo):
    _response, html = get(client, "/en/")
    page = outline(html)
    levels = [level for level, _text in page.headings]
    assert levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))  # no skipped level
    assert [text for level, text in page.headings if level == 2] == [
        "Take action",
        "About this demo",
    ]
    assert ("main", None) in page.landmarks
    assert all(text for _href, text in page.links)
    assert all(href and not href.startswith("javascript:") for href, _text in page.links)
    assert "<script" not in html.split('id="main"', 1)[1]  # works without JavaScript


def test_spanish_home_page_is_the_translation(client, demo):
    home = HomePage.objects.get(locale__language_code="en")
    home_es = home.get_translation(Locale.objects.get(language_code="es"))
    source = TranslationSource.objects.get(object_id=home.translation_key)
    assert source.translations.filter(target_locale__language_code="es").exists()
    _response, html = get(client, home_es.url)
    page = outline(html)
    assert page.headings[0] == (1, "Aquí Nos Quedamos")
    assert "Aquí Nos Quedamos es una red de personas inmigrantes" in html
    assert "<strong>8</strong> de 500 compromisos" in html
    assert re.search(r"<strong>0</strong> de 1\W?000 firmas", html)  # 1 000, Spanish style
    assert ("nav", "Formas de actuar") in page.landmarks
    assert [text for level, text in page.headings if level == 2] == [
        "Actúa",
        "Sobre esta demostración",
    ]
    # Cards and actions lead to the Spanish pages and cards; only the language switcher to /en/.
    assert [(href, text) for href, text in page.links if "/en/" in href] == [("/en/", "English")]
    assert sum("/es/" in href for href, _text in page.links) >= 6
    assert "Take action" not in html and "Sign a petition" not in html


def test_same_page_for_every_visitor(client, demo, django_assert_max_num_queries):
    """Cacheable: no cookie set or read, no CSRF token, nothing that depends on the visitor."""
    client.get("/en/")  # the first view makes the pictures' renditions, once
    with django_assert_max_num_queries(30):  # 24 today: one counter read per campaign
        first = client.get("/en/")
    assert "Set-Cookie" not in first and not first.cookies
    assert "Cookie" not in first.get("Vary", "")
    assert b"csrfmiddlewaretoken" not in first.content
    client.cookies["sessionid"] = "someone"
    other = client.get("/en/", HTTP_ACCEPT_LANGUAGE="es")
    assert other.content == first.content
