"""Per-campaign rights (core/rights.py): a starter can never read or change another
starter's campaign or its signers, by page, form, download or API; staff need page
permissions on the petition as well as the global permission of a tool."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient
from wagtail.models import PageLogEntry

from heretostay_wagtail.core import rights
from heretostay_wagtail.core.models import CampaignAdmin, CampaignRole
from heretostay_wagtail.grassroots import invitations
from heretostay_wagtail.grassroots.models import CampaignInvitation
from heretostay_wagtail.models import DeliveryJob, Signature, Source
from heretostay_wagtail.paper import delivery
from heretostay_wagtail.petitions import services as signing
from tests.grassroots.manage_helpers import *  # noqa: F403 - the fixtures
from tests.grassroots.manage_helpers import account

SIGNER = "Quentin Sentinelsigner"
SIGNER_EMAIL = "quentin.s@example.org"


def pane(name, *args):
    return reverse(f"heretostay:heretostay_mycampaigns_{name}", args=args)


@pytest.fixture
def data(campaign, alice, carol):
    """Alice's campaign with a signer, a finished delivery PDF, a waiting invitation and
    a co-admin (Dana); Carol co-administers Bob's campaign."""
    signing.sign(
        campaign,
        {"name": SIGNER, "email": SIGNER_EMAIL, "postal_code": "94103", "phone": ""},
        language="en",
        source=Source.WEB,
    )
    name = delivery.storage().save(
        "heretostay/deliveries/rights.pdf", ContentFile(b"%PDF-1.4 " + SIGNER.encode())
    )
    job = DeliveryJob.objects.create(
        page=campaign,
        status="done",
        file_name=name,
        total_rows=1,
        rows_done=1,
        finished_at=timezone.now(),
    )
    invitation = CampaignInvitation.objects.create(
        page=campaign,
        email="friend@example.org",
        token_digest=invitations.digest("t0ken"),
        invited_by=alice,
        expires_at=invitations.expiry(),
    )
    from django.contrib.auth import get_user_model

    dana = account(get_user_model(), "dana")
    co_admin = CampaignAdmin.objects.create(page=campaign, user=dana, role=CampaignRole.ADMIN)
    return {"page": campaign.pk, "job": job.pk, "invitation": invitation.pk, "co": co_admin.pk}


def pane_urls(d):
    """(name, method, url) of every manage-pane URL of Alice's campaign."""
    p = d["page"]
    return [
        ("manage", "get", pane("manage", p)),
        ("edit", "get", pane("edit", p)),
        ("edit-post", "post", pane("edit", p)),
        ("offline", "post", pane("offline", p)),
        ("online", "post", pane("online", p)),
        ("admins", "get", pane("admins", p)),
        ("invite", "post", pane("admins", p)),
        ("remove-admin", "get", pane("remove_admin", p, d["co"])),
        ("remove-admin-post", "post", pane("remove_admin", p, d["co"])),
        ("cancel-invitation", "post", pane("cancel_invitation", p, d["invitation"])),
        ("paper-sheets", "get", pane("paper_sheets", p)),
        ("paper-sheets-pdf", "post", pane("paper_sheets", p)),
        ("paper-entry", "get", pane("paper_entry", p)),
        ("paper-entry-post", "post", pane("paper_entry", p)),
        ("deliver", "get", pane("deliver", p)),
        ("deliver-post", "post", pane("deliver", p)),
        ("delivery", "get", pane("delivery", p, d["job"])),
        ("delivery-email", "post", pane("delivery", p, d["job"])),
        ("delivery-download", "get", pane("delivery_download", p, d["job"])),
        ("signers", "get", pane("signers", p)),
        ("signers-csv", "get", pane("signers_csv", p)),
    ]


#: POST bodies that would change something if they were let in.
POSTS = {
    "edit-post": {
        "title": "Hijacked",
        "target_name": "Someone",
        "ask": "Something else",
        "why": "Because.",
        "scope": "national",
    },
    "invite": {"email": "intruder@example.org"},
    "paper-sheets-pdf": {"paper_size": "letter", "sheets": "1"},
    "paper-entry-post": {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "0",
        "form-0-name": "Fake Signer",
        "form-0-email": "fake@example.org",
        "form-0-postal_code": "94103",
    },
    "deliver-post": {"group_by": "0", "only_confirmed": "on"},
    "delivery-email": {"recipients": "intruder@example.org", "confirm": "on"},
}


def body(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def snapshot(campaign):
    campaign.refresh_from_db()
    return {
        "live": campaign.live,
        "revisions": campaign.revisions.count(),
        "signatures": Signature.objects.count(),
        "admins": CampaignAdmin.objects.count(),
        "invitations": CampaignInvitation.objects.count(),
        "jobs": DeliveryJob.objects.count(),
        "sheets": campaign.paper_sheets.count(),
    }


@pytest.fixture
def outsiders(bob, carol, staff_no_page, other_campaign):
    """Everyone who must be refused Alice's campaign: another starter, the co-admin of
    another campaign, staff with every global permission but no page permission."""
    return [("another starter", bob), ("co-admin elsewhere", carol), ("staff", staff_no_page)]


def refused(client, method, url, data):
    """The final answer to a request, following the test site's redirect of a 404 to its
    language-prefixed URL (LocaleMiddleware; Wagtail's pages answer 404 there too)."""
    response = getattr(client, method)(url, data)
    if response.status_code == 302 and response["Location"] == "/en" + url:
        response = client.get(response["Location"])
    return response


def test_every_pane_url_refuses_everyone_else(client, data, campaign, outsiders, mailoutbox):
    before = snapshot(campaign)
    wrong = []
    for label, user in [("anonymous", None), *outsiders]:
        client.logout()
        if user is not None:
            client.force_login(user)
        for name, method, url in pane_urls(data):
            response = refused(client, method, url, POSTS.get(name, {}))
            if user is None:
                ok = response.status_code == 302 and response["Location"].startswith(
                    reverse("account_login")
                )
            else:
                ok = response.status_code == 404
            if not ok:
                wrong.append(f"{label} {method} {name}: {response.status_code}")
            elif SIGNER in body(response) or SIGNER_EMAIL in body(response):
                wrong.append(f"{label} {name}: refused, but shows the signer")
    assert not wrong, "\n".join(wrong)
    assert snapshot(campaign) == before
    assert not mailoutbox
    assert not PageLogEntry.objects.filter(
        action__in=["heretostay.view", "heretostay.export", "heretostay.download"]
    ).exists()


def test_a_missing_campaign_looks_the_same_as_a_forbidden_one(client, bob, data):
    client.force_login(bob)
    forbidden = refused(client, "get", pane("manage", data["page"]), {})
    missing = refused(client, "get", pane("manage", 999999), {})
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.content == missing.content


@pytest.mark.parametrize("who", ["alice", "dana", "staff_with_page"])
def test_the_right_people_reach_every_get(client, data, who, request, django_user_model):
    user = (
        django_user_model.objects.get(username="dana")
        if who == "dana"
        else request.getfixturevalue(who)
    )
    client.force_login(user)
    for name, method, url in pane_urls(data):
        if method != "get" or name == "remove-admin" and who != "dana":
            continue
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
    csv = body(client.get(pane("signers_csv", data["page"])))
    assert SIGNER in csv


def test_remove_admin_page_for_the_starter(client, data, alice):
    client.force_login(alice)
    assert client.get(pane("remove_admin", data["page"], data["co"])).status_code == 200


def test_my_campaigns_lists_only_ones_own(client, alice, bob, carol, campaign, other_campaign):
    client.force_login(carol)
    page = body(client.get(pane("index")))
    assert "Undocu-friendly campus" in page and "Sanctuary for Springfield" not in page
    client.force_login(alice)
    page = body(client.get(pane("index")))
    assert "Sanctuary for Springfield" in page and "Undocu-friendly campus" not in page


def test_my_campaigns_needs_login(client):
    response = client.get(pane("index"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert "no-cache" in response.get("Cache-Control", "") or "max-age=0" in response.get(
        "Cache-Control", ""
    )


# -- the Wagtail admin's paper and delivery tools ---------------------------------------------


def admin_urls(d):
    p, j = d["page"], d["job"]
    return [
        reverse("heretostay_paper_tools", args=[p]),
        reverse("heretostay_paper_form", args=[p]),
        reverse("heretostay_paper_enter", args=[p]),
        reverse("heretostay_paper_upload", args=[p]),
        reverse("heretostay_paper_tally", args=[p]),
        reverse("heretostay_deliver", args=[p]),
        reverse("heretostay_delivery_job", args=[p, j]),
        reverse("heretostay_delivery_download", args=[p, j]),
        reverse("heretostay_delivery_email", args=[p, j]),
        reverse("heretostay_delivery_delete", args=[p, j]),
    ]


def test_admin_tools_need_page_rights_too(client, data, staff_no_page):
    """The global paper and deliver permissions alone no longer open every petition."""
    client.force_login(staff_no_page)
    for url in admin_urls(data):
        response = client.get(url)
        assert response.status_code == 403, url
        assert SIGNER not in body(response)
    assert not PageLogEntry.objects.filter(action="heretostay.download").exists()


def test_admin_tools_with_page_rights(client, data, staff_with_page):
    client.force_login(staff_with_page)
    for url in admin_urls(data):
        assert client.get(url).status_code == 200, url


def test_admin_tools_page_rights_are_per_petition(
    client, data, other_campaign, django_user_model, home
):
    """Page permissions on Bob's petition do not open Alice's."""
    from tests.conftest import grant
    from tests.paper.conftest import grant_page_rights

    user = django_user_model.objects.create_user("local", "local@example.org", "pw")
    grant(user, "wagtailadmin.access_admin", "heretostay.deliver_petition")
    grant_page_rights(user, page=other_campaign)
    client.force_login(user)
    assert client.get(reverse("heretostay_deliver", args=[other_campaign.pk])).status_code == 200
    assert client.get(reverse("heretostay_deliver", args=[data["page"]])).status_code == 403


def test_starters_never_reach_the_admin(client, data, alice):
    client.force_login(alice)
    for url in admin_urls(data):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url
    response = client.get("/admin/")
    assert response.status_code == 302


def test_tools_button_only_with_rights(data, campaign, staff_no_page, staff_with_page):
    from heretostay_wagtail.paper.admin import _tools_button

    assert _tools_button(campaign, staff_no_page, 1) is None
    assert _tools_button(campaign, staff_with_page, 1) is not None


# -- the API -------------------------------------------------------------------------------


def test_api_refuses_a_starter(data, alice):
    p, j = data["page"], data["job"]
    client = APIClient()
    client.force_authenticate(alice)
    gets = [
        f"/api/v1/signatures/?petition={p}",
        f"/api/v1/signatures/export.csv?petition={p}",
        f"/api/v1/signatures/export.ndjson?petition={p}",
        f"/api/v1/osdi/petitions/{p}/signatures/",
        f"/api/v1/deliveries/{j}/",
        f"/api/v1/deliveries/{j}/file/",
    ]
    for url in gets:
        response = client.get(url)
        assert response.status_code in (401, 403), (url, response.status_code)
        assert SIGNER not in body(response)
    posts = [
        (f"/api/v1/petitions/{p}/paper-signatures/", {"rows": [{"name": "A", "email": "a@x.org"}]}),
        (f"/api/v1/petitions/{p}/deliveries/", {"group_by": 0}),
    ]
    for url, payload in posts:
        assert client.post(url, payload, format="json").status_code in (401, 403), url
    assert Signature.objects.count() == 1
    assert DeliveryJob.objects.count() == 1


# -- rights, as functions -----------------------------------------------------------------


def test_rights_functions(
    campaign, other_campaign, alice, bob, carol, staff_no_page, staff_with_page
):
    assert rights.campaign_role(alice, campaign) == CampaignRole.STARTER
    assert rights.campaign_role(carol, other_campaign) == CampaignRole.ADMIN
    assert rights.campaign_role(carol, campaign) is None
    assert rights.can_manage_campaign(alice, campaign)
    assert not rights.can_manage_campaign(bob, campaign)
    assert not rights.can_manage_campaign(staff_no_page, campaign)
    assert rights.can_manage_campaign(staff_with_page, campaign)
    perm = "heretostay.deliver_petition"
    assert rights.can_use_tool(alice, campaign, perm)
    assert not rights.can_use_tool(carol, campaign, perm)
    assert not rights.can_use_tool(staff_no_page, campaign, perm)
    assert rights.can_use_tool(staff_with_page, campaign, perm)
    alice.is_active = False
    assert not rights.can_manage_campaign(alice, campaign)


def test_owning_a_page_is_not_enough(campaign, bob):
    """Editors own the pages they make: ownership alone opens nothing."""
    campaign.owner = bob
    campaign.save(update_fields=["owner"])
    assert not rights.can_manage_campaign(bob, campaign)


def test_rights_follow_the_campaign_into_its_translations(petition_es, petition, alice):
    CampaignAdmin.objects.create(page=petition, user=alice, role=CampaignRole.STARTER)
    assert rights.can_manage_campaign(alice, petition_es)


def test_tools_button_costs_no_query_per_row_for_staff_who_run_no_campaign(
    home, django_user_model, django_assert_max_num_queries
):
    """The page listing asks for the button per row: an editor who runs no campaign from
    the public site costs the same few queries for the whole listing (Django's two
    permission-cache loads and ``runs_any_campaign``), not one more per petition."""
    from heretostay_wagtail.paper.admin import _tools_button
    from tests.conftest import make_petition

    petitions = [make_petition(home, slug=f"row-{i}", title=f"Row {i}") for i in range(5)]
    editor = django_user_model.objects.create_user("rowed", "rowed@example.org", "pw")
    with django_assert_max_num_queries(3):
        assert [_tools_button(page, editor, 1) for page in petitions] == [None] * 5
