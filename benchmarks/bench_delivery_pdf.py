"""Benchmark: delivery PDF for 10,000 and 100,000 signatures (time and peak memory).

Target (issue 3): 100,000 signatures within 60 s and 600 MB peak memory on a 2-core box.
Run: ``.venv/bin/python benchmarks/bench_delivery_pdf.py [size[:mix] ...]``, where ``mix`` is
the share of signers whose names are in scripts that need shaping (Arabic, Chinese,
Gurmukhi): their blocks go to WeasyPrint instead of the columns renderer, so the mix is
what decides the time. Default: 10,000 and 100,000 Latin names, then 100,000 with 1 %. Uses a throwaway
SQLite file unless DATABASE_URL is set. Peak memory is sampled as the summed RSS of the
process and its rendering workers (shared pages counted twice, so it over-reports).
"""

import os
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WORKDIR = Path(tempfile.mkdtemp(prefix="hts-bench-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{WORKDIR / 'bench.sqlite3'}")
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"

import django  # noqa: E402
from django.conf import settings  # noqa: E402

settings.STORAGES = {
    **settings.STORAGES,
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(WORKDIR / "media")},
    },
}
if os.environ.get("BENCH_CHUNK_ROWS"):  # try other chunk sizes without editing settings
    settings.HERETOSTAY = {
        **settings.HERETOSTAY,
        "DELIVERY_CHUNK_ROWS": int(os.environ["BENCH_CHUNK_ROWS"]),
    }
django.setup()


def _rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _pss_kb(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid):
    kids = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                kids.extend(int(k) for k in fh.read().split())
    except OSError:
        pass
    return kids


class PeakMemory(threading.Thread):
    """Samples this process and its workers every 250 ms: summed RSS (counts pages the
    forked workers share with the parent once per process) and summed PSS (shares them)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak_kb = 0
        self.peak_pss_kb = 0
        self.at_peak = []
        self.running = True

    def run(self):
        me = os.getpid()
        while self.running:
            pids = [me, *_children(me)]
            rss = {p: _rss_kb(p) for p in pids}
            if sum(rss.values()) > self.peak_kb:
                self.peak_kb = sum(rss.values())
                self.at_peak = [
                    rss[me] // 1024,
                    *sorted(v // 1024 for p, v in rss.items() if p != me),
                ]
            self.peak_pss_kb = max(self.peak_pss_kb, sum(_pss_kb(p) for p in pids))
            time.sleep(0.25)  # reading smaps is not free; sampling faster steals CPU


OTHER_SCRIPTS = ("محمد العلي", "王小明", "ਹਰਪ੍ਰੀਤ ਸਿੰਘ")


def setup_petition(size, mix=0.0):
    from django.core.management import call_command
    from django.utils import timezone
    from wagtail.models import Locale, Page, Site

    from heretostay_wagtail.models import CampaignCounter, Signature, Source
    from tests.conftest import make_petition
    from tests.testapp.models import HomePage

    call_command("migrate", verbosity=0)
    Locale.objects.get_or_create(language_code="en")
    home = HomePage.objects.filter(slug="bench-home").first()
    if home is None:
        home = Page.get_first_root_node().add_child(
            instance=HomePage(title="Home", slug="bench-home")
        )
        Site.objects.all().delete()
        Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
    petition = make_petition(home, slug=f"bench-{size}-{uuid.uuid4().hex[:6]}")
    # Seeding only: signing.sign() is the one path for real signatures, but calling it
    # 100,000 times would benchmark the seeding rather than the PDF.
    now = timezone.now()
    batch = []
    for i in range(size):
        batch.append(
            Signature(
                campaign_key=petition.campaign_key,
                page=petition,
                language="en",
                name=(
                    f"{OTHER_SCRIPTS[i % 3]} {i}"
                    if mix and (i * 7919) % 10_000 < mix * 10_000  # spread, repeatable
                    else f"Signer Number{i} Ñúñez-Lastname"
                ),
                email=f"s{i}@example.org",
                email_normalized=f"s{i}@example.org",
                postal_code=f"{94100 + i % 60:05d}",
                comment="We need this now." if i % 10 == 0 else "",
                source=Source.WEB,
                created_at=now,
                confirmed_at=now,
            )
        )
        if len(batch) == 5000:
            Signature.objects.bulk_create(batch)
            batch = []
    Signature.objects.bulk_create(batch)
    CampaignCounter.add(petition.campaign_key, count=size)
    return petition


def bench(size, mix=0.0, group_by=3):
    from heretostay_wagtail.models import DeliveryJob
    from heretostay_wagtail.paper import delivery

    petition = setup_petition(size, mix)
    job = DeliveryJob.objects.create(page=petition, group_by=group_by)
    monitor = PeakMemory()
    monitor.start()
    cpu_before = os.times()
    started = time.perf_counter()
    delivery.build(job)
    elapsed = time.perf_counter() - started
    cpu_after = os.times()
    parent_cpu = sum(getattr(cpu_after, f) - getattr(cpu_before, f) for f in ("user", "system"))
    cpu = parent_cpu + sum(
        getattr(cpu_after, f) - getattr(cpu_before, f) for f in ("children_user", "children_system")
    )
    monitor.running = False
    monitor.join()
    print(f"  at the peak, RSS in MB of the task's process then each worker: {monitor.at_peak}")
    job.refresh_from_db()
    size_mb = delivery.storage().size(job.file_name) / 1e6
    from pypdf import PdfReader

    with delivery.storage().open(job.file_name, "rb") as fh:
        pages = len(PdfReader(fh).pages)
    return (
        elapsed,
        cpu,
        parent_cpu,
        monitor.peak_kb / 1024,
        monitor.peak_pss_kb / 1024,
        pages,
        size_mb,
    )


def main():
    from heretostay_wagtail.core.conf import get_setting

    runs = [
        (int(size), float(mix or 0))
        for size, _, mix in (arg.partition(":") for arg in sys.argv[1:])
    ] or [(10_000, 0.0), (100_000, 0.0), (100_000, 0.01)]
    print(
        f"parts: {get_setting('DELIVERY_COLUMNS_ROWS')} rows in columns, {get_setting('DELIVERY_CHUNK_ROWS')} in HTML;"
        f" processes={get_setting('PDF_PROCESSES')},"
        f" cpus={os.cpu_count()}, load={os.getloadavg()[0]:.1f}"
    )
    for size, mix in runs:
        load = os.getloadavg()[0]
        elapsed, cpu, parent_cpu, rss, pss, pages, size_mb = bench(size, mix)
        print(
            f"{size:>7,} signatures, {mix:4.0%} other scripts: wall {elapsed:6.1f} s, CPU {cpu:6.1f} s "
            f"of which parent {parent_cpu:5.1f} s (= {cpu / 2:5.1f} s on 2 idle cores), peak RSS sum {rss:4.0f} MB, "
            f"PSS sum {pss:4.0f} MB, {pages} pages, {size_mb:.1f} MB PDF, load before {load:.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
