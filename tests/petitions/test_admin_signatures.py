"""The signatures listing in the Wagtail admin, as organizers and editors use it."""

import csv
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry, PageLogEntry

from heretostay_wagtail.models import CampaignCounter, Signature, Source
from heretostay_wagtail.petitions.admin import signatures_url

pytestmark = pytest.mark.django_db

INDEX = "heretostay_signatures:index"


def assert_denied(response):
    """Wagtail answers a PermissionDenied in the admin with 403 or a redirect home."""
    assert response.status_code in (302, 403), response.status_code
    if response.status_code == 302:
        assert response.url == reverse("wagtailadmin_home")


def export_text(response):
    return b"".join(response.streaming_content).decode("utf-8-sig")


#: Queries for one page of the listing, whatever the number of signatures: session, user,
#: permissions (2), profile, count, locales, page/collection/site permissions (3), the
#: default locale, the petition filter's choices and the page of signatures (with their
#: petitions, select_related); and its one audit entry (``heretostay.view``): the default
#: site, existence checks of the entry's content type and user, and the insert.
LISTING_QUERIES = 17
PAGE_SIZE = 20


@pytest.mark.parametrize("signatures", [3, 30])
def test_listing_shows_signatures_with_one_query_per_page(
    client, organizer, petition, add_signature, django_assert_num_queries, signatures
):
    for i in range(signatures):
        add_signature(petition, name=f"Signer {i}", email=f"s{i}@example.org")
    client.force_login(organizer)
    with django_assert_num_queries(LISTING_QUERIES):  # the same for 3 and 30 rows
        response = client.get(reverse(INDEX))
    assert response.status_code == 200
    html = response.content.decode()
    shown = set(re.findall(r"s(\d+)@example\.org", html))
    assert len(shown) == min(signatures, PAGE_SIZE)
    assert f"Signer {signatures - 1}" in html  # the newest first
    assert petition.title in html
    # Read-only: no add or edit links; CSV and XLSX export buttons for exporters.
    assert reverse("heretostay_signatures:add") not in html
    assert "export=csv" in html and "export=xlsx" in html


def test_menu_item_and_listing_hidden_without_view_permission(client, editor, petition):
    client.force_login(editor)
    dashboard = client.get(reverse("wagtailadmin_home"))
    assert dashboard.status_code == 200
    assert reverse(INDEX) not in dashboard.content.decode()
    assert_denied(client.get(reverse(INDEX)))
    assert_denied(client.get(reverse(INDEX), {"export": "csv"}))


def test_menu_item_shown_to_organizer(client, organizer):
    client.force_login(organizer)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse(INDEX) in html and "Signatures" in html


def test_add_and_edit_are_not_offered(client, superuser, petition, add_signature):
    sig = add_signature(petition)
    client.force_login(superuser)
    assert_denied(client.get(reverse("heretostay_signatures:add")))
    assert_denied(client.get(reverse("heretostay_signatures:edit", args=[sig.pk])))
    html = client.get(reverse(INDEX)).content.decode()
    assert reverse("heretostay_signatures:edit", args=[sig.pk]) not in html
    assert reverse("heretostay_signatures:inspect", args=[sig.pk]) in html
    inspect = client.get(reverse("heretostay_signatures:inspect", args=[sig.pk]))
    assert inspect.status_code == 200 and "62701" in inspect.content.decode()


def test_filter_by_petition_across_translations(
    client, organizer, petition, petition_es, make_other_petition, add_signature
):
    other = make_other_petition()
    add_signature(petition, name="English signer", email="en@example.org")
    add_signature(petition_es, name="Firmante", email="es@example.org", language="es")
    add_signature(other, name="Other petition signer", email="other@example.org")
    client.force_login(organizer)
    response = client.get(signatures_url(petition.campaign_key))
    html = response.content.decode()
    assert "English signer" in html and "Firmante" in html
    assert "Other petition signer" not in html
    # The petition filter lists each campaign once, by its default-language title.
    assert html.count(f'value="{petition.campaign_key}"') == 1
    assert (
        petition_es.title
        not in response.context["filters"].form.fields["petition"].choices[1:].__repr__()
    )
    # The active filter above the list names the petition, not its campaign key.
    [active] = response.context["active_filters"]
    assert active.value == petition.title
    assert str(petition.campaign_key) not in active.value


def test_filters_source_confirmed_opt_in_and_date(client, organizer, petition, add_signature):
    add_signature(petition, name="Web Signer", email="web@example.org", opt_in=True)
    add_signature(petition, name="Paper Signer", email="paper@example.org", source=Source.PAPER)
    Signature.objects.filter(email="paper@example.org").update(
        confirmed_at=None, created_at="2020-01-15T12:00:00Z"
    )
    client.force_login(organizer)
    url = reverse(INDEX)

    def names(**params):
        html = client.get(url, params).content.decode()
        return {n for n in ("Web Signer", "Paper Signer") if n in html}

    assert names(source="paper") == {"Paper Signer"}
    assert names(confirmed="true") == {"Web Signer"}
    assert names(confirmed="false") == {"Paper Signer"}
    assert names(opted_in="true") == {"Web Signer"}
    assert names(signed_from="2020-01-01", signed_to="2020-01-31") == {"Paper Signer"}
    assert names(q="PAPER@example") == {"Paper Signer"}
    assert names(q="web sign") == {"Web Signer"}


def test_csv_export_streams_neutralized_rows_and_is_audited(
    client, organizer, petition, add_signature
):
    evil = {
        '=HYPERLINK("http://evil.example","click")': "a@example.org",
        "+15555550123": "b@example.org",
        "-2+3": "c@example.org",
        "@SUM(A1)": "d@example.org",
    }
    for name, email in evil.items():
        add_signature(petition, name=name, email=email)
    client.force_login(organizer)
    response = client.get(signatures_url(petition.campaign_key) + "&export=csv")
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export_text(response))))
    assert len(rows) == 4
    exported_names = {row["Name"] for row in rows}
    assert exported_names == {"'" + name for name in evil}
    assert all(row["Name"][0] not in "=+-@" for row in rows)

    entry = PageLogEntry.objects.get(action="heretostay.export")
    assert entry.page_id == petition.pk and entry.user == organizer
    assert entry.data["rows"] == 4 and entry.data["format"] == "csv"
    assert entry.data["filters"]["petition"] == str(petition.campaign_key)


def test_xlsx_export_is_readable_and_follows_search(client, organizer, petition, add_signature):
    add_signature(petition, name="=1+1", email="formula@example.org")
    add_signature(petition, name="Ana", email="ana@example.org", phone="+13125550123")
    client.force_login(organizer)
    response = client.get(reverse(INDEX), {"q": "ana@", "export": "xlsx"})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][4] == "Name" and len(rows) == 2
    # Cells are typed as text (that is what keeps a formula inert in XLSX), so phone numbers
    # keep their "+" and nothing is prefixed.
    assert rows[1][4] == "Ana" and rows[1][7] == "+13125550123"
    entry = ModelLogEntry.objects.get(action="heretostay.export")
    # The log says a search narrowed the export, not what was searched for.
    assert entry.user_id == organizer.pk and entry.data["filters"] == {"q": "[search]"}
    assert "ana@" not in str(entry.data) and "ana@" not in entry.label

    response = client.get(reverse(INDEX), {"q": "formula@", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    formula_cell = sheet.cell(row=2, column=5)
    assert formula_cell.value == "=1+1" and formula_cell.data_type == "s"


def test_export_needs_permission(client, django_user_model, petition, add_signature):
    from tests.conftest import grant

    add_signature(petition)
    viewer = grant(
        django_user_model.objects.create_user("viewer", "v@example.org", "pw"),
        "wagtailadmin.access_admin",
        "heretostay.view_signature",
    )
    client.force_login(viewer)
    listing = client.get(reverse(INDEX))
    assert listing.status_code == 200 and "export=csv" not in listing.content.decode()
    for fmt in ("csv", "xlsx"):
        assert_denied(client.get(reverse(INDEX), {"export": fmt}))
    assert not ModelLogEntry.objects.filter(action="heretostay.export").exists()
    assert not PageLogEntry.objects.filter(action="heretostay.export").exists()


def test_export_with_invalid_filter_refuses_instead_of_exporting_everyone(
    client, organizer, petition, add_signature
):
    add_signature(petition)
    client.force_login(organizer)
    response = client.get(reverse(INDEX), {"petition": "not-a-petition", "export": "csv"})
    assert response.status_code == 400
    assert not PageLogEntry.objects.filter(action="heretostay.export").exists()


def test_delete_needs_permission_and_is_audited(
    client, organizer, django_user_model, petition, add_signature
):
    from tests.conftest import grant

    sig = add_signature(petition, name="Delete Me", email="delete@example.org")
    assert CampaignCounter.totals(petition.campaign_key)["count"] == 1
    delete_url = reverse("heretostay_signatures:delete", args=[sig.pk])

    viewer = grant(
        django_user_model.objects.create_user("viewer", "v@example.org", "pw"),
        "wagtailadmin.access_admin",
        "heretostay.view_signature",
    )
    client.force_login(viewer)
    assert delete_url not in client.get(reverse(INDEX)).content.decode()
    assert_denied(client.post(delete_url))
    assert Signature.objects.filter(pk=sig.pk).exists()

    client.force_login(organizer)
    assert client.get(delete_url).status_code == 200
    response = client.post(delete_url)
    assert response.status_code == 302
    assert not Signature.objects.filter(pk=sig.pk).exists()
    assert CampaignCounter.totals(petition.campaign_key)["count"] == 0
    entry = PageLogEntry.objects.get(action="heretostay.delete_supporter")
    assert entry.user == organizer and entry.page_id == petition.pk
    assert entry.data["supporter"] == str(sig.public_id)
    # The audit trail says who deleted which record without keeping the person's data.
    assert "Delete Me" not in str(entry.data) and "delete@example.org" not in str(entry.data)


def test_export_links_follow_filters_changed_in_place(client, organizer, petition, add_signature):
    add_signature(petition, name="Paper Person", email="p@example.org", source=Source.PAPER)
    add_signature(petition, name="Web Person", email="w@example.org")
    client.force_login(organizer)
    # Wagtail re-renders only the results when filters change; the links come with them.
    results = client.get(
        reverse("heretostay_signatures:index_results"),
        {"source": "paper", "signed_from": "2020-01-01", "signed_to": "2100-01-01"},
    )
    html = results.content.decode()
    assert "Export this 1 signature:" in html
    csv_url = next(u for u in re.findall(r'href="([^"]+)"', html) if "export=csv" in u)
    csv_url = csv_url.replace("&amp;", "&")
    assert csv_url.startswith(reverse(INDEX) + "?") and "source=paper" in csv_url
    rows = list(csv.DictReader(io.StringIO(export_text(client.get(csv_url)))))
    assert [row["Name"] for row in rows] == ["Paper Person"]
    entry = ModelLogEntry.objects.get(action="heretostay.export")
    assert set(entry.data["filters"]) == {"source", "signed"}
    assert entry.data["filters"]["source"] == "paper"
    assert entry.data["filters"]["signed"].startswith("2020-01-01")


def test_delete_permission_alone_shows_no_name(client, django_user_model, petition, add_signature):
    """Every screen about one signature shows the signer's name, so each needs the view
    permission too; ids are sequential, so a delete-only user could otherwise walk them."""
    from tests.conftest import grant

    sig = add_signature(petition, name="Hidden Name", email="hidden@example.org")
    deleter = grant(
        django_user_model.objects.create_user("deleter", "d@example.org", "pw"),
        "wagtailadmin.access_admin",
        "heretostay.delete_signature",
    )
    client.force_login(deleter)
    for name in ("delete", "history", "inspect", "edit"):
        try:
            url = reverse(f"heretostay_signatures:{name}", args=[sig.pk])
        except Exception:  # noqa: BLE001 - a view this listing does not have
            continue
        response = client.get(url)
        assert "Hidden Name" not in response.content.decode(), name
        assert_denied(response)
    assert_denied(client.post(reverse("heretostay_signatures:delete", args=[sig.pk])))
    assert Signature.objects.filter(pk=sig.pk).exists()
    assert_denied(client.get(reverse(INDEX)))
