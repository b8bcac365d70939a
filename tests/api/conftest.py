"""Fixtures of the API tests: clients for each kind of caller."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.conftest import grant


@pytest.fixture
def api():
    return APIClient()


def token_client(user):
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def organizer_api(organizer):
    return token_client(organizer)


@pytest.fixture
def editor_api(editor):
    """Authenticated, but without any permission on supporter data."""
    return token_client(editor)


@pytest.fixture
def viewer_api(django_user_model):
    """May view signatures, but not export them."""
    user = django_user_model.objects.create_user("viewer", "viewer@example.org", "pw")
    return token_client(grant(user, "heretostay.view_signature"))


SIGNER = {
    "name": "Rosa María Parks",
    "email": "rosa.signer@example.org",
    "postal_code": "62701",
    "phone": "(217) 555-0142",
    "comment": "For my neighbours.",
    "opt_in": True,
}


@pytest.fixture
def live_es(petition_es):
    """The Spanish translation, published (the root ``petition_es`` fixture leaves it a
    draft, and the public API only shows live pages)."""
    petition_es.save_revision().publish()
    petition_es.refresh_from_db()
    assert petition_es.live
    return petition_es


# -- pledges ---------------------------------------------------------------------------


@pytest.fixture
def roles(locales):
    from heretostay_wagtail.models import VolunteerRole

    VolunteerRole.seed_defaults([locales["es"]])
    return {r.code: r for r in VolunteerRole.objects.filter(locale=locales["en"])}


@pytest.fixture
def pledge_page(home, roles):
    from tests.pledges.conftest import make_pledge_page

    return make_pledge_page(home)


@pytest.fixture
def pledge_page_es(pledge_page, home_es, locales):
    """The Spanish translation, published."""
    from heretostay_wagtail.core.localize import translate

    page = translate(
        pledge_page,
        locales["es"],
        {"Here to stay: the pledge": "Aquí nos quedamos: el compromiso"},
    )
    page.refresh_from_db()
    if not page.live:
        page.save_revision().publish()
        page.refresh_from_db()
    return page


PLEDGER = {
    "name": "Ana Responder",
    "email": "ana.pledger@example.org",
    "phone": "(217) 555-0199",
    "area": "62701",
    "roles": ["driver", "interpreter"],
    "languages": ["en", "es"],
    "availability": ["weekends"],
    "alert_sms": True,
    "alert_email": True,
}


@pytest.fixture
def card(locales):
    """A defense card in English and Spanish (the demo's sample card)."""
    from heretostay_wagtail.guides.samples import load_cards

    return load_cards(locales["en"], languages=["es"])
