"""Counting paper signatures without names, and undoing a count typed wrongly."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient
from wagtail.models import PageLogEntry

from heretostay_wagtail.models import CampaignCounter, PaperTally
from heretostay_wagtail.paper import entry, sheets
from tests.conftest import grant

from .conftest import sign

REMOVED = "heretostay.paper_tally_remove"


@pytest.fixture
def sheet(petition, paper_organizer):
    return sheets.issue_sheets(petition, 1, "letter", paper_organizer)[0]


def _add(client, petition, count, sheet_code="", note=""):
    url = reverse("heretostay_paper_tally", args=[petition.pk])
    response = client.post(url, {"count": str(count), "sheet_code": sheet_code, "note": note})
    assert response.status_code == 302
    return PaperTally.objects.latest("pk")


def _remove_url(petition, tally):
    return reverse("heretostay_paper_tally_remove", args=[petition.pk, tally.pk])


def _paper_tally(petition):
    return CampaignCounter.totals(petition.campaign_key)["paper_tally"]


def test_mistyped_count_is_removed_through_the_admin(
    paper_client, petition, sheet, paper_organizer
):
    sign(petition, "Ana", "ana@example.org")
    wrong = _add(paper_client, petition, 400, sheet.code, "Rally")
    _add(paper_client, petition, 37)
    assert _paper_tally(petition) == 437

    # The tally screen lists each count with a keyboard-reachable "Remove" link.
    screen = paper_client.get(reverse("heretostay_paper_tally", args=[petition.pk]))
    html = screen.content.decode()
    assert screen.status_code == 200
    assert f'href="{_remove_url(petition, wrong)}"' in html
    assert "the count of 400 signatures" in html and sheet.code in html

    # GET only asks for confirmation: it shows what will be removed and changes nothing.
    confirm = paper_client.get(_remove_url(petition, wrong))
    html = confirm.content.decode()
    assert confirm.status_code == 200
    assert "Remove this paper count?" in html and "Rally" in html
    assert "The petition's total will be 38 signatures." in html
    assert '<form method="post">' in html and "Yes, remove it" in html
    assert PaperTally.objects.filter(pk=wrong.pk).exists()
    assert _paper_tally(petition) == 437
    assert not PageLogEntry.objects.filter(action=REMOVED).exists()

    response = paper_client.post(_remove_url(petition, wrong))
    assert response.status_code == 302
    assert response.url == reverse("heretostay_paper_tally", args=[petition.pk])
    assert not PaperTally.objects.filter(pk=wrong.pk).exists()
    assert CampaignCounter.totals(petition.campaign_key) == {"count": 1, "paper_tally": 37}

    log = PageLogEntry.objects.get(action=REMOVED, page=petition)
    assert log.user == paper_organizer
    assert log.data["tally"] == 400 and log.data["sheet_code"] == sheet.code

    followed = paper_client.get(response.url)
    html = followed.content.decode()
    assert "Removed 400 signatures counted on paper." in html
    assert "the count of 400 signatures" not in html and "the count of 37 signatures" in html


def test_public_count_reflects_the_removal(paper_client, petition):
    sign(petition, "Ana", "ana@example.org")
    wrong = _add(paper_client, petition, 400)
    assert "<strong>401</strong> supporters" in paper_client.get(petition.url).content.decode()
    api = APIClient()
    detail = f"/api/v1/petitions/{petition.pk}/"
    assert api.get(detail).json()["progress"]["count"] == 401

    paper_client.post(_remove_url(petition, wrong))

    assert "<strong>1</strong> supporter" in paper_client.get(petition.url).content.decode()
    assert api.get(detail).json()["progress"]["count"] == 1
    petition.refresh_from_db()
    assert petition.supporter_count == 1


def test_counts_of_every_translation_are_listed_and_removable(paper_client, petition, petition_es):
    spanish = _add(paper_client, petition_es, 12, note="Mitin")
    screen = paper_client.get(reverse("heretostay_paper_tally", args=[petition.pk]))
    assert "Mitin" in screen.content.decode()
    response = paper_client.post(_remove_url(petition, spanish))
    assert response.status_code == 302
    assert not PaperTally.objects.exists()
    assert _paper_tally(petition) == 0


def test_needs_the_paper_permission(client, organizer, django_user_model, petition):
    tally = entry.add_tally(petition, 400, user=None)
    deliverer = grant(
        django_user_model.objects.create_user("deliverer", "d@example.org", "pw"),
        "wagtailadmin.access_admin",
        "heretostay.deliver_petition",
    )
    for user in (organizer, deliverer):  # may export or deliver, but not enter paper
        client.force_login(user)
        assert client.get(_remove_url(petition, tally)).status_code == 403
        assert client.post(_remove_url(petition, tally)).status_code == 403
    client.logout()
    response = client.post(_remove_url(petition, tally))
    assert response.status_code == 302 and "login" in response.url
    assert PaperTally.objects.filter(pk=tally.pk).exists()
    assert _paper_tally(petition) == 400
    assert not PageLogEntry.objects.filter(action=REMOVED).exists()


def test_unknown_or_other_petitions_count_is_a_404(paper_client, petition, make_petition_fixture):
    other = make_petition_fixture(slug="other")
    theirs = entry.add_tally(other, 50, user=None)
    # (The example site's LocaleMiddleware redirects an admin 404 to /en/admin/..., which
    # is a 404 as well; follow it.)
    assert paper_client.post(_remove_url(petition, theirs), follow=True).status_code == 404
    missing = reverse("heretostay_paper_tally_remove", args=[petition.pk, theirs.pk + 1000])
    assert paper_client.post(missing, follow=True).status_code == 404
    assert PaperTally.objects.filter(pk=theirs.pk).exists()
    assert _paper_tally(other) == 50
    assert not PageLogEntry.objects.filter(action=REMOVED).exists()


def test_removing_twice_takes_the_number_off_once(paper_client, petition, paper_organizer):
    first = entry.add_tally(petition, 40, user=paper_organizer)
    entry.add_tally(petition, 5, user=paper_organizer)
    # Two organizers opened the confirmation page; both confirm.
    assert entry.remove_tally(petition, first, user=paper_organizer) is True
    assert entry.remove_tally(petition, first, user=paper_organizer) is False
    assert _paper_tally(petition) == 5
    assert PageLogEntry.objects.filter(action=REMOVED).count() == 1
    assert paper_client.post(_remove_url(petition, first), follow=True).status_code == 404


def test_counter_never_goes_below_zero(paper_client, petition):
    tally = entry.add_tally(petition, 400, user=None)
    # The counter was lowered by hand (or a recount) since the tally was entered.
    CampaignCounter.objects.filter(pk=petition.campaign_key).update(paper_tally=10)
    paper_client.post(_remove_url(petition, tally))
    assert _paper_tally(petition) == 0
    assert not PaperTally.objects.exists()


def test_long_lists_are_paged(paper_client, petition):
    PaperTally.objects.bulk_create(
        PaperTally(campaign_key=petition.campaign_key, page=petition, count=i + 1)
        for i in range(55)
    )
    url = reverse("heretostay_paper_tally", args=[petition.pk])
    first = paper_client.get(url).content.decode()
    assert first.count("/remove/") == 50 and "Page 1 of 2" in first
    second = paper_client.get(url, {"p": "2"}).content.decode()
    assert second.count("/remove/") == 5
    assert paper_client.get(url, {"p": "abc"}).status_code == 200
