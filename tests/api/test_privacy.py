"""No personal data in any public response, ours or Wagtail's API v2."""

import json

import pytest

from heretostay_wagtail.models import Source
from heretostay_wagtail.petitions import services as signing

pytestmark = pytest.mark.django_db

PERSON = {
    "name": "Zelda Quintanilla",
    "email": "zelda.private@example.org",
    "postal_code": "94110",
    "phone": "(415) 555-0199",
    "comment": "A very private comment",
    "opt_in": True,
}
SECRETS = ["Zelda", "Quintanilla", "zelda.private", "94110", "555-0199", "5550199", "very private"]


def assert_no_personal_data(text):
    for secret in SECRETS:
        assert secret.lower() not in text.lower(), secret


@pytest.fixture
def signed(petition, live_es):
    signing.sign(petition, PERSON, source=Source.API)
    return petition


def test_public_api_responses(api, signed, live_es):
    urls = [
        "/api/v1/petitions/",
        f"/api/v1/petitions/{signed.pk}/",
        f"/api/v1/petitions/{live_es.pk}/",
        "/api/v1/osdi/",
        "/api/v1/osdi/petitions/",
        f"/api/v1/osdi/petitions/{signed.pk}/",
    ]
    for url in urls:
        response = api.get(url)
        assert response.status_code == 200, url
        assert_no_personal_data(response.content.decode())
    for url in (
        f"/api/v1/petitions/{signed.pk}/signatures/",
        f"/api/v1/osdi/petitions/{signed.pk}/record_signature_helper/",
    ):
        response = api.post(url, {"name": "Zelda"}, format="json")
        # The submitted name is never echoed back.
        assert_no_personal_data(response.content.decode())


def test_wagtail_api_v2(api, signed, live_es):
    listing = api.get("/api/v2/pages/?type=heretostay.PetitionPage&fields=*")
    assert listing.status_code == 200
    body = listing.json()
    assert body["meta"]["total_count"] == 2
    item = body["items"][0]
    assert item["ask"] == "Pass a sanctuary ordinance."
    assert item["targets"][0]["name"] == "Mayor Ana Ruiz"
    assert item["supporter_count"] == 1
    assert {"goal", "status", "scope", "place_name", "why", "body", "share_image"} <= set(item)
    assert_no_personal_data(listing.content.decode())
    for page in body["items"]:
        detail = api.get(f"/api/v2/pages/{page['id']}/")
        assert detail.status_code == 200
        assert_no_personal_data(detail.content.decode())
    # Nothing of a signature can be asked for by name either.
    for field in ("signatures", "email", "name,email"):
        response = api.get(f"/api/v2/pages/?type=heretostay.PetitionPage&fields={field}")
        assert response.status_code == 400
        assert_no_personal_data(response.content.decode())


def test_schema_and_docs_have_no_personal_data(api, signed):
    text = api.get("/api/v1/schema/?format=json").content.decode()
    json.loads(text)
    assert_no_personal_data(text)


def test_public_pledge_and_card_responses(api, pledge_page, card):
    from heretostay_wagtail.pledges import services as pledging

    pledging.pledge(
        pledge_page,
        {**PERSON, "area": PERSON["postal_code"], "alert_sms": True},
        source=Source.API,
        notify=False,
    )
    urls = ["/api/v1/pledges/", f"/api/v1/pledges/{pledge_page.pk}/", "/api/v1/cards/"]
    for url in urls:
        response = api.get(url)
        assert response.status_code == 200, url
        assert_no_personal_data(response.content.decode())
    for body in ({"name": "Zelda"}, {**PERSON, "area": "94110"}):
        response = api.post(f"/api/v1/pledges/{pledge_page.pk}/pledgers/", body, format="json")
        assert_no_personal_data(response.content.decode())


def test_wagtail_api_v2_pledge_pages_show_content_not_pledgers(api, pledge_page):
    from .conftest import PLEDGER

    assert (
        api.post(f"/api/v1/pledges/{pledge_page.pk}/pledgers/", PLEDGER, format="json").status_code
        == 202
    )
    listing = api.get("/api/v2/pages/?type=heretostay.PledgePage&fields=*")
    assert listing.status_code == 200
    item = listing.json()["items"][0]
    assert item["statement"] == pledge_page.statement and item["supporter_count"] == 1
    text = listing.content.decode() + api.get(f"/api/v2/pages/{item['id']}/").content.decode()
    for secret in ("Ana Responder", "ana.pledger", "555-0199", "5550199", "62701"):
        assert secret not in text, secret
    for field in ("pledges", "email", "phone"):
        assert (
            api.get(f"/api/v2/pages/?type=heretostay.PledgePage&fields={field}").status_code == 400
        )
