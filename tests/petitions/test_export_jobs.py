"""Exports too large for a web request: a background job, its page, its audited download.

``EXPORT_INLINE_MAX_ROWS`` is set low so a few signatures make a "large" export. The
test task backend runs a task when it is enqueued, which is on commit: tests run the
on-commit callbacks to let the job run, or not to see it waiting.
"""

import csv
import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry, PageLogEntry

from heretostay_wagtail.core import export_jobs, exports
from heretostay_wagtail.core.models import ExportJob, ExportJobStatus
from tests.conftest import grant

pytestmark = pytest.mark.django_db

INDEX = "heretostay_signatures:index"
SIGNERS = [
    ("Ana Formula", "=HYPERLINK(1)"),
    ("Bea Plain", "Thank you"),
    ("Cy Minus", "-5"),
]


@pytest.fixture(autouse=True)
def small_inline_limit(settings):
    settings.HERETOSTAY = {**settings.HERETOSTAY, "EXPORT_INLINE_MAX_ROWS": 2}


@pytest.fixture
def signed(petition, add_signature):
    for i, (name, comment) in enumerate(SIGNERS):
        add_signature(petition, name=name, email=f"s{i}@example.org", comment=comment)
    return petition


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks):
    """Run what was queued on commit (the export task), as a worker would."""

    def run(callable_):
        with django_capture_on_commit_callbacks(execute=True):
            return callable_()

    return run


def export(client, petition, fmt="csv", contacts="1"):
    url = reverse(INDEX)
    return client.get(url, {"petition": petition.campaign_key, "export": fmt, "contacts": contacts})


def body(response):
    return b"".join(response.streaming_content)


def assert_not_found(response):
    """A 404 (followed: the test site's LocaleMiddleware first redirects an admin 404 to
    the language-prefixed URL, which is not found either), and no file."""
    assert response.status_code == 404
    assert not response.streaming


def exported_files():
    try:
        return set(export_jobs.storage().listdir("heretostay/exports")[1])
    except FileNotFoundError:
        return set()


def all_audit_data():
    entries = list(PageLogEntry.objects.all()) + list(ModelLogEntry.objects.all())
    return " ".join(str(entry.data) for entry in entries)


def test_large_export_becomes_a_job_with_the_same_file(
    client, organizer, signed, run_jobs, settings
):
    client.force_login(organizer)
    response = run_jobs(lambda: export(client, signed))
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("heretostay_export_job", args=[job.pk])
    assert job.status == ExportJobStatus.DONE
    assert job.total_rows == job.rows_done == 3
    assert job.query == {}  # what rebuilt the queryset is gone once done
    assert job.file_name.startswith("heretostay/exports/") and len(job.file_name) > 50
    assert job.expires_at - job.finished_at == timedelta(hours=24)

    page = client.get(response.url)
    html = page.content.decode()
    assert page.status_code == 200
    assert job.file_name not in html  # never a storage URL
    assert 'http-equiv="refresh"' not in html  # finished: no more reloading
    download = client.get(reverse("heretostay_export_download", args=[job.pk]))
    assert download.status_code == 200
    assert "no-store" in download["Cache-Control"]
    assert download["Content-Disposition"].startswith("attachment; filename=")
    assert download["Content-Disposition"].endswith('.csv"')
    data = body(download)

    # The very bytes a streamed export gives, formulas neutralized.
    settings.HERETOSTAY = {**settings.HERETOSTAY, "EXPORT_INLINE_MAX_ROWS": None}
    assert body(export(client, signed)) == data
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert {row["Comment"] for row in rows} == {"'=HYPERLINK(1)", "Thank you", "'-5"}
    assert {row["Email"] for row in rows} == {"s0@example.org", "s1@example.org", "s2@example.org"}


def test_export_and_each_download_are_audited_without_personal_data(
    client, organizer, signed, run_jobs
):
    client.force_login(organizer)
    run_jobs(lambda: export(client, signed, fmt="xlsx"))
    job = ExportJob.objects.get()
    url = reverse("heretostay_export_download", args=[job.pk])
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    exported = PageLogEntry.objects.get(action="heretostay.export")
    assert exported.page_id == signed.pk
    assert exported.data["job"] == job.pk and exported.data["rows"] == 3
    downloads = PageLogEntry.objects.filter(action="heretostay.download", page=signed)
    assert downloads.count() == 2
    assert downloads.first().data["job"] == job.pk
    assert downloads.first().data["contacts"] is True
    logged = all_audit_data()
    for name, _comment in SIGNERS:
        assert name not in logged
    assert "@example.org" not in logged


def test_job_page_refreshes_without_script_while_waiting(client, organizer, signed):
    client.force_login(organizer)
    response = export(client, signed)  # not committed: the job waits
    job = ExportJob.objects.get()
    assert job.status == ExportJobStatus.QUEUED
    page = client.get(response.url)
    html = page.content.decode()
    assert '<meta http-equiv="refresh" content="3">' in html
    assert "0 of 3 rows written" in html
    assert 'href="?refresh=0"' in html or "?refresh=0" in html
    quiet = client.get(response.url, {"refresh": "0"}).content.decode()
    assert 'http-equiv="refresh"' not in quiet
    # Not ready: the download is refused, and nothing is logged as downloaded.
    download = client.get(reverse("heretostay_export_download", args=[job.pk]))
    assert download.status_code == 409
    assert not PageLogEntry.objects.filter(action="heretostay.download").exists()


def test_small_exports_still_stream(client, organizer, petition, add_signature):
    client.force_login(organizer)
    add_signature(petition)
    response = export(client, petition)
    assert response.streaming
    assert not ExportJob.objects.exists()


def test_someone_else_cannot_see_or_download_the_job(
    client, organizer, django_user_model, signed, run_jobs
):
    client.force_login(organizer)
    run_jobs(lambda: export(client, signed))
    job = ExportJob.objects.get()
    other = grant(
        django_user_model.objects.create_user("other", "other@example.org", "pw"),
        "wagtailadmin.access_admin",
        "heretostay.view_signature",
        "heretostay.view_signature_contact",
        "heretostay.export_signature",
    )
    client.force_login(other)
    assert_not_found(client.get(reverse("heretostay_export_job", args=[job.pk]), follow=True))
    download = client.get(reverse("heretostay_export_download", args=[job.pk]), follow=True)
    assert_not_found(download)
    assert not PageLogEntry.objects.filter(action="heretostay.download").exists()


def test_the_owner_without_the_permission_any_more_is_refused(client, organizer, signed, run_jobs):
    client.force_login(organizer)
    run_jobs(lambda: export(client, signed))
    job = ExportJob.objects.get()
    organizer.user_permissions.remove(
        *organizer.user_permissions.filter(codename="export_signature")
    )
    organizer = type(organizer).objects.get(pk=organizer.pk)  # no cached permissions
    client.force_login(organizer)
    download = client.get(reverse("heretostay_export_download", args=[job.pk]), follow=True)
    assert_not_found(download)


def test_a_superuser_may_download_anyones(client, organizer, superuser, signed, run_jobs):
    client.force_login(organizer)
    run_jobs(lambda: export(client, signed))
    job = ExportJob.objects.get()
    client.force_login(superuser)
    assert client.get(reverse("heretostay_export_download", args=[job.pk])).status_code == 200


def test_without_the_export_permission_no_job_is_made(client, django_user_model, signed):
    viewer = grant(
        django_user_model.objects.create_user("viewer", "viewer@example.org", "pw"),
        "wagtailadmin.access_admin",
        "heretostay.view_signature",
    )
    client.force_login(viewer)
    response = export(client, signed)
    assert response.status_code in (302, 403)
    assert not ExportJob.objects.exists()


def test_without_the_contact_permission_the_job_leaves_contacts_out(
    client, django_user_model, signed, run_jobs
):
    exporter = grant(
        django_user_model.objects.create_user("exporter", "exporter@example.org", "pw"),
        "wagtailadmin.access_admin",
        "heretostay.view_signature",
        "heretostay.export_signature",
    )
    client.force_login(exporter)
    run_jobs(lambda: export(client, signed, contacts="1"))
    job = ExportJob.objects.get()
    assert job.contacts is False
    data = body(client.get(reverse("heretostay_export_download", args=[job.pk])))
    header = data.decode("utf-8-sig").splitlines()[0]
    assert "Email" not in header and "Phone" not in header
    assert b"@example.org" not in data


def test_expired_download_is_refused_and_its_file_deleted(client, organizer, signed, run_jobs):
    client.force_login(organizer)
    run_jobs(lambda: export(client, signed))
    job = ExportJob.objects.get()
    name = job.file_name
    assert export_jobs.storage().exists(name)
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("heretostay_export_download", args=[job.pk]))
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    job.refresh_from_db()
    assert job.status == ExportJobStatus.EXPIRED and job.file_name == ""
    assert not export_jobs.storage().exists(name)
    assert not PageLogEntry.objects.filter(action="heretostay.download").exists()


def test_purge_command_deletes_expired_files_only(client, organizer, signed, run_jobs):
    client.force_login(organizer)
    run_jobs(lambda: export(client, signed))
    run_jobs(lambda: export(client, signed, fmt="xlsx"))
    old, new = ExportJob.objects.order_by("pk")
    ExportJob.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    out = io.StringIO()
    call_command("heretostay_purge_exports", stdout=out)
    assert "Deleted 1 expired export files." in out.getvalue()
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.status == ExportJobStatus.EXPIRED and not export_jobs.storage().exists(
        old.file_name or "x"
    )
    assert new.status == ExportJobStatus.DONE and export_jobs.storage().exists(new.file_name)


# -- never silently truncated -------------------------------------------------------------


def rows_then_fail(after):
    real = exports.rows

    def rows(queryset, columns):
        for n, row in enumerate(real(queryset, columns)):
            if n == after:
                raise RuntimeError("the database went away")
            yield row

    return rows


def test_a_job_cut_short_fails_with_no_file_and_no_download(
    client, organizer, signed, run_jobs, monkeypatch
):
    monkeypatch.setattr(exports, "copy_plan", lambda *a: None)  # the row-by-row path
    monkeypatch.setattr(exports, "rows", rows_then_fail(after=2))
    client.force_login(organizer)
    files = exported_files()
    run_jobs(lambda: export(client, signed))
    job = ExportJob.objects.get()
    assert job.status == ExportJobStatus.FAILED
    assert job.error == export_jobs.FAILED and job.file_name == "" and job.query == {}
    assert exported_files() == files  # nothing left in storage
    page = client.get(reverse("heretostay_export_job", args=[job.pk])).content.decode()
    assert "could not be written" in page
    assert "Download the file" not in page
    response = client.get(reverse("heretostay_export_download", args=[job.pk]))
    assert response.status_code == 410
    assert not PageLogEntry.objects.filter(action="heretostay.download").exists()


def test_a_job_missing_rows_fails_as_incomplete(client, organizer, signed, run_jobs, monkeypatch):
    """Rows lost without an error (a bug, a cut connection read as the end) are caught
    by counting them against the total."""
    real = exports.rows

    def fewer(queryset, columns):
        yield from list(real(queryset, columns))[:-1]

    monkeypatch.setattr(exports, "copy_plan", lambda *a: None)
    monkeypatch.setattr(exports, "rows", fewer)
    client.force_login(organizer)
    run_jobs(lambda: export(client, signed))
    job = ExportJob.objects.get()
    assert job.status == ExportJobStatus.FAILED and job.error == export_jobs.INCOMPLETE
    assert job.rows_done == 0 or job.rows_done < job.total_rows
    page = client.get(reverse("heretostay_export_job", args=[job.pk])).content.decode()
    assert "stopped before every row was written" in page
    assert client.get(reverse("heretostay_export_download", args=[job.pk])).status_code == 410


def test_records_deleted_while_writing_fail_the_job(
    client, organizer, signed, run_jobs, monkeypatch
):
    from heretostay_wagtail.models import Signature

    real = exports.iterate

    def then_delete(queryset, columns, fmt, count=None):
        yield from real(queryset, columns, fmt, count)
        Signature.objects.filter(name="Bea Plain").delete()

    monkeypatch.setattr(exports, "iterate", then_delete)
    client.force_login(organizer)
    run_jobs(lambda: export(client, signed))
    job = ExportJob.objects.get()
    assert job.status == ExportJobStatus.FAILED and job.error == export_jobs.CHANGED


def test_a_storage_failure_fails_the_job(client, organizer, signed, run_jobs, monkeypatch):
    def broken_save(name, content, max_length=None):
        raise OSError("disk full")

    monkeypatch.setattr(export_jobs.storage(), "save", broken_save)
    client.force_login(organizer)
    run_jobs(lambda: export(client, signed))
    job = ExportJob.objects.get()
    assert job.status == ExportJobStatus.FAILED and job.file_name == ""


def test_an_inline_stream_failing_midway_raises_instead_of_ending(
    client, organizer, signed, monkeypatch, settings
):
    """The server aborts a response whose iterator raises (no last chunk), so the
    browser reports a failed download; a generator that swallowed the error would end
    the file cleanly, short."""
    settings.HERETOSTAY = {**settings.HERETOSTAY, "EXPORT_INLINE_MAX_ROWS": None}
    monkeypatch.setattr(exports, "copy_plan", lambda *a: None)
    monkeypatch.setattr(exports, "rows", rows_then_fail(after=1))
    monkeypatch.setattr(exports, "CSV_CHUNK_CHARS", 1)  # the first row goes out at once
    client.force_login(organizer)
    response = export(client, signed)
    chunks = iter(response.streaming_content)
    first = next(chunks)
    assert b"Ana Formula" in first or b"Bea Plain" in first or b"Cy Minus" in first
    with pytest.raises(RuntimeError, match="the database went away"):
        for _chunk in chunks:
            pass


@pytest.mark.parametrize("fmt", ["xlsx", "ndjson"])
def test_other_formats_raise_midway_too(petition, signed, monkeypatch, fmt):
    from heretostay_wagtail.models import Signature
    from heretostay_wagtail.petitions.exports import COLUMNS

    monkeypatch.setattr(exports, "rows", rows_then_fail(after=1))
    stream = exports.iterate(Signature.objects.order_by("pk"), COLUMNS, fmt)
    with pytest.raises(RuntimeError):
        list(stream)


def test_a_searched_export_keeps_the_search_only_until_it_is_done(
    client, organizer, signed, django_capture_on_commit_callbacks, settings
):
    settings.HERETOSTAY = {**settings.HERETOSTAY, "EXPORT_INLINE_MAX_ROWS": 0}
    client.force_login(organizer)
    url = reverse(INDEX)
    client.get(url, {"q": "Formula", "export": "csv"})  # waiting: not committed
    job = ExportJob.objects.get()
    assert job.filters == {"q": "[search]"}  # as the audit log keeps it
    assert "Formula" not in str(job.filters)
    with django_capture_on_commit_callbacks(execute=True):
        export_jobs.run_export.enqueue(job.pk)
    job.refresh_from_db()
    assert job.status == ExportJobStatus.DONE and job.query == {}
    data = body(client.get(reverse("heretostay_export_download", args=[job.pk])))
    assert b"Ana Formula" in data and b"Bea Plain" not in data


def test_a_tampered_query_is_refused(client, organizer, signed, django_capture_on_commit_callbacks):
    client.force_login(organizer)
    export(client, signed)
    job = ExportJob.objects.get()
    job.query = {**job.query, "query": job.query["query"][:-3] + "abc"}
    job.save()
    with django_capture_on_commit_callbacks(execute=True):
        export_jobs.run_export.enqueue(job.pk)
    job.refresh_from_db()
    assert job.status == ExportJobStatus.FAILED and job.file_name == ""
