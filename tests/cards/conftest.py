"""Fixtures for guides and defense cards: a card in every sample language, a guide."""

import datetime

import pytest
from wagtail.models import Locale, Page

from heretostay_wagtail.core.localize import translate
from heretostay_wagtail.guides.samples import GUIDE_ES, SAMPLE_CARDS, guide_body, load_cards
from heretostay_wagtail.models import RightsGuidePage


@pytest.fixture
def card(locales):
    """The English card and its Spanish translation."""
    return load_cards(locales["en"], languages=["es"])


@pytest.fixture
def card_es(card, locales):
    return card.get_translation(locales["es"])


@pytest.fixture
def sample_cards(card):
    """The card translated into every sample language (slow: seven translations)."""
    load_cards(card.locale, languages=list(SAMPLE_CARDS))
    return {
        lang: card.get_translation(Locale.objects.get(language_code=lang)) for lang in SAMPLE_CARDS
    }


@pytest.fixture
def guide(home, card, petition):
    page = RightsGuidePage(
        title="Know your rights: if immigration agents come",
        slug="know-your-rights",
        last_legal_review=datetime.date(2026, 11, 1),
        reviewed_by="Springfield Immigrant Legal Clinic",
        body=guide_body(card, petition),
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@pytest.fixture
def guide_es(guide, home_es, petition_es, locales):
    # The shared home_es fixture leaves the Spanish home unpublished (its source page has
    # no revision), which would make /es/ URLs fall back to the English tree.
    # Likewise translated pages come out as drafts inside a test transaction; publish them.
    for page in (home_es, petition_es):
        _publish(page)
    return _publish(translate(guide, locales["es"], GUIDE_ES))


def _publish(page):
    page = Page.objects.get(pk=page.pk).specific
    if not page.live:
        (page.get_latest_revision() or page.save_revision()).publish()
        page.refresh_from_db()
    return page
