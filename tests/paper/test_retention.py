"""Delivery PDFs hold signers' names: they are deleted after DELIVERY_RETENTION_DAYS, by an
organizer, or with their job, and the job page says so."""

import io
import logging
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from wagtail.models import PageLogEntry

from heretostay_wagtail.models import DeliveryJob, DeliveryJobStatus
from heretostay_wagtail.paper import delivery, retention
from heretostay_wagtail.paper.tasks import purge_deliveries
from tests.conftest import grant

DELETED = "heretostay.delete_personal_data"


def make_job(petition, days_ago, name=None, status=DeliveryJobStatus.DONE, content=b"%PDF-1.7"):
    """A finished job whose file was saved ``days_ago`` days ago."""
    finished = timezone.now() - timedelta(days=days_ago)
    job = DeliveryJob.objects.create(
        page=petition, status=status, total_rows=3, finished_at=finished, created_at=finished
    )
    if name is not False:
        name = name or f"heretostay/delivery/test-{job.pk}.pdf"
        job.file_name = delivery.storage().save(name, ContentFile(content))
        job.save(update_fields=["file_name"])
    return job


def stored(job_or_name):
    name = getattr(job_or_name, "file_name", job_or_name)
    return delivery.storage().exists(name)


@pytest.fixture
def old_and_new(petition):
    old = make_job(petition, 45)
    new = make_job(petition, 3)
    return old, new


def purge(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("heretostay_purge_deliveries", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# -- the command -------------------------------------------------------------------------


def test_dry_run_changes_nothing(old_and_new):
    old, new = old_and_new
    out, _ = purge("--dry-run")
    assert f"Would delete job {old.pk} " in out and old.file_name in out
    assert f"job {new.pk} " not in out
    assert "1 delivery PDFs older than 30 days would be deleted" in out
    for job in old_and_new:
        name = job.file_name
        job.refresh_from_db()
        assert job.file_name == name and stored(job)
    assert not PageLogEntry.objects.filter(action=DELETED).exists()


def test_deletes_only_files_older_than_the_setting(old_and_new, petition):
    old, new = old_and_new
    old_name = old.file_name
    failed = make_job(petition, 90, name=False, status=DeliveryJobStatus.FAILED)
    out, _ = purge()
    assert f"Deleted job {old.pk} " in out and "Deleted 1 delivery PDFs older than 30" in out
    assert not stored(old_name)
    old.refresh_from_db()
    assert old.file_name == "" and old.status == DeliveryJobStatus.DONE and old.is_file_deleted
    new_name = new.file_name
    new.refresh_from_db()
    assert new.file_name == new_name and stored(new)
    failed.refresh_from_db()
    assert failed.status == DeliveryJobStatus.FAILED and not failed.is_file_deleted
    log = PageLogEntry.objects.get(action=DELETED, page=petition)
    assert log.user is None
    assert log.data == {
        "file": "delivery_pdf",
        "job": old.pk,
        "rows": 3,
        "reason": "retention",
        "days": 30,
    }
    # A second run has nothing left to do.
    out, _ = purge()
    assert "Deleted 0 delivery PDFs" in out
    assert PageLogEntry.objects.filter(action=DELETED).count() == 1


def test_days_option_and_setting(old_and_new, settings):
    old, new = old_and_new
    purge("--days", "60")
    assert stored(old) and stored(new)
    settings.HERETOSTAY = {**settings.HERETOSTAY, "DELIVERY_RETENTION_DAYS": 2}
    out, _ = purge()
    assert "Deleted 2 delivery PDFs older than 2 days" in out
    assert not DeliveryJob.objects.exclude(file_name="").exists()


def test_retention_can_be_turned_off(old_and_new, settings):
    settings.HERETOSTAY = {**settings.HERETOSTAY, "DELIVERY_RETENTION_DAYS": None}
    out, _ = purge()
    assert "delivery PDFs are kept" in out
    assert all(stored(job) for job in old_and_new)
    purge("--days", "10")  # an explicit --days still works
    assert not stored(old_and_new[0]) and stored(old_and_new[1])


@pytest.mark.parametrize("days", ["-1", "abc"])
def test_bad_days_option(old_and_new, days):
    with pytest.raises(CommandError, match="--days must be"):
        purge(f"--days={days}")
    assert all(stored(job) for job in old_and_new)


@pytest.mark.parametrize("value", [-3, "30", 1.5, True])
def test_bad_setting_is_a_clear_error(old_and_new, settings, value):
    settings.HERETOSTAY = {**settings.HERETOSTAY, "DELIVERY_RETENTION_DAYS": value}
    with pytest.raises(CommandError, match="DELIVERY_RETENTION_DAYS"):
        purge()
    assert all(stored(job) for job in old_and_new)


def test_missing_file_is_tolerated(old_and_new, petition):
    old, new = old_and_new
    delivery.storage().delete(old.file_name)  # removed by hand from the bucket
    out, err = purge()
    assert f"Deleted job {old.pk} " in out and not err
    old.refresh_from_db()
    assert old.is_file_deleted
    assert PageLogEntry.objects.filter(action=DELETED, data__job=old.pk).exists()


def test_storage_error_keeps_the_job_for_the_next_run(old_and_new, petition, monkeypatch, caplog):
    old, new = old_and_new
    second_old = make_job(petition, 40)
    real_delete = delivery.storage().delete

    def flaky(name):
        if name == old.file_name:
            raise OSError("bucket unavailable")
        return real_delete(name)

    monkeypatch.setattr(delivery.storage(), "delete", flaky)
    with caplog.at_level(logging.ERROR), pytest.raises(CommandError, match="1 delivery PDFs"):
        purge()
    assert "bucket unavailable" in caplog.text
    old_name = old.file_name
    old.refresh_from_db()
    assert old.file_name == old_name and stored(old)  # still listed, tried again next time
    second_old.refresh_from_db()
    assert second_old.is_file_deleted  # one failure does not stop the others
    assert not PageLogEntry.objects.filter(action=DELETED, data__job=old.pk).exists()


# -- the task ------------------------------------------------------------------------------


def test_task_purges_like_the_command(old_and_new):
    old, new = old_and_new
    old_name = old.file_name
    result = purge_deliveries.enqueue()
    assert result.return_value == {"days": 30, "dry_run": False, "deleted": 1, "failed": 0}
    assert not stored(old_name) and stored(new)
    old.refresh_from_db()
    assert old.is_file_deleted
    assert purge_deliveries.enqueue(days=1).return_value["deleted"] == 1
    assert not stored(new.file_name)


# -- deleting the row ----------------------------------------------------------------------


def test_deleting_a_job_deletes_its_file(old_and_new, django_capture_on_commit_callbacks):
    old, new = old_and_new
    name = new.file_name
    with django_capture_on_commit_callbacks(execute=True):
        new.delete()
    assert not stored(name)
    assert stored(old)


def test_deleting_the_petition_deletes_its_files(petition, django_capture_on_commit_callbacks):
    jobs = [make_job(petition, 1), make_job(petition, 2)]
    names = [job.file_name for job in jobs]
    with django_capture_on_commit_callbacks(execute=True):
        petition.delete()
    assert not DeliveryJob.objects.exists()
    assert not any(stored(name) for name in names)


def test_storage_error_on_row_delete_is_logged_not_raised(
    old_and_new, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    old, _ = old_and_new

    def broken(name):
        raise OSError("bucket unavailable")

    monkeypatch.setattr(delivery.storage(), "delete", broken)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        old.delete()
    assert not DeliveryJob.objects.filter(pk=old.pk).exists()
    assert (
        "Could not delete the delivery PDF" in caplog.text and "bucket unavailable" in caplog.text
    )


def test_file_is_deleted_only_once_the_delete_commits(
    old_and_new, django_capture_on_commit_callbacks
):
    old, _ = old_and_new
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        old.delete()
    assert callbacks and stored(old)  # deleted only once the transaction commits


def files_in_storage():
    """(The in-memory storage lives as long as the test process, so compare, not count.)"""
    try:
        return set(delivery.storage().listdir("heretostay/delivery")[1])
    except FileNotFoundError:
        return set()


def test_job_deleted_while_rendering_leaves_no_file(
    paper_client, petition, django_capture_on_commit_callbacks, monkeypatch
):
    from django.db import DatabaseError

    from heretostay_wagtail.paper import numbering

    real_join = numbering.join_and_number
    joined = []

    def join_then_job_deleted(parts):
        joined.append(True)
        DeliveryJob.objects.all().delete()

        # Saving the deleted job raises what Django raises then ("Save with update_fields
        # did not affect any rows"), without poisoning the test's transaction as the
        # real save would (the task runs in autocommit in production).
        def gone(self, *args, **kwargs):
            raise DatabaseError("Save with update_fields did not affect any rows.")

        monkeypatch.setattr(DeliveryJob, "save", gone)
        return real_join(parts)

    monkeypatch.setattr(numbering, "join_and_number", join_then_job_deleted)
    before = files_in_storage()
    data = {"group_by": "0", "only_confirmed": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        paper_client.post(reverse("heretostay_deliver", args=[petition.pk]), data)
    assert joined  # the PDF was rendered and saved, then the job was gone
    assert not DeliveryJob.objects.exists()
    assert files_in_storage() == before


# -- the organizer deletes it --------------------------------------------------------------


def job_url(name, job):
    return reverse(name, args=[job.page_id, job.pk])


def test_organizer_deletes_the_pdf(paper_client, old_and_new, paper_organizer, petition):
    _, job = old_and_new
    name = job.file_name
    page = paper_client.get(job_url("heretostay_delivery_job", job)).content.decode()
    assert "Download the PDF" in page
    deletes_on = date_format(timezone.localtime(job.finished_at + timedelta(days=30)))
    assert f"it is deleted 30 days after it was generated, on {deletes_on}." in page
    assert f'href="{job_url("heretostay_delivery_delete", job)}"' in page

    confirm = paper_client.get(job_url("heretostay_delivery_delete", job))
    html = confirm.content.decode()
    assert confirm.status_code == 200
    assert "Delete this delivery PDF?" in html and "lists 3 signers" in html
    assert '<form method="post">' in html
    job.refresh_from_db()
    assert job.file_name == name and stored(name)  # GET deletes nothing
    assert not PageLogEntry.objects.filter(action=DELETED).exists()

    response = paper_client.post(job_url("heretostay_delivery_delete", job))
    assert response.status_code == 302
    assert response.url == job_url("heretostay_delivery_job", job)
    assert not stored(name)
    job.refresh_from_db()
    assert job.is_file_deleted
    log = PageLogEntry.objects.get(action=DELETED, page=petition)
    assert log.user == paper_organizer
    assert log.data["reason"] == "organizer" and log.data["job"] == job.pk
    assert log.data["file"] == "delivery_pdf" and log.data["rows"] == 3

    page = paper_client.get(response.url).content.decode()
    assert "The delivery PDF was deleted." in page
    assert "File deleted by paperorg on " in page
    assert "Download the PDF" not in page and "Email it to the target" not in page

    # Downloading, emailing or deleting again now explain and change nothing.
    for view in ("heretostay_delivery_download", "heretostay_delivery_delete"):
        followed = paper_client.post(job_url(view, job), follow=True)
        assert "This PDF was deleted." in followed.content.decode()
    followed = paper_client.post(
        job_url("heretostay_delivery_email", job),
        {"recipients": "mayor@city.example", "confirm": "on"},
        follow=True,
    )
    assert "This PDF was deleted." in followed.content.decode()
    assert PageLogEntry.objects.filter(action=DELETED).count() == 1
    assert not PageLogEntry.objects.filter(action__in=["heretostay.download", "heretostay.deliver"])


def test_deleting_needs_the_deliver_permission(client, django_user_model, old_and_new):
    _, job = old_and_new
    paper_only = grant(
        django_user_model.objects.create_user("typist", "t@example.org", "pw"),
        "wagtailadmin.access_admin",
        "heretostay.add_paper_signatures",
    )
    client.force_login(paper_only)
    assert client.get(job_url("heretostay_delivery_delete", job)).status_code == 403
    assert client.post(job_url("heretostay_delivery_delete", job)).status_code == 403
    assert stored(job)
    assert not PageLogEntry.objects.filter(action=DELETED).exists()


def test_storage_error_is_shown_not_raised(paper_client, old_and_new, monkeypatch):
    _, job = old_and_new

    def broken(name):
        raise OSError("bucket unavailable")

    monkeypatch.setattr(delivery.storage(), "delete", broken)
    response = paper_client.post(job_url("heretostay_delivery_delete", job), follow=True)
    assert response.status_code == 200
    assert "could not be deleted from storage" in response.content.decode()
    assert "Download the PDF" in response.content.decode()
    assert not PageLogEntry.objects.filter(action=DELETED).exists()


def test_unfinished_job_has_nothing_to_delete(paper_client, petition):
    job = DeliveryJob.objects.create(page=petition)
    response = paper_client.post(job_url("heretostay_delivery_delete", job))
    assert response.status_code == 302
    assert not PageLogEntry.objects.filter(action=DELETED).exists()


def test_job_page_after_the_retention_purge(paper_client, old_and_new, petition):
    old, new = old_and_new
    purge()
    page = paper_client.get(job_url("heretostay_delivery_job", old)).content.decode()
    assert "File deleted" in page
    assert "File deleted after 30 days, on " in page
    assert "Download the PDF" not in page and "Delete the PDF now" not in page
    assert job_url("heretostay_delivery_download", old) not in page
    listing = paper_client.get(reverse("heretostay_deliver", args=[petition.pk])).content.decode()
    assert "file deleted" in listing


def test_job_page_in_spanish(paper_client, old_and_new):
    old, _ = old_and_new
    purge()
    page = paper_client.get(
        job_url("heretostay_delivery_job", old), HTTP_ACCEPT_LANGUAGE="es"
    ).content.decode()
    assert "Archivo eliminado tras 30 días" in page


def test_organizer_and_purge_at_once_delete_and_log_once(old_and_new, paper_organizer):
    old, _ = old_and_new
    stale = DeliveryJob.objects.get(pk=old.pk)  # the purge loaded it a moment earlier
    assert retention.delete_file(old, user=paper_organizer) == retention.DELETED
    assert retention.delete_file(stale, reason=retention.RETENTION, days=30) == retention.NOTHING
    assert PageLogEntry.objects.filter(action=DELETED).count() == 1
