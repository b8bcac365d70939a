"""Hundreds of people signing at once: the count stays exact (PostgreSQL only)."""

import threading

import pytest
from django.db import connection

from heretostay_wagtail.models import CampaignCounter, Signature, Source
from heretostay_wagtail.petitions import services as signing

THREADS = 20
PER_THREAD = 10
DISTINCT_EMAILS = 120  # 200 attempts, so 80 are repeats of an email already used


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_signing_keeps_count_equal_to_rows(petition, petition_es):
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent writes are only meaningful on PostgreSQL")
    pages = [petition, petition_es]
    barrier = threading.Barrier(THREADS)
    errors = []
    created = []  # list.append is atomic under the GIL

    def worker(t):
        try:
            barrier.wait()
            for i in range(PER_THREAD):
                n = (t * PER_THREAD + i) % DISTINCT_EMAILS
                email = f"Person{n}@Example.org" if t % 2 else f"person{n}@example.org"
                result = signing.sign(
                    pages[t % 2],
                    {"name": f"Person {n}", "email": email, "postal_code": "62701"},
                    source=Source.WEB,
                    language=pages[t % 2].locale.language_code,
                )
                created.append(result.created)
        except Exception as exc:  # reported below: a thread must not fail silently
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert created.count(True) == DISTINCT_EMAILS
    assert created.count(False) == THREADS * PER_THREAD - DISTINCT_EMAILS
    rows = Signature.objects.filter(campaign_key=petition.campaign_key)
    assert rows.count() == DISTINCT_EMAILS
    assert rows.values("email_normalized").distinct().count() == DISTINCT_EMAILS
    confirmed = rows.filter(confirmed_at__isnull=False).count()
    assert CampaignCounter.totals(petition.campaign_key)["count"] == confirmed == DISTINCT_EMAILS
