"""Every page type and snippet of the package translates through wagtail-localize's own
machinery: text arrives as segments, synchronized values follow the source on re-sync."""

import datetime

import pytest

from heretostay_wagtail.core.localize import translate
from heretostay_wagtail.guides.samples import GUIDE_ES, guide_body, load_cards
from heretostay_wagtail.models import DefenseCard, RightsGuidePage, VolunteerRole
from tests.conftest import translate_live
from tests.pledges.conftest import STATEMENT, make_pledge_page

pytestmark = pytest.mark.django_db

PLEDGE_ES = {
    "Here to stay: the pledge": "Aquí nos quedamos: el compromiso",
    STATEMENT: "Me comprometo a presentarme por las personas inmigrantes de mi comunidad.",
    "When a raid is verified, we alert volunteers nearby.": (
        "Cuando se verifica una redada, avisamos a las personas voluntarias cercanas."
    ),
}


def test_pledge_page(client, home, home_es, locales, django_capture_on_commit_callbacks):
    page = make_pledge_page(home, goal=50)
    page_es = translate_live(page, locales["es"], PLEDGE_ES, django_capture_on_commit_callbacks)
    html = client.get(page_es.url).content.decode()
    assert "Aquí nos quedamos: el compromiso" in html
    assert "Me comprometo a presentarme" in html and "Cuando se verifica una redada" in html
    assert STATEMENT not in html

    page.goal = 750
    page.save_revision().publish()
    page_es = translate_live(page, locales["es"], PLEDGE_ES, django_capture_on_commit_callbacks)
    assert page_es.goal == 750  # synchronized, not translated
    assert page_es.statement.startswith("Me comprometo")


def test_rights_guide_page(
    client, home, home_es, petition, petition_es, locales, django_capture_on_commit_callbacks
):
    card = load_cards(locales["en"], languages=["es"])
    guide = RightsGuidePage(
        title="Know your rights: if immigration agents come",
        slug="know-your-rights",
        last_legal_review=datetime.date(2026, 11, 1),
        reviewed_by="Springfield Immigrant Legal Clinic",
        body=guide_body(card, petition),
    )
    home.add_child(instance=guide)
    guide.save_revision().publish()
    guide_es = translate_live(guide, locales["es"], GUIDE_ES, django_capture_on_commit_callbacks)
    html = client.get(guide_es.url).content.decode()
    assert "Conoce tus derechos: si vienen agentes de inmigración" in html
    assert "Estoy ejerciendo mi derecho a guardar silencio." in html
    assert "firma un juez" in html and "signed by a judge" not in html

    guide.last_legal_review = datetime.date(2026, 11, 20)
    guide.save_revision().publish()
    guide_es = translate_live(guide, locales["es"], GUIDE_ES, django_capture_on_commit_callbacks)
    assert guide_es.last_legal_review == datetime.date(2026, 11, 20)  # synchronized


def test_volunteer_role_snippet(locales):
    role = VolunteerRole.objects.create(code="driver", name="Driver", locale=locales["en"])
    role_es = translate(role, locales["es"], {"Driver": "Conductor/a"})
    assert (role_es.name, role_es.code) == ("Conductor/a", "driver")
    assert role_es.translation_key == role.translation_key


def test_defense_card_snippet_keeps_the_agent_side_in_english(locales):
    card = load_cards(locales["en"], languages=["es"])
    card_es = DefenseCard.objects.get(translation_key=card.translation_key, locale=locales["es"])
    assert card_es.holder_text != card.holder_text
    assert card_es.agent_text == card.agent_text
