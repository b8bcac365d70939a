"""Export N signatures to CSV (and XLSX) vs. the database's own dump of the same columns.

    .venv/bin/python benchmarks/bench_export.py [N] [--xlsx] [--python] [--postgresql]

Baseline in the same run: PostgreSQL ``COPY (SELECT <the export's columns>) TO STDOUT
WITH CSV`` read through psycopg; on SQLite, the same SELECT through the raw cursor written
with ``csv.writer``. Each export runs in its own fresh process so its peak memory (max
RSS) is its own. Ratios only: the machine may be busy. On PostgreSQL the baseline runs
twice over: as Django's connection leaves it (date-times written in UTC), and in the
site's time zone, in which the export writes them (``baseline_zone``; the two measured
the same in issue 15); the ratio is to the latter, and the last column gives it to the
UTC one. The COPYs take turns, ``ROUNDS`` times, and each figure is the least of its
turns (the one least disturbed). On PostgreSQL the CSV export is itself a COPY
(``exports.copy_csv``); ``--python`` also times the row-by-row path.
``--postgresql`` (what ``make bench`` runs) uses PostgreSQL at BENCH_EXPORT_DATABASE_URL
(default postgres://postgres@127.0.0.1:5432/heretostay_bench_export; the test database
made from it is dropped afterwards) unless DATABASE_URL is set, and SQLite with a note
when no server answers.
"""

import json
import os
import resource
import subprocess
import sys
import time
import uuid

from _django import make_site, report, setup, teardown

#: Turns the baselines and the CSV export take; each figure is the least of its turns.
ROUNDS = 3

#: ``--postgresql``: the server to use (a test database is made from this name).
DEFAULT_POSTGRESQL = "postgres://postgres@127.0.0.1:5432/heretostay_bench_export"

SELECT = (
    "SELECT s.public_id, s.campaign_key, p.title, s.language, s.name, s.email, s.postal_code,"
    " s.phone, s.comment, s.source, s.sheet_code, s.created_at, s.confirmed_at, s.opted_in,"
    " s.consent_text, s.consent_given_at"
    " FROM heretostay_signature s LEFT JOIN wagtailcore_page p ON p.id = s.page_id"
    " WHERE s.campaign_key = %s"
)


def fill(petition, n):
    from django.utils import timezone

    from heretostay_wagtail.models import CampaignCounter, Signature

    now = timezone.now()
    batch = []
    for i in range(n):
        email = f"s{i}-{uuid.uuid4().hex[:6]}@example.org"
        batch.append(
            Signature(
                campaign_key=petition.campaign_key,
                page=petition,
                language="en",
                name=f"Signer {i}",
                email=email,
                email_normalized=email,
                postal_code="62701",
                phone="+13125550101" if i % 3 == 0 else "",
                comment="=HYPERLINK(1)" if i % 1000 == 0 else "Thank you",
                created_at=now,
                confirmed_at=now,
                opted_in=bool(i % 2),
                consent_text="Yes, keep me posted.",
                consent_given_at=now,
            )
        )
        if len(batch) == 5000:
            Signature.objects.bulk_create(batch)
            batch = []
    Signature.objects.bulk_create(batch)
    CampaignCounter.add(petition.campaign_key, count=n)


def peak_rss_mb():
    """This process's peak resident memory (VmHWM). Not ``ru_maxrss``: Linux carries that
    over ``exec`` from the forked parent, so a fresh process would report the parent's
    peak (the one that filled the database)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(which, key):
    """In a fresh process: run one export to /dev/null, print time, bytes and max RSS."""
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from heretostay_wagtail.core import exports
    from heretostay_wagtail.models import Signature
    from heretostay_wagtail.petitions.exports import COLUMNS

    queryset = Signature.objects.filter(campaign_key=key).order_by("pk")
    connection.ensure_connection()
    start_rss_mb = peak_rss_mb()
    start = time.perf_counter()
    size = 0
    if which == "csv":
        # What the admin and the API stream: COPY on PostgreSQL, else row by row.
        for chunk in exports.iter_csv(queryset, COLUMNS):
            size += len(chunk.encode() if isinstance(chunk, str) else chunk)
    elif which == "csv_python":
        for chunk in exports.python_csv(queryset, COLUMNS):
            size += len(chunk.encode())
    elif which == "xlsx":
        for chunk in exports.iter_xlsx(queryset, COLUMNS):
            size += len(chunk)
    elif which.startswith("baseline") and connection.vendor == "postgresql":
        sql = SELECT.replace("%s", "'" + key + "'")
        with connection.cursor() as cursor:
            if which == "baseline_zone":  # as the export sets it for its COPY
                cursor.execute(
                    "SELECT set_config('TimeZone', %s, false)",
                    [timezone.get_current_timezone_name()],
                )
            with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH CSV HEADER") as copy:
                for block in copy:
                    size += len(block)
    elif which == "baseline":
        import csv

        class Count:
            n = 0

            def write(self, value):
                Count.n += len(value)

        writer = csv.writer(Count())
        with connection.cursor() as cursor:
            cursor.execute(SELECT, [key.replace("-", "")])
            while rows := cursor.fetchmany(2000):
                writer.writerows(rows)
        size = Count.n
    seconds = time.perf_counter() - start
    rss_mb = peak_rss_mb()
    print(
        json.dumps({"seconds": seconds, "bytes": size, "rss_mb": rss_mb, "start_mb": start_rss_mb})
    )


def run(which, key):
    out = subprocess.run(
        [sys.executable, __file__, "--measure", which, key],
        check=True,
        capture_output=True,
        text=True,
        env=os.environ,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(n, with_xlsx):
    from django.conf import settings
    from django.db import connection, transaction

    with transaction.atomic():
        _home, petition = make_site()
        fill(petition, n)
    if connection.vendor == "postgresql":
        # As autovacuum would soon: without statistics the planner takes a freshly
        # filled table for a few rows.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    # The measuring processes open the very database this one filled.
    os.environ["BENCH_DB_NAME"] = str(settings.DATABASES["default"]["NAME"])
    key = str(petition.campaign_key)
    postgresql = connection.vendor == "postgresql"
    kinds = ["baseline", "baseline_zone", "csv"] if postgresql else ["baseline", "csv"]
    if postgresql and "--python" in sys.argv:
        kinds.append("csv_python")
    results = {}
    for _turn in range(ROUNDS):
        for which in kinds:
            r = run(which, key)
            if which not in results or r["seconds"] < results[which]["seconds"]:
                results[which] = r
    if with_xlsx:
        results["xlsx"] = run("xlsx", key)  # once: ten times the others' time
    base = results["baseline_zone" if postgresql else "baseline"]
    rows = []
    for which, r in results.items():
        versus_utc = (
            f"  {r['seconds'] / results['baseline']['seconds']:5.2f}x" if postgresql else ""
        )
        rows.append(
            (
                which,
                f"{r['seconds']:7.2f} s  {r['bytes'] / 1e6:7.1f} MB out  "
                f"max RSS {r['rss_mb']:5.0f} MB ({r['rss_mb'] - r['start_mb']:+5.0f} MB over "
                f"the process at start)  ratio {r['seconds'] / base['seconds']:5.2f}x{versus_utc}",
            )
        )
    label = (
        "COPY, in the site's time zone; last column: vs. COPY in UTC"
        if postgresql
        else "raw SELECT + csv.writer"
    )
    report(
        f"Export of {n:,} signatures on {connection.vendor} (baseline: {label}; "
        f"best of {ROUNDS} turns, XLSX once)",
        rows,
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
        if os.environ.get("BENCH_DB_NAME"):
            import dj_database_url  # noqa: F401 (tests.settings reads DATABASE_URL)

            url = os.environ["DATABASE_URL"]
            if url.startswith("postgres"):
                os.environ["DATABASE_URL"] = (
                    url.rsplit("/", 1)[0] + "/" + os.environ["BENCH_DB_NAME"]
                )
        measure(sys.argv[2], sys.argv[3])
    else:
        if "--postgresql" in sys.argv and not os.environ.get("DATABASE_URL"):
            from _http import postgres_available

            url = os.environ.get("BENCH_EXPORT_DATABASE_URL", DEFAULT_POSTGRESQL)
            if postgres_available(url):
                os.environ["DATABASE_URL"] = url
            else:
                print(f"No PostgreSQL at {url.split('@')[-1]}: on SQLite instead.")
        old_config = setup()
        args = [a for a in sys.argv[1:] if not a.startswith("--")]
        try:
            main(int(args[0]) if args else 100_000, "--xlsx" in sys.argv)
        finally:
            teardown(old_config)
