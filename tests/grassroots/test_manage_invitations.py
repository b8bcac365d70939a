"""Campaign admins: invitations by email (signed, expiring, single-use), accepting with the
invited account only, removing co-admins and leaving."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from heretostay_wagtail.core.models import CampaignAdmin, CampaignRole
from heretostay_wagtail.grassroots import invitations
from heretostay_wagtail.grassroots.models import CampaignInvitation
from tests.grassroots.manage_helpers import *  # noqa: F403 - the fixtures
from tests.grassroots.manage_helpers import account, run_by


def pane(name, *args):
    return reverse(f"heretostay:heretostay_mycampaigns_{name}", args=args)


def invite(client, page, email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(pane("admins", page.pk), {"email": email})


def link_in(message):
    return re.search(r"https?://\S+/my-campaigns/invitations/[\w-]+/", message.body).group()


@pytest.fixture
def invited(client, alice, campaign, mailoutbox, django_capture_on_commit_callbacks):
    """Alice invites dana@example.org; returns the link's path."""
    client.force_login(alice)
    response = invite(client, campaign, "Dana@Example.org", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    client.logout()
    (message,) = mailoutbox
    return link_in(message).split("testserver", 1)[-1]


def test_invitation_email_and_what_is_stored(client, alice, campaign, mailoutbox, invited):
    (message,) = mailoutbox
    assert message.to == ["Dana@Example.org"]
    assert campaign.title in message.subject
    token = invited.rstrip("/").rsplit("/", 1)[-1]
    invitation = CampaignInvitation.objects.get()
    # Only a digest of the token is stored, and the link expires.
    assert invitation.token_digest == invitations.digest(token)
    assert token not in str(CampaignInvitation.objects.values().get())
    assert timedelta(days=6) < invitation.expires_at - timezone.now() <= timedelta(days=7)


def test_invitation_email_in_the_petition_language(
    client, alice, petition_es, mailoutbox, django_capture_on_commit_callbacks
):
    run_by(petition_es, alice)
    client.force_login(alice)
    invite(client, petition_es, "dana@example.org", django_capture_on_commit_callbacks)
    (message,) = mailoutbox
    assert petition_es.title in message.subject
    html = message.alternatives[0][0]
    assert '<html lang="es">' in html


def test_accept_with_the_invited_account(client, invited, campaign, django_user_model):
    dana = account(django_user_model, "dana")
    client.force_login(dana)
    page = client.get(invited)  # an email scanner's GET spends nothing
    assert page.status_code == 200 and campaign.title in page.content.decode()
    assert not CampaignAdmin.objects.filter(user=dana).exists()
    response = client.post(invited)
    assert response["Location"] == pane("manage", campaign.pk)
    row = CampaignAdmin.objects.get(user=dana)
    assert row.role == CampaignRole.ADMIN and row.page_id == campaign.pk
    assert client.get(pane("manage", campaign.pk)).status_code == 200


def test_reused_link_is_refused(client, invited, django_user_model):
    dana = account(django_user_model, "dana")
    client.force_login(dana)
    client.post(invited)
    again = client.post(invited)
    assert again.status_code == 400
    assert "already been used" in again.content.decode()
    assert CampaignAdmin.objects.filter(user=dana).count() == 1


def test_expired_link_is_refused(client, invited, django_user_model):
    CampaignInvitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    client.force_login(account(django_user_model, "dana"))
    response = client.post(invited)
    assert response.status_code == 400 and "has expired" in response.content.decode()
    assert not CampaignAdmin.objects.filter(role=CampaignRole.ADMIN).exists()


def test_wrong_account_is_refused(client, invited, campaign, bob):
    client.force_login(bob)
    page = client.get(invited)
    html = page.content.decode()
    assert page.status_code == 400
    assert "sent to another email address" in html
    assert campaign.title not in html  # a stray link does not say which campaign
    assert client.post(invited).status_code == 400
    assert not CampaignAdmin.objects.filter(user=bob).exists()
    assert CampaignInvitation.objects.get().accepted_at is None  # still usable by Dana


def test_unverified_address_is_refused(client, invited, django_user_model):
    dana = account(django_user_model, "dana", verified=False)
    client.force_login(dana)
    assert client.post(invited).status_code == 400
    assert not CampaignAdmin.objects.filter(user=dana).exists()


def test_forged_link_is_refused(client, invited, bob):
    client.force_login(bob)
    response = client.get(pane("accept", "not-a-token"))
    assert response.status_code == 400 and "not valid" in response.content.decode()


def test_accept_needs_login(client, invited):
    response = client.get(invited)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_invite_errors(client, alice, campaign, carol, django_capture_on_commit_callbacks):
    client.force_login(alice)
    bad = invite(client, campaign, "not an email", django_capture_on_commit_callbacks)
    assert bad.status_code == 200 and "valid email" in bad.content.decode()
    own = invite(client, campaign, "alice@example.org", django_capture_on_commit_callbacks)
    assert "already runs this campaign" in own.content.decode()
    assert not CampaignInvitation.objects.exists()


def test_reinviting_replaces_the_waiting_invitation(
    client, alice, campaign, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    invite(client, campaign, "dana@example.org", django_capture_on_commit_callbacks)
    invite(client, campaign, "DANA@example.org", django_capture_on_commit_callbacks)
    assert CampaignInvitation.objects.count() == 1
    first, second = (link_in(m) for m in mailoutbox)
    assert invitations.find(first.rstrip("/").rsplit("/", 1)[-1]) is None


def test_too_many_waiting(client, alice, campaign, django_capture_on_commit_callbacks):
    for i in range(invitations.MAX_PENDING):
        CampaignInvitation.objects.create(
            page=campaign,
            email=f"p{i}@example.org",
            token_digest=invitations.digest(f"t{i}"),
            expires_at=invitations.expiry(),
        )
    client.force_login(alice)
    response = invite(client, campaign, "one.more@example.org", django_capture_on_commit_callbacks)
    assert "Too many invitations" in response.content.decode()


def test_cancel_invitation(client, alice, campaign, invited, django_user_model):
    invitation = CampaignInvitation.objects.get()
    client.force_login(alice)
    client.post(pane("cancel_invitation", campaign.pk, invitation.pk))
    assert not CampaignInvitation.objects.exists()
    client.force_login(account(django_user_model, "dana"))
    assert client.post(invited).status_code == 400


# -- removing and leaving ---------------------------------------------------------------


@pytest.fixture
def team(campaign, alice, django_user_model):
    dana = account(django_user_model, "dana")
    erin = account(django_user_model, "erin")
    rows = {
        "starter": CampaignAdmin.objects.get(user=alice),
        "dana": CampaignAdmin.objects.create(page=campaign, user=dana, role=CampaignRole.ADMIN),
        "erin": CampaignAdmin.objects.create(page=campaign, user=erin, role=CampaignRole.ADMIN),
    }
    return dana, erin, rows


def test_a_co_admin_cannot_remove_the_starter_nor_another_co_admin(client, campaign, team):
    dana, erin, rows = team
    client.force_login(dana)
    html = client.get(pane("admins", campaign.pk)).content.decode()
    assert pane("remove_admin", campaign.pk, rows["starter"].pk) not in html
    assert pane("remove_admin", campaign.pk, rows["erin"].pk) not in html
    for row in (rows["starter"], rows["erin"]):
        url = pane("remove_admin", campaign.pk, row.pk)
        response = client.post(url)
        if response.status_code == 302:  # the test site's 404 redirect (LocaleMiddleware)
            response = client.get(response["Location"])
        assert response.status_code == 404
    assert CampaignAdmin.objects.count() == 3


def test_a_co_admin_can_leave(client, campaign, team):
    dana, erin, rows = team
    client.force_login(dana)
    url = pane("remove_admin", campaign.pk, rows["dana"].pk)
    assert "Yes, leave the campaign" in client.get(url).content.decode()
    response = client.post(url)
    assert response["Location"] == pane("index")
    assert not CampaignAdmin.objects.filter(user=dana).exists()
    response = client.get(pane("manage", campaign.pk))
    assert response.status_code in (302, 404)


def test_the_starter_removes_a_co_admin_but_not_themself(client, campaign, team, alice):
    dana, erin, rows = team
    client.force_login(alice)
    client.post(pane("remove_admin", campaign.pk, rows["dana"].pk))
    assert not CampaignAdmin.objects.filter(user=dana).exists()
    response = client.post(pane("remove_admin", campaign.pk, rows["starter"].pk))
    assert response.status_code in (302, 404)
    assert CampaignAdmin.objects.filter(user=alice, role=CampaignRole.STARTER).exists()


def test_invitations_are_rate_limited_per_account(
    client, alice, campaign, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    for i in range(10):
        invite(client, campaign, f"p{i}@example.org", django_capture_on_commit_callbacks)
    response = invite(client, campaign, "p10@example.org", django_capture_on_commit_callbacks)
    assert "many invitations" in response.content.decode()
    assert len(mailoutbox) == 10
    assert not CampaignInvitation.objects.filter(email="p10@example.org").exists()
