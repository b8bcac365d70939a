"""Reading a petition's count: the counter row vs. COUNT(*) over its signatures.

The counter is what pages and the API read; COUNT(*) is the baseline measured in the
same run. At N signatures the counter read should stay flat while COUNT(*) grows.

    .venv/bin/python benchmarks/bench_counts.py [N ...]
"""

import sys
import time
import uuid

from _django import make_site, report, setup

setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from heretostay_wagtail.models import CampaignCounter, Signature  # noqa: E402


def fill(petition, n):
    now = timezone.now()
    batch = []
    for i in range(n):
        batch.append(
            Signature(
                campaign_key=petition.campaign_key,
                page=petition,
                language="en",
                name=f"Signer {i}",
                email=f"s{i}-{uuid.uuid4().hex[:6]}@example.org",
                email_normalized=f"s{i}-{uuid.uuid4().hex[:6]}@example.org",
                created_at=now,
                confirmed_at=now,
            )
        )
        if len(batch) == 5000:
            Signature.objects.bulk_create(batch)
            batch = []
    Signature.objects.bulk_create(batch)
    CampaignCounter.add(petition.campaign_key, count=n)


def timed(fn, repeat=200):
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - start) / repeat * 1e6  # µs per call


def main(sizes):
    rows = []
    for n in sizes:
        with transaction.atomic():
            _home, petition = make_site()
            fill(petition, n)
        key = petition.campaign_key
        counter_us = timed(lambda k=key: CampaignCounter.totals(k))
        baseline_us = timed(
            lambda k=key: Signature.objects.filter(
                campaign_key=k, confirmed_at__isnull=False
            ).count(),
            repeat=20,
        )
        assert CampaignCounter.totals(key)["count"] == n
        rows.append(
            (
                f"{n:>9,} signatures",
                f"counter {counter_us:8.1f} µs   COUNT(*) {baseline_us:10.1f} µs   "
                f"ratio {baseline_us / counter_us:7.1f}x",
            )
        )
    report(f"Count read on {connection.vendor}", rows)


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1_000, 10_000, 100_000])
