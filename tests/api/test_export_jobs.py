"""The API's large exports: 202 with a job to poll, then the file, with the admin's checks."""

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import PageLogEntry
from wagtail.models.audit_log import ModelLogEntry

from heretostay_wagtail.core import export_jobs
from heretostay_wagtail.core.models import ExportJob, ExportJobStatus
from heretostay_wagtail.models import Source
from heretostay_wagtail.petitions import services as signing
from tests.conftest import grant

from .conftest import SIGNER, token_client

pytestmark = pytest.mark.django_db

CSV = "/api/v1/signatures/export.csv"
NDJSON = "/api/v1/signatures/export.ndjson"


@pytest.fixture(autouse=True)
def small_inline_limit(settings):
    settings.HERETOSTAY = {**settings.HERETOSTAY, "EXPORT_INLINE_MAX_ROWS": 1}


@pytest.fixture
def signed(petition):
    signing.sign(petition, SIGNER, source=Source.API)
    signing.sign(
        petition,
        {"name": "Paper Person", "email": "paper@example.org", "postal_code": "10001"},
        source=Source.PAPER,
    )
    return petition


def downloads():
    return list(PageLogEntry.objects.filter(action="heretostay.download")) + list(
        ModelLogEntry.objects.filter(action="heretostay.download")
    )


def test_large_export_answers_202_then_the_file(
    organizer_api, signed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_api.get(CSV)
    assert response.status_code == 202
    data = response.json()
    assert response["Location"] == data["url"]
    assert data["total_rows"] == 2 and data["format"] == "csv" and data["contacts"] is True
    job = ExportJob.objects.get()
    assert data["url"].endswith(f"/api/v1/exports/{job.pk}/")

    detail = organizer_api.get(data["url"]).json()
    assert detail["status"] == "done" and detail["progress"] == 100
    assert detail["error"] == ""
    assert detail["file_url"].endswith(f"/api/v1/exports/{job.pk}/file/")
    assert job.file_name not in str(detail)
    file = organizer_api.get(detail["file_url"])
    assert file.status_code == 200
    text = b"".join(file.streaming_content).decode("utf-8-sig")
    assert "rosa.signer@example.org" in text and "paper@example.org" in text
    [entry] = downloads()
    assert entry.data["via"] == "api" and entry.data["job"] == job.pk
    assert "Rosa" not in str(entry.data) and "@" not in str(entry.data)


def test_ndjson_too(organizer_api, signed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_api.get(NDJSON)
    assert response.status_code == 202
    file = organizer_api.get(response.json()["url"] + "file/")
    assert file["Content-Type"] == "application/x-ndjson"


def test_not_ready_is_409_and_expired_is_410(
    organizer_api, signed, django_capture_on_commit_callbacks
):
    response = organizer_api.get(CSV)  # not committed: waiting
    url = response.json()["url"]
    assert response.json()["status"] == "queued" and response.json()["file_url"] is None
    assert organizer_api.get(url + "file/").status_code == 409
    job = ExportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        export_jobs.run_export.enqueue(job.pk)
    job.refresh_from_db()
    assert job.status == ExportJobStatus.DONE
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    gone = organizer_api.get(url + "file/")
    assert gone.status_code == 410 and gone.json()["code"] == "gone"
    assert organizer_api.get(url).json()["status"] == "expired"
    assert not downloads()


def test_others_get_404(
    organizer_api, signed, django_user_model, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        url = organizer_api.get(CSV).json()["url"]
    other = grant(
        django_user_model.objects.create_user("other", "other@example.org", "pw"),
        "heretostay.view_signature",
        "heretostay.export_signature",
    )
    client = token_client(other)
    assert client.get(url).status_code == 404
    assert client.get(url + "file/").status_code == 404
    assert not downloads()


def test_unknown_or_malformed_ids_are_404(organizer_api):
    assert organizer_api.get("/api/v1/exports/999/").status_code == 404
    assert organizer_api.get("/api/v1/exports/abc/file/").status_code == 404


def test_anonymous_is_refused(api, organizer_api, signed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        url = organizer_api.get(CSV).json()["url"]
    assert api.get(url).status_code in (401, 403)
    assert api.get(url + "file/").status_code in (401, 403)


def test_failed_job_says_why(
    organizer_api, signed, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(job):
        raise RuntimeError("boom")

    monkeypatch.setattr(export_jobs, "write", broken)
    with django_capture_on_commit_callbacks(execute=True):
        url = organizer_api.get(CSV).json()["url"]
    detail = organizer_api.get(url).json()
    assert detail["status"] == "failed" and "could not be written" in detail["error"]
    assert detail["file_url"] is None
    assert "boom" not in str(detail)  # no internals (or data quoted by an error)
    assert organizer_api.get(url + "file/").status_code == 410
