"""The personal-data audit report in the admin's Reports menu (``core/reports.py``)."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry, PageLogEntry, Site

from heretostay_wagtail.core import audit, reports
from heretostay_wagtail.erasure import services as erasure
from heretostay_wagtail.models import Alert, Source
from heretostay_wagtail.paper import entry as paper_entry
from heretostay_wagtail.petitions import services as signing
from heretostay_wagtail.petitions.admin import signatures_url
from heretostay_wagtail.pledges import alerts
from tests.conftest import grant, make_petition
from tests.pledges.conftest import make_pledge_page

pytestmark = pytest.mark.django_db

URL = "heretostay_audit_report"
RESULTS_URL = "heretostay_audit_report_results"
SIGNERS = {"Rosa Parks": "rosa@example.org", "Ana Ruiz": "ana@example.org"}


def sign(petition, name, email, **extra):
    data = {"name": name, "email": email, "postal_code": "62701", **extra}
    return signing.sign(petition, data, source=Source.WEB, language="en").record


def entries(response):
    """The report's rows as the view decorated them."""
    assert response.status_code == 200, response.status_code
    return list(response.context["object_list"])


def actions(response):
    return [entry.action for entry in entries(response)]


def export_text(response):
    return b"".join(response.streaming_content).decode("utf-8")


@pytest.fixture
def auditor(django_user_model):
    """An organizer who may read the audit report and nothing else."""
    user = django_user_model.objects.create_user(
        "auditor", "auditor@example.org", "pw", first_name="Audra", last_name="Tor"
    )
    return grant(user, "wagtailadmin.access_admin", "heretostay.view_audit_report")


@pytest.fixture
def exporter(django_user_model):
    user = django_user_model.objects.create_user(
        "exporter", "exporter@example.org", "pw", first_name="Exa", last_name="Porter"
    )
    return grant(
        user,
        "wagtailadmin.access_admin",
        "heretostay.view_signature",
        "heretostay.export_signature",
    )


@pytest.fixture
def activity(client, petition, exporter, superuser):
    """Real actions, one of each kind the admin and services make easy, in this order."""
    for name, email in SIGNERS.items():
        sign(petition, name, email)
    client.force_login(exporter)
    # An export of one campaign (on its page) and of every campaign (on the site).
    assert client.get(signatures_url(petition.campaign_key) + "&export=csv").status_code == 200
    assert client.get(reverse("heretostay_signatures:index"), {"export": "xlsx"}).status_code == (
        200
    )
    client.logout()
    paper_entry.add_tally(petition, 7, user=exporter)
    erasure.erase(email="rosa@example.org", user=superuser)
    # Being added by others: entries shaped as their keys are documented.
    audit.log(
        audit.default_instance(exporter),
        "heretostay.view",
        user=exporter,
        model="heretostay.Signature",
        records=1,
        contacts=False,
        filters={"petition": str(petition.campaign_key), "q": "[search]"},
    )
    audit.log(petition, "heretostay.retention", signatures=4, pledges=0, delivery_pdfs=1)
    return petition


# -- Listing -----------------------------------------------------------------------------


def test_lists_only_the_packages_entries_newest_first(client, auditor, activity):
    assert PageLogEntry.objects.filter(action="wagtail.publish").exists()  # not listed
    client.force_login(auditor)
    response = client.get(reverse(URL))
    assert actions(response) == [
        "heretostay.retention",
        "heretostay.view",
        "heretostay.erasure",
        "heretostay.paper_entry",
        "heretostay.export",
        "heretostay.export",
    ]
    rows = entries(response)
    stamps = [entry.timestamp for entry in rows]
    assert stamps == sorted(stamps, reverse=True)
    html = response.content.decode()
    assert "Personal data audit" in html
    assert "Export personal data" in html and "Erase a supporter" in html  # the labels
    assert "Exa Porter" in html  # who
    assert "6 audit-log entries" in html and "page log entries" not in html
    assert rows[0].user is None and rows[0].user_display_name == "system"  # a task's run


def test_shows_no_supporter_name_email_or_phone(client, auditor, activity):
    client.force_login(auditor)
    html = client.get(reverse(URL)).content.decode()
    for name, email in SIGNERS.items():
        assert name not in html and email not in html
    export = export_text(client.get(reverse(URL), {"export": "csv"}))
    for name, email in SIGNERS.items():
        assert name not in export and email not in export


def test_what_is_the_campaign_or_all_campaigns(client, auditor, superuser, activity):
    petition = activity
    client.force_login(auditor)
    rows = {(e.action, e.hts_what) for e in entries(client.get(reverse(URL)))}
    assert ("heretostay.export", petition.title) in rows  # on the page
    assert ("heretostay.export", "All campaigns") in rows  # unfiltered, on the site
    assert ("heretostay.erasure", "All campaigns") in rows
    # On the site, but its filters name the campaign.
    assert ("heretostay.view", petition.title) in rows

    edit_url = reverse("wagtailadmin_pages:edit", args=(petition.pk,))
    # The auditor cannot edit pages: the title is not a link to an editor they can't open.
    assert edit_url not in client.get(reverse(URL)).content.decode()
    client.force_login(superuser)
    response = client.get(reverse(URL))
    assert f'href="{edit_url}"' in response.content.decode()
    assert {e.hts_what_url for e in entries(response) if e.hts_what == petition.title} == {edit_url}


def test_a_deleted_campaign_keeps_its_title(client, auditor, home):
    petition = make_petition(home, title="Old campaign", slug="old")
    audit.log(petition, "heretostay.export", user=auditor, model="x", format="csv", rows=2)
    petition.delete()
    client.force_login(auditor)
    [entry] = entries(client.get(reverse(URL)))
    assert entry.hts_what == "Old campaign (deleted)" and entry.hts_what_url is None


def test_details_are_readable(client, auditor, activity):
    petition = activity
    client.force_login(auditor)
    details = {e.action: dict(e.hts_details) for e in entries(client.get(reverse(URL)))}
    assert details["heretostay.view"] == {
        "Kind": "Signatures",
        "Contacts shown": "no",
        "Filters": f"Petition: {petition.title}; Search: searched (the text is not logged)",
    }
    assert details["heretostay.erasure"] == {
        "Signatures": "1",
        "Pledges": "0",
        "Alert messages": "0",
        "Delivery PDFs": "0",
        "Matched by": "email",
    }
    # The tally's number is in the count column; an empty sheet code is left out.
    assert details["heretostay.paper_entry"] == {"Method": "Counted on paper, without names"}


def test_paper_count_removed(client, auditor, exporter, petition):
    tally = paper_entry.add_tally(petition, 7, user=exporter)
    assert paper_entry.remove_tally(petition, tally, user=exporter)
    client.force_login(auditor)
    removed, added = entries(client.get(reverse(URL)))
    assert (removed.action, removed.hts_records, removed.hts_what) == (
        "heretostay.paper_tally_remove",
        7,
        petition.title,
    )
    details = dict(removed.hts_details)
    assert details["Entered by"] == "Exa Porter"
    assert details["Entered on"] != tally.created_at.isoformat()  # a date, for people
    assert "Note" not in details and "Sheet" not in details  # empty


def test_a_deleted_pledger_is_named_by_kind_and_id_only(client, auditor, superuser, home):
    from tests.pledges.helpers import make_pledge

    page = make_pledge_page(home, slug="pledge-report")
    pledge = make_pledge(page, name="Marta Pledger", email="marta@example.org")
    client.force_login(superuser)
    assert client.post(reverse("heretostay_roster:delete", args=[pledge.pk])).status_code == 302
    client.force_login(auditor)
    response = client.get(reverse(URL))
    [entry] = [e for e in entries(response) if e.action == "heretostay.delete_supporter"]
    assert entry.hts_records == 1
    assert entry.hts_what == "Pledger"  # gone, and its entry names no campaign
    assert ("Pledger", f"#{pledge.pk}") in entry.hts_details
    assert ("Record", str(pledge.public_id)) in entry.hts_details
    html = response.content.decode()
    assert "Marta" not in html and "marta@" not in html and "5550101" not in html


def test_export_details_show_format_and_filters(client, auditor, activity):
    client.force_login(auditor)
    exports = [
        dict(e.hts_details)
        for e in entries(client.get(reverse(URL)))
        if e.action.endswith("export")
    ]
    assert {d["Format"] for d in exports} == {"CSV", "XLSX"}
    assert {"Filters": "none"}.items() <= exports[0].items()  # the newest: no filters


def test_renders_in_the_editors_language(client, auditor, activity):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(auditor)
    profile.preferred_language = "es"
    profile.save()
    client.force_login(auditor)
    response = client.get(reverse(URL))
    assert response.status_code == 200
    assert 'lang="es"' in response.content.decode()
    assert export_text(client.get(reverse(URL), {"export": "csv"}))


# -- The count column --------------------------------------------------------------------


def test_count_column(client, auditor, activity):
    client.force_login(auditor)
    counts = [(e.action, e.hts_records) for e in entries(client.get(reverse(URL)))]
    assert counts == [
        ("heretostay.retention", 4),  # signatures + pledges; the PDF is a file
        ("heretostay.view", 1),
        ("heretostay.erasure", 1),  # one signature erased
        ("heretostay.paper_entry", 7),
        ("heretostay.export", 2),  # the unfiltered XLSX export
        ("heretostay.export", 2),
    ]


def test_a_dash_when_an_action_has_no_count(client, auditor, petition, superuser):
    page = make_pledge_page(petition.get_parent(), slug="pledge-report")
    alert = Alert.objects.create(page=page, message="ICE at 5th", areas="606", created_by=auditor)
    audit.log(alert, "heretostay.alert.create", user=auditor)
    alerts.verify(alert, superuser, alerts.fingerprint(alert))  # a real one, with its reach
    client.force_login(auditor)
    response = client.get(reverse(URL))
    verified, created = entries(response)
    assert (created.action, created.hts_records) == ("heretostay.alert.create", None)
    assert (verified.action, verified.hts_records) == ("heretostay.alert.verify", 0)
    # An alert's entries are about its campaign; the alert is named by its id.
    assert created.hts_what == page.title
    assert ("Rapid-response alert", f"#{alert.pk}") in created.hts_details
    assert dict(verified.hts_details)["Reach by channel"] == "SMS: 0"
    assert "No record count" in response.content.decode()


@pytest.mark.parametrize(
    "action,data,expected",
    [
        ("heretostay.view", {"model": "m", "records": 25, "contacts": True}, 25),
        ("heretostay.export", {"model": "m", "format": "csv", "rows": 12}, 12),
        ("heretostay.download", {"model": "m", "format": "json", "page": 2, "rows": 50}, 50),
        ("heretostay.download", {"file": "delivery_pdf", "job": 3, "rows": 80}, 80),
        ("heretostay.delete_supporter", {"model": "m", "public_id": "abc"}, 1),
        ("heretostay.paper_entry", {"method": "csv", "added": 5, "duplicates": 2}, 5),
        ("heretostay.paper_entry", {"method": "tally", "tally": 9}, 9),
        ("heretostay.paper_tally_remove", {"tally": 9, "note": ""}, 9),
        ("heretostay.delete_personal_data", {"file": "delivery_pdf", "job": 3, "rows": 80}, 80),
        ("heretostay.deliver", {"recipients": ["mayor@city.example"], "signatures": 120}, 120),
        (
            "heretostay.erasure",
            {"signatures": 2, "pledges": 1, "alert_deliveries": 3, "delivery_pdfs": 4},
            6,
        ),
        ("heretostay.retention", {"counts": {"signatures": 3, "pledges": 2}, "days": 365}, 5),
        ("heretostay.retention", {"anonymized": {"signatures": 3}, "deleted": {"pledges": 1}}, 4),
        (
            "heretostay.retention",
            {"signatures": 3, "pledges": 1, "days_after_close": 365, "delivery_pdfs": 2},
            4,
        ),
        ("heretostay.retention", {"counts": {"signatures": 3}, "campaigns": 2}, 3),
        ("heretostay.alert.create", {}, None),
        ("heretostay.alert.send", {"preview": {"channels": {"sms": 4}, "people": 4}}, 4),
        ("heretostay.alert.dispatch", {"queued": {"sms": 4, "email": 3}}, 7),
        ("heretostay.something_new", {"rows": 3}, 3),
    ],
)
def test_record_count_rules(action, data, expected):
    assert reports.record_count(action, data) == expected


# -- Filters -----------------------------------------------------------------------------


def test_filter_by_action(client, auditor, activity):
    client.force_login(auditor)
    response = client.get(reverse(URL), {"action": ["heretostay.export", "heretostay.erasure"]})
    assert actions(response) == ["heretostay.erasure", "heretostay.export", "heretostay.export"]
    # Only the package's actions are offered.
    choices = [value for value, _label in response.context["filters"].form["action"].field.choices]
    assert choices == list(audit.ACTIONS)
    assert client.get(reverse(URL), {"action": "wagtail.publish"}).context["filters"].errors


def test_filter_by_user(client, auditor, exporter, superuser, activity):
    client.force_login(auditor)
    response = client.get(reverse(URL), {"user": exporter.pk})
    assert actions(response) == [
        "heretostay.view",
        "heretostay.paper_entry",
        "heretostay.export",
        "heretostay.export",
    ]
    assert actions(client.get(reverse(URL), {"user": superuser.pk})) == ["heretostay.erasure"]
    offered = set(response.context["filters"].form["user"].field.queryset)
    assert offered == {exporter, superuser}  # only people in the report


def test_filter_by_date_range(client, auditor, activity):
    old = PageLogEntry.objects.get(action="heretostay.retention")
    old.timestamp = timezone.now() - datetime.timedelta(days=40)
    old.save(update_fields=["timestamp"])
    client.force_login(auditor)
    # Dates in the site's time zone, as the filter reads them (not UTC's, which is a
    # day ahead of New York's every evening).
    day = timezone.localdate(timezone.now() - datetime.timedelta(days=40)).isoformat()
    response = client.get(reverse(URL), {"timestamp_from": day, "timestamp_to": day})
    assert actions(response) == ["heretostay.retention"]
    today = timezone.localdate().isoformat()
    assert "heretostay.retention" not in actions(
        client.get(reverse(URL), {"timestamp_from": today})
    )


def test_filter_by_campaign(client, auditor, exporter, activity, home):
    petition = activity
    other = make_petition(home, title="Fund legal defense", slug="legal-defense")
    sign(other, "Luz Vega", "luz@example.org")
    audit.log(other, "heretostay.export", user=exporter, model="m", format="csv", rows=1)
    client.force_login(auditor)
    mine = client.get(reverse(URL), {"campaign": str(petition.campaign_key)})
    assert actions(mine) == [
        "heretostay.retention",
        "heretostay.view",  # logged on the site, filtered to this campaign
        "heretostay.paper_entry",
        "heretostay.export",
    ]
    theirs = client.get(reverse(URL), {"campaign": str(other.campaign_key)})
    assert actions(theirs) == ["heretostay.export"]
    choices = dict(mine.context["filters"].form["campaign"].field.choices)
    assert choices[str(petition.campaign_key)] == f"{petition.title} (Petition)"


def test_filter_by_campaign_finds_translations_and_alerts(
    client, auditor, superuser, petition_es, petition
):
    audit.log(petition_es, "heretostay.export", user=auditor, model="m", format="csv", rows=3)
    page = make_pledge_page(petition.get_parent(), slug="pledge-report")
    alert = Alert.objects.create(page=page, message="ICE at 5th", areas="606", created_by=auditor)
    audit.log(alert, "heretostay.alert.create", user=auditor)
    client.force_login(auditor)
    response = client.get(reverse(URL), {"campaign": str(petition.campaign_key)})
    assert [(e.action, e.hts_what) for e in entries(response)] == [
        ("heretostay.export", petition_es.title)
    ]
    response = client.get(reverse(URL), {"campaign": str(page.campaign_key)})
    assert actions(response) == ["heretostay.alert.create"]


# -- Permission and menu -----------------------------------------------------------------


def reports_menu(client):
    return client.get(reverse("wagtailadmin_home")).content.decode()


def test_anonymous_is_sent_to_log_in(client):
    for name in (URL, RESULTS_URL):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("wagtailadmin_login"))


def test_editor_without_permission_gets_403_and_no_menu_item(client, editor, activity):
    client.force_login(editor)
    for name in (URL, RESULTS_URL):
        assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse(URL), {"export": "csv"}).status_code == 403
    assert reverse(URL) not in reports_menu(client)


def test_editor_with_permission_sees_report_and_menu_item(client, editor, activity):
    grant(editor, "heretostay.view_audit_report")
    client.force_login(editor)
    assert client.get(reverse(URL)).status_code == 200
    assert client.get(reverse(RESULTS_URL)).status_code == 200
    assert reverse(URL) in reports_menu(client)


def test_superuser_sees_report_and_menu_item(client, superuser, activity):
    client.force_login(superuser)
    assert len(entries(client.get(reverse(URL)))) == 6
    assert reverse(URL) in reports_menu(client)


# -- Spreadsheet export ------------------------------------------------------------------


@pytest.fixture
def hostile(home, django_user_model):
    """A campaign title and a staff name that a spreadsheet would run as formulas."""
    petition = make_petition(home, title='=HYPERLINK("http://evil.example","x")', slug="evil")
    user = django_user_model.objects.create_user("evil", "e@example.org", "pw", first_name="@SUM")
    audit.log(petition, "heretostay.export", user=user, model="m", format="csv", rows=3)
    audit.log(
        petition,
        "heretostay.paper_tally_remove",
        user=user,
        tally=2,
        note="-2+3",
        sheet_code="",
        entered_by=user.pk,
    )
    return petition


def test_csv_export_is_neutralized(client, auditor, hostile):
    client.force_login(auditor)
    response = client.get(reverse(URL), {"export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "personal-data-audit-" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(export_text(response))))
    assert [row["Action"] for row in rows] == ["Remove paper count", "Export personal data"]
    assert rows[1]["What"] == "'" + hostile.title
    assert rows[1]["Who"] == "'@SUM"
    assert rows[1]["Records"] == "3"
    assert rows[0]["Details"] == "Note: -2+3 | Entered by: @SUM"  # not at a cell's start
    assert all(value[:1] not in "=+-@" for row in rows for value in row.values())


def test_xlsx_export(client, auditor, hostile, activity):
    client.force_login(auditor)
    response = client.get(reverse(URL), {"export": "xlsx", "action": "heretostay.export"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, *rows = list(sheet.iter_rows())
    assert [c.value for c in header] == [
        "Date/time (UTC)",
        "Who",
        "Action",
        "What",
        "Records",
        "Details",
    ]
    assert len(rows) == 3  # the filter applies
    oldest = rows[-1][3]  # the hostile fixture's entry
    assert oldest.value == hostile.title and oldest.data_type == "s"  # text, not a formula
    assert [row[4].value for row in rows] == [2, 2, 3]


def test_export_with_invalid_filters_is_refused(client, auditor, activity):
    client.force_login(auditor)
    response = client.get(reverse(URL), {"export": "csv", "campaign": "not-a-campaign"})
    assert response.status_code == 400


def test_export_is_not_itself_logged(client, auditor, activity):
    before = PageLogEntry.objects.count() + ModelLogEntry.objects.count()
    client.force_login(auditor)
    export_text(client.get(reverse(URL), {"export": "csv"}))
    assert PageLogEntry.objects.count() + ModelLogEntry.objects.count() == before


# -- Efficiency --------------------------------------------------------------------------


def many_entries(petition, users, count):
    site = Site.objects.get(is_default_site=True)
    for i in range(count):
        user = users[i % len(users)]
        if i % 2:
            audit.log(petition, "heretostay.export", user=user, model="m", format="csv", rows=i)
        else:
            audit.log(
                site,
                "heretostay.download",
                user=user,
                model="m",
                format="json",
                filters={"petition": str(petition.pk)},
                rows=i,
            )


def queries_for_report(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(URL))
    assert response.status_code == 200
    return len(queries), len(entries(response))


def test_queries_do_not_grow_with_rows(client, auditor, petition, django_user_model):
    users = [
        django_user_model.objects.create_user(f"user{i}", f"u{i}@example.org", "pw")
        for i in range(4)
    ]
    client.force_login(auditor)
    many_entries(petition, users, 4)
    few, shown = queries_for_report(client)
    assert shown == 4
    many_entries(petition, users, 120)
    many, shown = queries_for_report(client)
    assert shown == 50  # one page
    assert many == few
    assert many <= 30


def test_export_reads_entries_in_chunks(client, auditor, petition, monkeypatch):
    monkeypatch.setattr(reports, "EXPORT_CHUNK", 10)
    many_entries(petition, [auditor], 45)
    client.force_login(auditor)
    with CaptureQueriesContext(connection) as queries:
        rows = list(
            csv.DictReader(io.StringIO(export_text(client.get(reverse(URL), {"export": "csv"}))))
        )
    assert len(rows) == 45
    assert len(queries) < 45
