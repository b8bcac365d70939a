"""Who can reach personal data: every admin screen and API endpoint that shows, exports,
changes or erases supporters' data, against every kind of caller.

Callers: anonymous, a site user (an account with no admin access), an editor with admin
access but none of the package's permissions, an editor with each single permission the
package defines (every ``heretostay`` permission, one at a time), and a superuser.

Each endpoint names what grants it: a tuple of alternatives, each a set of permissions
that must all be held. A caller is let in only if one alternative is a subset of what they
hold; everyone else is refused (login redirect, 403, 401) and the refusal carries none
of the supporters' data. A single-permission editor is thus refused wherever two
permissions are needed (e.g. deleting a signature needs to see it first).
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from heretostay_wagtail.models import Alert, DeliveryJob, Signature, Source, VolunteerRole
from heretostay_wagtail.paper import delivery
from heretostay_wagtail.petitions import services as signing
from tests.conftest import grant
from tests.paper.conftest import grant_page_rights
from tests.pledges.conftest import make_pledge_page
from tests.pledges.helpers import make_pledge

#: The supporters' names: no refusal may show them.
SIGNER = "Zelda Sentinelsigner"
PLEDGER = "Yara Sentinelpledger"
SECRETS = ("Sentinelsigner", "Sentinelpledger", "zelda.s@example.org", "yara.p@example.org")

VIEW_SIG = {"heretostay.view_signature"}
VIEW_PLEDGE = {"heretostay.view_pledge"}
PAPER = {"heretostay.add_paper_signatures"}
DELIVER = {"heretostay.deliver_petition"}
#: Alerts: any alert permission shows them, as in the API (a verifier must see what to
#: verify); Wagtail's own rule lets delete_alert list them too.
ALERT_ANY = tuple(
    {f"heretostay.{p}"}
    for p in ("view_alert", "add_alert", "change_alert", "verify_alert", "send_alert")
)
ALERT_LIST = (*ALERT_ANY, {"heretostay.delete_alert"})


def admin(name, *args, query=""):
    def url(ctx):
        return reverse(name, args=[ctx[a] if isinstance(a, str) else a for a in args]) + query

    return url


def api(path):
    def url(ctx):
        return "/api/v1/" + path.format(**ctx)

    return url


#: (id, kind, method, url(ctx), grants, data)
ENDPOINTS = [
    # -- Signatures in the admin ----------------------------------------------------------
    ("signatures", "admin", "get", admin("heretostay_signatures:index"), (VIEW_SIG,), None),
    (
        "signatures-export",
        "admin",
        "get",
        admin("heretostay_signatures:index", query="?export=csv"),
        ({"heretostay.view_signature", "heretostay.export_signature"},),
        None,
    ),
    ("signature", "admin", "get", admin("heretostay_signatures:inspect", "sig"), (VIEW_SIG,), None),
    (
        "signature-history",
        "admin",
        "get",
        admin("heretostay_signatures:history", "sig"),
        # Wagtail's history needs a change or delete permission; signatures are never
        # changed, so: see them and delete them.
        ({"heretostay.view_signature", "heretostay.delete_signature"},),
        None,
    ),
    (
        "signature-delete",
        "admin",
        "get",
        admin("heretostay_signatures:delete", "sig"),
        ({"heretostay.view_signature", "heretostay.delete_signature"},),
        None,
    ),
    # -- The network roster and alerts ----------------------------------------------------
    ("roster", "admin", "get", admin("heretostay_roster:index"), (VIEW_PLEDGE,), None),
    ("pledger", "admin", "get", admin("heretostay_roster:inspect", "pledge"), (VIEW_PLEDGE,), None),
    (
        "pledger-edit",
        "admin",
        "get",
        admin("heretostay_roster:edit", "pledge"),
        ({"heretostay.view_pledge", "heretostay.change_pledge"},),
        None,
    ),
    (
        "pledger-delete",
        "admin",
        "get",
        admin("heretostay_roster:delete", "pledge"),
        ({"heretostay.view_pledge", "heretostay.delete_pledge"},),
        None,
    ),
    (
        "roster-export",
        "admin",
        "get",
        admin("heretostay_roster:export"),
        ({"heretostay.export_pledge"},),
        None,
    ),
    ("alerts", "admin", "get", admin("heretostay_alerts:index"), ALERT_LIST, None),
    ("alert", "admin", "get", admin("heretostay_alerts:detail", "alert"), ALERT_ANY, None),
    (
        "alert-deliveries",
        "admin",
        "get",
        admin("heretostay_alerts:deliveries", "alert"),
        ALERT_ANY,
        None,
    ),
    # -- Paper signatures and delivery ----------------------------------------------------
    (
        "paper-tools",
        "admin",
        "get",
        admin("heretostay_paper_tools", "petition"),
        (PAPER, DELIVER),
        None,
    ),
    ("paper-sheets", "admin", "get", admin("heretostay_paper_form", "petition"), (PAPER,), None),
    ("paper-enter", "admin", "get", admin("heretostay_paper_enter", "petition"), (PAPER,), None),
    ("paper-upload", "admin", "get", admin("heretostay_paper_upload", "petition"), (PAPER,), None),
    ("deliver", "admin", "get", admin("heretostay_deliver", "petition"), (DELIVER,), None),
    (
        "delivery-download",
        "admin",
        "get",
        admin("heretostay_delivery_download", "petition", "job"),
        (DELIVER,),
        None,
    ),
    # -- Erasure --------------------------------------------------------------------------
    (
        "erasure",
        "admin",
        "get",
        admin("heretostay_erasure"),
        ({"heretostay.erase_supporter"},),
        None,
    ),
    # -- Audit and retention ---------------------------------------------------------------
    (
        "audit-report",
        "admin",
        "get",
        admin("heretostay_audit_report"),
        ({"heretostay.view_audit_report"},),
        None,
    ),
    (
        "audit-report-export",
        "admin",
        "get",
        admin("heretostay_audit_report", query="?export=csv"),
        ({"heretostay.view_audit_report"},),
        None,
    ),
    (
        "retention-preview",
        "admin",
        "get",
        admin("heretostay_retention"),
        ({"heretostay.change_retentionsettings"},),
        None,
    ),
    # -- The staff API ----------------------------------------------------------------------
    ("api-signatures", "api", "get", api("signatures/"), (VIEW_SIG,), None),
    (
        "api-signatures-csv",
        "api",
        "get",
        api("signatures/export.csv"),
        ({"heretostay.export_signature"},),
        None,
    ),
    (
        "api-signatures-ndjson",
        "api",
        "get",
        api("signatures/export.ndjson"),
        ({"heretostay.export_signature"},),
        None,
    ),
    (
        "api-osdi-signatures",
        "api",
        "get",
        api("osdi/petitions/{petition}/signatures/"),
        (VIEW_SIG,),
        None,
    ),
    ("api-pledgers", "api", "get", api("pledgers/"), (VIEW_PLEDGE,), None),
    (
        "api-pledgers-csv",
        "api",
        "get",
        api("pledgers/export.csv"),
        ({"heretostay.export_pledge"},),
        None,
    ),
    (
        "api-pledgers-ndjson",
        "api",
        "get",
        api("pledgers/export.ndjson"),
        ({"heretostay.export_pledge"},),
        None,
    ),
    (
        "api-alert-create",
        "api",
        "post",
        api("alerts/"),
        ({"heretostay.add_alert"},),
        {"page": 0, "message": "", "areas": ""},
    ),
    ("api-alert", "api", "get", api("alerts/{alert}/"), ALERT_ANY, None),
    ("api-delivery", "api", "get", api("deliveries/{job}/"), (DELIVER,), None),
    ("api-delivery-file", "api", "get", api("deliveries/{job}/file/"), (DELIVER,), None),
    (
        "api-paper-signatures",
        "api",
        "post",
        api("petitions/{petition}/paper-signatures/"),
        (PAPER,),
        {"rows": [{"name": "Paper Person", "email": "paper.person@example.org"}]},
    ),
    (
        "api-erasure",
        "api",
        "post",
        api("erasure/"),
        ({"heretostay.erase_supporter"},),
        {"email": "nobody-at-all@example.org"},
    ),
]


@pytest.fixture
def sqlite_only(db):
    """Who may do what depends on permissions, not on the database: the SQLite run checks
    the 3,852 pairs, and the PostgreSQL run keeps its time for what differs there."""
    if connection.vendor != "sqlite":
        pytest.skip("run once, on SQLite")


@pytest.fixture
def data(home, petition, locales):
    """One of everything, each holding a supporter's name."""
    VolunteerRole.seed_defaults([locales["es"]])
    signing.sign(
        petition,
        {"name": SIGNER, "email": "zelda.s@example.org", "postal_code": "94103", "phone": ""},
        language="en",
        source=Source.WEB,
    )
    pledge_page = make_pledge_page(home)
    pledge = make_pledge(pledge_page, name=PLEDGER, email="yara.p@example.org")
    alert = Alert.objects.create(
        page=pledge_page, message="Checkpoint at 5th and Main", areas="60608"
    )
    name = delivery.storage().save(
        "heretostay/deliveries/matrix.pdf", ContentFile(b"%PDF-1.4 " + SIGNER.encode())
    )
    job = DeliveryJob.objects.create(
        page=petition,
        status="done",
        file_name=name,
        total_rows=1,
        rows_done=1,
        finished_at=timezone.now() - timedelta(minutes=1),
    )
    return {
        "sig": Signature.objects.get().pk,
        "pledge": pledge.pk,
        "alert": alert.pk,
        "job": job.pk,
        "petition": petition.pk,
    }


def package_permissions():
    return sorted(
        f"heretostay.{codename}"
        for codename in Permission.objects.filter(content_type__app_label="heretostay").values_list(
            "codename", flat=True
        )
    )


@pytest.fixture
def callers(django_user_model, home):
    """(label, user or None, permissions held) for every kind of caller.

    Staff also hold Wagtail page permissions on the whole tree: the paper and delivery
    tools need them on the petition besides the global permission (``core/rights.py``;
    tests/grassroots/test_rights.py tries staff without them)."""

    def user(name, *perms, admin_access=True):
        account = django_user_model.objects.create_user(name, f"{name}@staff.example", None)
        if admin_access:
            grant(account, "wagtailadmin.access_admin")
            grant_page_rights(account)
        return grant(account, *perms)

    found = [
        ("anonymous", None, set()),
        ("site user", user("siteuser", admin_access=False), set()),
        ("editor", user("editor0"), set()),
        (
            "superuser",
            django_user_model.objects.create_superuser("root", "root@x.example", None),
            None,
        ),
    ]
    for index, permission in enumerate(package_permissions()):
        found.append((permission, user(f"p{index}", permission), {permission}))
    return found


def granted(held, grants):
    if held is None:  # superuser
        return True
    return any(alternative <= held for alternative in grants)


def call(kind, method, url, user, payload, client):
    if kind == "api":
        api_client = APIClient()
        if user is not None:
            api_client.force_authenticate(user)
        if method == "post":
            return api_client.post(url, payload, format="json")
        return api_client.get(url)
    client.logout()
    if user is not None:
        client.force_login(user)
    return getattr(client, method)(url, payload or {})


def refused(kind, response, url):
    if kind == "api":
        return response.status_code in (401, 403)
    if response.status_code == 403:
        return True
    # Wagtail sends the anonymous to the login page, and a user without the permission to
    # the dashboard with a message.
    return response.status_code == 302 and response["Location"].split("?")[0] != url.split("?")[0]


def body(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[endpoint[0] for endpoint in ENDPOINTS])
def test_only_the_granted_reach_personal_data(sqlite_only, endpoint, data, callers, client):
    name, kind, method, make_url, grants, payload = endpoint
    url = make_url(data)
    wrong = []
    for label, user, held in callers:
        response = call(kind, method, url, user, payload, client)
        allowed = granted(held, grants) if user is not None else False
        if label == "site user":
            allowed = False  # no admin access, no permission
        if allowed:
            # A POST let in may still be refused as invalid (400), never as forbidden.
            reached = (200, 201, 202) + ((400,) if method == "post" else ())
            if response.status_code not in reached:
                wrong.append(f"{label}: expected access, got {response.status_code}")
        else:
            if not refused(kind, response, url):
                wrong.append(f"{label}: expected refusal, got {response.status_code}")
            elif any(secret in body(response) for secret in SECRETS):
                wrong.append(f"{label}: refused, but the refusal shows supporter data")
    assert not wrong, f"{name} ({url}):\n" + "\n".join(wrong)


def test_every_permission_is_tried(callers):
    """The matrix covers the package's permissions as they are today, custom ones too."""
    labels = {label for label, _user, _held in callers}
    for permission in (
        "heretostay.view_signature",
        "heretostay.export_signature",
        "heretostay.erase_supporter",
        "heretostay.view_signature_contact",
        "heretostay.view_audit_report",
        "heretostay.export_pledge",
        "heretostay.view_pledge_contact",
        "heretostay.verify_alert",
        "heretostay.send_alert",
        "heretostay.add_paper_signatures",
        "heretostay.deliver_petition",
    ):
        assert permission in labels
