"""Retention (issue 14): once a campaign has closed (or nobody has signed it) for the
days its site or its page sets, its supporters' personal data is anonymized or deleted,
by the command, the task or not at all (keep); totals survive; a dry run and the admin's
preview show counts only, and each campaign acted on gets one audit entry naming nobody."""

import io
import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry, PageLogEntry, Site

from heretostay_wagtail.core import conf, tokens
from heretostay_wagtail.core.models import CampaignCounter, RetentionSettings, Source
from heretostay_wagtail.paper import delivery
from heretostay_wagtail.paper import retention as paper_retention
from heretostay_wagtail.petitions import services as signing
from heretostay_wagtail.petitions.models import Signature
from heretostay_wagtail.pledges import services as pledging
from heretostay_wagtail.pledges.models import (
    Alert,
    AlertDelivery,
    PhoneVerification,
    Pledge,
    VolunteerRole,
)
from heretostay_wagtail.retention import admin as retention_admin  # noqa: F401  (its hooks)
from heretostay_wagtail.retention import services
from heretostay_wagtail.retention.tasks import apply_retention
from tests.conftest import grant, make_petition
from tests.paper.test_retention import make_job
from tests.pledges.conftest import make_pledge_page
from tests.pledges.helpers import pledge_data

NAME = "Lucía Gómez"
EMAIL = "Lucia.Gomez@Example.org"
PHONE = "+13125550177"
COMMENT = "My cousin was detained at the Broadview facility."
SECRETS = ("lucía", "lucia", "gómez", "gomez", "5550177", "62701", "broadview", "60608")


def days_ago(days):
    return timezone.now() - timedelta(days=days)


def site_retention(**fields):
    site = Site.objects.get(is_default_site=True)
    RetentionSettings.objects.update_or_create(site=site, defaults=fields)


def set_page(page, **fields):
    """Set fields on every translation of ``page`` (as wagtail-localize synchronizes)."""
    type(page).objects.filter(translation_key=page.translation_key).update(**fields)
    page.refresh_from_db()
    return page


def close(page, days):
    return set_page(page, closes_at=days_ago(days))


def sign(petition, email=EMAIL, name=NAME, when=60, language=None, **extra):
    data = {
        "name": name,
        "email": email,
        "postal_code": "62701",
        "phone": PHONE,
        "comment": COMMENT,
        "opt_in": True,
        **extra,
    }
    recorded = signing.sign(
        petition, data, source=Source.WEB, when=days_ago(when), language=language
    )
    return recorded.record


def pledge(page, email=EMAIL, name=NAME, when=60, **extra):
    data = pledge_data(name=name, email=email, phone=PHONE, area="60608", **extra)
    return pledging.pledge(page, data, when=days_ago(when), notify=False).record


def count(page):
    return CampaignCounter.totals(page.campaign_key)["count"]


def recount():
    call_command("heretostay_recount", stdout=io.StringIO())


def entries():
    return list(PageLogEntry.objects.filter(action=services.ACTION)) + list(
        ModelLogEntry.objects.filter(action=services.ACTION)
    )


def assert_names_nobody(entry):
    text = (str(entry.label) + json.dumps(entry.data)).lower()
    for secret in (*SECRETS, EMAIL.lower()):
        assert secret not in text


@pytest.fixture
def roles(locales):
    VolunteerRole.seed_defaults()
    return {r.code: r for r in VolunteerRole.objects.filter(locale=locales["en"])}


@pytest.fixture
def closed(home):
    """A petition closed 40 days ago: two signatures, one with every optional field."""
    petition = make_petition(home, title="Close the detention center", slug="closed")
    sign(petition)
    sign(petition, "other@example.org", name="Other Person", phone="", comment="")
    return close(petition, 40)


@pytest.fixture
def network(home, roles, superuser):
    """A pledge network with no closing date, last pledged 100 days ago; one pledger was
    sent an alert whose failure message names their phone, one has withdrawn."""
    page = make_pledge_page(home)
    ana = pledge(page, when=120, roles=[roles["driver"], roles["interpreter"]])
    gone = pledge(page, "gone@example.org", name="Gone Pledger", when=110)
    pledging.withdraw(gone)
    pledge(page, "bo@example.org", name="Bo Pledger", when=100, languages=["ti"])
    alert = Alert.objects.create(
        page=page, message="Gather now.", areas="606", channel="sms", created_by=superuser
    )
    AlertDelivery.objects.create(
        alert=alert, pledge=ana, channel="sms", status="failed", error=f"Invalid To: {PHONE}"
    )
    page.ana = ana
    return page


# -- what is due, and keep ---------------------------------------------------------------


def test_keep_does_nothing(closed):
    """The site's default is keep: nothing is due, whatever the dates."""
    close(closed, 4000)
    assert services.due_campaigns() == []
    result = services.apply()
    assert result.campaigns == [] and result.totals == dict.fromkeys(services.KINDS, 0)
    assert Signature.objects.filter(email_normalized=EMAIL.lower()).exists()
    assert not entries()


def test_not_due_before_its_days(closed):
    site_retention(action="anonymize", days_after_close=60)
    assert services.apply().campaigns == []  # closed 40 days ago
    assert not Signature.objects.filter(anonymized_at__isnull=False).exists()
    (campaign,) = [c for c in services.campaigns() if c.key == closed.campaign_key]
    due = campaign.next_due()
    assert due.reason == services.CLOSED and due.days == 60
    assert due.at == closed.closes_at + timedelta(days=60)


def test_delivered_petition_counts_as_closed(home):
    petition = make_petition(home, slug="delivered")
    sign(petition)
    set_page(petition, status="delivered", delivered_at=days_ago(20))
    site_retention(action="anonymize", days_after_close=10)
    (outcome,) = services.apply().campaigns
    assert outcome.reason == services.CLOSED and outcome.counts["signatures"] == 1


# -- anonymize ---------------------------------------------------------------------------


def test_anonymize_after_close(closed, petition):
    """Who they were is gone; what makes statistics stays; open campaigns are untouched."""
    site_retention(action="anonymize", days_after_close=30)
    open_signature = sign(petition)  # the fixture's petition never closes
    before = Signature.objects.get(campaign_key=closed.campaign_key, email_normalized=EMAIL.lower())
    result = services.apply()
    (outcome,) = result.campaigns
    assert outcome.key == closed.campaign_key and outcome.title == closed.title
    assert (outcome.action, outcome.reason, outcome.days) == ("anonymize", "closed", 30)
    assert outcome.counts == {
        "signatures": 2,
        "pledges": 0,
        "alert_deliveries": 0,
        "delivery_files": 0,
    }
    after = Signature.objects.get(pk=before.pk)
    assert after.anonymized_at is not None
    assert (after.name, after.email, after.email_normalized) == ("", "", "")
    assert (str(after.phone), after.comment, after.ip_hash, after.sheet_code) == ("", "", "", "")
    assert after.postal_code == "627"  # a coarse prefix
    for kept in ("created_at", "confirmed_at", "source", "language", "opted_in", "campaign_key"):
        assert getattr(after, kept) == getattr(before, kept)
    assert after.public_id != before.public_id  # old links and ids no longer lead here
    open_signature.refresh_from_db()
    assert open_signature.anonymized_at is None and open_signature.name == NAME


def test_anonymize_pledges_and_alert_deliveries(network, roles):
    site_retention(action="anonymize", days_after_close=None, days_after_activity=90)
    before = Pledge.objects.get(pk=network.ana.pk)
    Pledge.objects.filter(pk=before.pk).update(
        email_verified_at=timezone.now(), phone_verified_at=timezone.now()
    )
    PhoneVerification.objects.create(
        pledge=before,
        phone_digest="d" * 64,
        code_digest="c" * 64,
        expires_at=timezone.now(),
    )
    (outcome,) = services.apply().campaigns
    assert outcome.reason == services.INACTIVE and outcome.days == 90
    assert outcome.counts == {
        "signatures": 0,
        "pledges": 3,
        "alert_deliveries": 1,
        "delivery_files": 0,
    }
    after = Pledge.objects.get(pk=before.pk)
    assert (after.name, after.email, str(after.phone), after.ip_hash) == ("", "", "", "")
    assert (after.languages, after.availability, after.training_notes) == ("", "", "")
    assert (after.area, after.area_normalized) == ("606", "606")
    assert not after.alert_sms and not after.alert_email
    assert after.email_verified_at is None and after.phone_verified_at is None
    assert not PhoneVerification.objects.exists()  # the digest of the number goes too
    assert after.alert_sms_consent_text == "" and after.alert_sms_consent_at is None
    assert set(after.roles.all()) == {roles["driver"], roles["interpreter"]}  # statistics
    assert after.created_at == before.created_at and after.confirmed_at == before.confirmed_at
    assert Pledge.objects.filter(withdrawn_at__isnull=False).count() == 1  # still withdrawn
    delivery_row = AlertDelivery.objects.get()
    assert delivery_row.pledge is None and delivery_row.error == ""
    assert delivery_row.status == "failed" and delivery_row.channel == "sms"
    # Nobody can be alerted any more.
    reachable = Q(alert_sms=True) | Q(alert_email=True) | ~Q(phone="") | ~Q(email="")
    assert not Pledge.objects.filter(reachable).exists()


def test_campaign_override_beats_the_site(home, closed):
    """A page's own action and days beat the site's, both ways."""
    site_retention(action="anonymize", days_after_close=365)
    early = make_petition(home, title="Early", slug="early")
    sign(early)
    close(early, 40)
    set_page(early, retention_days_after_close=30)  # sooner than the site's 365
    kept = make_petition(home, title="Kept", slug="kept")
    sign(kept)
    close(kept, 4000)
    set_page(kept, retention_action="keep")  # never, whatever the site says
    (outcome,) = services.apply().campaigns
    assert outcome.key == early.campaign_key and outcome.days == 30
    assert not Signature.objects.filter(
        campaign_key__in=[kept.campaign_key, closed.campaign_key], anonymized_at__isnull=False
    ).exists()
    # And a page may act where its site keeps.
    site_retention(action="keep", days_after_close=365)
    set_page(closed, retention_action="delete", retention_days_after_close=0)
    (outcome,) = services.apply().campaigns
    assert outcome.key == closed.campaign_key and outcome.action == "delete"
    assert not Signature.objects.filter(campaign_key=closed.campaign_key).exists()


def test_inactive_campaigns(home, network):
    """Nobody signed for days_after_activity days: due even though it never closes; a
    campaign someone signed recently is not, however old its other sign-ups."""
    site_retention(action="anonymize", days_after_close=None, days_after_activity=90)
    busy = make_petition(home, title="Busy", slug="busy")
    sign(busy, when=400)
    sign(busy, "recent@example.org", name="Recent Signer", when=10)
    (outcome,) = services.apply().campaigns
    assert outcome.key == network.campaign_key and outcome.reason == "inactive"
    assert not Signature.objects.filter(anonymized_at__isnull=False).exists()


def test_whichever_comes_first(closed):
    """Closed 40 days ago, last signed 60 days ago: the sooner rule is the reason."""
    site_retention(action="anonymize", days_after_close=30, days_after_activity=50)
    (campaign, due) = services.due_campaigns()[0]
    assert due.reason == services.INACTIVE and due.days == 50
    site_retention(action="anonymize", days_after_close=5, days_after_activity=50)
    (campaign, due) = services.due_campaigns()[0]
    assert due.reason == services.CLOSED and due.days == 5


def test_translations_are_one_campaign(petition_es, petition):
    """Signatures made on either translation are one campaign, logged on the page in
    the default language."""
    sign(petition_es, language="es")
    sign(petition, "other@example.org", name="Other Person")
    close(petition, 40)
    site_retention(action="anonymize", days_after_close=0)
    (outcome,) = services.apply().campaigns
    assert outcome.counts["signatures"] == 2
    assert outcome.page.pk == petition.pk
    (entry,) = entries()
    assert isinstance(entry, PageLogEntry) and entry.page_id == petition.pk


def test_old_links_no_longer_open_anonymized_records(network, closed, client, settings):
    """A pledger's manage link and a signer's confirmation link stop working: nobody can
    write new personal data into an anonymous row, or confirm one into the count."""
    settings.HERETOSTAY = {**settings.HERETOSTAY, "DOUBLE_OPT_IN": True}
    unconfirmed = sign(closed, "late@example.org", name="Late Signer")
    token = tokens.make("confirm", unconfirmed.public_id)
    confirm_url = closed.url + closed.reverse_subpage("confirm", args=[token])
    manage_url = pledging.manage_url(network.ana)
    assert client.get(manage_url).status_code == 200
    assert client.get(confirm_url).status_code == 200
    site_retention(action="anonymize", days_after_close=30, days_after_activity=90)
    services.apply()
    assert client.get(manage_url).status_code == 400
    assert client.post(confirm_url).status_code == 400
    assert count(closed) == 2 and Signature.objects.filter(confirmed_at__isnull=True).count() == 1


def test_sign_ups_during_a_run_are_left_alone(closed):
    """Records made after the run started (here: dated tomorrow) are not touched."""
    late = sign(closed, "late@example.org", name="Late Signer", when=-1)
    site_retention(action="anonymize", days_after_close=30)
    (outcome,) = services.apply().campaigns
    assert outcome.counts["signatures"] == 2
    late.refresh_from_db()
    assert late.anonymized_at is None and late.name == "Late Signer"
    assert services.apply(dry_run=True).campaigns == []


# -- delete ------------------------------------------------------------------------------


def test_delete_keeps_the_totals(closed, network, settings):
    """Deleted, yet the counts, the public counts and a recount stay as they were; the
    pledges' roles go with them and alert deliveries are deleted too."""
    settings.HERETOSTAY = {**settings.HERETOSTAY, "DOUBLE_OPT_IN": True}
    unconfirmed = sign(closed, "late@example.org", name="Late Signer")
    assert unconfirmed.confirmed_at is None
    site_retention(action="delete", days_after_close=30, days_after_activity=90)
    petition_count, network_count = count(closed), count(network)
    assert (petition_count, network_count) == (2, 2)  # the withdrawn pledge does not count
    public = closed.supporter_count
    roles_through = Pledge.roles.through.objects
    assert roles_through.count() == 2
    result = services.apply()
    assert {c.key: c.counts for c in result.campaigns} == {
        closed.campaign_key: {
            "signatures": 3,
            "pledges": 0,
            "alert_deliveries": 0,
            "delivery_files": 0,
        },
        network.campaign_key: {
            "signatures": 0,
            "pledges": 3,
            "alert_deliveries": 1,
            "delivery_files": 0,
        },
    }
    assert not Signature.objects.exists() and not Pledge.objects.exists()
    assert not AlertDelivery.objects.exists() and roles_through.count() == 0
    assert Alert.objects.count() == 1  # the organizers' alert stays
    assert (count(closed), count(network)) == (petition_count, network_count)
    counter = CampaignCounter.objects.get(pk=closed.campaign_key)
    assert counter.removed_by_retention == 2  # the confirmed ones
    assert CampaignCounter.objects.get(pk=network.campaign_key).removed_by_retention == 2
    closed.refresh_from_db()
    assert closed.supporter_count == public
    recount()
    assert (count(closed), count(network)) == (petition_count, network_count)
    # Deleting by hand still uncounts: the exception is retention's alone.
    extra = sign(closed, "extra@example.org", name="Extra Signer")
    signing.confirm(extra)
    assert count(closed) == petition_count + 1
    Signature.objects.get(pk=extra.pk).delete()
    assert count(closed) == petition_count
    recount()
    assert count(closed) == petition_count


def test_delete_anonymized_records_when_the_action_becomes_delete(closed):
    site_retention(action="anonymize", days_after_close=30)
    services.apply()
    assert Signature.objects.filter(anonymized_at__isnull=False).count() == 2
    site_retention(action="delete", days_after_close=30)
    (outcome,) = services.apply().campaigns
    assert outcome.counts["signatures"] == 2
    assert not Signature.objects.exists() and count(closed) == 2
    recount()
    assert count(closed) == 2


@pytest.mark.parametrize("action", ["anonymize", "delete"])
def test_works_in_batches(closed, network, monkeypatch, action):
    """Several batches (of 2 here), each its own transaction: every row is reached once
    and the totals still hold."""
    monkeypatch.setattr(services, "BATCH_SIZE", 2)
    for n in range(3):
        sign(closed, f"signer{n}@example.org", name=f"Signer {n}")
    site_retention(action=action, days_after_close=30, days_after_activity=90)
    before = (count(closed), count(network))
    result = services.apply()
    assert result.totals == {
        "signatures": 5,
        "pledges": 3,
        "alert_deliveries": 1,
        "delivery_files": 0,
    }
    assert (count(closed), count(network)) == before == (5, 2)
    recount()
    assert (count(closed), count(network)) == before
    assert services.apply().campaigns == []


# -- totals ------------------------------------------------------------------------------


def test_anonymizing_keeps_the_totals(closed, network, monkeypatch):
    monkeypatch.setitem(conf.DEFAULTS, "PUBLIC_COUNT_INTERVAL", 3600)
    site_retention(action="anonymize", days_after_close=30, days_after_activity=90)
    running = {p.pk: CampaignCounter.totals(p.campaign_key) for p in (closed, network)}
    public = {p.pk: CampaignCounter.public_totals(p.campaign_key) for p in (closed, network)}
    assert running[closed.pk]["count"] == 2 and running[network.pk]["count"] == 2
    services.apply()
    for page in (closed, network):
        assert CampaignCounter.totals(page.campaign_key) == running[page.pk]
        assert CampaignCounter.public_totals(page.campaign_key) == public[page.pk]
    recount()
    for page in (closed, network):
        assert CampaignCounter.totals(page.campaign_key) == running[page.pk]
    assert CampaignCounter.objects.get(pk=closed.campaign_key).removed_by_retention == 0


# -- files -------------------------------------------------------------------------------


def test_delivery_files_are_deleted_whatever_the_action(closed):
    job = make_job(closed, 35)
    name = job.file_name
    assert delivery.storage().exists(name)
    site_retention(action="anonymize", days_after_close=30)
    (outcome,) = services.apply().campaigns
    assert outcome.counts["delivery_files"] == 1
    assert not delivery.storage().exists(name)
    job.refresh_from_db()
    assert job.file_name == "" and job.is_file_deleted  # the job stays as the record
    record = paper_retention.deletion_record(job)
    assert record.data["reason"] == paper_retention.RETENTION and record.data["days"] == 30


def test_a_file_storage_cannot_delete_is_retried(closed, monkeypatch):
    job = make_job(closed, 35)
    site_retention(action="anonymize", days_after_close=30)
    monkeypatch.setattr(paper_retention, "remove_from_storage", lambda name: False)
    with pytest.raises(CommandError):
        call_command("heretostay_retention", stdout=io.StringIO(), stderr=io.StringIO())
    job.refresh_from_db()
    assert job.file_name  # still listed
    assert Signature.objects.filter(anonymized_at__isnull=False).count() == 2
    (entry,) = entries()
    assert entry.data["failed_files"] == 1
    monkeypatch.undo()
    (outcome,) = services.apply().campaigns
    assert outcome.counts == {
        "signatures": 0,
        "pledges": 0,
        "alert_deliveries": 0,
        "delivery_files": 1,
    }


# -- dry run, idempotence, sign again ------------------------------------------------------


def snapshot():
    return (
        list(Signature.objects.order_by("pk").values()),
        list(Pledge.objects.order_by("pk").values()),
        list(AlertDelivery.objects.order_by("pk").values()),
        list(CampaignCounter.objects.order_by("pk").values()),
        list(Pledge.roles.through.objects.order_by("pk").values()),
    )


@pytest.mark.parametrize("action", ["anonymize", "delete"])
def test_dry_run_changes_nothing_and_counts_what_a_run_does(closed, network, action):
    job = make_job(closed, 35)
    site_retention(action=action, days_after_close=30, days_after_activity=90)
    before = snapshot()
    settings_rows = RetentionSettings.objects.count()
    dry = services.apply(dry_run=True)
    assert dry.dry_run and len(dry.campaigns) == 2
    assert snapshot() == before
    assert RetentionSettings.objects.count() == settings_rows
    assert delivery.storage().exists(job.file_name)
    assert not entries()
    assert not PageLogEntry.objects.filter(action=paper_retention.ACTION).exists()
    real = services.apply()
    assert {c.key: c.counts for c in real.campaigns} == {c.key: c.counts for c in dry.campaigns}
    assert real.totals == dry.totals and sum(real.totals.values()) == 7


def test_second_run_does_nothing(closed, network):
    site_retention(action="anonymize", days_after_close=30, days_after_activity=90)
    first = services.apply()
    assert len(first.campaigns) == 2 and len(entries()) == 2
    before = snapshot()
    assert services.apply(dry_run=True).campaigns == []
    assert services.apply().campaigns == []
    assert snapshot() == before and len(entries()) == 2


def test_the_same_email_signs_again_after_anonymization(home, network):
    """Anonymized rows take no part in dedupe: the same person can sign and pledge
    again, and counts as a new supporter."""
    petition = make_petition(home, title="Still open", slug="still-open")
    sign(petition, when=100)
    site_retention(action="anonymize", days_after_close=None, days_after_activity=90)
    services.apply()
    assert count(petition) == 1 and count(network) == 2
    again = signing.sign(
        petition,
        {"name": NAME, "email": EMAIL.upper(), "postal_code": "62701", "opt_in": False},
        source=Source.WEB,
    )
    assert again.created and count(petition) == 2
    repeat = signing.sign(
        petition, {"name": NAME, "email": EMAIL, "postal_code": "62701"}, source=Source.WEB
    )
    assert repeat.duplicate and repeat.record.pk == again.record.pk  # dedupe still works
    rejoined = pledging.pledge(network, pledge_data(email=EMAIL), notify=False)
    assert rejoined.created and count(network) == 3
    assert Signature.objects.filter(campaign_key=petition.campaign_key).count() == 2


# -- records whose pages are gone ---------------------------------------------------------


def test_records_of_deleted_pages_follow_the_default_site_by_last_activity(closed):
    """Their page is gone, so there is no closing date: the default site's
    days_after_activity decides, and the entry goes on the default site."""
    key = closed.campaign_key
    closed.delete()
    assert Signature.objects.filter(campaign_key=key).count() == 2
    site_retention(action="anonymize", days_after_close=0)
    assert services.apply().campaigns == []  # no closing date to count from
    site_retention(action="anonymize", days_after_close=0, days_after_activity=30)
    (outcome,) = services.apply().campaigns
    assert outcome.key == key and outcome.title is None and outcome.reason == "inactive"
    (entry,) = entries()
    assert isinstance(entry, ModelLogEntry)
    assert entry.content_type.model_class() is Site and entry.data["campaign"] == str(key)


# -- audit -------------------------------------------------------------------------------


def test_one_audit_entry_per_campaign_naming_nobody(closed, network, superuser):
    make_job(closed, 35)
    site_retention(action="anonymize", days_after_close=30, days_after_activity=90)
    services.apply(user=superuser)
    found = {entry.page_id: entry for entry in PageLogEntry.objects.filter(action=services.ACTION)}
    assert set(found) == {closed.pk, network.pk}
    entry = found[closed.pk]
    assert entry.user == superuser
    assert entry.data == {
        "campaign": str(closed.campaign_key),
        "retention": "anonymize",
        "reason": "closed",
        "days": 30,
        "signatures": 2,
        "pledges": 0,
        "alert_deliveries": 0,
        "delivery_files": 1,
    }
    assert found[network.pk].data["reason"] == "inactive"
    for entry in found.values():
        assert_names_nobody(entry)


# -- command and task ----------------------------------------------------------------------


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("heretostay_retention", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_dry_run_then_run(closed, network):
    make_job(closed, 35)
    site_retention(action="anonymize", days_after_close=30, days_after_activity=90)
    out, err = run("--dry-run")
    assert f"Close the detention center (campaign {closed.campaign_key}): anonymize" in out
    assert "30 days after it closed" in out and "90 days after its last sign-up" in out
    assert "signatures 2, pledges 0, alert deliveries 0, delivery PDF files 1" in out
    assert (
        "Total that would be anonymized or deleted: signatures 2, pledges 3, "
        "alert deliveries 1, delivery PDF files 1"
    ) in out
    assert "Dry run: nothing was changed." in out and not err
    for secret in (*SECRETS, EMAIL.lower()):
        assert secret not in out.lower()
    assert not Signature.objects.filter(anonymized_at__isnull=False).exists()
    out, err = run()
    assert "Total anonymized or deleted: signatures 2, pledges 3" in out and not err
    assert Signature.objects.filter(anonymized_at__isnull=False).count() == 2
    out, _err = run()
    assert "No campaign has personal data past its retention period." in out
    assert "signatures 0, pledges 0, alert deliveries 0, delivery PDF files 0" in out


def test_task(closed):
    site_retention(action="delete", days_after_close=30)
    result = apply_retention.enqueue()
    assert result.return_value == {
        "dry_run": False,
        "campaigns": 1,
        "totals": {"signatures": 2, "pledges": 0, "alert_deliveries": 0, "delivery_files": 0},
        "failed_files": 0,
    }
    assert not Signature.objects.exists() and count(closed) == 2


# -- admin preview -------------------------------------------------------------------------


@pytest.fixture
def settings_editor(django_user_model):
    user = django_user_model.objects.create_user("keeper", "keeper@example.org", "pw")
    return grant(user, "wagtailadmin.access_admin", "heretostay.change_retentionsettings")


def test_admin_preview_shows_counts_and_changes_nothing(closed, settings_editor, client):
    site_retention(action="delete", days_after_close=30)
    client.force_login(settings_editor)
    response = client.get(reverse("heretostay_retention"))
    assert response.status_code == 200
    (row,) = response.context["rows"]
    assert row["title"] == closed.title and row["counts"] == [2, 0, 0, 0]
    content = response.content.decode()
    assert "Delete (keep the totals)" in content and "30 days after it closed" in content
    for secret in (*SECRETS, EMAIL.lower()):
        assert secret not in content.lower()
    assert Signature.objects.count() == 2 and not entries()


def test_admin_preview_with_nothing_due(settings_editor, client, home):
    client.force_login(settings_editor)
    response = client.get(reverse("heretostay_retention"))
    assert "No campaign has personal data past its retention period." in response.content.decode()


def test_admin_preview_refuses_others(closed, organizer, client):
    client.force_login(organizer)
    assert client.get(reverse("heretostay_retention")).status_code in (302, 403)


def test_menu_item_in_settings_only_for_those_who_change_retention(
    settings_editor, organizer, client, home
):
    url = reverse("heretostay_retention")
    client.force_login(settings_editor)
    assert url in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(organizer)
    assert url not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_the_preview_is_behind_the_settings_permission(db):
    assert services.PERMISSION == "heretostay.change_retentionsettings"
    assert Permission.objects.filter(
        content_type__app_label="heretostay", codename="change_retentionsettings"
    ).exists()
