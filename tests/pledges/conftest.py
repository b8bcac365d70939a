"""Fixtures for pledges and alerts: a pledge page in English and Spanish with roles."""

import pytest
from django.test import override_settings

from heretostay_wagtail.core.localize import translate
from heretostay_wagtail.models import PledgePage, VolunteerRole
from heretostay_wagtail.pledges import sms
from tests.conftest import grant

STATEMENT = "I pledge to physically show up for immigrants in my community when they need me."
WEBHOOK_SECRET = "provider-shared-secret"


@pytest.fixture(autouse=True)
def _sms_settings():
    sms.outbox.clear()
    with override_settings(
        HERETOSTAY={
            "PHONE_DEFAULT_REGION": "US",
            "SMS_BACKEND": "heretostay_wagtail.pledges.sms.backends.locmem.SMSBackend",
            "SMS_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "MAX_SEND_ATTEMPTS": 3,
            "ALERT_BATCH_SIZE": 2,
        }
    ):
        yield
    sms.outbox.clear()


@pytest.fixture
def roles(locales):
    VolunteerRole.seed_defaults([locales["es"]])
    return {r.code: r for r in VolunteerRole.objects.filter(locale=locales["en"])}


@pytest.fixture
def roles_es(roles, locales):
    return {r.code: r for r in VolunteerRole.objects.filter(locale=locales["es"])}


def make_pledge_page(parent, **kwargs):
    defaults = dict(
        title="Here to stay: the pledge",
        slug="pledge",
        statement=STATEMENT,
        explanation="<p>When a raid is verified, we alert volunteers nearby.</p>",
        goal=50,
    )
    defaults.update(kwargs)
    page = PledgePage(**defaults)
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@pytest.fixture
def pledge_page(home, roles):
    return make_pledge_page(home)


@pytest.fixture
def pledge_page_es(pledge_page, home_es, locales, django_capture_on_commit_callbacks):
    """The Spanish translation, published: wagtail-localize publishes it on commit."""
    with django_capture_on_commit_callbacks(execute=True):
        page = translate(
            pledge_page,
            locales["es"],
            {
                "Here to stay: the pledge": "Aquí nos quedamos: el compromiso",
                STATEMENT: (
                    "Me comprometo a presentarme físicamente por las personas inmigrantes de "
                    "mi comunidad cuando me necesiten."
                ),
            },
        )
    page.refresh_from_db()
    assert page.live
    return page.specific


@pytest.fixture
def coordinator(django_user_model):
    """Creates alerts and may verify other people's alerts."""
    user = django_user_model.objects.create_user("coordinator", "coord@example.org", "pw")
    return grant(
        user,
        "wagtailadmin.access_admin",
        "heretostay.add_alert",
        "heretostay.change_alert",
        "heretostay.view_alert",
        "heretostay.verify_alert",
        "heretostay.send_alert",
        "heretostay.view_pledge",
    )


@pytest.fixture
def verifier(django_user_model):
    user = django_user_model.objects.create_user("verifier", "verify@example.org", "pw")
    return grant(
        user,
        "wagtailadmin.access_admin",
        "heretostay.view_alert",
        "heretostay.verify_alert",
        "heretostay.send_alert",
    )
