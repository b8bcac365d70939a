"""Public counts refresh in batches, so one submission cannot be seen to move them.

The oracle (issue 14): read the count, submit someone's email, read again: +1 if new, +0
if they had signed. With ``PUBLIC_COUNT_INTERVAL`` the count everyone sees is the one
published at the last refresh; organizers see the running totals.
"""

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse

from heretostay_wagtail.models import CampaignCounter
from tests.pledges.conftest import make_pledge_page

pytestmark = pytest.mark.django_db

BATCHED = {"PHONE_DEFAULT_REGION": "US", "PUBLIC_COUNT_INTERVAL": 60}


def sign(client, page, email, ip="198.51.100.7"):
    data = {"name": "Ana Flores", "email": email, "postal_code": "62701"}
    assert client.post(page.url, data, REMOTE_ADDR=ip).status_code == 302


def public_counts(client, petition):
    """The count as each public channel shows it: page, count endpoint, API (its list
    and its detail must agree)."""
    page = client.get(petition.url).content.decode()
    endpoint = client.get(petition.url + "count/").json()["count"]
    api = client.get(f"/api/v1/petitions/{petition.pk}/").json()["progress"]["count"]
    listed = client.get("/api/v1/petitions/").json()["results"][0]["progress"]["count"]
    assert listed == api
    return page, endpoint, api


def age_snapshot(campaign_key, seconds):
    CampaignCounter.objects.filter(pk=campaign_key).update(
        published_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=seconds)
    )


@override_settings(HERETOSTAY=BATCHED)
def test_a_new_signature_does_not_move_the_public_count_until_the_refresh(client, petition):
    sign(client, petition, "first@example.org")
    # A new campaign's counter starts published at 0: the first signer waits too.
    assert public_counts(client, petition)[1:] == (0, 0)
    age_snapshot(petition.campaign_key, 61)
    _page, endpoint, api = public_counts(client, petition)  # publishes 1
    assert endpoint == api == 1
    sign(client, petition, "probe@example.org", ip="198.51.100.8")  # the attacker's probe
    _page, endpoint, api = public_counts(client, petition)
    assert endpoint == api == 1  # new or repeat, the same answer
    assert CampaignCounter.totals(petition.campaign_key)["count"] == 2  # organizers: exact
    age_snapshot(petition.campaign_key, 61)
    _page, endpoint, api = public_counts(client, petition)
    assert endpoint == api == 2


@override_settings(HERETOSTAY=BATCHED)
def test_new_and_repeat_emails_read_the_same(client, petition):
    sign(client, petition, "known@example.org")
    age_snapshot(petition.campaign_key, 61)
    before = public_counts(client, petition)[1:]
    sign(client, petition, "known@example.org", ip="198.51.100.9")  # repeat
    after_repeat = public_counts(client, petition)[1:]
    sign(client, petition, "unknown@example.org", ip="198.51.100.10")  # new
    after_new = public_counts(client, petition)[1:]
    assert before == after_repeat == after_new


@override_settings(HERETOSTAY=BATCHED)
def test_the_editor_panel_shows_the_running_count(client, superuser, petition):
    public_counts(client, petition)  # publishes 0
    sign(client, petition, "a@example.org")
    client.force_login(superuser)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[petition.pk])).content.decode()
    panel = html[html.index("data-heretostay-signature-count") :]
    assert "<strong>1</strong> signature so far" in panel


@override_settings(HERETOSTAY=BATCHED)
def test_pledge_counts_are_batched_too(client, home):
    from tests.pledges.helpers import make_pledge

    page = make_pledge_page(home)
    assert client.get(page.url + "count/").json()["count"] == 0
    make_pledge(page, name="Ana", email="ana@example.org", area="60608")
    assert client.get(page.url + "count/").json()["count"] == 0
    age_snapshot(page.campaign_key, 61)
    assert client.get(page.url + "count/").json()["count"] == 1


def test_with_no_interval_the_count_is_the_running_one(client, petition):
    sign(client, petition, "a@example.org")
    assert client.get(petition.url + "count/").json()["count"] == 1
