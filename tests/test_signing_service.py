"""The signing service: the one path every source goes through."""

import pytest
from django.test import override_settings

from heretostay_wagtail.models import CampaignCounter, Signature, Source
from heretostay_wagtail.petitions import services as signing

pytestmark = pytest.mark.django_db


def data(**kwargs):
    return {
        "name": "Rosa Parks",
        "email": "Rosa@Example.org",
        "postal_code": "62701",
        "opt_in": True,
        **kwargs,
    }


def test_sign_counts_and_records_consent(petition):
    result = signing.sign(petition, data(), source=Source.WEB, ip="203.0.113.9", language="en")
    assert result.created
    sig = result.signature
    assert sig.email_normalized == "rosa@example.org"
    assert sig.consent_text == str(petition.get_consent_text())
    assert sig.consent_given_at is not None and sig.source == "web"
    assert sig.ip_hash and "203.0.113.9" not in sig.ip_hash
    assert CampaignCounter.totals(petition.campaign_key)["count"] == 1


def test_no_consent_record_without_opt_in(petition):
    sig = signing.sign(petition, data(opt_in=False), source=Source.WEB).signature
    assert sig.opted_in is False and sig.consent_text == "" and sig.consent_given_at is None


def test_repeat_email_is_not_counted_twice_across_translations(petition_es, petition):
    signing.sign(petition, data(), source=Source.WEB, language="en")
    again = signing.sign(
        petition_es, data(email="rosa@EXAMPLE.org "), source=Source.WEB, language="es"
    )
    assert again.duplicate
    assert Signature.objects.count() == 1
    petition_es._totals = None
    del petition_es._totals
    assert petition_es.supporter_count == 1 == petition.supporter_count


@override_settings(HERETOSTAY={"DOUBLE_OPT_IN": True})
def test_double_opt_in_counts_only_after_confirmation(petition, mailoutbox):
    sig = signing.sign(petition, data(), source=Source.WEB).signature
    assert sig.confirmed_at is None
    assert CampaignCounter.totals(petition.campaign_key)["count"] == 0
    assert signing.confirm(sig) is True
    assert signing.confirm(sig) is False
    assert CampaignCounter.totals(petition.campaign_key)["count"] == 1


def test_deleting_a_signature_uncounts_it(petition):
    sig = signing.sign(petition, data(), source=Source.WEB).signature
    sig.delete()
    assert CampaignCounter.totals(petition.campaign_key)["count"] == 0
