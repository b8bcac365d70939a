"""My Campaigns in the demo, as a new user would try it: start a campaign, see it pending,
an editor approves it, then invite a co-admin, print a paper sheet, enter two paper
signatures and deliver the petition; someone else logged in reaches none of it."""

import re

from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from heretostay_wagtail.grassroots import services
from heretostay_wagtail.models import CampaignIndexPage, DeliveryJob, PaperSheet, PetitionPage


def pane(name, *args):
    return reverse(f"heretostay:heretostay_mycampaigns_{name}", args=args)


def account(django_user_model, email):
    user = django_user_model.objects.create_user(email.split("@")[0], email, "a-long-pass-1")
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def test_a_starter_runs_their_campaign(
    client, demo, django_user_model, django_capture_on_commit_callbacks
):
    index = CampaignIndexPage.objects.get(locale__language_code="en", slug="start")
    starter = account(django_user_model, "starter@example.org")
    data = {
        "title": "Sanctuary schools now",
        "target_name": "The school board",
        "target_role": "",
        "ask": "Adopt a safe-campus policy.",
        "why": "Students learn best without fear.",
        "scope": "local",
        "place_name": "Springfield",
        "postal_code": "",
    }
    with django_capture_on_commit_callbacks(execute=True):
        page = services.start(index, data, starter)
    client.force_login(starter)
    assert "Waiting for review" in client.get(pane("index")).content.decode()

    editor = django_user_model.objects.filter(is_superuser=True).first()
    state = PetitionPage.objects.get(pk=page.pk).current_workflow_state
    with django_capture_on_commit_callbacks(execute=True):
        state.current_task_state.task.specific.on_action(
            state.current_task_state, editor, "approve"
        )
    page = PetitionPage.objects.get(pk=page.pk)
    assert page.live
    assert "Online" in client.get(pane("index")).content.decode()

    # Invite a co-admin, who accepts with the invited account.
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        client.post(pane("admins", page.pk), {"email": "friend@example.org"})
    link = re.search(r"https?://\S+/my-campaigns/invitations/[\w-]+/", mail.outbox[-1].body)
    friend = account(django_user_model, "friend@example.org")
    client.force_login(friend)
    path = "/" + link.group().split("/", 3)[3]
    assert client.post(path)["Location"] == pane("manage", page.pk)

    # Print a sheet, enter two signatures from it, deliver the petition.
    client.force_login(starter)
    sheet = client.post(pane("paper_sheets", page.pk), {"paper_size": "letter", "sheets": "1"})
    assert sheet["Content-Type"] == "application/pdf"
    code = PaperSheet.objects.get(page=page).code
    entry = {
        "sheet_code": code,
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "0",
        "form-0-name": "Paper One",
        "form-0-email": "one@example.org",
        "form-0-postal_code": "94103",
        "form-1-name": "Paper Two",
        "form-1-email": "two@example.org",
        "form-1-postal_code": "94104",
    }
    assert "2 added" in client.post(pane("paper_entry", page.pk), entry).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(pane("deliver", page.pk), {"group_by": "0", "only_confirmed": "on"})
    job = DeliveryJob.objects.get(page=page)
    assert job.status == "done" and job.total_rows == 2
    download = client.get(pane("delivery_download", page.pk, job.pk))
    assert download["Content-Type"] == "application/pdf"

    # Someone else, logged in, reaches none of it.
    client.force_login(account(django_user_model, "other@example.org"))
    for url in (
        pane("manage", page.pk),
        pane("signers", page.pk),
        pane("signers_csv", page.pk),
        pane("paper_sheets", page.pk),
        pane("delivery_download", page.pk, job.pk),
    ):
        response = client.get(url, follow=True)
        assert response.status_code == 404, url
