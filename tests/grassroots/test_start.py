"""Starting a campaign: the steps, the account in between, the review, and what submitting
creates (a draft petition in the index's workflow, owned by its starter)."""

import re

import pytest
from django.core import mail
from wagtail.models import WorkflowState

from heretostay_wagtail.core.models import CampaignAdmin, CampaignRole
from heretostay_wagtail.grassroots.services import SESSION_KEY
from heretostay_wagtail.petitions.models import PetitionPage
from tests.grassroots.start_helpers import *  # noqa: F403 (fixtures and helpers)
from tests.grassroots.start_helpers import DRAFT, fill_steps, start_url

pytestmark = pytest.mark.django_db


def sign_up(client, email, next_url, language="en"):
    """Create an account through allauth and verify it with the emailed code."""
    response = client.post(
        f"/{language}/accounts/signup/",
        {
            "email": email,
            "password1": "a-long-password-1",
            "password2": "a-long-password-1",
            "next": next_url,
        },
    )
    assert response.status_code == 302, response.content[:3000]
    assert mail.outbox, "no verification email"
    body = mail.outbox[-1].body
    code = re.search(r"^\s*([A-Z0-9]{4}-?[A-Z0-9]{4})\s*$", body, re.M).group(1)
    response = client.get(response["Location"])
    assert response.status_code == 200
    return client.post(f"/{language}/accounts/confirm-email/", {"code": code})


def test_new_user_signs_up_verifies_starts_and_sees_it_pending(
    client, index, review_workflow, django_user_model
):
    response = client.get(start_url(index))
    assert response["Location"] == start_url(index, "name")
    response = fill_steps(client, index)
    assert response["Location"] == start_url(index, "review")
    # Not logged in: the review sends to "create an account or log in".
    response = client.get(start_url(index, "review"))
    assert response["Location"] == start_url(index, "account")
    page = client.get(start_url(index, "account")).content.decode()
    assert "/en/accounts/signup/?next=%2Fcampaigns%2Fstart%2F" in page

    response = sign_up(client, "new@example.org", start_url(index, "review"))
    assert response.status_code == 302
    assert response["Location"] == start_url(index, "review")

    review = client.get(start_url(index, "review"))
    assert review.status_code == 200
    assert "Make Springfield a sanctuary city" in review.content.decode()
    assert "no-cache" in review["Cache-Control"] or "max-age=0" in review["Cache-Control"]

    response = client.post(start_url(index, "review"), {})
    assert response.status_code == 302
    petition = PetitionPage.objects.get(title="Make Springfield a sanctuary city")
    user = django_user_model.objects.get(email="new@example.org")
    assert not petition.live
    assert petition.get_parent().pk == index.pk
    assert petition.owner == user
    assert petition.locale_id == index.locale_id
    assert petition.place_name == "Springfield"
    assert [t.name for t in petition.targets.all()] == ["Mayor Ana Ruiz"]
    assert "<p>Families should not live in fear.</p>" in petition.why
    assert CampaignAdmin.objects.get(page=petition).role == CampaignRole.STARTER
    state = WorkflowState.objects.get(object_id=str(petition.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.requested_by == user

    started = client.get(response["Location"])
    assert "waiting for review" in started.content.decode()
    # The draft is gone: starting again starts from the first step.
    assert client.get(start_url(index))["Location"] == start_url(index, "name")
    # A second submit of the same form creates nothing.
    client.post(start_url(index, "review"), {})
    assert PetitionPage.objects.filter(title__startswith="Make Springfield").count() == 1


def test_draft_is_kept_across_login(client, index, starter):
    fill_steps(client, index)
    response = client.post(
        "/en/accounts/login/",
        {
            "login": starter.email,
            "password": "a-long-password-1",
            "next": start_url(index, "review"),
        },
    )
    assert response["Location"] == start_url(index, "review")
    review = client.get(start_url(index, "review"))
    assert review.status_code == 200
    assert "Sign a sanctuary ordinance." in review.content.decode()


def test_unverified_account_cannot_log_in_to_submit(client, index, django_user_model):
    from tests.grassroots.start_helpers import account

    user = account(django_user_model, "unverified", verified=False)
    fill_steps(client, index)
    client.post(
        "/en/accounts/login/",
        {"login": user.email, "password": "a-long-password-1", "next": start_url(index, "review")},
    )
    response = client.post(start_url(index, "review"), {})
    assert response.status_code == 302
    assert PetitionPage.objects.count() == 0


def test_a_starter_never_gets_admin_access(client, index, review_workflow, django_user_model):
    fill_steps(client, index)
    sign_up(client, "new@example.org", start_url(index, "review"))
    client.post(start_url(index, "review"), {})
    user = django_user_model.objects.get(email="new@example.org")
    assert not user.is_staff and not user.is_superuser
    assert not user.groups.exists()
    assert not user.has_perm("wagtailadmin.access_admin")
    response = client.get("/admin/")
    assert response.status_code in (302, 403)
    assert "/admin/login/" in response.get("Location", "/admin/login/")
    petition = PetitionPage.objects.get()
    assert client.get(f"/admin/pages/{petition.pk}/edit/").status_code in (302, 403)


@pytest.mark.parametrize(
    ("step", "data", "field"),
    [
        ("name", {"title": "x" * 121}, "title"),
        ("name", {"title": ""}, "title"),
        ("name", {"title": "bad\x00title"}, "title"),
        ("name", {"title": "two\nlines"}, "title"),
        ("target", {"target_name": "y" * 201}, "target_name"),
        ("ask", {"ask": "z" * 1001}, "ask"),
        ("why", {"why": "w" * 5001}, "why"),
        ("where", {"scope": "local", "place_name": ""}, "place_name"),
        ("where", {"scope": "moon"}, "scope"),
        (
            "where",
            {"scope": "local", "place_name": "Springfield", "postal_code": "<script>"},
            "postal_code",
        ),
    ],
)
def test_every_field_is_limited_with_a_field_error(client, index, step, data, field):
    response = client.post(start_url(index, step), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert (
        f'id="id_{field}_error"' in response.content.decode()
        or "hts-error" in response.content.decode()
    )


def test_hostile_and_odd_requests_never_500(client, index):
    # A 404 outside i18n_patterns is redirected to the language prefix, then is a 404.
    assert client.get(start_url(index, "nonsense"), follow=True).status_code == 404
    assert client.get("/campaigns/start/999999/", follow=True).status_code == 404
    assert client.post(start_url(index, "name"), {"title": ["a", "b"]}).status_code in (302, 400)
    assert client.get(start_url(index, "account")).status_code == 302
    assert client.delete(start_url(index, "name")).status_code == 405


def test_starting_is_off_unless_the_organizer_turns_it_on(client, index):
    index.allow_starting = False
    index.save_revision().publish()
    assert client.get(start_url(index), follow=True).status_code == 404
    assert client.get(start_url(index, "name"), follow=True).status_code == 404
    page = client.get(index.url).content.decode()
    assert "Start a campaign" not in page


def test_national_campaign_needs_no_place(client, index, starter):
    draft = {**DRAFT, "where": {"scope": "national", "place_name": "ignored"}}
    fill_steps(client, index, draft)
    client.force_login(starter)
    client.post(start_url(index, "review"), {})
    petition = PetitionPage.objects.get()
    assert petition.scope == "national" and petition.place_name == ""


def test_steps_are_in_the_index_language(client, index_es, starter):
    response = client.get(start_url(index_es, "name"))
    assert response.status_code == 200
    assert '<html lang="es"' in response.content.decode()
    fill_steps(client, index_es)
    client.force_login(starter)
    client.post(start_url(index_es, "review"), {})
    petition = PetitionPage.objects.get()
    assert petition.locale.language_code == "es"
    assert petition.get_parent().pk == index_es.pk


def test_draft_is_per_index_and_editable_from_review(client, index, starter):
    fill_steps(client, index)
    session = client.session[SESSION_KEY]
    assert session[str(index.pk)]["title"] == "Make Springfield a sanctuary city"
    client.force_login(starter)
    response = client.post(start_url(index, "name"), {"title": "A better name", "to_review": "1"})
    assert response["Location"] == start_url(index, "review")
    assert "A better name" in client.get(start_url(index, "review")).content.decode()


def test_starts_per_account_are_throttled(client, index, starter, settings):
    settings.HERETOSTAY = {**settings.HERETOSTAY, "THROTTLE_RATES": {"start_campaign": "1/d"}}
    client.force_login(starter)
    fill_steps(client, index)
    assert client.post(start_url(index, "review"), {}).status_code == 302
    fill_steps(client, index)
    response = client.post(start_url(index, "review"), {})
    assert response.status_code == 429
    assert PetitionPage.objects.count() == 1
