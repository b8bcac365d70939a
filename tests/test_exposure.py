"""Minimal exposure (issue 14): emails and phones only for those allowed to see them, in
the admin and the staff API; exports with or without contacts; one audit entry per view
of personal data, holding none; and every permission the package defines offered in
Wagtail's group editor."""

import csv
import io
import json
import re

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.urls import reverse
from openpyxl import load_workbook
from phonenumber_field.phonenumber import PhoneNumber
from rest_framework.test import APIClient
from wagtail.models import ModelLogEntry, PageLogEntry, Site

from heretostay_wagtail.core import privacy
from heretostay_wagtail.models import (
    Alert,
    AlertDelivery,
    Signature,
    Source,
    VolunteerRole,
)
from heretostay_wagtail.petitions import services as signing
from tests.conftest import grant
from tests.pledges.conftest import make_pledge_page
from tests.pledges.helpers import make_pledge

pytestmark = pytest.mark.django_db

SIGNATURES = "heretostay_signatures:index"
ROSTER = "heretostay_roster:index"

SIGNER = {
    "name": "Zelda Quintanilla",
    "email": "Zelda.Quintanilla@example.org",
    "postal_code": "94110",
    "phone": "+14155550199",
}
OTHER_SIGNER = {"name": "Omar Otero", "email": "omar@correo.mx", "postal_code": "94110"}
PLEDGER = {"name": "Yara Pledgewell", "email": "yara.pledge@example.org", "phone": "+13125550177"}

#: What no audit entry, and no masked screen, may hold.
SECRETS = (
    "Zelda",
    "Quintanilla",
    "zelda.quintanilla",
    "4155550199",
    "555-0199",
    "Omar",
    "omar@",
    "Yara",
    "Pledgewell",
    "yara.pledge",
    "3125550177",
)
CONTACT_SECRETS = ("zelda.quintanilla@", "4155550199", "omar@correo", "yara.pledge@", "3125550177")


def assert_no_contacts(text):
    for secret in CONTACT_SECRETS:
        assert secret not in text.lower(), secret


def view_entries():
    return entries("heretostay.view")


def entries(action):
    """Entries of ``action``, oldest first (Wagtail orders them newest first)."""
    found = list(ModelLogEntry.objects.filter(action=action)) + list(
        PageLogEntry.objects.filter(action=action)
    )
    return sorted(found, key=lambda entry: (entry.timestamp, entry.pk))


def assert_log_holds_no_personal_data():
    everything = list(ModelLogEntry.objects.all()) + list(PageLogEntry.objects.all())
    assert everything
    for entry in everything:
        text = f"{entry.label} {json.dumps(entry.data)}".lower()
        for secret in SECRETS:
            assert secret.lower() not in text, (entry.action, secret, text)


def streamed(response):
    return b"".join(response.streaming_content)


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(streamed(response).decode("utf-8-sig"))))


# -- fixtures ------------------------------------------------------------------------------


@pytest.fixture
def signed(petition):
    signing.sign(petition, SIGNER, source=Source.WEB, language="en")
    signing.sign(petition, OTHER_SIGNER, source=Source.WEB, language="en")
    return petition


@pytest.fixture
def pledge_page(home, locales):
    VolunteerRole.seed_defaults([locales["es"]])
    return make_pledge_page(home)


@pytest.fixture
def pledged(pledge_page):
    return make_pledge(pledge_page, **PLEDGER)


SUPPORTER_PERMISSIONS = (
    "wagtailadmin.access_admin",
    "heretostay.view_signature",
    "heretostay.export_signature",
    "heretostay.view_pledge",
    "heretostay.export_pledge",
    "heretostay.view_alert",
)


@pytest.fixture
def masked_user(django_user_model):
    """May see and export signatures and pledgers, but not their emails and phones."""
    user = django_user_model.objects.create_user("masked", "masked@example.net", "pw")
    return grant(user, *SUPPORTER_PERMISSIONS)


@pytest.fixture
def contact_user(django_user_model):
    """The same, with both contact permissions."""
    user = django_user_model.objects.create_user("contacts", "contacts@example.net", "pw")
    return grant(
        user,
        *SUPPORTER_PERMISSIONS,
        "heretostay.view_signature_contact",
        "heretostay.view_pledge_contact",
    )


def api_client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


# -- the masks -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "email, masked",
    [
        ("ana.ruiz@example.org", "a•••@e•••.org"),
        ("Zelda.Q@Mail.Example.COM", "Z•••@M•••.com"),
        # A country's domain could hint at where someone comes from: masked too.
        ("omar@correo.mx", "o•••@c•••.•••"),
        ("x@xn--p1ai", "x•••@x•••"),
        ("a@b.xn--p1ai", "a•••@b•••.•••"),
        ("not-an-address", "•••"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_email(email, masked):
    assert privacy.mask_email(email) == masked


@pytest.mark.parametrize(
    "phone, masked",
    [
        ("+14155550199", "•••99"),
        (PhoneNumber.from_string("+44 20 7946 0958"), "•••58"),  # no country code
        ("(415) 555-0142", "•••42"),
        ("12", "•••"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_phone(phone, masked):
    assert privacy.mask_phone(phone) == masked


def test_redact_contacts_in_free_text():
    text = (
        "SMTPRecipientsRefused: {'zelda.q@example.org': (550, b'5.1.1 unknown')}; +1 415 555 0199"
    )
    redacted = privacy.redact_contacts(text)
    assert "zelda" not in redacted and "0199" not in redacted and "415" not in redacted
    assert "z•••@e•••.org" in redacted and "•••99" in redacted
    assert "550" in redacted and "5.1.1" in redacted  # short codes are not phones


# -- the admin: listings and inspect views -------------------------------------------------


def test_signature_listing_masks_contacts_without_the_permission(
    client, masked_user, contact_user, signed
):
    client.force_login(masked_user)
    html = client.get(reverse(SIGNATURES)).content.decode()
    assert "Zelda Quintanilla" in html  # names are what view_signature is for
    assert "Z•••@e•••.org" in html and "o•••@c•••.•••" in html
    assert_no_contacts(html)

    client.force_login(contact_user)
    html = client.get(reverse(SIGNATURES)).content.decode()
    assert SIGNER["email"] in html and OTHER_SIGNER["email"] in html


def test_signature_inspect_masks_contacts_and_is_audited(client, masked_user, contact_user, signed):
    signature = Signature.objects.get(name=SIGNER["name"])
    url = reverse("heretostay_signatures:inspect", args=[signature.pk])
    client.force_login(masked_user)
    html = client.get(url).content.decode()
    assert "Z•••@e•••.org" in html and "•••99" in html and "94110" in html
    assert_no_contacts(html)
    [entry] = view_entries()
    assert isinstance(entry, PageLogEntry) and entry.page_id == signed.pk
    assert entry.user == masked_user
    assert entry.data["model"] == "heretostay.Signature" and entry.data["records"] == 1
    assert entry.data["contacts"] is False and entry.data["supporter"] == str(signature.public_id)

    client.force_login(contact_user)
    html = client.get(url).content.decode()
    assert SIGNER["email"] in html and "+14155550199" in html
    assert view_entries()[-1].data["contacts"] is True
    assert_log_holds_no_personal_data()


def test_roster_inspect_masks_contacts(client, masked_user, contact_user, pledged, pledge_page):
    url = reverse("heretostay_roster:inspect", args=[pledged.pk])
    client.force_login(masked_user)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Yara Pledgewell" in html and "y•••@e•••.org" in html and "•••77" in html
    assert_no_contacts(html)
    client.force_login(contact_user)
    html = client.get(url).content.decode()
    assert PLEDGER["email"] in html
    assert [e.data["contacts"] for e in view_entries()] == [False, True]
    assert {e.page_id for e in view_entries()} == {pledge_page.pk}
    assert_log_holds_no_personal_data()


def test_each_listing_request_writes_one_audit_entry_without_personal_data(
    client, contact_user, signed, pledged, pledge_page
):
    site = Site.objects.get(is_default_site=True)
    client.force_login(contact_user)

    client.get(reverse(SIGNATURES))
    [entry] = view_entries()
    assert isinstance(entry, ModelLogEntry) and entry.object_id == str(site.pk)
    assert entry.data == {
        "model": "heretostay.Signature",
        "records": 2,
        "contacts": True,
        "filters": {},
        "page": 1,
        "via": "admin",
    }

    # Filtered to one petition (the results fragment Wagtail fetches in place, too): on
    # its page; a search is noted, never what was searched for.
    ModelLogEntry.objects.all().delete()
    client.get(
        reverse("heretostay_signatures:index_results"),
        {"petition": str(signed.campaign_key), "q": "zelda.quintanilla@"},
    )
    [entry] = view_entries()
    assert isinstance(entry, PageLogEntry) and entry.page_id == signed.pk
    assert entry.data["records"] == 1
    assert entry.data["filters"] == {"petition": str(signed.campaign_key), "q": "[search]"}

    # The roster does not list contacts, so its entry says none were shown.
    client.get(reverse(ROSTER), {"campaign": str(pledge_page.campaign_key)})
    entry = PageLogEntry.objects.filter(action="heretostay.view").latest("pk")
    assert entry.page_id == pledge_page.pk
    assert entry.data["model"] == "heretostay.Pledge" and entry.data["records"] == 1
    assert entry.data["contacts"] is False
    assert len(view_entries()) == 2
    assert_log_holds_no_personal_data()


def test_email_search_without_the_permission_matches_whole_addresses_only(
    client, masked_user, contact_user, signed, pledged
):
    def names(user, url_name, q):
        client.force_login(user)
        html = client.get(reverse(url_name), {"q": q}).content.decode()
        return {n for n in ("Zelda Quintanilla", "Omar Otero", "Yara Pledgewell") if n in html}

    # Parts of an address find nothing: the masks cannot be worked out a search at a time.
    assert names(masked_user, SIGNATURES, "@example.org") == set()
    assert names(masked_user, SIGNATURES, "correo.mx") == set()
    assert names(masked_user, SIGNATURES, "quintanilla@") == set()
    # The whole address (any case) finds its record, shown masked; names still search.
    assert names(masked_user, SIGNATURES, "zelda.quintanilla@EXAMPLE.org") == {"Zelda Quintanilla"}
    assert names(masked_user, SIGNATURES, "Omar") == {"Omar Otero"}
    assert names(masked_user, SIGNATURES, "zelda") == {"Zelda Quintanilla"}  # the name
    assert names(masked_user, ROSTER, "yara.pledge@example.org") == {"Yara Pledgewell"}
    assert names(masked_user, ROSTER, "pledgewell") == {"Yara Pledgewell"}  # the name
    assert names(masked_user, ROSTER, "yara.pledge") == set()
    assert names(masked_user, ROSTER, "pledge@example") == set()
    # With the permission, any part of an address matches.
    assert names(contact_user, SIGNATURES, "@example.org") == {"Zelda Quintanilla"}
    assert names(contact_user, ROSTER, "pledge@example") == {"Yara Pledgewell"}


def test_alert_delivery_log_masks_contacts_in_failure_reasons(
    client, masked_user, contact_user, pledged, pledge_page
):
    alert = Alert.objects.create(
        page=pledge_page, message="Verified report.", areas="60608", created_by=contact_user
    )
    AlertDelivery.objects.create(
        alert=alert,
        pledge=pledged,
        channel="email",
        status="failed",
        error="SMTPRecipientsRefused: {'yara.pledge@example.org': (550, b'unknown')}",
    )
    url = reverse("heretostay_alerts:deliveries", args=[alert.pk])
    client.force_login(masked_user)
    html = client.get(url).content.decode()
    assert "Yara Pledgewell" in html and "y•••@e•••.org" in html
    assert_no_contacts(html)
    client.force_login(contact_user)
    assert PLEDGER["email"] in client.get(url).content.decode()
    assert [e.data["contacts"] for e in view_entries()] == [False, True]
    assert {e.data["model"] for e in view_entries()} == {"heretostay.AlertDelivery"}
    assert_log_holds_no_personal_data()


# -- the admin: exports --------------------------------------------------------------------


def export_links(html):
    """(without, with) export URLs found in a listing's results."""
    found = {}
    for marker in ("data-heretostay-export", "data-heretostay-export-contacts"):
        block = re.search(rf"<p {marker}>(.*?)</p>", html, re.S)
        found[marker] = (
            [u.replace("&amp;", "&") for u in re.findall(r'href="(/[^"]+)"', block.group(1))]
            if block
            else []
        )
    return found["data-heretostay-export"], found["data-heretostay-export-contacts"]


def test_admin_export_links_offer_contacts_only_to_those_allowed(
    client, masked_user, contact_user, signed, pledged
):
    for url_name in (SIGNATURES, ROSTER):
        client.force_login(masked_user)
        without, with_contacts = export_links(client.get(reverse(url_name)).content.decode())
        assert len(without) == 2 and all("contacts=0" in u for u in without)
        assert with_contacts == []
        client.force_login(contact_user)
        html = client.get(reverse(url_name), {"q": "a"}).content.decode()
        without, with_contacts = export_links(html)
        assert len(with_contacts) == 2 and all("contacts=1" in u for u in with_contacts)
        assert all("q=a" in u for u in without + with_contacts)  # what is listed
        assert "With email addresses and phone numbers:" in html


def test_admin_signature_export_with_and_without_contacts(
    client, masked_user, contact_user, signed
):
    client.force_login(contact_user)
    without, with_contacts = export_links(client.get(reverse(SIGNATURES)).content.decode())
    rows = csv_rows(client.get(next(u for u in with_contacts if "export=csv" in u)))
    assert {r["Email"] for r in rows} == {SIGNER["email"], OTHER_SIGNER["email"]}
    assert {r["Phone"] for r in rows} == {"'" + SIGNER["phone"], ""}  # "+" neutralized
    rows = csv_rows(client.get(next(u for u in without if "export=csv" in u)))
    assert "Email" not in rows[0] and "Phone" not in rows[0]
    assert {r["Name"] for r in rows} == {SIGNER["name"], OTHER_SIGNER["name"]}
    assert [e.data["contacts"] for e in entries("heretostay.export")] == [True, False]

    # Without the permission, asking for contacts does not bring them (XLSX too).
    client.force_login(masked_user)
    response = client.get(reverse(SIGNATURES), {"export": "xlsx", "contacts": "1"})
    sheet = load_workbook(io.BytesIO(streamed(response)), read_only=True).active
    headings = next(sheet.iter_rows(values_only=True))
    assert "Email" not in headings and "Phone" not in headings and "Name" in headings
    entry = ModelLogEntry.objects.filter(action="heretostay.export").latest("pk")
    assert entry.user == masked_user and entry.data["contacts"] is False
    assert_log_holds_no_personal_data()


def test_admin_roster_export_with_and_without_contacts(
    client, masked_user, contact_user, pledged, pledge_page
):
    client.force_login(contact_user)
    _without, with_contacts = export_links(client.get(reverse(ROSTER)).content.decode())
    rows = csv_rows(client.get(next(u for u in with_contacts if "export=csv" in u)))
    assert [(r["Email"], r["Phone"]) for r in rows] == [(PLEDGER["email"], "'" + PLEDGER["phone"])]
    # The roster's export URL takes the same option.
    export = reverse("heretostay_roster:export")
    rows = csv_rows(client.get(export, {"format": "csv", "contacts": "0"}))
    assert "Email" not in rows[0] and rows[0]["Name"] == PLEDGER["name"]
    client.force_login(masked_user)
    rows = csv_rows(client.get(export, {"format": "csv", "campaign": pledge_page.pk}))
    assert "Email" not in rows[0] and "Phone" not in rows[0]
    logged = [
        (e.data["contacts"], getattr(e, "page_id", None)) for e in entries("heretostay.export")
    ]
    assert sorted(logged, key=str) == sorted(
        [(True, None), (False, None), (False, pledge_page.pk)], key=str
    )
    assert_log_holds_no_personal_data()


# -- the staff API -------------------------------------------------------------------------


def test_api_lists_leave_contacts_out_without_the_permission(
    masked_user, contact_user, signed, pledged
):
    for url in ("/api/v1/signatures/", "/api/v1/pledgers/"):
        body = api_client(masked_user).get(url).json()
        assert body["results"] and all(
            r["email"] is None and r["phone"] is None for r in body["results"]
        )
        assert_no_contacts(json.dumps(body))
        body = api_client(contact_user).get(url).json()
        emails = {r["email"] for r in body["results"]}
        assert emails & {SIGNER["email"], PLEDGER["email"]}
    logged = [(e.data["model"], e.data["contacts"], e.data["via"]) for e in view_entries()]
    assert logged == [
        ("heretostay.Signature", False, "api"),
        ("heretostay.Signature", True, "api"),
        ("heretostay.Pledge", False, "api"),
        ("heretostay.Pledge", True, "api"),
    ]
    assert_log_holds_no_personal_data()


def test_api_list_audit_entry_is_logged_on_the_campaign(contact_user, signed):
    api_client(contact_user).get("/api/v1/signatures/", {"petition": signed.pk, "page_size": 1})
    [entry] = view_entries()
    assert isinstance(entry, PageLogEntry) and entry.page_id == signed.pk
    assert entry.data["records"] == 1 and entry.data["filters"] == {"petition": str(signed.pk)}


@pytest.mark.parametrize("url", ["/api/v1/signatures/export.csv", "/api/v1/pledgers/export.csv"])
def test_api_export_contacts_parameter(url, masked_user, contact_user, signed, pledged):
    api = api_client(contact_user)
    assert "Email" in csv_rows(api.get(url))[0]  # the default, for those allowed
    assert "Email" not in csv_rows(api.get(url, {"contacts": "false"}))[0]
    assert "Phone" not in csv_rows(api.get(url, {"contacts": "false"}))[0]
    assert "Email" in csv_rows(api.get(url, {"contacts": "true"}))[0]
    rows = csv_rows(api_client(masked_user).get(url, {"contacts": "true"}))
    assert "Email" not in rows[0] and "Phone" not in rows[0]
    assert [e.data["contacts"] for e in entries("heretostay.export")] == [
        True,
        False,
        False,
        True,
        False,
    ]
    assert "contacts" not in entries("heretostay.export")[0].data["filters"]
    bad = api.get(url, {"contacts": "maybe"})
    assert bad.status_code == 400 and "contacts" in bad.json()["errors"]


def test_api_ndjson_export_without_contacts(contact_user, signed):
    response = api_client(contact_user).get(
        "/api/v1/signatures/export.ndjson", {"contacts": "false"}
    )
    records = [json.loads(line) for line in streamed(response).decode().splitlines()]
    assert len(records) == 2 and all("email" not in r and "phone" not in r for r in records)


def test_schema_documents_contacts():
    schema = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    text = schema.content.decode()
    if schema["Content-Type"].startswith("application/json"):
        spec = json.loads(text)
    else:
        import yaml

        spec = yaml.safe_load(text)
    for model, path in (("Signature", "/signatures/"), ("Pledger", "/pledgers/")):
        properties = spec["components"]["schemas"][model]["properties"]
        assert properties["email"]["nullable"] and properties["phone"]["nullable"]
        for fmt in ("csv", "ndjson"):
            parameters = next(
                ops["get"]["parameters"]
                for p, ops in spec["paths"].items()
                if p.endswith(f"{path}export.{fmt}")
            )
            [contacts] = [p for p in parameters if p["name"] == "contacts"]
            assert contacts["schema"] == {"type": "boolean", "default": True}
            assert "_contact permission" in contacts["description"]


# -- the group editor ----------------------------------------------------------------------

#: Model permissions (add/change/delete/view) a screen of the package checks, by model.
MODEL_PERMISSIONS = {
    "signature": ("view", "delete"),
    "pledge": ("view", "change", "delete"),
    "alert": ("view", "add", "change", "delete"),
    "defensecard": ("add", "change", "delete"),
    "volunteerrole": ("add", "change", "delete"),
    "campaignsettings": ("change",),
    "brandingsettings": ("change",),
    "retentionsettings": ("change",),
}


def test_every_permission_is_offered_in_the_group_editor(client, superuser):
    client.force_login(superuser)
    response = client.get(reverse("wagtailusers_groups:add"))
    assert response.status_code == 200
    offered = set(
        int(pk)
        for pk in re.findall(
            r'<input type="checkbox" name="permissions" value="(\d+)"', response.content.decode()
        )
    )
    wanted = {
        (model._meta.model_name, codename)
        for model in apps.get_app_config("heretostay").get_models()
        for codename, _name in model._meta.permissions
    }
    assert {
        ("signature", "view_signature_contact"),
        ("pledge", "view_pledge_contact"),
        ("papersheet", "add_paper_signatures"),
        ("papersheet", "deliver_petition"),
        ("alert", "verify_alert"),
    } <= wanted
    wanted |= {
        (model, f"{action}_{model}")
        for model, actions in MODEL_PERMISSIONS.items()
        for action in actions
    }
    permissions = {
        (p.content_type.model, p.codename): p.pk
        for p in Permission.objects.filter(content_type__app_label="heretostay").select_related(
            "content_type"
        )
    }
    missing = sorted(key for key in wanted if permissions[key] not in offered)
    assert not missing, missing


def test_contact_permissions_granted_through_a_group(client, django_user_model, signed):
    """What the group editor grants works: a group with the contact permission shows
    contacts to its members."""
    from django.contrib.auth.models import Group

    group = Group.objects.create(name="Organizers with contacts")
    for codename in ("view_signature", "view_signature_contact"):
        group.permissions.add(
            Permission.objects.get(content_type__app_label="heretostay", codename=codename)
        )
    user = grant(
        django_user_model.objects.create_user("grouped", "g@example.net", "pw"),
        "wagtailadmin.access_admin",
    )
    user.groups.add(group)
    client.force_login(user)
    assert SIGNER["email"] in client.get(reverse(SIGNATURES)).content.decode()
