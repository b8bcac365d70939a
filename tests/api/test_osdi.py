"""OSDI shape: HAL+JSON petitions, staff signatures with embedded people, the helper."""

import pytest

from heretostay_wagtail.api.osdi import split_name
from heretostay_wagtail.models import CampaignCounter, Signature, Source
from heretostay_wagtail.petitions import services as signing

from .conftest import SIGNER

pytestmark = pytest.mark.django_db


def helper_url(page):
    return f"/api/v1/osdi/petitions/{page.pk}/record_signature_helper/"


PERSON = {
    "person": {
        "given_name": "Rosa María",
        "family_name": "Parks",
        "email_addresses": [{"address": "rosa.osdi@example.org", "status": "subscribed"}],
        "phone_numbers": [{"number": "(217) 555-0142"}],
        "postal_addresses": [{"postal_code": "62701"}],
    },
    "comments": "Count me in.",
    "add_tags": ["volunteer"],
}


def test_entry_point_links_to_petitions(api):
    response = api.get("/api/v1/osdi/")
    assert response["Content-Type"] == "application/hal+json"
    body = response.json()
    assert body["_links"]["osdi:petitions"]["href"] == "http://testserver/api/v1/osdi/petitions/"
    assert body["_links"]["curies"][0]["name"] == "osdi"


def test_petition_collection_is_hal(api, petition):
    signing.sign(petition, SIGNER, source=Source.WEB)
    response = api.get("/api/v1/osdi/petitions/")
    assert response["Content-Type"] == "application/hal+json"
    body = response.json()
    assert body["total_records"] == 1 and body["page"] == 1 and body["total_pages"] == 1
    [item] = body["_embedded"]["osdi:petitions"]
    assert item["title"] == petition.title
    assert item["petition_text"] == "Pass a sanctuary ordinance."
    assert item["description"] == "<p>Families should not live in fear.</p>"
    assert item["target"] == [{"name": "Mayor Ana Ruiz"}]
    assert item["total_signatures"] == 1
    assert item["browser_url"] == "http://testserver/en/sanctuary-city/"
    assert item["origin_system"] == "heretostay-wagtail"
    assert item["_links"]["osdi:record_signature_helper"]["href"].endswith(helper_url(petition))
    assert api.get(item["_links"]["self"]["href"]).json()["title"] == petition.title


def test_record_signature_helper_creates_signature_and_person(api, petition):
    response = api.post(helper_url(petition), PERSON, format="json")
    assert response.status_code == 202
    assert response["Content-Type"] == "application/hal+json"
    assert response.json()["_links"]["osdi:petition"]["href"].endswith(
        f"/api/v1/osdi/petitions/{petition.pk}/"
    )
    signature = Signature.objects.get()
    assert signature.name == "Rosa María Parks"
    assert signature.email == "rosa.osdi@example.org"
    assert signature.phone.as_e164 == "+12175550142"
    assert signature.postal_code == "62701" and signature.comment == "Count me in."
    assert signature.opted_in and signature.source == "api"
    assert CampaignCounter.totals(petition.campaign_key)["count"] == 1


def test_helper_accepts_hal_json_content_type(api, petition):
    import json

    response = api.generic(
        "POST", helper_url(petition), json.dumps(PERSON), content_type="application/hal+json"
    )
    assert response.status_code == 202


def test_helper_is_enumeration_safe(api, petition):
    first = api.post(helper_url(petition), PERSON, format="json")
    again = api.post(helper_url(petition), PERSON, format="json")
    assert first.status_code == again.status_code == 202
    assert first.content == again.content
    assert Signature.objects.count() == 1


def test_helper_errors_name_the_osdi_field(api, petition):
    bad = {
        "person": {
            "given_name": "",
            "email_addresses": [{"address": "nope"}],
            "postal_addresses": [{"postal_code": "!!"}],
        }
    }
    response = api.post(helper_url(petition), bad, format="json", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {
        "person.given_name",
        "person.email_addresses.0.address",
        "person.postal_addresses.0.postal_code",
    }
    assert errors["person.email_addresses.0.address"][0]["message"] == (
        "Escribe un correo electrónico válido, por ejemplo nombre@ejemplo.com."
    )


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "person"),
        ({"person": {"given_name": "A", "email_addresses": []}}, "person.email_addresses"),
        ({"person": {"given_name": "A"}}, "person.email_addresses"),
        ({"person": "Rosa"}, "person"),
        (
            {"person": {"given_name": 5, "email_addresses": [{"address": ["x"]}]}},
            "person.email_addresses.0.address",
        ),
    ],
)
def test_helper_bad_shapes_are_400(api, petition, body, field):
    response = api.post(helper_url(petition), body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_osdi_signatures_are_staff_only(api, editor_api, petition):
    url = f"/api/v1/osdi/petitions/{petition.pk}/signatures/"
    assert api.get(url).status_code == 401
    assert editor_api.get(url).status_code == 403


def test_osdi_people_have_no_contacts_without_the_contact_permission(viewer_api, petition):
    """As the staff lists: a reader with view_signature alone gets names, postal codes and
    comments, never an email address or a phone number; the audit entry says so."""
    from wagtail.models import PageLogEntry

    signing.sign(petition, SIGNER, source=Source.API)
    response = viewer_api.get(f"/api/v1/osdi/petitions/{petition.pk}/signatures/")
    assert response.status_code == 200
    [signature] = response.json()["_embedded"]["osdi:signatures"]
    person = signature["_embedded"]["osdi:person"]
    assert person["email_addresses"] == [] and person["phone_numbers"] == []
    assert person["family_name"] == "Parks"
    assert "rosa.signer" not in response.content.decode()
    entry = PageLogEntry.objects.filter(action="heretostay.view").latest("timestamp")
    assert entry.data["contacts"] is False


def test_osdi_signatures_embed_the_person(viewer_api, petition, django_user_model):
    from tests.conftest import grant

    grant(django_user_model.objects.get(username="viewer"), "heretostay.view_signature_contact")
    signing.sign(petition, SIGNER, source=Source.API)
    response = viewer_api.get(f"/api/v1/osdi/petitions/{petition.pk}/signatures/")
    assert response.status_code == 200
    body = response.json()
    [signature] = body["_embedded"]["osdi:signatures"]
    person = signature["_embedded"]["osdi:person"]
    assert person["given_name"] == "Rosa María" and person["family_name"] == "Parks"
    assert person["email_addresses"] == [
        {"address": "rosa.signer@example.org", "primary": True, "status": "subscribed"}
    ]
    assert person["phone_numbers"] == [{"number": "+12175550142", "primary": True}]
    assert person["postal_addresses"] == [{"postal_code": "62701", "primary": True}]
    assert signature["comments"] == "For my neighbours."
    assert signature["identifiers"][0].startswith("heretostay:")
    assert signature["_links"]["osdi:petition"]["href"].endswith(f"/petitions/{petition.pk}/")


@pytest.mark.parametrize(
    "name, parts",
    [
        ("Rosa María Parks", ("Rosa María", "Parks")),
        ("Cher", ("Cher", "")),
        ("  Ana  Ruiz ", ("Ana ", "Ruiz")),
        ("", ("", "")),
    ],
)
def test_split_name_on_the_last_space(name, parts):
    given, family = split_name(name)
    assert (given.strip(), family) == (parts[0].strip(), parts[1])
