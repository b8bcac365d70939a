"""The signed link a pledger gets by email: update, withdraw, rejoin, unsubscribe."""

import re

import pytest
from django.core import mail

from heretostay_wagtail.core import tokens
from heretostay_wagtail.models import CampaignCounter, Pledge
from heretostay_wagtail.pledges import services as pledging

from .helpers import make_pledge

pytestmark = pytest.mark.django_db


def emailed_link(kind="manage"):
    return re.search(rf"http://testserver(\S+/{kind}/\S+/)", mail.outbox[-1].body).group(1)


def count(page):
    return CampaignCounter.totals(page.campaign_key)["count"]


@pytest.fixture
def pledge_with_link(django_capture_on_commit_callbacks):
    """Pledge, then commit: the link is emailed after the commit, never before it."""

    def make(page, **kwargs):
        sent = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            pledge = make_pledge(page, **kwargs)
            assert len(mail.outbox) == sent  # nothing leaves before the commit
        assert len(callbacks) == 1 and len(mail.outbox) == sent + 1
        return pledge

    return make


def test_emailed_link_opens_the_form_and_saves_changes(
    client, pledge_page, roles, pledge_with_link
):
    pledge = pledge_with_link(pledge_page, roles=[roles["driver"]])
    url = emailed_link()
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200 and "Save my choices" in html
    assert f'value="{roles["driver"].pk}"' in html
    response = client.post(
        url,
        {
            "action": "update",
            "phone": "+13125550101",
            "area": "60623",
            "roles": [roles["interpreter"].pk, roles["childcare"].pk],
            "languages": ["ar"],
            "availability": ["weeknights"],
            "alert_sms": "on",
        },
    )
    assert response.status_code == 200 and "Your choices are saved" in response.content.decode()
    pledge.refresh_from_db()
    assert {r.code for r in pledge.roles.all()} == {"interpreter", "childcare"}
    assert pledge.area_normalized == "60623" and pledge.language_list == ["ar"]
    assert pledge.alert_sms and not pledge.alert_email
    assert pledge.alert_email_consent_at is None and pledge.alert_email_consent_text == ""


def test_get_changes_nothing_and_bad_tokens_are_refused(client, pledge_page, pledge_with_link):
    pledge = pledge_with_link(pledge_page)
    url = emailed_link()
    client.get(url)
    pledge.refresh_from_db()
    assert pledge.withdrawn_at is None
    forged = url.replace("/manage/", "/manage/x")
    assert client.get(forged).status_code == 400
    other_purpose = tokens.make("confirm", pledge.public_id)  # a signature token
    bad = pledge_page.url + pledge_page.reverse_subpage("manage", args=[other_purpose])
    assert client.post(bad, {"action": "withdraw"}).status_code == 400
    pledge.refresh_from_db()
    assert pledge.withdrawn_at is None


def test_update_errors_are_shown(client, pledge_page, pledge_with_link):
    pledge_with_link(pledge_page)
    response = client.post(emailed_link(), {"action": "update", "area": "", "alert_sms": "on"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Enter a mobile phone number" in html


def test_withdraw_uncounts_and_removes_from_alerts_then_rejoin(
    client, pledge_page, pledge_with_link
):
    pledge = pledge_with_link(pledge_page)
    assert count(pledge_page) == 1
    url = emailed_link()
    response = client.post(url, {"action": "withdraw"})
    assert "You have withdrawn your pledge" in response.content.decode()
    pledge.refresh_from_db()
    assert pledge.withdrawn_at is not None and not pledge.alert_sms and not pledge.alert_email
    assert pledge.alert_sms_consent_at is None and pledge.alert_email_consent_text == ""
    assert count(pledge_page) == 0
    assert not Pledge.objects.active().filter(pk=pledge.pk).exists()
    # A second withdraw does not count down twice.
    client.post(url, {"action": "withdraw"})
    assert count(pledge_page) == 0
    # Updating while withdrawn is refused; rejoining counts again with consents off.
    assert client.post(url, {"action": "update", "area": "1"}).status_code == 400
    client.post(url, {"action": "rejoin"})
    pledge.refresh_from_db()
    assert pledge.withdrawn_at is None and not pledge.alert_sms
    assert count(pledge_page) == 1


def test_manage_page_in_spanish(client, pledge_page, pledge_page_es, pledge_with_link):
    pledge_with_link(pledge_page_es, language="es")
    response = client.get(emailed_link())
    assert "/es/" in emailed_link()
    assert "Guardar mis opciones" in response.content.decode()


def test_unsubscribe_link_stops_email_alerts_only_on_post(client, pledge_page):
    pledge = make_pledge(pledge_page)
    url = pledging.unsubscribe_url(pledge).replace("http://testserver", "")
    assert client.get(url).status_code == 200
    pledge.refresh_from_db()
    assert pledge.alert_email
    response = client.post(url)
    assert "you will not receive alerts by email" in response.content.decode()
    pledge.refresh_from_db()
    assert not pledge.alert_email and pledge.alert_sms
    assert client.post(url.replace("/unsubscribe/", "/unsubscribe/zz")).status_code == 400
