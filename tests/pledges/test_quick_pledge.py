"""Pledges taken from the pledge page's cached profile (core/signup_cache.py): after
the first POST, the page is not routed by Wagtail, and a pledge records the same."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from heretostay_wagtail.models import CampaignCounter, Pledge

from .test_pledge_page import form_data

pytestmark = pytest.mark.django_db


def test_second_pledge_records_the_same_without_routing(client, pledge_page, roles):
    first = client.post(
        pledge_page.url, form_data(email="one@example.org", roles=[roles["driver"]])
    )
    with CaptureQueriesContext(connection) as quick:
        second = client.post(
            pledge_page.url, form_data(email="two@example.org", roles=[roles["driver"]])
        )
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert not any("wagtailcore_site" in q["sql"] for q in quick.captured_queries)
    one, two = (Pledge.objects.get(email_normalized=f"{n}@example.org") for n in ("one", "two"))
    for field in ("page_id", "campaign_key", "language", "source", "area_normalized",
                  "alert_sms_consent_text", "alert_email_consent_text"):  # fmt: skip
        assert getattr(one, field) == getattr(two, field), field
    assert {r.code for r in two.roles.all()} == {"driver"}
    assert CampaignCounter.totals(pledge_page.campaign_key)["count"] == 2


def test_field_errors_after_the_profile_is_cached_show_the_page(client, pledge_page):
    client.post(pledge_page.url, form_data(email="one@example.org"))
    response = client.post(pledge_page.url, form_data(email="not an email"))
    assert response.status_code == 400
    assert 'name="alert_sms"' in response.content.decode()
