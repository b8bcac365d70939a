"""The demo's campaign index: "Start a campaign" on, a moderation workflow, both languages,
and the whole path of a new user, as docs/grassroots.md tells an organizer to try it."""

import re

from django.core import mail
from wagtail.models import WorkflowState

from heretostay_wagtail.models import CampaignIndexPage, PetitionPage


def test_demo_index_starts_campaigns_in_both_languages(client, demo):
    index = CampaignIndexPage.objects.get(locale__language_code="en", slug="start")
    assert index.allow_starting and index.live
    assert index.get_workflow().name == "Moderators approval"
    index_es = CampaignIndexPage.objects.get(locale__language_code="es", slug="start")
    html = client.get(index.url).content.decode()
    assert f"/campaigns/start/{index.pk}/" in html
    html_es = client.get(index_es.url).content.decode()
    assert "Campañas de la comunidad" in html_es


def test_new_user_starts_a_campaign_in_the_demo(client, demo, django_user_model):
    index = CampaignIndexPage.objects.get(locale__language_code="en", slug="start")
    base = f"/campaigns/start/{index.pk}/"
    steps = {
        "name": {"title": "An undocu-friendly campus"},
        "target": {"target_name": "The school board"},
        "ask": {"ask": "Adopt a safe-campus policy."},
        "why": {"why": "Students learn best without fear."},
        "where": {"scope": "local", "place_name": "Springfield"},
    }
    for step, data in steps.items():
        assert client.post(f"{base}{step}/", data).status_code == 302
    review = f"{base}review/"
    response = client.post(
        "/en/accounts/signup/",
        {
            "email": "new@example.org",
            "password1": "a-long-pass-1",
            "password2": "a-long-pass-1",
            "next": review,
        },
    )
    assert response.status_code == 302
    code = re.search(r"^\s*([A-Z0-9]{4}-?[A-Z0-9]{4})\s*$", mail.outbox[-1].body, re.M).group(1)
    response = client.post("/en/accounts/confirm-email/", {"code": code})
    assert response["Location"] == review
    assert client.post(review, {}).status_code == 302
    petition = PetitionPage.objects.get(title="An undocu-friendly campus")
    assert not petition.live
    state = WorkflowState.objects.get(object_id=str(petition.pk))
    assert state.status == "in_progress"
    user = django_user_model.objects.get(email="new@example.org")
    assert not user.is_staff
