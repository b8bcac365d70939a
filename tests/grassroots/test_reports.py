"""Reporting a campaign: the public form (throttled, never a 500) and the moderators'
screen (take down, dismiss, audited)."""

import pytest
from wagtail.models import PageLogEntry

from heretostay_wagtail.core.models import CampaignAdmin, CampaignRole
from heretostay_wagtail.grassroots.models import CampaignReport
from tests.conftest import grant, make_petition
from tests.grassroots.start_helpers import *  # noqa: F403 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(index, starter):
    page = make_petition(index)
    CampaignAdmin.objects.create(page=page, user=starter, role=CampaignRole.STARTER)
    return page


def url(page):
    return f"/campaigns/report/{page.pk}/"


def test_petition_page_links_to_the_report_form_and_stays_cacheable(client, campaign, petition):
    response = client.get(campaign.url)
    assert url(campaign) in response.content.decode()
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert "csrftoken" not in response.cookies
    # An editor's own petition has no report link.
    assert url(petition) not in client.get(petition.url).content.decode()


def test_report_is_stored_without_the_ip(client, campaign):
    response = client.post(
        url(campaign),
        {"reason": "misleading", "details": "The mayor never said that.", "email": "r@example.org"},
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 302
    assert response["Location"] == f"/campaigns/report/{campaign.pk}/sent/"
    report = CampaignReport.objects.get()
    assert report.page_id == campaign.pk and report.reason == "misleading"
    assert report.ip_hash and "203.0.113.9" not in report.ip_hash
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"reason": "nonsense"},
        {"reason": "spam", "details": "x" * 1001},
        {"reason": "spam", "email": "not-an-email"},
        {"reason": "spam", "details": "bad\x00char"},
        {"reason": ["spam", "other"], "email": ["a@example.org", "b"]},
    ],
)
def test_bad_input_is_a_field_error_never_a_500(client, campaign, data):
    response = client.post(url(campaign), data)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert CampaignReport.objects.count() == 0


def test_reports_are_throttled(client, campaign):
    for _ in range(5):
        assert client.post(url(campaign), {"reason": "spam"}).status_code == 302
    response = client.post(url(campaign), {"reason": "spam"})
    assert response.status_code == 429
    assert CampaignReport.objects.count() == 5


def test_honeypot_stores_nothing(client, campaign):
    response = client.post(url(campaign), {"reason": "spam", "website": "http://spam"})
    assert response.status_code == 302
    assert CampaignReport.objects.count() == 0


def test_only_live_pages_can_be_reported(client, campaign):
    campaign.unpublish()
    assert client.get(url(campaign), follow=True).status_code == 404
    assert client.get("/campaigns/report/999999/", follow=True).status_code == 404


def make_reports(page, n=2):
    for _ in range(n):
        CampaignReport.objects.create(page=page, reason="hateful", email="r@example.org")


def test_moderator_takes_a_campaign_down(client, campaign, superuser):
    make_reports(campaign)
    client.force_login(superuser)
    listing = client.get("/admin/heretostay/reports/")
    assert listing.status_code == 200
    assert campaign.title in listing.content.decode()
    detail = client.get(f"/admin/heretostay/reports/{campaign.pk}/")
    assert "r@example.org" in detail.content.decode()
    assert PageLogEntry.objects.filter(page=campaign, action="heretostay.view").exists()
    response = client.post(f"/admin/heretostay/reports/{campaign.pk}/", {"action": "take_down"})
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert not campaign.live
    assert set(CampaignReport.objects.values_list("action", flat=True)) == {"taken_down"}
    entry = PageLogEntry.objects.get(page=campaign, action="heretostay.report.taken_down")
    assert entry.data["reports"] == 2
    assert "r@example.org" not in str(entry.data)


def test_moderator_dismisses_reports(client, campaign, superuser):
    make_reports(campaign, 1)
    client.force_login(superuser)
    client.post(f"/admin/heretostay/reports/{campaign.pk}/", {"action": "dismiss"})
    campaign.refresh_from_db()
    assert campaign.live
    assert CampaignReport.objects.get().action == "dismissed"
    assert PageLogEntry.objects.filter(page=campaign, action="heretostay.report.dismissed").exists()


def test_reports_screen_needs_the_permission(client, campaign, editor, starter):
    make_reports(campaign, 1)
    for user in (editor, starter):
        client.force_login(user)
        for path in ("/admin/heretostay/reports/", f"/admin/heretostay/reports/{campaign.pk}/"):
            assert client.get(path).status_code in (302, 403)
        client.post(f"/admin/heretostay/reports/{campaign.pk}/", {"action": "take_down"})
    campaign.refresh_from_db()
    assert campaign.live
    assert CampaignReport.objects.get().resolved_at is None


def test_moderator_without_unpublish_rights_cannot_take_down(client, campaign, editor):
    grant(editor, "heretostay.moderate_campaignreport")
    make_reports(campaign, 1)
    client.force_login(editor)
    assert client.get(f"/admin/heretostay/reports/{campaign.pk}/").status_code == 200
    response = client.post(f"/admin/heretostay/reports/{campaign.pk}/", {"action": "take_down"})
    assert response.status_code in (302, 403)
    campaign.refresh_from_db()
    assert campaign.live
