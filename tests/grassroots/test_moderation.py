"""Started campaigns in the Wagtail workflow: approving and rejecting email the starter in
the petition's language; the "live but unlisted until reviewed" mode."""

import pytest
from django.core import mail
from wagtail.models import WorkflowState

from heretostay_wagtail.grassroots.models import NewCampaigns
from heretostay_wagtail.grassroots.services import start
from heretostay_wagtail.petitions.models import PetitionPage
from tests.conftest import make_petition
from tests.grassroots.start_helpers import *  # noqa: F403 (fixtures)
from tests.grassroots.start_helpers import DRAFT

pytestmark = pytest.mark.django_db

DATA = {key: value for step in DRAFT.values() for key, value in step.items()}


def task_state(page):
    state = WorkflowState.objects.get(object_id=str(page.pk), status="in_progress")
    return state.current_task_state.specific


def started_in(index, user, capture):
    with capture(execute=True):
        return start(index, DATA, user)


def test_approving_publishes_and_emails_the_share_step(
    index, review_workflow, starter, moderator, django_capture_on_commit_callbacks
):
    page = started_in(index, starter, django_capture_on_commit_callbacks)
    assert not page.live
    # Moderators hear of the submission from Wagtail; the starter hears nothing yet.
    assert [m for m in mail.outbox if m.to == [starter.email]] == []
    assert [m for m in mail.outbox if m.to == [moderator.email]]
    with django_capture_on_commit_callbacks(execute=True):
        task_state(page).approve(user=moderator)
    page.refresh_from_db()
    assert page.live and not page.awaiting_review
    to_starter = [m for m in mail.outbox if m.to == [starter.email]]
    assert len(to_starter) == 1
    message = to_starter[0]
    assert "approved" in message.subject
    assert f"/campaigns/share/{page.pk}/" in message.body
    assert page.full_url in message.body


def test_rejecting_emails_the_comment(
    index, review_workflow, starter, moderator, django_capture_on_commit_callbacks
):
    page = started_in(index, starter, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        task_state(page).reject(user=moderator, comment="Please name the mayor correctly.")
    page.refresh_from_db()
    assert not page.live
    (message,) = [m for m in mail.outbox if m.to == [starter.email]]
    assert "needs changes" in message.subject
    assert "Please name the mayor correctly." in message.body
    html = message.alternatives[0][0]
    assert "Please name the mayor correctly." in html
    assert '<html lang="en">' in html


def test_outcome_email_is_in_the_petitions_language(
    index_es, review_workflow, starter, moderator, django_capture_on_commit_callbacks
):
    page = started_in(index_es, starter, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        task_state(page).reject(user=moderator, comment="Falta el nombre.")
    (message,) = [m for m in mail.outbox if m.to == [starter.email]]
    assert '<html lang="es">' in message.alternatives[0][0]
    assert "Falta el nombre." in message.body


def test_comment_is_escaped_in_the_html_email(
    index, review_workflow, starter, moderator, django_capture_on_commit_callbacks
):
    page = started_in(index, starter, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        task_state(page).reject(user=moderator, comment="<script>x</script>")
    (message,) = [m for m in mail.outbox if m.to == [starter.email]]
    assert "<script>" not in message.alternatives[0][0]


def test_editors_petitions_get_no_starter_email(
    home, index, review_workflow, moderator, editor, django_capture_on_commit_callbacks
):
    page = make_petition(index, slug="by-editor")
    page.save_revision(user=editor)
    with django_capture_on_commit_callbacks(execute=True):
        review_workflow.start(page, editor)
        task_state(page).approve(user=moderator)
    assert not [m for m in mail.outbox if "campaign is approved" in m.subject]


def test_live_unlisted_is_live_noindex_and_unlisted_until_approved(
    client, index, review_workflow, starter, moderator, django_capture_on_commit_callbacks
):
    index.new_campaigns = NewCampaigns.LIVE_UNLISTED
    index.save_revision().publish()
    index.refresh_from_db()
    page = started_in(index, starter, django_capture_on_commit_callbacks)
    page = PetitionPage.objects.get(pk=page.pk)
    assert page.live and page.awaiting_review
    html = client.get(page.url).content.decode()
    assert '<meta name="robots" content="noindex">' in html
    assert page.title not in client.get(index.url).content.decode()
    assert page.get_sitemap_urls() == []
    api = client.get("/api/v1/petitions/").json()
    assert page.pk not in [p["id"] for p in api["results"]]
    assert client.get(f"/api/v1/petitions/{page.pk}/").status_code == 200  # by its link

    with django_capture_on_commit_callbacks(execute=True):
        task_state(page).approve(user=moderator)
    page.refresh_from_db()
    assert page.live and not page.awaiting_review
    assert "noindex" not in client.get(page.url).content.decode()
    assert page.title in client.get(index.url).content.decode()
    assert page.get_sitemap_urls()


def test_live_unlisted_rejected_is_taken_down(
    index, review_workflow, starter, moderator, django_capture_on_commit_callbacks
):
    index.new_campaigns = NewCampaigns.LIVE_UNLISTED
    index.save_revision().publish()
    index.refresh_from_db()
    page = started_in(index, starter, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        task_state(page).reject(user=moderator, comment="Not for this site.")
    page.refresh_from_db()
    assert not page.live


def test_without_a_workflow_the_campaign_stays_a_draft(
    index, starter, django_capture_on_commit_callbacks
):
    from wagtail.models import Workflow

    Workflow.objects.update(active=False)
    page = started_in(index, starter, django_capture_on_commit_callbacks)
    page.refresh_from_db()
    assert not page.live
    assert not WorkflowState.objects.filter(object_id=str(page.pk)).exists()


def test_share_and_started_pages_are_only_for_the_campaigns_admins(
    client,
    index,
    review_workflow,
    starter,
    moderator,
    django_user_model,
    django_capture_on_commit_callbacks,
):
    from tests.grassroots.start_helpers import account

    page = started_in(index, starter, django_capture_on_commit_callbacks)
    other = account(django_user_model, "other")
    for url in (f"/campaigns/share/{page.pk}/", f"/campaigns/started/{page.pk}/"):
        assert client.get(url, follow=True).status_code == 404
        client.force_login(other)
        assert client.get(url, follow=True).status_code == 404
        client.force_login(starter)
        assert client.get(url).status_code == 200
        client.logout()
    client.force_login(starter)
    assert "not live yet" in client.get(f"/campaigns/share/{page.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        task_state(page).approve(user=moderator)
    share = client.get(f"/campaigns/share/{page.pk}/").content.decode()
    assert "facebook.com/sharer" in share and "hts-sample-message" in share


def test_a_failing_outcome_email_is_retried_then_given_up(
    index, review_workflow, starter, moderator, django_capture_on_commit_callbacks, monkeypatch
):
    from heretostay_wagtail.core import emails

    page = started_in(index, starter, django_capture_on_commit_callbacks)
    calls = []

    def failing(*args, **kwargs):
        calls.append(kwargs["to"])
        raise OSError("SMTP down")

    monkeypatch.setattr(emails, "send_templated", failing)
    with django_capture_on_commit_callbacks(execute=True):
        task_state(page).approve(user=moderator)
    page.refresh_from_db()
    assert page.live  # approving does not depend on the email
    assert len(calls) == 5  # MAX_SEND_ATTEMPTS, then given up without an error
