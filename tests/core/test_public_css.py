"""The public stylesheet, checked through a real CSS engine (``tests/csslayout.py``):
button colours in every state, ``hidden`` winning over ``display``, and no page wider
than a 360px phone whatever people type."""

from urllib.parse import urlsplit

import pytest

from heretostay_wagtail.models import BrandingSettings
from heretostay_wagtail.pledges import services as pledging
from tests.cards.conftest import card, guide  # noqa: F401  (fixtures)
from tests.csslayout import CSS_PATH, element_box, layout, overflowing, ratio
from tests.pledges.conftest import pledge_page, roles  # noqa: F401  (fixtures)
from tests.pledges.helpers import make_pledge

pytestmark = pytest.mark.django_db

LINK_STATES = ["link", "visited", "link hover", "visited hover", "link focus focus-visible"]
BUTTON_STATES = ["", "hover", "focus focus-visible", "hover focus focus-visible"]
LONG_NAME = "W" * 200


def state_classes(states):
    return " ".join(f"hts-state-{state}" for state in states.split())


def has_class(name):
    return lambda element: name in (element.get("class") or "").split()


def with_states(html, marker, states):
    """``html`` with the state classes added to the element carrying ``marker`` class."""
    return html.replace(f"{marker} ", f"{marker} {state_classes(states)} ", 1)


# -- (a) buttons: AA contrast in every variant and state -------------------------------
VARIANTS = """<!DOCTYPE html><html><head>
<link rel="stylesheet" href="/static/heretostay/css/heretostay.css">
<style>.heretostay {{ {variables} }}</style></head>
<body class="heretostay"><main class="hts-main"><p>
<a class="probe-a hts-button" href="/x">Primary link</a>
<a class="probe-b hts-button hts-button--secondary" href="/x">Secondary link</a>
<button class="probe-c hts-button" type="button">Primary</button>
<button class="probe-d hts-button hts-button--secondary" type="button">Secondary</button>
</p></main></body></html>"""


@pytest.mark.parametrize(
    "accent, ink",
    [
        ("#a3122b", "#ffffff"),  # the default
        ("#ffcc00", "#1a1a1a"),  # a light accent with dark text
        ("#1d4ed8", "#ffffff"),
    ],
)
def test_every_button_variant_has_aa_contrast_in_every_state(accent, ink):
    branding = BrandingSettings(accent_color=accent, accent_text_color=ink)
    html = VARIANTS.format(variables=branding.css_variables)
    for marker, states in [
        ("probe-a", LINK_STATES),
        ("probe-b", LINK_STATES),
        ("probe-c", BUTTON_STATES),
        ("probe-d", BUTTON_STATES),
    ]:
        for state in states:
            document = layout(with_states(html, marker, state))
            box = element_box(document, has_class(marker))
            assert ratio(box) >= 4.5, (accent, marker, state, ratio(box))


def test_guide_pdf_button_is_readable_in_every_state(client, guide):  # noqa: F811
    """It was white on white: ``.heretostay a.hts-button`` outranked the secondary style."""
    html = client.get(guide.url).content.decode()
    assert "Download a printable PDF of this guide" in html
    marker = "hts-button--secondary"
    for state in LINK_STATES:
        box = element_box(layout(with_states(html, marker, state)), has_class(marker))
        assert box is not None
        assert ratio(box) >= 4.5, (state, ratio(box))


# -- (b) "Copy link": hidden until the script shows it ----------------------------------
def _copy_button_box(html):
    assert "data-hts-copy=" in html and " hidden " in html
    return element_box(layout(html), lambda element: element.get("data-hts-copy") is not None)


def test_copy_link_stays_hidden_without_script_on_petition_pages(client, petition):
    assert _copy_button_box(client.get(petition.url).content.decode()) is None


def test_copy_link_stays_hidden_without_script_on_pledge_pages(client, pledge_page):  # noqa: F811
    assert _copy_button_box(client.get(pledge_page.url).content.decode()) is None


def test_hidden_beats_every_display_rule():
    css = CSS_PATH.read_text()
    assert "[hidden] { display: none !important; }" in css


def test_script_shows_copy_link_only_where_copying_works():
    script = (CSS_PATH.parent.parent / "js" / "campaign.js").read_text()
    shown = script.index("button.hidden = false")
    assert script.index('typeof navigator.clipboard.writeText === "function"') < shown
    assert script.index("window.isSecureContext") < shown
    # Not before the click handler is attached (a button that does nothing).
    assert script.index('button.addEventListener("click"') < shown


# -- (c) nothing wider than a 360px phone -----------------------------------------------
def test_manage_page_with_a_200_character_name_fits_360px(client, pledge_page):  # noqa: F811
    record = make_pledge(pledge_page, name=LONG_NAME)
    response = client.get(urlsplit(pledging.manage_url(record)).path)
    html = response.content.decode()
    assert LONG_NAME in html
    assert overflowing(layout(html)) == []


def test_petition_form_errors_with_a_200_character_name_fit_360px(client, petition):
    response = client.post(
        petition.url, {"name": LONG_NAME, "email": "not-an-email", "postal_code": "62701"}
    )
    html = response.content.decode()
    assert response.status_code == 400 and LONG_NAME in html
    assert overflowing(layout(html)) == []


def test_branded_header_and_footer_fit_360px(client, petition, home):
    branding = BrandingSettings.for_site(home.get_site())
    branding.organization_name = "Coalition" + "X" * 150
    branding.contact_line = "info@" + "y" * 120 + ".example.org"
    branding.save()
    html = client.get(petition.url).content.decode()
    assert branding.contact_line in html
    assert overflowing(layout(html)) == []
