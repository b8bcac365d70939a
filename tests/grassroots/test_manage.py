"""My Campaigns and the manage pane: statuses, editing through the workflow, taking a
petition offline and back, signers (contacts hidden unless the organization allows it),
paper sheets and entry, delivery."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry, WorkflowState

from heretostay_wagtail.core.models import CampaignCounter, CampaignSettings
from heretostay_wagtail.grassroots import manage
from heretostay_wagtail.models import DeliveryJob, PaperSheet, PetitionPage, Signature, Source
from heretostay_wagtail.petitions import services as signing
from tests.conftest import make_petition
from tests.grassroots.manage_helpers import *  # noqa: F403 - the fixtures
from tests.grassroots.manage_helpers import run_by
from tests.paper.conftest import pdf_text

EDIT = {
    "title": "Sanctuary for Springfield now",
    "target_name": "City Council",
    "target_role": "Council",
    "ask": "Vote for the sanctuary ordinance.",
    "why": "Families live in fear.\n\nICE is not the police.",
    "scope": "local",
    "place_name": "Springfield",
    "postal_code": "",
}


def pane(name, *args):
    return reverse(f"heretostay:heretostay_mycampaigns_{name}", args=args)


def approve(page, user, action="approve", **kwargs):
    state = PetitionPage.objects.get(pk=page.pk).current_workflow_state
    task_state = state.current_task_state
    task_state.task.specific.on_action(task_state, user, action, **kwargs)


def live(page):
    return PetitionPage.objects.get(pk=page.pk)


# -- My Campaigns -----------------------------------------------------------------------


def test_dashboard_statuses(client, home, alice, workflow, moderator):
    live_one = run_by(make_petition(home, title="Live one", slug="live-one", goal=50), alice)
    signing.sign(
        live_one, {"name": "A", "email": "a@example.org", "postal_code": "94103"}, source=Source.WEB
    )
    CampaignCounter.add(live_one.campaign_key, paper_tally=4)
    closed = run_by(make_petition(home, title="Closed one", slug="closed", status="closed"), alice)
    later = run_by(
        make_petition(
            home, title="Opens later", slug="later", opens_at=timezone.now() + timedelta(days=1)
        ),
        alice,
    )
    delivered = run_by(
        make_petition(home, title="Delivered one", slug="delivered", status="delivered"), alice
    )
    unlisted = run_by(
        make_petition(home, title="Unlisted one", slug="unlisted", awaiting_review=True), alice
    )
    pending = PetitionPage(
        title="Pending one", slug="pending", ask="x", why="<p>y</p>", scope="national", live=False
    )
    home.add_child(instance=pending)
    run_by(pending, alice)
    pending.save_revision(user=alice)
    workflow.start(pending, alice)
    rejected = PetitionPage(
        title="Rejected one", slug="rejected", ask="x", why="<p>y</p>", scope="national", live=False
    )
    home.add_child(instance=rejected)
    run_by(rejected, alice)
    rejected.save_revision(user=alice)
    workflow.start(rejected, alice)
    approve(rejected, moderator, "reject", comment="Please name a real target.")
    client.force_login(alice)
    html = client.get(pane("index")).content.decode()
    statuses = {
        page.title: manage.status_of(live(page)).code
        for page in (live_one, closed, delivered, unlisted, pending, rejected, later)
    }
    assert statuses == {
        "Live one": "live",
        "Closed one": "closed",
        "Delivered one": "delivered",
        "Unlisted one": "awaiting_review",
        "Pending one": "pending",
        "Rejected one": "rejected",
        "Opens later": "live",
    }
    for label in ("Online", "Closed", "Delivered", "Online, awaiting review", "Waiting for review"):
        assert label in html
    assert "5 signatures of 50" in html  # the counter: online and paper, O(1)
    manage_page = client.get(pane("manage", rejected.pk)).content.decode()
    assert "Please name a real target." in manage_page


def test_dashboard_is_not_cached(client, alice, campaign):
    client.force_login(alice)
    response = client.get(pane("index"))
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


# -- edit: a new revision through the workflow --------------------------------------------


def test_edit_goes_to_review_and_the_live_text_waits(client, alice, campaign, workflow, moderator):
    client.force_login(alice)
    form = client.get(pane("edit", campaign.pk)).content.decode()
    assert "Families should not live in fear." in form  # the why, as plain text
    response = client.post(pane("edit", campaign.pk), EDIT)
    assert response.status_code == 302
    page = live(campaign)
    assert page.title == campaign.title and page.ask == "Pass a sanctuary ordinance."
    assert page.live and page.has_unpublished_changes
    assert page.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    public = client.get(page.url).content.decode()
    assert "Vote for the sanctuary ordinance." not in public
    assert manage.status_of(page).note  # "changes waiting for review"
    # The edit form shows the pending edit, not the live text.
    assert "Vote for the sanctuary ordinance." in client.get(pane("edit", page.pk)).content.decode()

    approve(page, moderator)
    page = live(campaign)
    assert page.title == EDIT["title"] and page.ask == EDIT["ask"]
    assert page.why == "<p>Families live in fear.</p><p>ICE is not the police.</p>"
    assert [(t.name, t.role) for t in page.targets.all()] == [("City Council", "Council")]
    assert not page.has_unpublished_changes


def test_rejected_edit_is_resubmitted_after_a_new_edit(
    client, alice, campaign, workflow, moderator
):
    client.force_login(alice)
    client.post(pane("edit", campaign.pk), EDIT)
    approve(campaign, moderator, "reject", comment="Too long.")
    page = live(campaign)
    assert page.current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert page.ask == "Pass a sanctuary ordinance."  # still the live text
    assert "Too long." in client.get(pane("manage", page.pk)).content.decode()
    client.post(pane("edit", page.pk), {**EDIT, "ask": "Just vote yes."})
    page = live(campaign)
    assert page.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    approve(page, moderator)
    assert live(campaign).ask == "Just vote yes."


def test_a_second_edit_replaces_the_first_in_review(client, alice, campaign, workflow, moderator):
    client.force_login(alice)
    client.post(pane("edit", campaign.pk), EDIT)
    client.post(pane("edit", campaign.pk), {**EDIT, "ask": "Second thoughts."})
    states = WorkflowState.objects.filter(object_id=str(campaign.pk))
    assert states.filter(status=WorkflowState.STATUS_IN_PROGRESS).count() == 1
    approve(campaign, moderator)
    assert live(campaign).ask == "Second thoughts."


def test_edit_without_a_workflow_is_refused(client, alice, campaign):
    from wagtail.models import WorkflowPage

    WorkflowPage.objects.all().delete()  # Wagtail's default one is on the root
    client.force_login(alice)
    revisions = campaign.revisions.count()
    response = client.post(pane("edit", campaign.pk), EDIT)
    assert response.status_code == 200
    assert "no review is set up" in response.content.decode()
    assert campaign.revisions.count() == revisions


def test_edit_of_a_locked_page_is_refused(client, alice, campaign, workflow, moderator):
    PetitionPage.objects.filter(pk=campaign.pk).update(locked=True, locked_by=moderator)
    client.force_login(alice)
    response = client.post(pane("edit", campaign.pk), EDIT)
    assert "An editor is working on this campaign" in response.content.decode()
    assert live(campaign).current_workflow_state is None


def test_edit_form_errors_are_fields_not_500(client, alice, campaign, workflow):
    client.force_login(alice)
    response = client.post(
        pane("edit", campaign.pk), {**EDIT, "title": "x" * 500, "place_name": "", "scope": "zz"}
    )
    assert response.status_code == 200
    assert response.content.decode().count('class="hts-error"') >= 2


# -- offline / online -------------------------------------------------------------------


def test_offline_and_back(client, alice, campaign):
    client.force_login(alice)
    live_revision = campaign.live_revision_id
    url = campaign.url
    assert client.get(url).status_code == 200
    assert client.get(pane("offline", campaign.pk)).status_code == 405
    client.post(pane("offline", campaign.pk))
    page = live(campaign)
    assert not page.live and manage.status_of(page).code == "offline"
    assert client.get(url).status_code == 404
    client.post(pane("online", campaign.pk))
    page = live(campaign)
    assert page.live and page.live_revision_id == live_revision
    assert client.get(url).status_code == 200
    actions = PageLogEntry.objects.filter(page_id=campaign.pk, user=alice).values_list(
        "action", flat=True
    )
    assert {"wagtail.unpublish", "wagtail.publish"} <= set(actions)


def test_online_never_publishes_a_pending_edit(client, alice, campaign, workflow, moderator):
    client.force_login(alice)
    client.post(pane("edit", campaign.pk), EDIT)
    client.post(pane("offline", campaign.pk))
    client.post(pane("online", campaign.pk))
    page = live(campaign)
    assert page.live and page.ask == "Pass a sanctuary ordinance."
    assert page.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    approve(page, moderator)
    assert live(campaign).ask == EDIT["ask"]


def test_online_refused_when_an_editor_took_it_down(client, alice, campaign, moderator):
    campaign.unpublish(user=moderator)
    client.force_login(alice)
    response = client.post(pane("online", campaign.pk), follow=True)
    assert "cannot be brought back" in response.content.decode()
    assert not live(campaign).live


def test_online_refused_when_never_approved(client, home, alice, workflow):
    pending = PetitionPage(
        title="Pending", slug="pending", ask="x", why="<p>y</p>", scope="national", live=False
    )
    home.add_child(instance=pending)
    run_by(pending, alice)
    pending.save_revision(user=alice)
    workflow.start(pending, alice)
    client.force_login(alice)
    client.post(pane("online", pending.pk))
    assert not live(pending).live


def test_offline_covers_every_translation(client, alice, petition, petition_es):
    run_by(petition, alice)
    client.force_login(alice)
    client.post(pane("offline", petition.pk))
    assert not live(petition).live and not live(petition_es).live
    client.post(pane("online", petition.pk))
    assert live(petition).live and live(petition_es).live


# -- signers ------------------------------------------------------------------------------


@pytest.fixture
def signed(campaign):
    signing.sign(
        campaign,
        {
            "name": "Rosa Parkes",
            "email": "rosa@example.org",
            "postal_code": "94110",
            "phone": "+14155550123",
            "comment": "Yes!",
        },
        source=Source.WEB,
    )
    return campaign


def test_signers_hide_contacts_by_default(client, alice, signed):
    client.force_login(alice)
    html = client.get(pane("signers", signed.pk)).content.decode()
    assert "Rosa Parkes" in html and "94110" in html and "Yes!" in html
    assert "rosa@example.org" not in html and "555" not in html
    csv = b"".join(client.get(pane("signers_csv", signed.pk)).streaming_content).decode()
    assert "Rosa Parkes" in csv and "rosa@example.org" not in csv and "555" not in csv
    entries = PageLogEntry.objects.filter(
        page_id=signed.pk, action__in=["heretostay.view", "heretostay.export"]
    )
    assert [e.action for e in entries.order_by("timestamp")] == [
        "heretostay.view",
        "heretostay.export",
    ]
    for e in entries:
        assert e.user == alice and e.data["contacts"] is False
        assert "Rosa" not in str(e.data) and "rosa@" not in str(e.data)


def test_signers_show_contacts_when_the_organization_allows(client, alice, signed, home):
    from wagtail.models import Site

    settings_ = CampaignSettings.for_site(Site.objects.get(is_default_site=True))
    settings_.starters_see_contacts = True
    settings_.save()
    client.force_login(alice)
    html = client.get(pane("signers", signed.pk)).content.decode()
    assert "rosa@example.org" in html and "+14155550123" in html
    csv = b"".join(client.get(pane("signers_csv", signed.pk)).streaming_content).decode()
    assert "rosa@example.org" in csv
    assert PageLogEntry.objects.filter(action="heretostay.export").get().data["contacts"] is True


def test_signers_are_paginated(client, alice, campaign):
    for i in range(manage.SIGNERS_PER_PAGE + 3):
        signing.sign(
            campaign,
            {"name": f"S{i:03}", "email": f"s{i}@example.org", "postal_code": "1"},
            source=Source.WEB,
        )
    client.force_login(alice)
    first = client.get(pane("signers", campaign.pk)).content.decode()
    second = client.get(pane("signers", campaign.pk) + "?p=2").content.decode()
    assert first.count("<tr>") == manage.SIGNERS_PER_PAGE + 1
    assert second.count("<tr>") == 3 + 1
    assert client.get(pane("signers", campaign.pk) + "?p=x").status_code == 200


# -- paper and delivery -----------------------------------------------------------------


def test_print_and_enter_two_paper_signatures(client, alice, campaign):
    client.force_login(alice)
    response = client.post(
        pane("paper_sheets", campaign.pk), {"paper_size": "letter", "sheets": "1"}
    )
    assert response["Content-Type"] == "application/pdf"
    code = PaperSheet.objects.get(page=campaign).code
    assert code in pdf_text(response.content)
    data = {
        "sheet_code": code.lower().replace("-", ""),
        "form-TOTAL_FORMS": "3",
        "form-INITIAL_FORMS": "0",
        "form-0-name": "Paper One",
        "form-0-email": "one@example.org",
        "form-0-postal_code": "94103",
        "form-1-name": "Paper Two",
        "form-1-email": "two@example.org",
        "form-1-postal_code": "94104",
        "form-1-opt_in": "on",
        "form-2-name": "Bad Row",
        "form-2-email": "not-an-email",
    }
    html = client.post(pane("paper_entry", campaign.pk), data).content.decode()
    assert "2 added, 0 already signed, 1 rejected." in html
    assert 'value="Bad Row"' in html  # back to fix
    paper = Signature.objects.filter(source="paper")
    assert sorted(paper.values_list("name", flat=True)) == ["Paper One", "Paper Two"]
    assert set(paper.values_list("entered_by", flat=True)) == {alice.pk}
    assert CampaignCounter.totals(campaign.campaign_key)["count"] == 2
    log = PageLogEntry.objects.get(action="heretostay.paper_entry")
    assert log.user == alice and log.data["added"] == 2


def test_entry_with_an_unknown_sheet_code(client, alice, campaign):
    client.force_login(alice)
    html = client.post(
        pane("paper_entry", campaign.pk),
        {"sheet_code": "ACD-479", "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0"},
    ).content.decode()
    assert "was not printed for this petition" in html


def test_deliver_download_and_email(
    client, alice, signed, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            pane("deliver", signed.pk), {"group_by": "0", "only_confirmed": "on"}
        )
    job = DeliveryJob.objects.get()
    assert response["Location"] == pane("delivery", signed.pk, job.pk)
    job.refresh_from_db()
    assert job.status == "done"
    pdf = client.get(pane("delivery_download", signed.pk, job.pk))
    content = b"".join(pdf.streaming_content)
    assert "Rosa Parkes" in pdf_text(content) and "rosa@example.org" not in pdf_text(content)
    assert PageLogEntry.objects.filter(action="heretostay.download", user=alice).exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            pane("delivery", signed.pk, job.pk),
            {"recipients": "mayor@springfield.example", "confirm": "on"},
        )
    assert mailoutbox[-1].to == ["mayor@springfield.example"]
    assert live(signed).status == "delivered"
    assert manage.status_of(live(signed)).code == "delivered"


def test_delivery_of_another_campaign_is_not_reachable(client, alice, signed, other_campaign):
    job = DeliveryJob.objects.create(page=other_campaign, status="done", file_name="x.pdf")
    client.force_login(alice)
    response = client.get(pane("delivery_download", signed.pk, job.pk))
    assert response.status_code in (302, 404)
    if response.status_code == 302:
        assert client.get(response["Location"]).status_code == 404


def test_pane_shows_tools_and_no_admin_links(client, alice, campaign):
    client.force_login(alice)
    html = client.get(pane("manage", campaign.pk)).content.decode()
    for name in ("edit", "admins", "paper_sheets", "paper_entry", "deliver", "signers"):
        assert pane(name, campaign.pk) in html
    assert not re.search(r'href="/admin/', html)


# -- language -----------------------------------------------------------------------------


def test_the_pane_speaks_the_campaigns_language_whatever_the_browser_says(client, home_es, alice):
    """The pane is outside the language-prefixed URLs: a campaign started in Spanish is
    managed in Spanish, and My Campaigns follows the starter's newest campaign."""
    spanish = run_by(make_petition(home_es, title="Ciudad santuario", slug="santuario"), alice)
    client.force_login(alice)
    english_browser = {"HTTP_ACCEPT_LANGUAGE": "en"}
    pane_page = client.get(pane("manage", spanish.pk), **english_browser)
    assert pane_page.status_code == 200
    assert '<html lang="es"' in pane_page.content.decode()
    listing = client.get(pane("index"), **english_browser).content.decode()
    assert '<html lang="es"' in listing
    assert "Mis campañas" in listing
