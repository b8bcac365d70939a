"""Typing in a batch of paper signatures through the admin screen."""

import pytest
from django.urls import reverse
from wagtail.models import PageLogEntry

from heretostay_wagtail.models import CampaignCounter, Signature
from heretostay_wagtail.paper import sheets

from .conftest import sign


def _rows(*rows):
    data = {
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "100",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"form-{i}-{key}"] = value
    return data


@pytest.fixture
def sheet(petition, paper_organizer):
    return sheets.issue_sheets(petition, 1, "letter", paper_organizer)[0]


def _enter(client, petition, *rows, sheet_code=""):
    url = reverse("heretostay_paper_enter", args=[petition.pk])
    return client.post(url, {"sheet_code": sheet_code, **_rows(*rows)})


def test_entry_screen_is_keyboard_and_screen_reader_friendly(paper_client, petition):
    response = paper_client.get(reverse("heretostay_paper_enter", args=[petition.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="form-0-name"' in html and "autofocus" in html
    assert html.count("autofocus") == 1
    # Each input has its own label naming the row and the column.
    assert '<label class="hts-sr-only" for="id_form-0-email">Row 1: Email</label>' in html
    # Inputs appear row by row, so Tab moves along a row and then to the next.
    assert html.index('id="id_form-0-phone"') < html.index('id="id_form-1-name"')


def test_batch_with_one_bad_row(paper_client, petition, sheet, paper_organizer):
    response = _enter(
        paper_client,
        petition,
        {"name": "Ana Pérez", "email": "ana@example.org", "postal_code": "94103", "opt_in": "on"},
        {"name": "Bad Email", "email": "not-an-email", "postal_code": "94103"},
        {"name": "", "email": "", "postal_code": ""},  # blank rows are skipped
        {"name": "Luis Gómez", "email": "luis@example.org", "postal_code": "94110"},
        sheet_code=sheet.code.lower().replace("-", ""),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 added, 0 already signed, 1 rejected." in html
    assert "Enter a valid email address, for example name@example.com." in html
    # The bad row comes back filled in, to be corrected.
    assert 'value="not-an-email"' in html
    saved = Signature.objects.filter(campaign_key=petition.campaign_key).order_by("name")
    assert [s.name for s in saved] == ["Ana Pérez", "Luis Gómez"]
    ana = saved[0]
    assert ana.source == "paper"
    assert ana.sheet_code == sheet.code
    assert ana.entered_by == paper_organizer
    assert ana.is_confirmed
    assert ana.opted_in and "your email and phone will not" in ana.consent_text
    assert not saved[1].opted_in and saved[1].consent_text == ""
    assert CampaignCounter.totals(petition.campaign_key)["count"] == 2
    entry = PageLogEntry.objects.get(action="heretostay.paper_entry", page=petition)
    assert entry.user == paper_organizer
    assert entry.data["added"] == 2 and entry.data["rejected"] == 1


def test_rejected_rows_come_back_in_their_place(paper_client, petition):
    """The report says "row 3"; the refilled form shows that row as row 3 (as on the
    sheet), and the first row to fix has the focus. Sending it again reports row 3 again."""
    good = {"name": "Ana Pérez", "email": "ana@example.org", "postal_code": "94103"}
    bad = {"name": "Bad Email", "email": "not-an-email", "postal_code": "94103"}
    response = _enter(paper_client, petition, good, {**good, "email": "b@example.org"}, bad)
    html = response.content.decode()
    report = html[html.index('class="hts-report"') :]
    assert "<td>3</td><td>Bad Email</td>" in report
    assert 'id="id_form-2-email"' in html and 'value="not-an-email"' in html
    form_part = html[html.index('class="hts-entry"') :]
    assert 'name="form-0-email"' in form_part and 'value="not-an-email"' not in (
        form_part[: form_part.index('name="form-2-name"')]
    )
    assert html.count("autofocus") == 1
    assert html.index("autofocus") > html.index('name="form-2-name"') - 200
    assert 'id="row-3-errors"' in html
    again = _enter(paper_client, petition, {}, {}, bad)
    assert "<td>3</td><td>Bad Email</td>" in again.content.decode()


def test_duplicates_are_reported_not_added(paper_client, petition):
    sign(petition, "Ana Online", "ana@example.org")
    response = _enter(
        paper_client,
        petition,
        {"name": "Ana Paper", "email": "ANA@example.org", "postal_code": "94103"},
        {"name": "Ana Again", "email": "new@example.org", "postal_code": "94103"},
        {"name": "Ana Twice", "email": "new@example.org", "postal_code": "94103"},
    )
    html = response.content.decode()
    assert "1 added, 2 already signed, 0 rejected." in html
    assert "This email has already signed." in html
    assert Signature.objects.filter(campaign_key=petition.campaign_key).count() == 2
    assert CampaignCounter.totals(petition.campaign_key)["count"] == 2


def test_unknown_sheet_code_saves_nothing(paper_client, petition):
    response = _enter(
        paper_client,
        petition,
        {"name": "Ana", "email": "ana@example.org", "postal_code": "94103"},
        sheet_code="ABC-123",
    )
    assert response.status_code == 200
    assert "is not a sheet code" in response.content.decode()
    assert 'value="ana@example.org"' in response.content.decode()
    assert not Signature.objects.exists()


def test_sheet_of_another_petition_is_refused(paper_client, petition, make_petition_fixture):
    other = make_petition_fixture(slug="other")
    code = sheets.issue_sheets(other, 1, "a4")[0].code
    response = _enter(
        paper_client,
        petition,
        {"name": "Ana", "email": "ana@example.org", "postal_code": "94103"},
        sheet_code=code,
    )
    assert "was not printed for this petition" in response.content.decode()
    assert not Signature.objects.exists()


def test_supporter_html_is_escaped_in_report(paper_client, petition):
    response = _enter(
        paper_client,
        petition,
        {"name": "<script>alert(1)</script>", "email": "bad", "postal_code": "94103"},
    )
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_needs_permission(client, organizer, petition):
    # The export/view organizer of the root fixtures has no paper permission.
    client.force_login(organizer)
    response = _enter(client, petition, {"name": "A", "email": "a@example.org"})
    assert response.status_code == 403
    assert not Signature.objects.exists()
    assert not PageLogEntry.objects.filter(action="heretostay.paper_entry").exists()


def test_tally_adds_to_total(paper_client, petition, sheet, paper_organizer):
    sign(petition, "Ana", "ana@example.org")
    url = reverse("heretostay_paper_tally", args=[petition.pk])
    response = paper_client.post(url, {"count": "37", "sheet_code": sheet.code, "note": "Rally"})
    assert response.status_code == 302
    totals = CampaignCounter.totals(petition.campaign_key)
    assert totals == {"count": 1, "paper_tally": 37}
    petition.refresh_from_db()
    assert petition.supporter_count == 38
    tally = petition.paper_tallies.get()
    assert tally.sheet_code == sheet.code and tally.entered_by == paper_organizer
    assert PageLogEntry.objects.filter(action="heretostay.paper_entry", page=petition).exists()
    page = paper_client.get(reverse("heretostay_paper_tools", args=[petition.pk]))
    assert "Rally" in page.content.decode()


@pytest.mark.parametrize("count", ["0", "-5", "abc", "99999999"])
def test_tally_bad_numbers(paper_client, petition, count):
    url = reverse("heretostay_paper_tally", args=[petition.pk])
    response = paper_client.post(url, {"count": count})
    assert response.status_code == 200
    assert "Number of signatures" in response.content.decode()
    assert CampaignCounter.totals(petition.campaign_key)["paper_tally"] == 0


def test_petition_header_links_to_tools(client, superuser, petition):
    client.force_login(superuser)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[petition.pk]))
    assert reverse("heretostay_paper_tools", args=[petition.pk]) in response.content.decode()


def test_page_listing_links_to_tools(client, superuser, petition):
    client.force_login(superuser)
    response = client.get(reverse("wagtailadmin_explore", args=[petition.get_parent().pk]))
    assert reverse("heretostay_paper_tools", args=[petition.pk]) in response.content.decode()


def test_required_comment_is_a_column(paper_client, make_petition_fixture):
    petition = make_petition_fixture(slug="comments", ask_comment="required")
    page = paper_client.get(reverse("heretostay_paper_enter", args=[petition.pk]))
    assert 'name="form-0-comment"' in page.content.decode()
    response = _enter(
        paper_client,
        petition,
        {"name": "Ana", "email": "ana@example.org", "postal_code": "94103", "comment": "Yes!"},
        {"name": "Bo", "email": "bo@example.org", "postal_code": "94103", "comment": ""},
    )
    assert "1 added, 0 already signed, 1 rejected." in response.content.decode()
    assert Signature.objects.get().comment == "Yes!"
