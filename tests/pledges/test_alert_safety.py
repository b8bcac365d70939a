"""Alerts people can trust: the verifier verifies what they saw, any change voids the
verification, nobody verifies their own words, alerts expire; the roster shows which
contacts are verified. Through the admin and the API, which share ``pledges/alerts.py``."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timezone import localtime
from wagtail.models import ModelLogEntry

from heretostay_wagtail.models import Alert, AlertDelivery, AlertStatus, DeliveryStatus
from heretostay_wagtail.pledges import alerts, sms
from tests.api.conftest import token_client
from tests.conftest import grant

from .helpers import make_pledge

pytestmark = pytest.mark.django_db

ALERT_PERMS = (
    "wagtailadmin.access_admin",
    "heretostay.add_alert",
    "heretostay.change_alert",
    "heretostay.view_alert",
    "heretostay.verify_alert",
    "heretostay.send_alert",
)


@pytest.fixture
def staff(django_user_model):
    """Three people who may do everything with alerts."""

    def make(name):
        user = django_user_model.objects.create_user(name, f"{name}@example.org", "pw")
        return grant(user, *ALERT_PERMS)

    return {name: make(name) for name in ("author", "editor2", "checker")}


@pytest.fixture
def volunteers(pledge_page, roles):
    make_pledge(pledge_page, email="a@example.org", phone="+13125550101", area="60608")
    make_pledge(
        pledge_page,
        email="b@example.org",
        phone="+13125550102",
        area="60623",
        roles=[roles["driver"]],
    )
    mail.outbox.clear()


def draft(page, author, **kwargs):
    alert = Alert.objects.create(
        page=page,
        message=kwargs.pop("message", "ICE reported at 26th & Pulaski."),
        areas=kwargs.pop("areas", "606"),
        channel=kwargs.pop("channel", "sms"),
        created_by=author,
        updated_by=author,
        **kwargs,
    )
    return alert


def shown_fingerprint(html):
    return re.search(r'name="fingerprint" value="([0-9a-f]{64})"', html).group(1)


def detail_url(alert, name="detail"):
    return reverse(f"heretostay_alerts:{name}", args=[alert.pk])


def edit_data(alert, **changes):
    local = timezone.localtime(alert.expires_at)
    data = {
        "page": alert.page_id,
        "message": alert.message,
        "areas": alert.areas,
        "roles": [r.pk for r in alert.roles.all()],
        "channel": alert.channel,
        "expires_at": local.strftime("%Y-%m-%d %H:%M"),
    }
    data.update(changes)
    return data


# -- The fingerprint --------------------------------------------------------------------


def test_fingerprint_covers_what_decides_who_is_told_what(pledge_page, staff, roles):
    alert = draft(pledge_page, staff["author"], areas="60608, 606")
    first = alerts.fingerprint(alert)
    assert re.fullmatch(r"[0-9a-f]{64}", first)
    alert.areas = "606 60608"  # same areas, other order and separators
    assert alerts.fingerprint(alert) == first
    for change in (
        {"message": "ICE reported at 27th & Pulaski."},
        {"areas": "60623"},
        {"channel": "both"},
        {"expires_at": alert.expires_at + timedelta(hours=1)},
    ):
        copy = Alert.objects.get(pk=alert.pk)
        for name, value in change.items():
            setattr(copy, name, value)
        assert alerts.fingerprint(copy) != first, change
    alert.roles.set([roles["driver"]])
    assert alerts.fingerprint(alert) != first


# -- Verify what was seen (admin) -----------------------------------------------------------


def test_admin_verifier_cannot_verify_a_version_they_never_saw(
    client, pledge_page, staff, volunteers
):
    alert = draft(pledge_page, staff["author"])
    client.force_login(staff["checker"])
    seen_page = client.get(detail_url(alert)).content.decode()
    seen = shown_fingerprint(seen_page)
    assert "ICE reported at 26th &amp; Pulaski." in seen_page
    # Meanwhile the author changes the message.
    client.force_login(staff["author"])
    response = client.post(
        detail_url(alert, "edit"), edit_data(alert, message="Go to 99th St right now.")
    )
    assert response.status_code == 302
    client.force_login(staff["checker"])
    response = client.post(detail_url(alert, "verify"), {"fingerprint": seen}, follow=True)
    assert "This alert changed since you opened it" in response.content.decode()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.DRAFT and alert.verified_by is None
    # With the new version in front of them, they can.
    fresh = shown_fingerprint(client.get(detail_url(alert)).content.decode())
    client.post(detail_url(alert, "verify"), {"fingerprint": fresh})
    alert.refresh_from_db()
    assert alert.status == AlertStatus.VERIFIED and alert.verified_fingerprint == fresh
    # A post without any fingerprint verifies nothing.
    other = draft(pledge_page, staff["author"])
    client.post(detail_url(other, "verify"))
    other.refresh_from_db()
    assert other.status == AlertStatus.DRAFT


def test_editing_a_verified_alert_in_the_admin_sends_it_back_to_draft(
    client, pledge_page, staff, volunteers, roles
):
    alert = draft(pledge_page, staff["author"])
    alerts.verify(alert, staff["checker"], alerts.fingerprint(alert))
    client.force_login(staff["author"])
    # Saved without a change, it stays verified.
    response = client.post(detail_url(alert, "edit"), edit_data(alert))
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.status == AlertStatus.VERIFIED and alert.updated_by == staff["author"]
    # Another role to reach: back to draft, verification cleared, audited.
    response = client.post(detail_url(alert, "edit"), edit_data(alert, roles=[roles["driver"].pk]))
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.status == AlertStatus.DRAFT
    assert (alert.verified_by, alert.verified_at, alert.verified_fingerprint) == (None, None, "")
    entry = ModelLogEntry.objects.get(action="heretostay.alert.unverify")
    assert entry.data == {"reason": "edited"} and entry.user_id == staff["author"].pk
    # The editor is told, not left to notice the status.
    html = client.get(response["Location"]).content.decode()
    assert "so it went back to draft: another person must verify it again" in html
    # The list shows when it expires as a time (Wagtail's relative dates said "Just now").
    listing = client.get(reverse("heretostay_alerts:index")).content.decode()
    assert date_format(localtime(alert.expires_at), "SHORT_DATETIME_FORMAT") in listing


def test_author_and_last_editor_cannot_verify(client, pledge_page, staff, volunteers):
    alert = draft(pledge_page, staff["author"])
    # editor2 edits it: now neither the author nor editor2 may verify.
    client.force_login(staff["editor2"])
    client.post(detail_url(alert, "edit"), edit_data(alert, message="Updated: 26th & Pulaski."))
    alert.refresh_from_db()
    assert alert.updated_by == staff["editor2"] and alert.created_by == staff["author"]
    html = client.get(detail_url(alert)).content.decode()
    assert "You edited this alert last" in html and 'name="fingerprint"' not in html
    for user, message in (
        (staff["author"], "Another person must verify an alert you created."),
        (staff["editor2"], "Another person must verify an alert you edited last."),
    ):
        with pytest.raises(alerts.AlertError, match=message):
            alerts.verify(alert, user, alerts.fingerprint(alert))
        assert not alerts.can_verify(alert, user)
    assert alerts.can_verify(alert, staff["checker"])


def test_send_refuses_an_alert_changed_after_verification_by_another_path(
    pledge_page, staff, volunteers, roles
):
    alert = draft(pledge_page, staff["author"])
    alerts.verify(alert, staff["checker"], alerts.fingerprint(alert))
    alert.roles.set([roles["driver"]])  # not through the admin or the API
    with pytest.raises(alerts.AlertError, match="changed after it was verified"):
        alerts.send(alert, staff["author"])
    alert.refresh_from_db()
    assert alert.status == AlertStatus.DRAFT and not sms.outbox
    assert not AlertDelivery.objects.exists()
    assert ModelLogEntry.objects.get(action="heretostay.alert.unverify").data == {
        "reason": "changed"
    }


# -- Expiry -------------------------------------------------------------------------------


def test_alert_form_expiry_must_be_in_the_future_and_within_a_week(client, pledge_page, staff):
    client.force_login(staff["author"])
    add = reverse("heretostay_alerts:add")
    form = client.get(add).content.decode()
    assert 'name="expires_at"' in form
    base = {"page": pledge_page.pk, "message": "Checkpoint", "areas": "606", "channel": "sms"}
    now = timezone.localtime()
    for when, error in (
        (now - timedelta(hours=1), "Expires: choose a time in the future."),
        (now + timedelta(days=8), "Expires: choose a time at most 7 days from now."),
    ):
        response = client.post(add, {**base, "expires_at": when.strftime("%Y-%m-%d %H:%M")})
        assert response.status_code == 200 and error in response.content.decode()
    assert not Alert.objects.exists()
    # Left empty: 12 hours from now.
    response = client.post(add, {**base, "expires_at": ""})
    assert response.status_code == 302
    alert = Alert.objects.get()
    hours = (alert.expires_at - timezone.now()).total_seconds() / 3600
    assert 11.9 < hours <= 12
    assert alert.created_by == alert.updated_by == staff["author"] and alert.updated_at


def test_expired_alerts_are_never_verified_sent_or_delivered(
    client, pledge_page, staff, volunteers
):
    alert = draft(pledge_page, staff["author"])
    seen = alerts.fingerprint(alert)
    Alert.objects.filter(pk=alert.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    alert.refresh_from_db()
    with pytest.raises(alerts.AlertError, match="expired"):
        alerts.verify(alert, staff["checker"], alerts.fingerprint(alert))
    # Verified in time, but it expires before anyone sends it.
    other = draft(pledge_page, staff["author"])
    alerts.verify(other, staff["checker"], alerts.fingerprint(other))
    Alert.objects.filter(pk=other.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    other.refresh_from_db()
    with pytest.raises(alerts.AlertError, match="expired"):
        alerts.send(other, staff["author"])
    client.force_login(staff["author"])
    listing = client.get(reverse("heretostay_alerts:index")).content.decode()
    assert listing.count("Expired") >= 2
    # Sent, then it expires while its messages wait: they expire too.
    Alert.objects.filter(pk=other.pk).update(status=AlertStatus.SENT)
    AlertDelivery.objects.create(alert=other, pledge=alert.page.pledges.first(), channel="sms")
    alerts.dispatch_alert.call(other.pk)
    assert not sms.outbox
    assert set(AlertDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.EXPIRED}
    assert seen  # the fingerprint of the expired draft did not matter


def test_a_delivery_attempt_after_expiry_sends_nothing(pledge_page, staff, volunteers):
    alert = draft(pledge_page, staff["author"], areas="60608")
    Alert.objects.filter(pk=alert.pk).update(status=AlertStatus.SENT)
    delivery = AlertDelivery.objects.create(
        alert=alert, pledge=alerts.recipients(alert, "sms").get(), channel="sms"
    )
    Alert.objects.filter(pk=alert.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    alerts.deliver_batch.call([delivery.pk])
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.EXPIRED and not sms.outbox


# -- The API ---------------------------------------------------------------------------


def test_api_verify_needs_the_fingerprint_read_and_edits_void_it(
    pledge_page, staff, volunteers, django_capture_on_commit_callbacks
):
    author, checker = token_client(staff["author"]), token_client(staff["checker"])
    body = {"campaign": pledge_page.pk, "message": "Checkpoint at 5th.", "areas": "606"}
    created = author.post("/api/v1/alerts/", body, format="json").json()
    url = created["url"]
    assert created["fingerprint"] and created["expired"] is False
    assert created["updated_by"] == staff["author"].pk
    # No fingerprint: a 400 naming the field.
    missing = checker.post(url + "verify/", {}, format="json")
    assert missing.status_code == 400 and "fingerprint" in missing.json()["errors"]
    seen = created["fingerprint"]
    # The author edits after the checker read it: the checker's verify is refused.
    edited = author.patch(url, {"message": "Checkpoint at 6th."}, format="json")
    assert edited.status_code == 200 and edited.json()["fingerprint"] != seen
    refused = checker.post(url + "verify/", {"fingerprint": seen}, format="json")
    assert refused.status_code == 409 and "changed since you opened it" in refused.json()["detail"]
    fresh = checker.get(url).json()["fingerprint"]
    verified = checker.post(url + "verify/", {"fingerprint": fresh}, format="json")
    assert verified.status_code == 200 and verified.json()["status"] == "verified"
    # A later edit through the API sends it back to draft...
    moved = author.patch(url, {"areas": "60623"}, format="json")
    assert moved.status_code == 200 and moved.json()["status"] == "draft"
    assert moved.json()["verified_by"] is None
    # ... and the editor cannot verify what they edited.
    again = author.post(
        url + "verify/", {"fingerprint": moved.json()["fingerprint"]}, format="json"
    )
    assert again.status_code == 409
    checker.post(url + "verify/", {"fingerprint": moved.json()["fingerprint"]}, format="json")
    with django_capture_on_commit_callbacks(execute=True):
        sent = author.post(url + "send/")
    assert sent.status_code == 200 and [m.to for m in sms.outbox] == ["+13125550102"]
    # A sent alert cannot change.
    late = author.patch(url, {"message": "Never mind."}, format="json")
    assert late.status_code == 409
    assert Alert.objects.get().message == "Checkpoint at 6th."


def test_api_expiry_is_validated_and_named(pledge_page, staff):
    client = token_client(staff["author"])
    body = {"campaign": pledge_page.pk, "message": "Checkpoint.", "areas": "606"}
    past = (timezone.now() - timedelta(hours=1)).isoformat()
    response = client.post(
        "/api/v1/alerts/", {**body, "expires_at": past}, format="json", HTTP_ACCEPT_LANGUAGE="es"
    )
    assert response.status_code == 400 and list(response.json()["errors"]) == ["expires_at"]
    far = (timezone.now() + timedelta(days=30)).isoformat()
    response = client.post("/api/v1/alerts/", {**body, "expires_at": far}, format="json")
    assert response.status_code == 400 and "7 days" in str(response.json()["errors"])
    soon = (timezone.now() + timedelta(hours=2)).replace(microsecond=0)
    response = client.post(
        "/api/v1/alerts/", {**body, "expires_at": soon.isoformat()}, format="json"
    )
    assert response.status_code == 201
    assert Alert.objects.get().expires_at == soon
    # Editing needs change_alert.
    viewer = token_client(
        grant(
            type(staff["author"]).objects.create_user("viewer", "viewer@example.org", "pw"),
            "heretostay.view_alert",
        )
    )
    assert viewer.patch(response.json()["url"], {"areas": "1"}, format="json").status_code == 403


# -- The roster: verified contacts -------------------------------------------------------------


def test_roster_shows_filters_and_exports_verified_contacts(client, pledge_page, coordinator):
    make_pledge(pledge_page, name="Vera", email="v@example.org", phone="+13125550111")
    make_pledge(
        pledge_page,
        name="Nadia",
        email="n@example.org",
        phone="+13125550112",
        verified={"email": True, "phone": False},
    )
    make_pledge(pledge_page, name="Omar", email="o@example.org", phone="", verified=False)
    client.force_login(coordinator)
    url = reverse("heretostay_roster:index")
    html = client.get(url).content.decode()
    assert "Email verified" in html and "Phone verified" in html
    assert "✓ verified" in html and "not verified" in html
    html = client.get(url, {"phone_verified": "false"}).content.decode()
    assert "Nadia" in html and "Omar" in html and "Vera" not in html
    html = client.get(url, {"email_verified": "true"}).content.decode()
    assert "Vera" in html and "Nadia" in html and "Omar" not in html
    grant(coordinator, "heretostay.export_pledge")
    client.force_login(coordinator)
    response = client.get(reverse("heretostay_roster:export"), {"format": "csv"})
    rows = {
        r["Name"]: r
        for r in csv.DictReader(
            io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))
        )
    }
    assert rows["Vera"]["Email verified"] and rows["Vera"]["Phone verified"]
    assert rows["Nadia"]["Email verified"] and rows["Nadia"]["Phone verified"] == ""
    assert rows["Omar"]["Email verified"] == ""


def test_an_alert_that_reaches_nobody_says_so(client, pledge_page, staff, volunteers):
    alert = draft(pledge_page, staff["author"])
    alert.areas = "99999"
    alert.save()
    client.force_login(staff["checker"])
    html = client.get(detail_url(alert)).content.decode()
    assert "This alert reaches nobody" in html


def test_the_alert_name_is_its_message_cut_at_a_word(pledge_page, staff):
    alert = draft(pledge_page, staff["author"])
    alert.message = "Checkpoint reported at 26th and Pulaski near the school, observers needed now."
    assert str(alert) == "Checkpoint reported at 26th and Pulaski near the school…"
    alert.message = "Short one."
    assert str(alert) == "Short one."
