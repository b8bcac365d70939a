"""Delivery PDFs list signers by name: they are deleted from storage after a while.

A finished job's file is deleted ``DELIVERY_RETENTION_DAYS`` after it was generated (by
``manage.py heretostay_purge_deliveries`` or the ``purge_deliveries`` task, whichever
the host schedules), or earlier by an organizer. The job row stays as the record:
status stays *done* and ``file_name`` is emptied, and the audit-log entry says who
deleted the file, when and why. Deleting a job row (or its petition) deletes its file.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from heretostay_wagtail.core import audit
from heretostay_wagtail.core.conf import get_setting

logger = logging.getLogger(__name__)

ACTION = "heretostay.delete_personal_data"
RETENTION = "retention"
ORGANIZER = "organizer"

DELETED = "deleted"
NOTHING = "nothing"
FAILED = "failed"


def retention_days():
    """Days a finished delivery PDF is kept, or None to keep them until deleted by hand."""
    value = get_setting("DELIVERY_RETENTION_DAYS")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ImproperlyConfigured(
            'HERETOSTAY["DELIVERY_RETENTION_DAYS"] must be a whole number of days '
            f"(0 or more) or None, not {value!r}."
        )
    return value


def deletes_on(job, days):
    """When the purge will delete ``job``'s file, or None if it never will."""
    if days is None or not job.file_name or job.finished_at is None:
        return None
    return job.finished_at + timedelta(days=days)


def expired(days, now=None):
    """Jobs whose file was finished more than ``days`` days before ``now``."""
    from heretostay_wagtail.paper.models import DeliveryJob

    cutoff = (now or timezone.now()) - timedelta(days=days)
    return (
        DeliveryJob.objects.exclude(file_name="")
        .filter(finished_at__lt=cutoff)
        .select_related("page")
        .order_by("pk")
    )


def remove_from_storage(name):
    """Delete ``name`` from the package storage: True once it is gone (also if it already
    was), False if the storage failed (logged, never raised)."""
    from heretostay_wagtail.paper import delivery

    try:
        delivery.storage().delete(name)
    except FileNotFoundError:
        return True
    except Exception:
        logger.exception("Could not delete the delivery PDF %s from storage", name)
        return False
    return True


def delete_file(job, *, user=None, reason=ORGANIZER, days=None):
    """Delete ``job``'s PDF from storage and clear its ``file_name``, audit-logged.

    The file is deleted first: if the storage fails, the job keeps pointing at the file
    (so a later run tries again) and FAILED is returned. Returns NOTHING when there was
    no file, e.g. someone else deleted it a moment ago.
    """
    from heretostay_wagtail.paper.models import DeliveryJob

    name = job.file_name
    if not name:
        return NOTHING
    if not remove_from_storage(name):
        return FAILED
    with transaction.atomic():
        cleared = DeliveryJob.objects.filter(pk=job.pk, file_name=name).update(file_name="")
        if cleared:
            audit.log(
                job.page,
                ACTION,
                user=user,
                file="delivery_pdf",
                job=job.pk,
                rows=job.total_rows,
                reason=reason,
                days=days,
            )
    job.file_name = ""
    return DELETED if cleared else NOTHING


@dataclass
class PurgeResult:
    days: int | None
    dry_run: bool = False
    deleted: list = field(default_factory=list)
    failed: list = field(default_factory=list)

    def as_dict(self):
        return {
            "days": self.days,
            "dry_run": self.dry_run,
            "deleted": len(self.deleted),
            "failed": len(self.failed),
        }


def purge(days=None, *, dry_run=False, now=None, on_job=None):
    """Delete the files of delivery PDFs finished more than ``days`` days ago.

    ``days`` defaults to ``DELIVERY_RETENTION_DAYS``; when that is None nothing is
    deleted. ``on_job(job, outcome)`` is called for each job (outcome None in a dry run).
    """
    if days is None:
        days = retention_days()
    result = PurgeResult(days=days, dry_run=dry_run)
    if days is None:
        return result
    if days < 0:
        raise ValueError("days must be 0 or more")
    # A list, not .iterator(): the loop updates the rows it selects (few: one per PDF).
    for job in list(expired(days, now)):
        if dry_run:
            outcome = None
            result.deleted.append(job.pk)
        else:
            outcome = delete_file(job, reason=RETENTION, days=days)
            if outcome == DELETED:
                result.deleted.append(job.pk)
            elif outcome == FAILED:
                result.failed.append(job.pk)
        if on_job is not None:
            on_job(job, outcome)
    return result


def deletion_record(job):
    """The audit-log entry of the deletion of ``job``'s file, if there is one."""
    from wagtail.models import PageLogEntry

    return (
        PageLogEntry.objects.filter(page_id=job.page_id, action=ACTION, data__job=job.pk)
        .select_related("user")
        .order_by("-timestamp", "-pk")
        .first()
    )
