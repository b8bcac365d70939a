"""Demo know-your-rights guide and defense cards (seeds 002 and 004).

The guide and card content are the package's samples (heretostay_wagtail.guides.samples);
this module places them in the demo site with the demo's legal review details.
"""

import datetime

from wagtail.models import Locale

from heretostay_wagtail.core.localize import translate
from heretostay_wagtail.guides.samples import GUIDE_ES, guide_body, load_cards
from heretostay_wagtail.models import PetitionPage, RightsGuidePage


def load(home_en, home_es):
    es = Locale.objects.get(language_code="es")
    card = load_cards(home_en.locale)
    guide = RightsGuidePage.objects.filter(locale=home_en.locale, slug="know-your-rights").first()
    if guide is None:
        petition = PetitionPage.objects.filter(locale=home_en.locale).live().first()
        guide = RightsGuidePage(
            title="Know your rights: if immigration agents come",
            slug="know-your-rights",
            last_legal_review=datetime.date(2026, 11, 1),
            reviewed_by="Springfield Immigrant Legal Clinic",
            body=guide_body(card, petition),
        )
        home_en.add_child(instance=guide)
        guide.save_revision().publish()
    if not guide.has_translation(es):
        translate(guide, es, GUIDE_ES)
    return guide
