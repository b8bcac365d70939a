"""The roster and alert screens, used through the Wagtail admin."""

import csv
import io
import re

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.models import ModelLogEntry

from heretostay_wagtail.models import Alert, AlertDelivery, AlertStatus, Pledge
from heretostay_wagtail.pledges import services as pledging
from heretostay_wagtail.pledges import sms
from tests.conftest import grant

from .helpers import make_pledge

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster(pledge_page, pledge_page_es, roles, roles_es):
    make_pledge(
        pledge_page, name="Ana", email="a@example.org", area="60608", roles=[roles["driver"]]
    )
    make_pledge(
        pledge_page_es,
        language="es",
        name="Beto",
        email="b@example.org",
        area="60623",
        roles=[roles_es["driver"], roles_es["interpreter"]],
        languages=["es", "ht"],
    )
    make_pledge(
        pledge_page,
        name="=HYPERLINK(1)",
        email="c@example.org",
        area="10001",
        roles=[roles["childcare"]],
        phone="+13125550103",
    )
    withdrawn = make_pledge(pledge_page, name="Dee", email="d@example.org", area="60608")
    pledging.withdraw(withdrawn)
    mail.outbox.clear()


def shown_fingerprint(html):
    """The fingerprint the verify form posts back: what the page showed."""
    return re.search(r'name="fingerprint" value="([0-9a-f]{64})"', html).group(1)


def roster_url(name="index"):
    return reverse(f"heretostay_roster:{name}")


def test_roster_filters_by_area_prefix_and_role(client, coordinator, roster, roles):
    client.force_login(coordinator)
    html = client.get(roster_url(), {"area": "606"}).content.decode()
    assert "Ana" in html and "Beto" in html and "HYPERLINK" not in html
    html = client.get(
        roster_url(), {"area": "606", "role": roles["interpreter"].code}
    ).content.decode()
    assert "Beto" in html and "Ana" not in html
    html = client.get(roster_url(), {"language": "ht"}).content.decode()
    assert "Beto" in html and "Ana" not in html
    html = client.get(roster_url(), {"withdrawn": "true"}).content.decode()
    assert "Dee" in html and "Ana" not in html


def test_roster_counts_by_area_and_role(client, coordinator, roster, roles):
    client.force_login(coordinator)
    response = client.get(roster_url("summary"), {"area": "606"})
    assert response.status_code == 200
    context = response.context
    assert context["total"] == 2  # the withdrawn pledger is not counted
    assert dict((r.code, n) for r, n in context["by_role"])["driver"] == 2
    assert {row["area_normalized"]: row["n"] for row in context["by_area"]} == {
        "60608": 1,
        "60623": 1,
    }


def test_roster_needs_permission(client, editor, roster):
    client.force_login(editor)
    assert client.get(roster_url()).status_code in (302, 403)
    assert client.get(roster_url("summary")).status_code in (302, 403)


def test_recording_training(client, coordinator, roster):
    grant(coordinator, "heretostay.change_pledge")
    client.force_login(coordinator)
    pledge = Pledge.objects.get(email="a@example.org")
    url = reverse("heretostay_roster:edit", args=[pledge.pk])
    response = client.post(url, {"trained_at": "2026-11-01", "training_notes": "KYR + observer"})
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert str(pledge.trained_at) == "2026-11-01"
    html = client.get(roster_url(), {"trained": "true"}).content.decode()
    assert "Ana" in html and "Beto" not in html


def test_export_needs_permission_streams_neutralized_csv_and_is_audited(
    client, coordinator, roster, roles
):
    client.force_login(coordinator)
    denied = client.get(roster_url("export"), {"format": "csv"})
    # Wagtail answers PermissionDenied in the admin with a redirect to the dashboard.
    assert denied.status_code == 302 and denied["Location"] == "/admin/"
    assert not ModelLogEntry.objects.filter(action="heretostay.export").exists()
    grant(coordinator, "heretostay.export_pledge", "heretostay.view_pledge_contact")
    client.force_login(coordinator)
    response = client.get(roster_url("export"), {"format": "csv", "role": roles["driver"].code})
    assert response.status_code == 200 and response.streaming
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    assert {r["Email"] for r in rows} == {"a@example.org", "b@example.org"}
    assert {r["Roles"] for r in rows} == {"driver", "driver, interpreter"}
    entry = ModelLogEntry.objects.get(action="heretostay.export")
    assert entry.data["rows"] == 2 and entry.data["model"] == "heretostay.Pledge"
    everyone = client.get(roster_url("export"), {"format": "csv"})
    text = b"".join(everyone.streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text
    xlsx = client.get(roster_url("export"), {"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")


def test_alert_flow_create_verify_preview_send_and_log(
    client, coordinator, verifier, roster, pledge_page, roles, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    response = client.post(
        reverse("heretostay_alerts:add"),
        {
            "page": pledge_page.pk,
            "message": "Reported at 26th & Pulaski. Go observe <safely>.",
            "areas": "606",
            "roles": [roles["driver"].pk],
            "channel": "sms",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    alert = Alert.objects.get()
    assert alert.created_by == coordinator and alert.status == AlertStatus.DRAFT
    detail = reverse("heretostay_alerts:detail", args=[alert.pk])
    html = client.get(detail).content.decode()
    assert "someone else has to verify it" in html
    assert "This alert will reach 2 people" in html
    assert "Go observe &lt;safely&gt;" in html
    assert 'name="fingerprint"' not in html  # the creator is offered no verify button
    # The creator cannot verify; a second person can, the version their screen showed.
    client.post(reverse("heretostay_alerts:verify", args=[alert.pk]), {"fingerprint": "0" * 64})
    alert.refresh_from_db()
    assert alert.status == AlertStatus.DRAFT
    client.force_login(verifier)
    html = client.get(detail).content.decode()
    assert "Expires" in html and "Go observe &lt;safely&gt;" in html
    client.post(
        reverse("heretostay_alerts:verify", args=[alert.pk]),
        {"fingerprint": shown_fingerprint(html)},
    )
    alert.refresh_from_db()
    assert alert.status == AlertStatus.VERIFIED
    client.force_login(coordinator)
    send_url = reverse("heretostay_alerts:send", args=[alert.pk])
    page = client.get(send_url).content.decode()
    assert "Send to 2 people now" in page and not sms.outbox
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(send_url)
        # The dispatch is queued for after the commit: nothing is sent before it.
        assert not sms.outbox and not AlertDelivery.objects.exists()
    assert len(callbacks) == 1 and len(sms.outbox) == 2
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(send_url)  # a double click
    assert not callbacks and len(sms.outbox) == 2
    alert.refresh_from_db()
    assert alert.status == AlertStatus.SENT and alert.sent_by == coordinator
    log = client.get(reverse("heretostay_alerts:deliveries", args=[alert.pk])).content.decode()
    assert "Ana (60608)" in log and "Sent" in log
    assert AlertDelivery.objects.filter(status="sent").count() == 2
    # A sent alert can no longer be edited.
    assert client.get(reverse("heretostay_alerts:edit", args=[alert.pk])).status_code == 302
    actions = list(
        ModelLogEntry.objects.filter(object_id=str(alert.pk)).values_list("action", flat=True)
    )
    for action in ("create", "verify", "send", "dispatch"):
        assert f"heretostay.alert.{action}" in actions


def test_user_without_verify_permission_cannot_verify(client, coordinator, editor, pledge_page):
    grant(editor, "heretostay.view_alert")
    alert = Alert.objects.create(page=pledge_page, message="x", areas="606", created_by=coordinator)
    client.force_login(editor)
    response = client.post(reverse("heretostay_alerts:verify", args=[alert.pk]))
    assert response.status_code == 302 and response["Location"] == "/admin/"
    alert.refresh_from_db()
    assert alert.status == AlertStatus.DRAFT


def test_alert_form_errors(client, coordinator, pledge_page):
    client.force_login(coordinator)
    response = client.post(
        reverse("heretostay_alerts:add"),
        {"page": pledge_page.pk, "message": "x" * 481, "areas": "60608; <b>", "channel": "sms"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and not Alert.objects.exists()
    assert "is not a postal code or prefix" in html
    assert "Ensure this value has at most 480 characters" in html


def test_deleting_a_pledger_in_the_admin_uncounts_and_audits(
    client, coordinator, roster, pledge_page
):
    from heretostay_wagtail.models import CampaignCounter

    grant(coordinator, "heretostay.delete_pledge")
    client.force_login(coordinator)
    before = CampaignCounter.totals(pledge_page.campaign_key)["count"]
    pledge = Pledge.objects.get(email="a@example.org")
    response = client.post(reverse("heretostay_roster:delete", args=[pledge.pk]))
    assert response.status_code == 302
    assert not Pledge.objects.filter(pk=pledge.pk).exists()
    assert CampaignCounter.totals(pledge_page.campaign_key)["count"] == before - 1
    assert ModelLogEntry.objects.filter(action="heretostay.delete_supporter").count() == 1


def test_no_log_entry_names_the_pledger(client, coordinator, roster):
    """Editing and deleting a pledger leaves entries in Wagtail's log (its own
    ``wagtail.edit`` and ``wagtail.delete`` and the package's), none with their data."""
    from wagtail.models import PageLogEntry

    grant(coordinator, "heretostay.change_pledge", "heretostay.delete_pledge")
    client.force_login(coordinator)
    pledge = Pledge.objects.get(email="a@example.org")
    phone = str(pledge.phone) if pledge.phone else "no phone"
    client.post(
        reverse("heretostay_roster:edit", args=[pledge.pk]),
        {"trained_at": "2026-11-01", "training_notes": "KYR"},
    )
    assert client.post(reverse("heretostay_roster:delete", args=[pledge.pk])).status_code == 302
    entries = list(ModelLogEntry.objects.all()) + list(PageLogEntry.objects.all())
    assert {e.action for e in entries} >= {"wagtail.edit", "wagtail.delete"}
    for entry in entries:
        text = f"{entry.label} {entry.data}"
        for personal in ("Ana", "a@example.org", phone):
            assert personal not in text, (entry.action, text)
