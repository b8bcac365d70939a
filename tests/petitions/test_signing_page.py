"""Signing a petition through its public page, as a supporter on a phone would."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from heretostay_wagtail.models import CampaignCounter, Signature

pytestmark = pytest.mark.django_db


def count(petition):
    return CampaignCounter.totals(petition.campaign_key)["count"]


def test_signing_redirects_to_thanks_and_counts(sign_page, petition):
    response = sign_page(petition, follow=True, opt_in="on", phone="(312) 555-0123")
    assert response.redirect_chain[-1][0] == petition.url + "thanks/"
    assert response.status_code == 200
    html = response.content.decode()
    assert "Thank you!" in html and "<strong>1</strong> supporter" in html
    sig = Signature.objects.get()
    assert (sig.name, sig.email, sig.postal_code) == ("Rosa Parks", "rosa@example.org", "62701")
    assert sig.phone.as_e164 == "+13125550123"
    assert sig.source == "web" and sig.language == "en" and sig.is_confirmed
    assert sig.ip_hash and "198.51.100.7" not in sig.ip_hash
    assert count(petition) == 1


def test_opt_in_records_the_consent_text_shown(sign_page, petition):
    petition.consent_text = "Send me news from Springfield Sanctuary Coalition"
    petition.save_revision().publish()
    page = sign_page(petition).wsgi_request  # noqa: F841  (the request itself is not needed)
    sig = Signature.objects.get()
    assert sig.opted_in is False and sig.consent_text == "" and sig.consent_given_at is None

    sign_page(petition, email="second@example.org", opt_in="on")
    sig = Signature.objects.get(email="second@example.org")
    assert sig.opted_in is True
    assert sig.consent_text == "Send me news from Springfield Sanctuary Coalition"
    assert sig.consent_given_at is not None and sig.source == "web"


@pytest.mark.parametrize(
    "fields, field, message",
    [
        (
            {"email": "not-an-email"},
            "email",
            "Enter a valid email address, for example name@example.com.",
        ),
        ({"phone": "12"}, "phone", "Enter a valid phone number, for example (555) 555-0123."),
        ({"name": "N" * 201}, "name", "Ensure this value has at most 200 characters"),
        ({"postal_code": ""}, "postal_code", "This field is required."),
        ({"name": "Rosa\x07Parks"}, "name", "characters that are not allowed"),
    ],
)
def test_validation_errors_name_the_field_and_keep_typed_data(
    sign_page, petition, fields, field, message
):
    typed = {"comment": "Por nuestras familias", **fields}
    response = sign_page(petition, **typed)
    assert response.status_code == 400
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    html = response.content.decode()
    assert 'class="hts-error-summary"' in html and f'href="#id_{field}"' in html
    assert "Por nuestras familias</textarea>" in html  # nothing typed is lost
    if field != "email":
        assert 'value="rosa@example.org"' in html
    assert not Signature.objects.exists() and count(petition) == 0


def test_validation_errors_are_translated_on_the_spanish_page(sign_page, petition_es):
    response = sign_page(petition_es, email="nope")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'lang="es"' in html
    assert "Escribe un correo electrónico válido, por ejemplo nombre@ejemplo.com." in html


def test_honeypot_gets_the_thank_you_page_but_nothing_is_saved(sign_page, petition):
    response = sign_page(petition, website="http://spam.example")
    assert response.status_code == 302 and response.url.endswith("/thanks/")
    assert not Signature.objects.exists() and count(petition) == 0


@override_settings(HERETOSTAY={"THROTTLE_RATES": {"sign": "3/m"}})
def test_throttling_answers_429_and_keeps_what_was_typed(sign_page, petition):
    for i in range(3):
        assert sign_page(petition, email=f"s{i}@example.org").status_code == 302
    response = sign_page(petition, email="fourth@example.org", name="Cuarta Persona")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many attempts from your connection" in html
    assert 'value="Cuarta Persona"' in html and 'value="fourth@example.org"' in html
    assert Signature.objects.count() == 3 and count(petition) == 3
    # Another connection is not affected.
    assert sign_page(petition, email="other@example.org", ip="203.0.113.50").status_code == 302


def test_dedupe_across_translations_gives_the_same_answer(sign_page, petition, petition_es):
    first = sign_page(petition_es, name="Ana García", email="Ana@Example.org", follow=True)
    again = sign_page(petition, name="Ana Garcia", email="ana@example.ORG", follow=True)
    assert first.redirect_chain[-1][0] == petition_es.url + "thanks/"
    assert again.redirect_chain[-1][0] == petition.url + "thanks/"
    assert first.status_code == again.status_code == 200
    # The same message in each language: nothing reveals that the email had signed.
    assert "<strong>1</strong>" in first.content.decode()
    assert "<strong>1</strong>" in again.content.decode()
    sig = Signature.objects.get()
    assert sig.language == "es" and sig.page_id == petition_es.pk and sig.name == "Ana García"
    assert count(petition) == 1
    assert petition.supporter_count == 1


def test_repeat_signature_response_matches_a_new_one(sign_page, petition):
    new = sign_page(petition, email="x@example.org")
    repeat = sign_page(petition, email="X@example.org")
    assert (new.status_code, new.url) == (repeat.status_code, repeat.url)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"status": "closed"}, "This petition is closed."),
        ({"status": "delivered"}, "This petition has been delivered."),
        ({"closes_at": timezone.now() - timedelta(days=1)}, "This campaign is closed."),
        ({"opens_at": timezone.now() + timedelta(days=1)}, "This campaign has not opened yet."),
    ],
)
def test_closed_or_not_yet_open_petitions_refuse_signatures(
    client, sign_page, petition, changes, message
):
    for name, value in changes.items():
        setattr(petition, name, value)
    petition.save_revision().publish()
    page = client.get(petition.url)
    assert message in page.content.decode()
    assert 'name="email"' not in page.content.decode()  # no form to fill in
    response = sign_page(petition)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Signature.objects.exists()


def test_optional_fields_follow_the_petition_settings(client, sign_page, petition):
    petition.ask_postal_code = "off"
    petition.ask_phone = "required"
    petition.ask_comment = "off"
    petition.save_revision().publish()
    html = client.get(petition.url).content.decode()
    assert 'name="postal_code"' not in html and 'name="comment"' not in html
    response = sign_page(petition, postal_code=None, comment=None)
    assert response.status_code == 400 and "phone" in response.context["form"].errors
    assert sign_page(petition, phone="+1 312 555 0123").status_code == 302


def test_spanish_page_speaks_spanish_and_links_to_english(client, petition, petition_es):
    html = client.get(petition_es.url).content.decode()
    assert "Hagamos de nuestra ciudad una ciudad santuario" in html
    assert "Firma la petición" in html and "Lo que pedimos" in html
    assert "(obligatorio)" in html and "Copiar enlace" in html
    # Language names are written in their own language, for people looking for theirs.
    assert f'<a href="{petition.url}" hreflang="en" lang="en">English</a>' in html
    assert 'aria-current="page" lang="es">Español</span>' in html
