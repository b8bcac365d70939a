"""The one SignatureFilterSet: its campaign field, and the admin and the API agreeing."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from heretostay_wagtail.core.filters import CampaignField
from heretostay_wagtail.petitions.filters import SignatureFilterSet
from heretostay_wagtail.petitions.models import PetitionPage, Signature


@pytest.fixture
def field():
    return CampaignField(page_model=PetitionPage, required=False)  # as filters make it


def test_campaign_field_takes_a_page_id_of_any_translation_or_the_key(field, petition, petition_es):
    assert field.clean(str(petition_es.pk)) == petition.campaign_key
    assert field.clean(str(petition.campaign_key)) == petition.campaign_key
    assert field.clean("") is None


@pytest.mark.parametrize(
    "value", ["999999", "³", "12³", "abc", "00000000-0000-0000-0000-000000000000", "9" * 40]
)
def test_campaign_field_refuses_what_names_no_petition(field, petition, value):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        field.clean(value)
    assert error.value.code == "invalid_choice"


def test_admin_and_api_filter_the_same_way(
    client, organizer, petition, petition_es, make_other_petition, add_signature
):
    other = make_other_petition()
    add_signature(petition, name="English signer", email="en@example.org")
    add_signature(petition_es, name="Firmante", email="es@example.org", language="es")
    add_signature(other, name="Other signer", email="other@example.org")
    params = {"petition": str(petition_es.pk), "language": "es"}

    filters = SignatureFilterSet(data=params, queryset=Signature.objects.all())
    assert filters.is_valid()
    assert [s.name for s in filters.qs] == ["Firmante"]

    client.force_login(organizer)
    html = client.get(reverse("heretostay_signatures:index"), params).content.decode()
    assert "Firmante" in html and "English signer" not in html and "Other signer" not in html

    api = APIClient()
    api.force_authenticate(organizer)
    body = api.get(reverse("heretostay_api:signature-list"), params).json()
    assert [s["name"] for s in body["results"]] == ["Firmante"]


def test_unknown_petition_is_the_same_error_in_admin_filters_and_api(organizer, petition):
    filters = SignatureFilterSet(data={"petition": "999999"}, queryset=Signature.objects.all())
    assert not filters.is_valid()
    message = filters.errors["petition"][0]
    api = APIClient()
    api.force_authenticate(organizer)
    response = api.get(reverse("heretostay_api:signature-list"), {"petition": "999999"})
    assert response.status_code == 400
    assert response.json()["errors"]["petition"][0]["message"] == message


def test_admin_offers_no_control_for_api_only_filters(client, organizer, petition):
    client.force_login(organizer)
    html = client.get(reverse("heretostay_signatures:index")).content.decode()
    assert 'name="petition"' in html and 'name="language"' in html
    for name in SignatureFilterSet.api_only:
        assert f'name="{name}"' not in html and f"id_{name}" not in html


def test_admin_petition_choices_are_read_fresh_for_each_request(
    client, organizer, petition, make_other_petition
):
    client.force_login(organizer)
    index = reverse("heretostay_signatures:index")
    assert petition.title in client.get(index).content.decode()
    other = make_other_petition()
    html = client.get(index).content.decode()
    assert f'value="{other.campaign_key}"' in html
