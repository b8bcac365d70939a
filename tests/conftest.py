"""Fixtures shared by the suite: a site in English and Spanish with a live petition."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from wagtail.models import Locale, Page, Site

from heretostay_wagtail.core.localize import translate
from heretostay_wagtail.models import PetitionPage, PetitionTarget
from tests.testapp.models import HomePage


@pytest.fixture(autouse=True)
def _running_public_counts(monkeypatch):
    """Public counts show the running totals in tests (as in the demo), whatever a test's
    own ``HERETOSTAY`` holds; tests of the batched refresh set an interval themselves."""
    from heretostay_wagtail.core import conf

    monkeypatch.setitem(conf.DEFAULTS, "PUBLIC_COUNT_INTERVAL", 0)


class _PinnedClock:
    def __init__(self, now):
        self.now = now

    def time(self):
        return self.now


@pytest.fixture(autouse=True)
def _one_throttle_window(monkeypatch):
    """Throttles count in fixed windows (``now // window``). A test that posts N times
    and expects the (N+1)th to be refused must not straddle a window's edge, so the
    throttle's clock stands still for the length of each test."""
    import time

    from heretostay_wagtail.core import throttling

    monkeypatch.setattr(throttling, "time", _PinnedClock(time.time()))


@pytest.fixture(autouse=True)
def _clean_cache_and_mail():
    from django.core.cache import cache

    cache.clear()
    mail.outbox = []
    yield
    cache.clear()


@pytest.fixture
def locales(db):
    en, _ = Locale.objects.get_or_create(language_code="en")
    es, _ = Locale.objects.get_or_create(language_code="es")
    return {"en": en, "es": es}


def root_page(locale):
    """Wagtail's tree root. Its migration makes it, but a transactional test's flush
    (tests/petitions/test_concurrency.py, tests/pledges/test_dispatch_crash.py) empties
    the tables, so tests running after one make it again."""
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    return root


@pytest.fixture
def home(locales):
    root = root_page(locales["en"])
    home = root.add_child(instance=HomePage(title="Home", slug="home-test", locale=locales["en"]))
    Site.objects.all().delete()
    Site.objects.create(hostname="testserver", port=80, root_page=home, is_default_site=True)
    return home


def translate_live(instance, locale, strings, capture):
    """``translate`` and publish: wagtail-localize publishes on commit, which a test's
    transaction never reaches, so run the on-commit callbacks here."""
    with capture(execute=True):
        translated = translate(instance, locale, strings)
    translated.refresh_from_db()
    assert translated.live
    return translated.specific


@pytest.fixture
def home_es(home, locales, django_capture_on_commit_callbacks):
    return translate_live(
        home, locales["es"], {"Home": "Inicio"}, django_capture_on_commit_callbacks
    )


def make_petition(parent, **kwargs):
    defaults = dict(
        title="Make our city a sanctuary city",
        slug="sanctuary-city",
        ask="Pass a sanctuary ordinance.",
        why="<p>Families should not live in fear.</p>",
        scope="local",
        place_name="Springfield",
        goal=100,
    )
    defaults.update(kwargs)
    petition = PetitionPage(**defaults)
    petition.targets = [PetitionTarget(name="Mayor Ana Ruiz", role="Mayor")]
    parent.add_child(instance=petition)
    petition.save_revision().publish()
    petition.refresh_from_db()
    return petition


@pytest.fixture
def petition(home):
    return make_petition(home)


@pytest.fixture
def petition_es(petition, home_es, locales, django_capture_on_commit_callbacks):
    return translate_live(
        petition,
        locales["es"],
        {
            "Make our city a sanctuary city": "Hagamos de nuestra ciudad una ciudad santuario",
            "Pass a sanctuary ordinance.": "Aprueben una ordenanza santuario.",
        },
        django_capture_on_commit_callbacks,
    )


def grant(user, *codenames):
    for codename in codenames:
        app_label, _, name = codename.partition(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=name)
        )
    return user


@pytest.fixture
def editor(django_user_model):
    """A Wagtail editor with admin access but no permission on supporter data."""
    user = django_user_model.objects.create_user("editor", "editor@example.org", "pw")
    group, _ = Group.objects.get_or_create(name="Editors")
    user.groups.add(group)
    grant(user, "wagtailadmin.access_admin")
    return user


@pytest.fixture
def organizer(django_user_model):
    """An organizer allowed to see (with emails and phones), export and delete
    signatures."""
    user = django_user_model.objects.create_user("organizer", "org@example.org", "pw")
    return grant(
        user,
        "wagtailadmin.access_admin",
        "heretostay.view_signature",
        "heretostay.view_signature_contact",
        "heretostay.export_signature",
        "heretostay.delete_signature",
    )


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("admin", "admin@example.org", "pw")
