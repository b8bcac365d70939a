"""Erasure (issue 14): everything about one email or phone, from the service, the
admin screen, the command and the staff API; counts only, one audit entry naming nobody."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient
from wagtail.models import ModelLogEntry, PageLogEntry

from heretostay_wagtail.core.models import CampaignCounter, Source
from heretostay_wagtail.erasure import services
from heretostay_wagtail.paper import delivery
from heretostay_wagtail.petitions import services as signing
from heretostay_wagtail.petitions.models import Signature
from heretostay_wagtail.pledges.models import Alert, AlertDelivery, Pledge
from tests.conftest import grant, make_petition
from tests.paper.test_retention import make_job
from tests.pledges.conftest import make_pledge_page
from tests.pledges.helpers import make_pledge

EMAIL = "Lucia.Gomez@Example.org"
PHONE = "+13125550177"
NAME = "Lucía Gómez"
API_URL = "/api/v1/erasure/"


def sign(petition, email, name, phone=""):
    data = {"name": name, "email": email, "postal_code": "62701", "phone": phone}
    data.update(comment="", opt_in=False)
    return signing.sign(petition, data, source=Source.WEB).record


def count(page):
    return CampaignCounter.totals(page.campaign_key)["count"]


@pytest.fixture
def person(home, petition_es, superuser):
    """Signed two petitions (the first in Spanish), pledged, was sent an alert, and is
    listed in a delivery PDF; others signed and pledged too."""
    other_petition = make_petition(home, title="Stop the detention center", slug="detention")
    pledge_page = make_pledge_page(home)
    old_job = make_job(petition_es, 45)  # built before they signed: does not list them
    sign(petition_es, EMAIL, NAME, phone=PHONE)
    sign(other_petition, EMAIL.lower(), NAME)
    sign(petition_es, "someone@example.org", "Someone Else")
    pledge = make_pledge(pledge_page, name=NAME, email=EMAIL.upper(), phone=PHONE)
    make_pledge(pledge_page, name="Other Pledger", email="other@example.org", phone="+13125550102")
    alert = Alert.objects.create(
        page=pledge_page, message="Gather now.", areas="606", channel="sms", created_by=superuser
    )
    AlertDelivery.objects.create(alert=alert, pledge=pledge, channel="sms")
    job = make_job(petition_es, 0)  # built after: lists them
    return {
        "petitions": [petition_es, other_petition],
        "pledge_page": pledge_page,
        "job": job,
        "old_job": old_job,
    }


FOUND = {"signatures": 2, "pledges": 1, "alert_deliveries": 1, "delivery_pdfs": 1}


def assert_erased(person):
    petition, other = person["petitions"]
    assert not Signature.objects.filter(email_normalized=EMAIL.lower()).exists()
    assert not Pledge.objects.filter(email_normalized=EMAIL.lower()).exists()
    assert not AlertDelivery.objects.filter(pledge__isnull=True).exists()
    assert AlertDelivery.objects.count() == 0
    assert count(petition) == 1 and count(other) == 0 and count(person["pledge_page"]) == 1
    job = person["job"]
    name = job.file_name
    job.refresh_from_db()
    assert job.file_name == "" and job.is_file_deleted  # the job stays as the record
    assert not delivery.storage().exists(name)
    old = person["old_job"]
    old.refresh_from_db()
    assert old.file_name and delivery.storage().exists(old.file_name)


def assert_one_anonymous_entry(counts):
    entries = ModelLogEntry.objects.filter(action=services.ACTION)
    entries = list(entries) + list(PageLogEntry.objects.filter(action=services.ACTION))
    assert len(entries) == 1
    entry = entries[0]
    assert {k: entry.data[k] for k in services.KINDS} == counts
    # No per-file entries either: one entry, with no trace of whom.
    assert not PageLogEntry.objects.filter(action="heretostay.delete_personal_data").exists()
    text = (entry.label + json.dumps(entry.data)).lower()
    for secret in (EMAIL.lower(), "lucia", "lucía", "gómez", "gomez", "5550177", PHONE):
        assert secret.lower() not in text


def test_find_counts_case_insensitively(person):
    assert services.find(email=EMAIL.swapcase()) == FOUND
    assert services.find(phone="(312) 555-0177") == {**FOUND, "signatures": 1}
    assert services.find(email="nobody@example.org") == dict.fromkeys(services.KINDS, 0)
    with pytest.raises(services.ErasureError):
        services.find()
    with pytest.raises(services.ErasureError):
        services.find(phone="12")


def test_erase_by_email_in_another_case(person, superuser):
    petition, other = person["petitions"]
    assert count(petition) == 2 and count(other) == 1 and count(person["pledge_page"]) == 2
    result = services.erase(email=EMAIL.swapcase(), user=superuser)
    assert result.complete and result.counts == FOUND
    assert_erased(person)
    assert_one_anonymous_entry(FOUND)
    entry = ModelLogEntry.objects.get(action=services.ACTION)
    assert entry.user == superuser


def test_erase_by_phone(person, superuser):
    result = services.erase(phone="312-555-0177", user=superuser)
    # Found by phone: the signature that gave it, the pledge, its alert, the PDF.
    assert result.counts == {**FOUND, "signatures": 1}
    assert Signature.objects.filter(email_normalized=EMAIL.lower()).count() == 1
    assert not Pledge.objects.filter(phone=PHONE).exists()
    assert AlertDelivery.objects.count() == 0
    person["job"].refresh_from_db()
    assert person["job"].file_name == ""
    assert_one_anonymous_entry({**FOUND, "signatures": 1})


def test_dry_run_command_changes_nothing_and_shows_counts_only(person):
    out = io.StringIO()
    call_command("heretostay_erase", "--email", EMAIL, "--dry-run", stdout=out)
    text = out.getvalue()
    assert "signatures: 2 would be erased" in text
    assert "delivery pdfs: 1 would be erased" in text
    assert EMAIL.lower() not in text.lower() and "Lucía" not in text
    assert services.find(email=EMAIL) == FOUND
    assert delivery.storage().exists(person["job"].file_name)
    assert not ModelLogEntry.objects.filter(action=services.ACTION).exists()


def test_command_asks_before_erasing(person, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError):
        call_command("heretostay_erase", "--email", EMAIL, stdout=io.StringIO())
    assert services.find(email=EMAIL) == FOUND
    out = io.StringIO()
    call_command("heretostay_erase", "--email", EMAIL, "--yes", stdout=out)
    assert "signatures: 2 erased" in out.getvalue()
    assert_erased(person)
    assert_one_anonymous_entry(FOUND)


def test_command_refuses_nothing_or_a_bad_phone(db):
    with pytest.raises(CommandError):
        call_command("heretostay_erase", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("heretostay_erase", "--phone", "12", stdout=io.StringIO())


# -- admin -------------------------------------------------------------------------------


@pytest.fixture
def eraser(django_user_model):
    user = django_user_model.objects.create_user("eraser", "eraser@example.org", "pw")
    return grant(user, "wagtailadmin.access_admin", "heretostay.erase_supporter")


def test_admin_finds_then_erases(person, eraser, client):
    client.force_login(eraser)
    url = reverse("heretostay_erasure")
    assert client.get(url).status_code == 200
    response = client.post(url, {"email": EMAIL.swapcase(), "phone": ""})
    assert response.status_code == 200
    assert response.context["counts"][0][1] == 2
    content = response.content.decode()
    assert NAME not in content and "Yes, erase everything" in content
    assert services.find(email=EMAIL) == FOUND  # finding changes nothing
    response = client.post(url, {"email": EMAIL, "phone": "", "confirm": "erase"}, follow=True)
    assert "Erased 5 records" in response.content.decode()
    assert_erased(person)
    assert_one_anonymous_entry(FOUND)


def test_admin_requires_an_email_or_a_phone(eraser, client):
    client.force_login(eraser)
    response = client.post(reverse("heretostay_erasure"), {"email": "", "phone": ""})
    assert response.status_code == 200 and response.context["form"].errors


def test_admin_refuses_others(person, organizer, client):
    client.force_login(organizer)  # may delete signatures, not erase a person
    url = reverse("heretostay_erasure")
    assert client.get(url).status_code in (302, 403)
    response = client.post(url, {"email": EMAIL, "confirm": "erase"})
    assert response.status_code in (302, 403)
    assert services.find(email=EMAIL) == FOUND


def test_menu_item_only_for_erasers(eraser, organizer, client):
    client.force_login(eraser)
    assert (
        reverse("heretostay_erasure") in client.get(reverse("wagtailadmin_home")).content.decode()
    )
    client.force_login(organizer)
    assert (
        reverse("heretostay_erasure")
        not in client.get(reverse("wagtailadmin_home")).content.decode()
    )


# -- API ---------------------------------------------------------------------------------


def test_api_dry_run_then_erase(person, eraser):
    api = APIClient()
    api.force_authenticate(eraser)
    response = api.post(API_URL, {"email": EMAIL.swapcase()}, format="json")
    assert response.status_code == 200
    assert response.json() == {"dry_run": True, "counts": FOUND}
    assert services.find(email=EMAIL) == FOUND
    response = api.post(API_URL, {"phone": PHONE, "dry_run": False}, format="json")
    assert response.json() == {"dry_run": False, "counts": {**FOUND, "signatures": 1}}
    assert_one_anonymous_entry({**FOUND, "signatures": 1})


def test_api_validates(eraser, db):
    api = APIClient()
    api.force_authenticate(eraser)
    response = api.post(API_URL, {}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    response = api.post(API_URL, {"phone": "12"}, format="json")
    assert response.status_code == 400 and "phone" in response.json()["errors"]
    response = api.post(API_URL, {"email": "a@example.org", "name": "x"}, format="json")
    assert response.status_code == 400 and "name" in response.json()["errors"]


def test_api_refuses_others(person, organizer):
    api = APIClient()
    assert api.post(API_URL, {"email": EMAIL}, format="json").status_code == 401
    api.force_authenticate(organizer)
    response = api.post(API_URL, {"email": EMAIL, "dry_run": False}, format="json")
    assert response.status_code == 403
    assert services.find(email=EMAIL) == FOUND


def test_permission_is_offered_in_the_group_editor(db):
    from wagtail import hooks

    registered = set()
    for hook in hooks.get_hooks("register_permissions"):
        registered.update(hook().values_list("content_type__app_label", "codename"))
    assert ("heretostay", "erase_supporter") in registered
