"""Spanish speaks one register: "tú", in the package's own strings and in the messages it
passes on from Django, Django REST framework and django-phonenumber-field."""

import re
from types import SimpleNamespace

import polib
import pytest
from django.utils import translation

from heretostay_wagtail.core import messages

#: Words that only "usted" uses (imperatives and the pronoun) in these messages.
USTED = re.compile(
    r"\b(Introduzca|Ingrese|Asegúrese|Escoja|Seleccione|Compruebe|Envíe|Corrija|Inténtelo|"
    r"Use uno|Vea|Quite|Explique|darle|[Uu]sted|su firma|que firma)\b"
)
CATALOGUE = "heretostay_wagtail/locale/es/LC_MESSAGES/django.po"


def render(message):
    if isinstance(message, str):
        return translation.gettext(message)
    return str(message % {"limit_value": 2, "max": 2, "show_value": 3, "length": 3})


@pytest.mark.parametrize(
    "message",
    messages.DJANGO + messages.REST_FRAMEWORK + messages.PHONENUMBER_FIELD,
    ids=lambda m: (m if isinstance(m, str) else "plural")[:40],
)
def test_passed_on_messages_say_tu(message):
    with translation.override("en"):
        english = render(message)
    with translation.override("es"):
        spanish = render(message)
    assert spanish != english, "not translated"
    assert not USTED.search(spanish), spanish


def test_the_package_catalogue_says_tu():
    usted = [
        (entry.msgid, entry.msgstr)
        for entry in polib.pofile(CATALOGUE)
        if not entry.obsolete
        and any(USTED.search(s) for s in [entry.msgstr, *entry.msgstr_plural.values()])
    ]
    assert usted == []


@pytest.mark.django_db
def test_spanish_form_errors_from_django_say_tu(client, petition_es):
    response = client.post(
        petition_es.url, {"name": "Ana", "email": "ana@example.org", "postal_code": "9" * 500}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Asegúrate de que este valor tenga como máximo" in html
    assert "Asegúrese" not in html


@pytest.mark.django_db
def test_spanish_api_errors_from_drf_say_tu(client, petition):
    response = client.post(
        f"/api/v1/petitions/{petition.pk}/signatures/",
        {"name": "Ana", "email": "ana@example.org", "postal_code": "9" * 500},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Asegúrate" in body and "Asegúrese" not in body


def test_a_warning_when_drf_outranks_the_package(monkeypatch):
    good = ["heretostay_wagtail", "rest_framework", "phonenumber_field"]
    monkeypatch.setattr(messages, "settings", SimpleNamespace(INSTALLED_APPS=good))
    assert messages.check_app_order() == []
    bad = ["rest_framework", "heretostay_wagtail", "phonenumber_field"]
    monkeypatch.setattr(messages, "settings", SimpleNamespace(INSTALLED_APPS=bad))
    [warning] = messages.check_app_order()
    assert warning.id == "heretostay.W010" and "rest_framework" in warning.msg
