"""A petition with every translatable part filled in, and its full Spanish translation."""

import pytest
from wagtail.models import Locale

from heretostay_wagtail.core.localize import translate
from heretostay_wagtail.models import PetitionTarget
from tests.conftest import make_petition

#: English source text -> Spanish, as a translator would enter it in wagtail-localize.
SPANISH = {
    "Protect our students": "Protejamos a nuestros estudiantes",
    "Keep immigration agents out of our schools.": (
        "Mantengan a los agentes de inmigración fuera de nuestras escuelas."
    ),
    "Children learn best when they feel safe.": "Los niños aprenden mejor cuando se sienten seguros.",
    "Riverside County": "Condado de Riverside",
    "Superintendent Luis Ortega": "Superintendente Luis Ortega",
    "Superintendent": "Superintendente",
    "School Board of Riverside": "Junta Escolar de Riverside",
    "School board": "Junta escolar",
    "Thanks for protecting our students.": "Gracias por proteger a nuestros estudiantes.",
    "Protect our students: sign now.": "Protejamos a nuestros estudiantes: firma ahora.",
    "Sign this petition": "Firma esta petición",
    "Please sign and share.": "Por favor firma y comparte.",
    "Yes, email me about school safety.": "Sí, envíenme correos sobre la seguridad escolar.",
    "What happened last year": "Lo que pasó el año pasado",
    "Agents waited outside two schools.": "Hubo agentes esperando afuera de dos escuelas.",
    "protect-our-students": "protejamos-a-nuestros-estudiantes",
}

#: Sentences of the package's English UI; none may appear on a Spanish page or email.
ENGLISH_UI = [
    "Sign the petition",
    "What we ask",
    "Why it matters",
    "Please correct the following",
    "This field is required",
    "Enter a valid",
    "(required)",
    "(optional)",
    "We never ask about immigration status",
    "Link to copy",
    "opens in a new window",
    "supporters",
    "Goal:",
    "Skip to content",
    "Thank you",
    "Check your email",
    "Confirm your signature",
    "Confirm my signature",
    "Hello",
    "If you did not sign",
]


@pytest.fixture
def full_petition(home):
    petition = make_petition(
        home,
        title="Protect our students",
        slug="protect-our-students",
        ask="Keep immigration agents out of our schools.",
        why="<p>Children learn best when they feel safe.</p>",
        place_name="Riverside County",
        postal_code="92501",
        goal=500,
        thank_you_message="Thanks for protecting our students.",
        share_text="Protect our students: sign now.",
        share_email_subject="Sign this petition",
        share_email_body="Please sign and share.",
        consent_text="Yes, email me about school safety.",
        body=[
            ("heading", "What happened last year"),
            ("paragraph", "<p>Agents waited outside two schools.</p>"),
        ],
    )
    petition.targets = [
        PetitionTarget(name="Superintendent Luis Ortega", role="Superintendent"),
        PetitionTarget(name="School Board of Riverside", role="School board"),
    ]
    petition.save_revision().publish()
    petition.refresh_from_db()
    return petition


def translate_live(instance, locale, strings, capture):
    """``translate`` and publish: wagtail-localize publishes on commit, which a test's
    transaction never reaches, so run the on-commit callbacks here."""
    with capture(execute=True):
        translated = translate(instance, locale, strings)
    translated.refresh_from_db()
    return translated


@pytest.fixture
def live_home_es(home, locales, django_capture_on_commit_callbacks):
    return translate_live(
        home, locales["es"], {"Home": "Inicio"}, django_capture_on_commit_callbacks
    )


@pytest.fixture
def full_petition_es(full_petition, live_home_es, locales, django_capture_on_commit_callbacks):
    return translate_live(full_petition, locales["es"], SPANISH, django_capture_on_commit_callbacks)


@pytest.fixture
def arabic(locales):
    return Locale.objects.get_or_create(language_code="ar")[0]
