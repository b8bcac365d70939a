"""Dispatch one rapid-response alert to 10,000 matching pledgers (in-memory SMS backend).

Run: .venv/bin/python benchmarks/bench_alert_dispatch.py [--pledgers N]
(DATABASE_URL=postgres://... for PostgreSQL; default SQLite in a temporary test database.)

Prints the dispatch time next to a baseline measured in the same run: reading the same
recipient rows once and building their message bodies, which any dispatcher must do.
The ratio shows the cost of what dispatch adds (delivery rows, and for each message its
own claim and its own "sent" record, so a crash never loses or repeats one).
"""

import argparse
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import override_settings, setup_test_environment  # noqa: E402


def build_network(n):
    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from wagtail.models import Locale, Page, Site

    from heretostay_wagtail.models import CampaignCounter, Pledge, PledgePage, VolunteerRole
    from tests.testapp.models import HomePage

    en, _ = Locale.objects.get_or_create(language_code="en")
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Home", slug=f"bench-{uuid.uuid4().hex[:6]}"))
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "testserver", "root_page": home}
    )
    page = home.add_child(
        instance=PledgePage(title="Pledge", slug="pledge", statement="I pledge to show up.")
    )
    roles = {r.code: r for r in VolunteerRole.seed_defaults()}
    # Fixture rows in bulk (this measures dispatch, not sign-up); the other half of the
    # network lives elsewhere or has another role, so targeting has work to do.
    now = timezone.now()
    rows = []
    for i in range(n * 2):
        matching = i % 2 == 0
        rows.append(
            Pledge(
                campaign_key=page.campaign_key,
                page=page,
                language="es" if i % 3 == 0 else "en",
                name=f"Volunteer {i}",
                email=f"v{i}@example.org",
                email_normalized=f"v{i}@example.org",
                phone=f"+1312{i:07d}",
                area="60608" if matching else "10001",
                area_normalized="60608" if matching else "10001",
                alert_sms=True,
                confirmed_at=now,
                # Only verified phones are alerted.
                phone_verified_at=now,
            )
        )
    Pledge.objects.bulk_create(rows, batch_size=2000)
    through = Pledge.roles.through
    through.objects.bulk_create(
        [
            through(pledge_id=pk, volunteerrole_id=roles["rapid_responder"].pk)
            for pk in Pledge.objects.values_list("pk", flat=True)
        ],
        batch_size=5000,
    )
    CampaignCounter.add(page.campaign_key, count=len(rows))
    user_model = get_user_model()
    creator = user_model.objects.create_superuser("creator", "c@example.org", "pw")
    verifier = user_model.objects.create_superuser("verifier2", "v@example.org", "pw")
    return page, roles, creator, verifier


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pledgers", type=int, default=10_000)
    parser.add_argument("--profile", action="store_true", help="print the top of a cProfile")
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with override_settings(
            HERETOSTAY={
                **settings.HERETOSTAY,
                "SMS_BACKEND": "heretostay_wagtail.pledges.sms.backends.locmem.SMSBackend",
            }
        ):
            run(args.pledgers, args.profile)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(n, profile=False):
    from heretostay_wagtail.core.conf import get_setting
    from heretostay_wagtail.models import Alert, AlertDelivery
    from heretostay_wagtail.pledges import alerts, sms

    t0 = time.perf_counter()
    page, roles, creator, verifier = build_network(n)
    setup_s = time.perf_counter() - t0

    alert = Alert.objects.create(
        page=page,
        message="Enforcement confirmed at 18th & Blue Island.",
        areas="606",
        channel="sms",
        created_by=creator,
    )
    alert.roles.set([roles["rapid_responder"]])
    alerts.verify(alert, verifier, alerts.fingerprint(alert))

    t0 = time.perf_counter()
    preview = alerts.preview(alert)
    preview_s = time.perf_counter() - t0

    # Baseline: read every recipient row once and build its message body.
    t0 = time.perf_counter()
    bodies = [
        (p.phone.as_e164, alerts.sms_body(alert, p))
        for p in alerts.recipients(alert, "sms").iterator(chunk_size=500)
    ]
    baseline_s = time.perf_counter() - t0

    sms.outbox.clear()
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
    t0 = time.perf_counter()
    alerts.send(alert, creator)  # immediate task backend: returns when all batches ran
    dispatch_s = time.perf_counter() - t0
    if profile:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
    sent = AlertDelivery.objects.filter(alert=alert, status="sent").count()

    t0 = time.perf_counter()
    alerts.dispatch_alert.call(alert.pk)  # a repeated dispatch must send nothing
    repeat_s = time.perf_counter() - t0

    assert preview["people"] == n == len(bodies), (preview, len(bodies))
    assert len(sms.outbox) == n == sent, (len(sms.outbox), sent)
    print(f"database: {connection.vendor}  batch size: {get_setting('ALERT_BATCH_SIZE')}")
    print(f"network: {2 * n:,} pledgers, {n:,} match (setup {setup_s:.1f} s)")
    print(
        f"preview count:                 {preview_s * 1000:8.1f} ms ({preview['people']:,} people)"
    )
    print(f"baseline (read rows + bodies): {baseline_s:8.3f} s")
    print(
        f"dispatch (send to {n:,}):     {dispatch_s:8.3f} s  = {dispatch_s / baseline_s:.1f}x baseline,"
        f" {dispatch_s / n * 1000:.3f} ms per message, {n / dispatch_s:,.0f} messages/s"
    )
    print(
        f"repeat dispatch (0 sent):      {repeat_s:8.3f} s  messages after repeat: {len(sms.outbox):,}"
    )


if __name__ == "__main__":
    main()
