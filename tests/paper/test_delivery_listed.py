"""Every signer counted on the cover is listed in the delivery PDF (issue 14).

Built by the real renderers (ReportLab columns and WeasyPrint), read back with pypdf:
each signer's name carries a tag (``N00042Q``) that is counted in the PDF's text, so the
rows listed can be compared with the number on the cover, whatever the script, grouping,
comments, renderer mix and size.
"""

import os
import re
import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from heretostay_wagtail.models import DeliveryJob, Signature, Source
from heretostay_wagtail.paper import delivery

from .conftest import flat, pdf_text, sign

CHINESE = "王小明"
ARABIC = "محمد العلي"
TAG = re.compile(r"N(\d{5})Q|Q(\d{5})N")  # pypdf may give a right-to-left line reversed
COMMENT_TAG = re.compile(r"C(\d{5})K|K(\d{5})C")
REGIONS = [["District 1", ["94103", "94104"]], ["District 2", ["941"]], ["Oakland", ["946"]]]
POSTAL_CODES = ["94103", "94110", "94612", "10001", "", "SW1A 1AA"]
slow = pytest.mark.skipif(
    not os.environ.get("HTS_SLOW_TESTS"), reason="set HTS_SLOW_TESTS=1 to run the slow cases"
)


def _name(i, script):
    tag = f"N{i:05d}Q"
    return {
        "latin": f"{tag} Ana Pérez",
        "chinese": f"{tag} {CHINESE}",
        "arabic": f"{tag} {ARABIC}",
    }[script]


def _comment(i, script):
    tag = f"C{i:05d}K"
    return {
        "latin": f"{tag} keep us safe",
        "chinese": f"{tag} 我们支持",
        "arabic": f"{tag} نحن معكم",
    }[script]


def add_signers(petition, scripts, comment_every=3):
    """Signatures created in bulk (the signing service is tested elsewhere): ``scripts``
    gives each signer's script in signing order; every ``comment_every``-th comments."""
    start = timezone.now() - timedelta(days=1)
    Signature.objects.bulk_create(
        [
            Signature(
                campaign_key=petition.campaign_key,
                page=petition,
                language="en",
                name=_name(i, script),
                email=f"s{i}@example.org",
                email_normalized=f"s{i}@example.org",
                source=Source.WEB,
                postal_code=POSTAL_CODES[i % len(POSTAL_CODES)],
                comment=_comment(i, script) if comment_every and i % comment_every == 0 else "",
                created_at=start + timedelta(seconds=i),
                confirmed_at=start + timedelta(seconds=i),
            )
            for i, script in enumerate(scripts)
        ],
        batch_size=500,
    )


def build(petition, *, group_by=0, regions=None, include_comments=True):
    job = DeliveryJob.objects.create(
        page=petition,
        group_by=group_by,
        regions=regions or [],
        include_comments=include_comments,
        only_confirmed=True,
    )
    delivery.build(job)
    job.refresh_from_db()
    return job, delivery.read(job)


def tags(pattern, text):
    return [int(a or b) for a, b in pattern.findall(text)]


def assert_all_listed(job, pdf, scripts, comment_every=3, include_comments=True):
    text = pdf_text(pdf)
    n = len(scripts)
    assert job.status == "done", job.error
    assert job.total_rows == n
    assert f"list {n} signer" in flat(text)
    found = tags(TAG, text)
    missing = sorted(set(range(n)) - set(found))
    assert not missing, f"{len(missing)} of {n} signers missing, e.g. {missing[:10]}"
    assert sorted(found) == list(range(n)), "a signer listed twice"
    comments = tags(COMMENT_TAG, text)
    expected = list(range(0, n, comment_every)) if include_comments and comment_every else []
    assert sorted(comments) == expected


def scripts_of(pattern, n):
    """Each signer's script: one script, the issue's 60 + 60, or a long mixed list (runs of
    Chinese names, Arabic ones sprinkled) that switches renderer many times."""
    if pattern in ("latin", "chinese", "arabic"):
        return [pattern] * n
    if pattern == "issue":
        return ["latin" if i < n // 2 else "chinese" for i in range(n)]
    assert pattern == "mixed"
    return [
        "arabic" if i % 331 == 7 else "chinese" if 200 <= i % 450 < 260 else "latin"
        for i in range(n)
    ]


GROUPINGS = {"none": {}, "prefix": {"group_by": 3}, "full": {"group_by": 5}}
GROUPINGS["regions"] = {"regions": REGIONS}


@pytest.mark.parametrize(
    ("size", "pattern", "grouping", "comments"),
    [
        (1, "latin", "none", True),
        (1, "arabic", "regions", False),
        (1, "chinese", "prefix", True),
        (120, "issue", "none", True),
        (120, "issue", "none", False),
        (120, "issue", "prefix", True),
        (120, "issue", "full", False),
        (120, "issue", "regions", True),
        (400, "mixed", "none", True),
        (400, "mixed", "prefix", False),
        (400, "mixed", "full", True),
        (400, "mixed", "regions", False),
        (2000, "mixed", "regions", True),
        (3000, "latin", "none", False),
    ],
)
def test_every_signer_counted_is_listed(petition, size, pattern, grouping, comments):
    scripts = scripts_of(pattern, size)
    add_signers(petition, scripts)
    job, pdf = build(petition, include_comments=comments, **GROUPINGS[grouping])
    assert_all_listed(job, pdf, scripts, include_comments=comments)


@pytest.mark.parametrize("grouping", ["none", "regions"])
def test_every_signer_listed_across_many_windows(petition, settings, monkeypatch, grouping):
    """Small blocks and windows: parts and windows change many times, in two processes."""
    settings.HERETOSTAY = {
        **settings.HERETOSTAY,
        "DELIVERY_CHUNK_ROWS": 90,
        "DELIVERY_COLUMNS_ROWS": 160,
        "PDF_PROCESSES": 2,
    }
    monkeypatch.setattr(delivery, "BLOCK_ROWS", 20)
    scripts = scripts_of("mixed", 500)
    add_signers(petition, scripts, comment_every=2)
    job, pdf = build(petition, **GROUPINGS[grouping])
    assert_all_listed(job, pdf, scripts, comment_every=2)


@slow
def test_twenty_thousand_signers_are_all_listed(petition):
    """HTS_SLOW_TESTS=1: 20,000 signers, mixed scripts, grouped by region, comments."""
    scripts = scripts_of("mixed", 20_000)
    add_signers(petition, scripts)
    started = time.monotonic()
    job, pdf = build(petition, regions=REGIONS)
    print(f"\n20,000 signers built in {time.monotonic() - started:.1f} s")
    assert_all_listed(job, pdf, scripts)


def _deliver(client, petition, captured, **options):
    data = {"group_by": "0", "include_comments": "on", "only_confirmed": "on", **options}
    data = {k: v for k, v in data.items() if v is not None}
    with captured(execute=True):
        client.post(reverse("heretostay_deliver", args=[petition.pk]), data)
    job = DeliveryJob.objects.latest("pk")
    job.refresh_from_db()
    return job


@pytest.mark.parametrize(("comments", "group_by"), [("on", "0"), (None, "0")])
def test_issue_14_latin_then_chinese_with_comments(
    paper_client, petition, django_capture_on_commit_callbacks, comments, group_by
):
    """The report: 60 Latin names, then 60 Chinese names with comments, delivered from the
    admin: the cover said 120 signers and the list had 77 (100 without comments), as the
    WeasyPrint part's continuation pages were dropped."""
    names = [f"Latin Signer{i:03d}" for i in range(60)]
    names += [f"{CHINESE}{i:03d}" for i in range(60)]
    for i, name in enumerate(names):
        comment = f"评论 {i:03d} 我们支持" if i >= 60 else ""
        sign(petition, name, f"s{i}@example.org", "94103", comment=comment)
    job = _deliver(
        paper_client,
        petition,
        django_capture_on_commit_callbacks,
        include_comments=comments,
        group_by=group_by,
    )
    assert job.status == "done", job.error
    response = paper_client.get(reverse("heretostay_delivery_download", args=[petition.pk, job.pk]))
    text = flat(pdf_text(b"".join(response.streaming_content)))
    assert "list 120 signers" in text
    missing = [name for name in names if name not in text]
    assert not missing, f"{len(missing)} signers missing: {missing[:5]}…"


def test_part_pages_counts_every_page_of_a_long_part():
    """A WeasyPrint part over several pages carries its id on each: all are its pages."""
    from heretostay_wagtail.pdf.render import html_document

    rows = "\n".join(f"row {i}" for i in range(150))
    sections = "".join(
        f'<section id="part-{k}" class="part"><pre>{rows if k == 0 else "one"}</pre></section>'
        for k in range(3)
    )
    style = "<style>section.part + section.part { break-before: page; }</style>"
    document = html_document(f"<html><head>{style}</head><body>{sections}</body></html>")
    pages = delivery._part_pages(document, 3)
    assert pages[1:] == [1, 1] and pages[0] > 1
    assert sum(pages) == len(document.pages)


def _failing_job(paper_client, petition, captured, caplog):
    with caplog.at_level("ERROR", logger="heretostay_wagtail.paper"):
        job = _deliver(paper_client, petition, captured)
    assert job.status == "failed"
    assert job.file_name == "" and job.finished_at is not None
    assert "The PDF was not saved" in job.error
    assert "does not match the number on its cover" in job.error
    assert "not saved: cover counts" in caplog.text  # the details, for the developers
    page = paper_client.get(reverse("heretostay_delivery_job", args=[petition.pk, job.pk]))
    assert "The PDF could not be generated" in page.content.decode()
    assert "Download the PDF" not in page.content.decode()
    return job


def test_dropped_pages_fail_the_job_loudly(
    paper_client, petition, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    """The invariant: had the list lost pages (the old count of one page per part), the
    job fails with a clear error instead of saving a short PDF."""

    def one_page_per_part(document, parts):
        return [1] * parts

    monkeypatch.setattr(delivery, "_part_pages", one_page_per_part)
    add_signers(petition, scripts_of("issue", 120))
    job = _failing_job(paper_client, petition, django_capture_on_commit_callbacks, caplog)
    assert "(50)" in job.error and "(120)" in job.error  # only the columns part was whole
    assert "html: 1 of 1 parts, 1 of" in caplog.text


def test_signer_removed_during_the_build_fails_the_job(
    paper_client, petition, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    """The cover counts 30; one signature is deleted before the list is read: 29 listed,
    so nothing is saved (generating again gives a consistent PDF)."""
    add_signers(petition, scripts_of("latin", 30))
    counts = delivery.group_counts_of

    def delete_one_then_count(qs, job):
        Signature.objects.filter(campaign_key=petition.campaign_key).order_by("pk")[0].delete()
        return counts(qs, job)

    monkeypatch.setattr(delivery, "group_counts_of", delete_one_then_count)
    job = _failing_job(paper_client, petition, django_capture_on_commit_callbacks, caplog)
    assert "(29)" in job.error and "(30)" in job.error


def test_signer_added_during_the_build_waits_for_the_next_pdf(
    paper_client, petition, django_capture_on_commit_callbacks, monkeypatch
):
    """Someone signing while the PDF is built is neither counted nor listed."""
    add_signers(petition, scripts_of("latin", 30))
    counts = delivery.group_counts_of

    def sign_then_count(qs, job):
        sign(petition, "Late Signer", "late@example.org", "94103")
        return counts(qs, job)

    monkeypatch.setattr(delivery, "group_counts_of", sign_then_count)
    job = _deliver(paper_client, petition, django_capture_on_commit_callbacks)
    assert job.status == "done", job.error
    pdf = delivery.read(job)
    assert_all_listed(job, pdf, scripts_of("latin", 30))
    assert "Late Signer" not in pdf_text(pdf)


def test_anonymized_signers_are_not_listed(petition):
    """Retention anonymized some signers: the PDF lists the others, and its cover counts
    what it lists (no blank rows)."""
    scripts = ["latin"] * 6
    add_signers(petition, scripts)
    Signature.objects.filter(email__in=["s1@example.org", "s4@example.org"]).update(
        name="", email="", email_normalized="", anonymized_at=timezone.now()
    )
    job, pdf = build(petition)
    assert job.status == "done", job.error
    assert job.total_rows == 4
    found = tags(TAG, pdf_text(pdf))
    assert sorted(found) == [0, 2, 3, 5]
