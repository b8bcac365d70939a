"""A petition translated to Spanish through wagtail-localize, used as a supporter would."""

import re

import pytest
from django.core import mail
from django.test import override_settings
from wagtail_localize.fields import SynchronizedField, get_translatable_fields
from wagtail_localize.models import StringSegment, TranslationSource
from wagtail_localize.segments.extract import extract_segments

from heretostay_wagtail.models import CampaignCounter, PetitionPage, Signature

from .conftest import ENGLISH_UI, SPANISH, translate_live

pytestmark = pytest.mark.django_db


def text(response):
    return response.content.decode()


def assert_no_english(html):
    left = [phrase for phrase in ENGLISH_UI if phrase in html]
    assert not left, f"English left on a Spanish page: {left}"


def sign(client, page, **data):
    fields = {"name": "Rosa Díaz", "email": "rosa@example.org", "postal_code": "92501"}
    fields.update(data)
    return client.post(page.url, fields)


# -- what wagtail-localize extracts ---------------------------------------------------


def test_translatable_text_becomes_segments_and_settings_do_not(full_petition):
    segments = [
        (s.path, s.render_text())
        for s in extract_segments(full_petition)
        if hasattr(s, "render_text")
    ]
    texts = {text for _path, text in segments}
    for english in SPANISH:
        assert english in texts, f"{english!r} is not offered to translators"
    target_paths = sorted(
        path.rsplit(".", 1)[-1] for path, _ in segments if path.startswith("targets.")
    )
    assert target_paths == ["name", "name", "role", "role"]
    for value in ("92501", "500", "local", "open", "required", "optional"):
        assert value not in texts, f"{value!r} must be synchronized, not translated"


@pytest.mark.parametrize(
    "field",
    [
        "goal",
        "opens_at",
        "closes_at",
        "postal_code",
        "scope",
        "status",
        "delivered_at",
        "ask_postal_code",
        "ask_phone",
        "ask_comment",
    ],
)
def test_campaign_settings_are_synchronized_and_not_overridable(field):
    declared = {f.field_name: f for f in get_translatable_fields(PetitionPage)}
    assert isinstance(declared[field], SynchronizedField)
    assert not declared[field].overridable


def test_translation_source_holds_the_target_strings(full_petition):
    source, _ = TranslationSource.get_or_create_from_instance(full_petition)
    stored = set(StringSegment.objects.filter(source=source).values_list("string__data", flat=True))
    assert {"Superintendent Luis Ortega", "School board", "Riverside County"} <= stored


# -- the translated page --------------------------------------------------------------


def test_spanish_page_shows_translated_text_and_synchronized_values(client, full_petition_es):
    assert full_petition_es.locale.language_code == "es"
    response = client.get(full_petition_es.url)
    assert response.status_code == 200
    html = text(response)
    assert '<html lang="es" dir="ltr">' in html
    for spanish in (
        "<h1>Protejamos a nuestros estudiantes</h1>",
        "Mantengan a los agentes de inmigración fuera de nuestras escuelas.",
        "<p>Los niños aprenden mejor cuando se sienten seguros.</p>",
        "Superintendente Luis Ortega",
        '<span class="hts-target-role">Junta escolar</span>',
        "Condado de Riverside",
        "Lo que pasó el año pasado",
        "<p>Hubo agentes esperando afuera de dos escuelas.</p>",
        "Sí, envíenme correos sobre la seguridad escolar.",
        "Firma la petición",
        "Meta: 500",
        'max="500"',
    ):
        assert spanish in html
    for english in ("Protect our students", "Superintendent Luis Ortega", "School board"):
        assert english not in html
    assert_no_english(html)
    assert full_petition_es.postal_code == "92501"
    assert full_petition_es.goal == 500


def test_changed_goal_and_postal_code_follow_on_resync(
    client, full_petition, full_petition_es, locales, django_capture_on_commit_callbacks
):
    full_petition.goal = 2500
    full_petition.postal_code = "92502"
    full_petition.save_revision().publish()
    translate_live(full_petition, locales["es"], SPANISH, django_capture_on_commit_callbacks)
    full_petition_es.refresh_from_db()
    assert (full_petition_es.goal, full_petition_es.postal_code) == (2500, "92502")
    html = text(client.get(full_petition_es.url))
    assert re.search(r"Meta: 2\W?500", html)  # Spanish grouping: 2 500
    assert "Superintendente Luis Ortega" in html  # translations survive the re-sync


def test_untranslated_target_falls_back_to_source_then_gets_translated(
    client, full_petition, full_petition_es, locales, django_capture_on_commit_callbacks
):
    full_petition.targets.add(full_petition.targets.model(name="Sheriff Dana Cole", role="Sheriff"))
    full_petition.save_revision().publish()
    translate_live(full_petition, locales["es"], SPANISH, django_capture_on_commit_callbacks)
    assert "Sheriff Dana Cole" in text(client.get(full_petition_es.url))
    translate_live(
        full_petition,
        locales["es"],
        {**SPANISH, "Sheriff Dana Cole": "Alguacil Dana Cole", "Sheriff": "Alguacil"},
        django_capture_on_commit_callbacks,
    )
    html = text(client.get(full_petition_es.url))
    assert "Alguacil Dana Cole" in html and "Sheriff Dana Cole" not in html
    english = text(client.get(full_petition.url))
    assert "Sheriff Dana Cole" in english and "Alguacil" not in english


# -- signing in Spanish ---------------------------------------------------------------


def test_form_errors_are_in_spanish(client, full_petition_es):
    response = sign(client, full_petition_es, name="", email="not-an-email")
    assert response.status_code == 400
    html = text(response)
    assert "Corrige lo siguiente:" in html
    assert "Escribe un correo electrónico válido, por ejemplo nombre@ejemplo.com." in html
    assert "Nombre: Este campo es requerido." in html  # Django's own Spanish
    assert 'value="not-an-email"' in html  # nothing typed is lost
    assert_no_english(html)
    assert not Signature.objects.exists()


def test_bad_postal_code_and_phone_errors_are_in_spanish(client, full_petition_es):
    html = text(sign(client, full_petition_es, postal_code="<92501>", phone="12"))
    assert "Escribe un código postal válido" in html
    assert "Escribe un número de teléfono válido" in html
    assert_no_english(html)


@override_settings(HERETOSTAY={"DOUBLE_OPT_IN": True})
def test_spanish_signing_thanks_and_confirmation_email(
    client, full_petition, full_petition_es, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = sign(client, full_petition_es, opt_in="on")
    assert response.status_code == 302
    assert response["Location"].startswith("/es/protejamos-a-nuestros-estudiantes/")
    thanks = text(client.get(response["Location"]))
    assert "¡Gracias!" in thanks
    assert "Revisa tu correo: te enviamos un enlace para confirmar tu firma." in thanks
    assert "Gracias por proteger a nuestros estudiantes." in thanks
    assert_no_english(thanks)

    signature = Signature.objects.get()
    assert signature.language == "es"
    assert signature.consent_text == "Sí, envíenme correos sobre la seguridad escolar."

    (email,) = mail.outbox
    assert email.subject == "Confirma tu firma: Protejamos a nuestros estudiantes"
    html_body = email.alternatives[0][0]
    for body in (email.body, html_body):
        assert "Hola, Rosa Díaz:" in body
        assert "Gracias por firmar “Protejamos a nuestros estudiantes”." in body
        assert "Si no firmaste, puedes ignorar este correo" in body
        assert_no_english(body)
    assert '<html lang="es">' in html_body
    url = re.search(r"http://testserver(/es/\S+/confirm/[\w-]+/)", email.body).group(1)

    confirm_page = text(client.get(url))
    assert "Presiona el botón para confirmar tu firma" in confirm_page
    assert "Confirmar mi firma" in confirm_page
    assert_no_english(confirm_page)
    confirmed = text(client.post(url))
    assert "¡Gracias! Tu firma en “Protejamos a nuestros estudiantes” está confirmada." in confirmed
    assert_no_english(confirmed)
    assert full_petition.supporter_count == 1


def test_default_thanks_message_is_spanish(client, full_petition, full_petition_es):
    PetitionPage.objects.filter(pk=full_petition_es.pk).update(thank_you_message="")
    html = text(client.get(full_petition_es.url + "thanks/"))
    assert "Tu voz importa. Ahora ayuda a que “Protejamos a nuestros estudiantes” gane" in html
    assert_no_english(html)


def test_signatures_on_either_language_count_for_both(client, full_petition, full_petition_es):
    assert sign(client, full_petition_es, email="rosa@example.org").status_code == 302
    assert sign(client, full_petition, email="sam@example.org").status_code == 302
    assert CampaignCounter.totals(full_petition.campaign_key)["count"] == 2
    assert sorted(Signature.objects.values_list("language", flat=True)) == ["en", "es"]
    assert "<strong>2</strong> personas apoyan" in text(client.get(full_petition_es.url))
    assert "<strong>2</strong> supporters" in text(client.get(full_petition.url))
    # the same person signing again in the other language is not counted twice
    assert sign(client, full_petition, email="ROSA@example.org").status_code == 302
    assert PetitionPage.objects.get(pk=full_petition_es.pk).supporter_count == 2


def test_one_supporter_is_singular_in_spanish(client, full_petition_es):
    sign(client, full_petition_es)
    assert "<strong>1</strong> persona apoya" in text(client.get(full_petition_es.url))


# -- switching language -----------------------------------------------------------------


def test_language_switcher_and_hreflang_alternates(client, full_petition, full_petition_es):
    es_html = text(client.get(full_petition_es.url))
    en_html = text(client.get(full_petition.url))
    for html in (es_html, en_html):
        assert (
            '<link rel="alternate" hreflang="en" href="http://testserver/en/protect-our-students/">'
            in html
        )
        assert (
            '<link rel="alternate" hreflang="es" '
            'href="http://testserver/es/protejamos-a-nuestros-estudiantes/">' in html
        )
    # each language is named in its own language, so people find theirs on any page
    assert '<span aria-current="page" lang="es">Español</span>' in es_html
    assert '<a href="/en/protect-our-students/" hreflang="en" lang="en">English</a>' in es_html
    assert '<span aria-current="page" lang="en">English</span>' in en_html
    assert (
        '<a href="/es/protejamos-a-nuestros-estudiantes/" hreflang="es" lang="es">Español</a>'
        in en_html
    )
    assert '<nav class="hts-languages" aria-label="Idiomas">' in es_html
    assert '<nav class="hts-languages" aria-label="Languages">' in en_html


def test_english_page_keeps_english(client, full_petition, full_petition_es):
    html = text(client.get(full_petition.url))
    assert '<html lang="en" dir="ltr">' in html
    assert "Sign the petition" in html and "Superintendent Luis Ortega" in html
    assert "Firma la petición" not in html


def test_home_page_in_spanish_lists_spanish_campaigns(client, full_petition_es, live_home_es):
    # The demo home page's own strings are checked by example_site/tests.
    html = text(client.get(live_home_es.url))
    assert '<html lang="es" dir="ltr">' in html
    assert "Protejamos a nuestros estudiantes" in html
    assert "Protect our students" not in html


ARABIC = [("en", "English"), ("es", "Spanish"), ("ar", "Arabic")]


@override_settings(LANGUAGES=ARABIC, WAGTAIL_CONTENT_LANGUAGES=ARABIC)
def test_right_to_left_language_renders_rtl(
    client, full_petition, home, arabic, django_capture_on_commit_callbacks
):
    translate_live(home, arabic, {}, django_capture_on_commit_callbacks)
    page = translate_live(
        full_petition,
        arabic,
        {"Protect our students": "احموا طلابنا"},
        django_capture_on_commit_callbacks,
    )
    response = client.get(page.url)
    assert response.status_code == 200
    html = text(response)
    assert '<html lang="ar" dir="rtl">' in html
    assert "<h1>احموا طلابنا</h1>" in html
    assert '<link rel="alternate" hreflang="ar"' in html
    assert '<span aria-current="page" lang="ar">' in html
    assert '<html lang="en" dir="ltr">' in text(client.get(full_petition.url))


@pytest.mark.parametrize("token", ["not-a-token", "bm90OmE6dG9rZW4"])
def test_bad_confirmation_link_explains_in_spanish(client, full_petition_es, token):
    url = full_petition_es.url + full_petition_es.reverse_subpage("confirm", args=[token])
    response = client.get(url)
    assert response.status_code == 400
    html = text(response)
    assert "Este enlace de confirmación no es válido o ya venció." in html
    assert_no_english(html)


# Tigrinya: Django has no locale data for it (Haitian Creole gained some in Django 6.1).
TIGRINYA = [("en", "English"), ("es", "Spanish"), ("ti", "ትግርኛ")]


@override_settings(LANGUAGES=TIGRINYA, WAGTAIL_CONTENT_LANGUAGES=TIGRINYA)
def test_switcher_names_a_language_django_does_not_know_by_its_configured_name():
    from wagtail.models import Locale

    from heretostay_wagtail.templatetags.heretostay_i18n import language_name_local

    assert language_name_local(Locale(language_code="ti")) == "ትግርኛ"
    assert language_name_local(Locale(language_code="es")) == "Español"
    assert language_name_local(Locale(language_code="ar")) == "العربيّة"


def test_translations_are_fetched_once_per_page(client, full_petition, full_petition_es):
    """The hreflang links and the switcher share one query for the translations and
    their locales (it was two queries plus one per translation's locale)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(full_petition_es.url)  # warm Wagtail's per-site caches
    with CaptureQueriesContext(connection) as queries:
        html = text(client.get(full_petition_es.url))
    assert 'hreflang="en"' in html and ">English</a>" in html
    where = [q["sql"].split(" WHERE ")[-1] for q in queries]
    # get_translations(): same translation_key, NOT this page
    translation_queries = [w for w in where if '"translation_key" = ' in w and "NOT (" in w]
    assert len(translation_queries) == 1, translation_queries
    # the translation's locale (English) comes with it, not in a query of its own
    english = f'"wagtailcore_locale"."id" = {full_petition.locale_id} '
    assert not [w for w in where if w.startswith(english)], where
