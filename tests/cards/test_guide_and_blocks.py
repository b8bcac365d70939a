"""The guide page and its blocks, as a visitor, an API client, a translator and an editor see them."""

import datetime

import pytest
from django.utils import timezone, translation
from wagtail.models import Page
from wagtail_localize.segments import OverridableSegmentValue, StringSegmentValue
from wagtail_localize.segments.extract import extract_segments

from heretostay_wagtail.blocks.contact import PhoneNumberBlock
from heretostay_wagtail.models import RightsGuidePage

from .pdfcheck import page_sizes, page_texts

pytestmark = pytest.mark.django_db

BLOCK_TYPES = {"scenario", "hotline", "checklist", "defense_card", "action_steps", "donate"}


def test_guide_page_shows_review_date_and_every_block(client, guide):
    response = client.get(guide.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Last legal review:" in html and 'datetime="2026-11-01"' in html
    assert "Springfield Immigrant Legal Clinic" in html
    assert 'href="#scenario-home"' in html and ">At home<" in html  # table of contents
    assert "I do not consent to a search." in html  # say this
    assert "Don&#x27;t open the door." in html or "Don't open the door." in html  # do / don't
    assert "signed by a judge" in html  # warrant explainer default text
    assert 'href="tel:+12025550143"' in html  # hotline
    assert "Memorize two emergency phone numbers." in html  # checklist
    # Its tick boxes are drawn by CSS: a "☐" glyph gave axe colour contrast to "review".
    assert '<span class="hts-checkbox" aria-hidden="true"></span>' in html and "☐" not in html
    assert "Save and share the card" in html  # action steps
    assert 'href="https://example.org/donate"' in html  # donate
    assert "/campaigns/cards/" in html and "/en/wallet/" in html  # card downloads
    assert f'action="{guide.get_parent().url}sanctuary-city/"' in html  # embedded petition form
    assert 'name="email"' in html


def test_spanish_guide_offers_spanish_card(client, guide_es):
    html = client.get(guide_es.url).content.decode()
    assert "Qué decir" in html
    assert "Estoy ejerciendo mi derecho a guardar silencio." in html
    assert "/es/wallet/" in html and "/en/wallet/" not in html
    # The embedded form posts to the Spanish petition.
    assert 'action="/es/sanctuary-city/"' in html


def test_guide_pdf_in_page_language(client, guide_es):
    response = client.get(guide_es.url + "pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "know-your-rights-es.pdf" in response["Content-Disposition"]
    pdf = b"".join(response.streaming_content)
    assert page_sizes(pdf)[0] == (612, 792)
    text = "\n".join(page_texts(pdf))
    assert "Conoce tus derechos" in text or "Qué decir" in text
    assert "Estoy ejerciendo mi derecho" in text


def test_every_block_has_an_api_representation_without_personal_data(guide):
    seen = set()
    translation.activate("en")
    for block in guide.body:
        data = block.block.get_api_representation(block.value)
        seen.add(block.block_type)
        assert data, block.block_type
        if block.block_type == "defense_card":
            assert {d["format"] for d in data["downloads"]} == {
                "wallet",
                "sheet-letter",
                "sheet-a4",
                "phone",
            }
            assert data["downloads"][0]["filename"] == "defense-card-en-wallet.pdf"
        if block.block_type == "campaign_action":
            assert set(data["page"]) == {"id", "type", "title", "url", "is_open"}
        if block.block_type == "hotline":
            assert data["phone"] == "+12025550143"
            assert data["tel_url"] == "tel:+12025550143"
        if block.block_type == "scenario":
            assert data["scenario_label"]
    assert BLOCK_TYPES <= seen


def test_block_text_reaches_wagtail_localize(guide):
    segments = extract_segments(guide)
    strings = {s.string.render_text() for s in segments if isinstance(s, StringSegmentValue)}
    for text in [
        "I am exercising my right to remain silent.",  # say this
        "Don't open the door.",  # do / don't
        "Judicial warrant",  # warrant explainer
        "Rapid response hotline",  # hotline
        "Memorize two emergency phone numbers.",  # checklist
        "Save and share the card",  # action steps
        "Support the bond fund",  # donate
        "Download your card",  # card block
        "Sign the sanctuary city petition",  # campaign action
    ]:
        assert text in strings, text
    overridable = [s for s in segments if isinstance(s, OverridableSegmentValue)]
    assert any(s.data == "+12025550143" for s in overridable)  # hotline number
    assert "Springfield Immigrant Legal Clinic" not in strings  # reviewer is synchronized


def test_phone_block_validates_and_renders_tel_link():
    from django.core.exceptions import ValidationError

    block = PhoneNumberBlock()
    with pytest.raises(ValidationError):
        block.clean(block.value_from_form("not a phone"))
    value = block.clean(block.value_from_form("(202) 555-0143"))
    assert block.get_prep_value(value) == "+12025550143"


def test_campaign_action_hides_form_of_closed_or_unpublished_campaign(client, guide, petition):
    petition.closes_at = timezone.now() - datetime.timedelta(days=1)
    petition.save_revision().publish()
    html = client.get(guide.url).content.decode()
    assert "This campaign is closed." in html
    petition.unpublish()
    html = client.get(guide.url).content.decode()
    assert 'class="hts-campaign-action"' not in html
    block = next(
        b
        for b in RightsGuidePage.objects.get(pk=guide.pk).body
        if b.block_type == "campaign_action"
    )
    assert block.block.get_api_representation(block.value)["page"] is None


def test_guide_requires_review_date(superuser, client, home):
    client.force_login(superuser)
    url = f"/admin/pages/add/heretostay/rightsguidepage/{home.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"title": "Guide", "slug": "guide", "reviewed_by": "Clinic", "body-count": "0"}
    )
    assert response.status_code == 200
    assert "last_legal_review" in str(response.context["form"].errors)
    assert not Page.objects.filter(slug="guide").exists()


def test_editor_adds_card_snippet_in_admin(superuser, client, locales):
    from heretostay_wagtail.models import DefenseCard

    client.force_login(superuser)
    list_url = "/admin/snippets/heretostay/defensecard/"
    assert client.get(list_url).status_code == 200
    response = client.post(
        list_url + "add/?locale=en",
        {
            "title": "Card",
            "organization_name": "Our org",
            "holder_heading": "Know your rights",
            "holder_text": "I can stay silent.",
            "agent_text": "I will remain silent.",
            "hotline_label": "Hotline",
            "hotline": "not a number",
        },
    )
    assert response.status_code == 200  # form shown again with the error
    assert "hotline" in response.context["form"].errors
    assert not DefenseCard.objects.exists()


def test_spanish_page_api_gives_spanish_card_whatever_the_active_language(guide_es):
    translation.activate("en")
    block = next(b for b in guide_es.body if b.block_type == "defense_card")
    for context in (None, {"page": guide_es}):
        data = block.block.get_api_representation(block.value, context)
        assert data["card"]["language"] == "es"
        assert all("/es/" in d["url"] for d in data["downloads"])
    cta = next(b for b in guide_es.body if b.block_type == "campaign_action")
    data = cta.block.get_api_representation(cta.value, {"page": guide_es})
    assert "/es/" in data["page"]["url"]
    assert "email" not in str(data)


def test_editor_builds_guide_from_blocks_in_admin(superuser, client, home):
    from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

    client.force_login(superuser)
    url = f"/admin/pages/add/heretostay/rightsguidepage/{home.pk}/"

    def post(phone):
        hotline = {"name": "Hotline", "phone": phone, "hours": "", "languages": "", "note": ""}
        data = nested_form_data(
            {
                "title": "Our guide",
                "slug": "our-guide",
                "last_legal_review": "2026-11-01",
                "reviewed_by": "Clinic",
                "intro": rich_text("<p>Read this.</p>"),
                "body": streamfield(
                    [
                        ("hotline", hotline),
                        (
                            "donate",
                            {
                                "heading": "Give",
                                "text": "",
                                "button_text": "Donate",
                                "url": "https://example.org/give",
                            },
                        ),
                    ]
                ),
                "action-publish": "publish",
            }
        )
        return client.post(url, data)

    # Preview before publishing.
    preview_url = url + "preview/"
    data = nested_form_data(
        {
            "title": "Our guide",
            "slug": "our-guide",
            "last_legal_review": "2026-11-01",
            "reviewed_by": "Clinic",
            "intro": rich_text("<p>Read this.</p>"),
            "body": streamfield(
                [
                    (
                        "say_this",
                        {
                            "heading": "Say",
                            "lines": {
                                "count": 1,
                                "0": {"value": "I stay silent.", "deleted": "", "order": 0},
                            },
                        },
                    )
                ]
            ),
        }
    )
    assert client.post(preview_url, data).json()["is_valid"] is True
    preview = client.get(preview_url)
    assert preview.status_code == 200
    assert "I stay silent." in preview.content.decode()

    response = post("12")  # not a phone number: the form comes back, nothing saved
    assert response.status_code == 200
    assert not RightsGuidePage.objects.filter(slug="our-guide").exists()

    response = post("(202) 555-0143")
    assert response.status_code == 302, response.context["form"].errors
    guide = RightsGuidePage.objects.get(slug="our-guide")
    assert guide.live
    html = client.get(guide.url).content.decode()
    assert 'href="tel:+12025550143"' in html and "Last legal review" in html


def test_guide_pdf_is_cached_per_revision(client, guide):
    from django.core.files.storage import storages

    store = storages["default"]
    folder = f"heretostay/guides/{guide.translation_key}/en"
    b"".join(client.get(guide.url + "pdf/").streaming_content)
    assert len(store.listdir(folder)[1]) == 1
    guide.title = "Know your rights (updated)"
    guide.save_revision().publish()
    pdf = b"".join(client.get(guide.url + "pdf/").streaming_content)
    assert "Know your rights (updated)" in "".join(page_texts(pdf))
    guide.refresh_from_db()
    assert store.listdir(folder)[1] == [f"{guide.live_revision_id}.pdf"]
