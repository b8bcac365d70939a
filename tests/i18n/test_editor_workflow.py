"""How an editor translates a petition in the Wagtail admin with wagtail-localize."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield
from wagtail_localize.models import StringSegment, Translation

from heretostay_wagtail.models import PetitionPage

pytestmark = pytest.mark.django_db


def test_editor_translates_a_petition_in_the_admin(
    client, superuser, full_petition, live_home_es, locales, django_capture_on_commit_callbacks
):
    client.force_login(superuser)
    # 1. "Translate" on the English page: wagtail-localize creates a draft Spanish copy.
    submit = reverse("wagtail_localize:submit_page_translation", args=[full_petition.id])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(submit, {"locales": [locales["es"].id]})
    assert response.status_code == 302
    page_es = full_petition.get_translation(locales["es"])
    translation = Translation.objects.get(source__object_id=full_petition.translation_key)

    # 2. The translation editor offers the targets and the text, not the campaign settings.
    editor = client.get(reverse("wagtailadmin_pages:edit", args=[page_es.id]))
    assert editor.status_code == 200
    props = editor.content.decode()
    for english in ("Superintendent Luis Ortega", "School board", "Riverside County"):
        assert english in props
    assert "92501" not in props

    # 3. Translate two strings the way the editor's JavaScript does, then publish.
    wanted = {
        "Protect our students": "Protejamos a nuestros estudiantes",
        "Superintendent Luis Ortega": "Superintendente Luis Ortega",
    }
    for segment in StringSegment.objects.filter(
        source=translation.source, string__data__in=wanted
    ).select_related("string"):
        url = reverse("wagtail_localize:edit_string_translation", args=[translation.id, segment.id])
        body = urlencode({"value": wanted[segment.string.data]})
        response = client.put(url, body, content_type="application/x-www-form-urlencoded")
        assert response.status_code in (200, 201), response.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("wagtailadmin_pages:edit", args=[page_es.id]), {"action": "publish"}
        )
    assert response.status_code == 302

    page_es = PetitionPage.objects.get(pk=page_es.pk)
    assert page_es.live and page_es.title == "Protejamos a nuestros estudiantes"
    assert page_es.goal == full_petition.goal and page_es.postal_code == "92501"
    html = client.get(page_es.url).content.decode()
    assert "Superintendente Luis Ortega" in html
    assert "School Board of Riverside" in html  # not translated yet: falls back to English


def test_targets_created_in_the_admin_take_the_page_locale(client, superuser, home, live_home_es):
    """Targets written directly in a Spanish petition (not translated) are Spanish rows."""
    client.force_login(superuser)
    data = nested_form_data(
        {
            "title": "Escuelas seguras",
            "slug": "escuelas-seguras",
            "ask": "Que la policía escolar no colabore con inmigración.",
            "why": rich_text("<p>Nuestros hijos merecen aprender sin miedo.</p>"),
            "scope": "local",
            "place_name": "Santa Ana",
            "goal": "300",
            "status": "open",
            "ask_postal_code": "required",
            "ask_phone": "optional",
            "ask_comment": "optional",
            "body": streamfield([]),
            "targets": inline_formset(
                [{"name": "Junta Escolar de Santa Ana", "role": "Junta escolar"}]
            ),
            "action-publish": "publish",
        }
    )
    response = client.post(
        reverse("wagtailadmin_pages:add", args=["heretostay", "petitionpage", live_home_es.id]),
        data,
    )
    assert response.status_code == 302, response.context["form"].errors
    page = PetitionPage.objects.get(slug="escuelas-seguras")
    assert page.locale.language_code == "es"
    (target,) = page.targets.all()
    assert target.locale == page.locale and target.translation_key
    html = client.get(page.url).content.decode()
    assert "Junta Escolar de Santa Ana" in html and "Firma la petición" in html
