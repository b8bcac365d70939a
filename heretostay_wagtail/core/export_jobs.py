"""Exports too large for a web request: written to storage by a background task.

``exports.export_supporters`` (the one gate: permission, contacts, the audit entry)
hands an export of more than ``EXPORT_INLINE_MAX_ROWS`` rows to :func:`start`, which
records an ``ExportJob`` and queues :func:`run_export`. The task writes the same file
the request would have streamed (same columns, same neutralization, COPY on PostgreSQL)
to an unguessable name in the private storage (``core/storage.py``), counts the rows it
wrote, and marks the job failed (no file, no download) unless they are exactly the rows
counted when it started: an export is never silently short. The file is downloaded only
through :func:`file_response`, which checks the permission again, writes a
``heretostay.download`` audit entry, and refuses once the job has expired
(``EXPORT_EXPIRY_HOURS``); expired files are deleted by :func:`purge_expired` (the
``purge_exports`` task, the ``heretostay_purge_exports`` command) or when someone looks
at the job.

What the task needs to rebuild the queryset (its query, pickled and signed with
``SECRET_KEY`` so that nothing but this code can have written it) may hold a search typed
in the admin, so it is kept only until the job finishes; ``filters`` keeps what the
audit log keeps (searches redacted).
"""

import base64
import io
import logging
import os
import pickle
import secrets
import tempfile
from datetime import timedelta

from django.apps import apps
from django.core import signing
from django.core.cache import cache
from django.core.files import File
from django.db import transaction
from django.db.models import Model
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from heretostay_wagtail.core import audit
from heretostay_wagtail.core.conf import get_setting

logger = logging.getLogger(__name__)

SALT = "heretostay.export_job"

#: Why a job failed, as stored on the job (``error``): the page shows the message.
INCOMPLETE = "incomplete"
FAILED = "failed"
CHANGED = "changed"
ERRORS = {
    INCOMPLETE: _(
        "The export stopped before every row was written, so there is no file to "
        "download. Export again."
    ),
    CHANGED: _(
        "Records were deleted while the export was being written, so the file would not "
        "match. Export again."
    ),
    FAILED: _("The export could not be written. Export again, or ask your site's admins."),
}

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ndjson": "application/x-ndjson",
}


class ExportIncomplete(RuntimeError):
    """The file holds fewer or more rows than the export counted (``INCOMPLETE``), or
    the records changed while it was written (``CHANGED``)."""

    def __init__(self, code, *args):
        super().__init__(code, *args)
        self.code = code


def storage():
    """Where export files go: the private storage (``core/storage.py``), never served by
    URL."""
    from heretostay_wagtail.core.storage import private_storage

    return private_storage()


def inline_max_rows():
    """Exports of more rows than this go to the background (None: never)."""
    return get_setting("EXPORT_INLINE_MAX_ROWS")


def expiry():
    return timedelta(hours=get_setting("EXPORT_EXPIRY_HOURS"))


def columns_path(model, columns):
    """The dotted path of ``columns``, a list defined in the ``exports`` module of the
    model's feature (``petitions.exports.COLUMNS``): the task imports it again."""
    from importlib import import_module

    module = import_module(model.__module__.rsplit(".", 1)[0] + ".exports")
    for name, value in vars(module).items():
        if value is columns:
            return f"{module.__name__}.{name}"
    raise ValueError(
        f"Background exports need the columns to be a list in {module.__name__}; "
        f"{model._meta.label}'s are not."
    )


def _model(label):
    return apps.get_model(label)


class _QueryPickler(pickle.Pickler):
    """Pickles model classes by label: the automatic model of a many-to-many field
    (``Pledge_roles``, joined when filtering pledgers by role) has no importable name."""

    def reducer_override(self, obj):
        if isinstance(obj, type) and issubclass(obj, Model):
            return _model, (obj._meta.label,)
        return NotImplemented


def _freeze(queryset):
    buffer = io.BytesIO()
    _QueryPickler(buffer).dump(queryset.query)
    data = base64.b64encode(buffer.getvalue()).decode()
    prefetch = [lookup for lookup in queryset._prefetch_related_lookups if isinstance(lookup, str)]
    return {"query": signing.Signer(salt=SALT).sign(data), "prefetch": prefetch}


def queryset_for(job):
    """The job's queryset, as the request that asked for it had it."""
    model = apps.get_model(job.model)
    data = signing.Signer(salt=SALT).unsign(job.query["query"])
    queryset = model._default_manager.all()
    queryset.query = pickle.loads(base64.b64decode(data))  # noqa: S301 (signed above)
    return queryset.prefetch_related(*job.query.get("prefetch", []))


def start(user, queryset, fmt, *, columns, contacts, permission, filename, filters, instance, rows):
    """Record the export as a job and queue it; ``rows`` is the count the audit entry
    gave. Called by ``exports.export_supporters`` only."""
    from wagtail.models import Page

    from heretostay_wagtail.core.models import ExportJob

    job = ExportJob.objects.create(
        user=user,
        model=queryset.model._meta.label,
        columns=columns_path(queryset.model, columns),
        format=fmt,
        filters=audit.filters_for_audit(filters),
        query=_freeze(queryset),
        contacts=contacts,
        permission=permission,
        filename=filename,
        page=instance if isinstance(instance, Page) else None,
        total_rows=rows,
        language=translation.get_language() or "",
        time_zone=timezone.get_current_timezone_name(),
    )
    transaction.on_commit(lambda: run_export.enqueue(job.pk))
    return job


@task()
def run_export(job_id):
    """Write the job's file; any failure leaves the job failed, with no file."""
    from heretostay_wagtail.core.models import ExportJob, ExportJobStatus

    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJobStatus.QUEUED).update(
        status=ExportJobStatus.RUNNING
    )
    if not claimed:
        return  # another worker has it, or it is gone
    job = ExportJob.objects.get(pk=job_id)
    name = ""
    try:
        with (
            translation.override(job.language or None),
            timezone.override(job.time_zone or timezone.get_default_timezone()),
        ):
            name = write(job)
    except Exception as exc:
        code = exc.code if isinstance(exc, ExportIncomplete) else FAILED
        logger.exception("Export job %s failed", job_id)
        if name:
            remove_from_storage(name)
        ExportJob.objects.filter(pk=job_id).update(
            status=ExportJobStatus.FAILED,
            error=code,
            file_name="",
            query={},
            finished_at=timezone.now(),
        )


def write(job):
    """Write ``job``'s file to storage, then mark it done; returns the file's name. Raises
    ``ExportIncomplete`` when the rows written are not the rows counted."""
    from heretostay_wagtail.core import exports
    from heretostay_wagtail.core.models import ExportJob, ExportJobStatus

    queryset = queryset_for(job)
    # The rows at the start: new supporters after this are left for the next export;
    # one deleted while the file is written makes the counts differ (the job fails).
    last = queryset.order_by("-pk").values_list("pk", flat=True).first()
    queryset = queryset.filter(pk__lte=last) if last is not None else queryset.none()
    expected = queryset.count()
    columns = import_string(job.columns)
    if not job.contacts:
        columns = exports.without_contacts(columns)

    ExportJob.objects.filter(pk=job.pk).update(total_rows=expected, rows_done=0)
    count = exports.RowCount(on_progress=lambda rows: set_progress(job, rows))
    chunks = exports.iterate(queryset, columns, job.format, count)
    with tempfile.TemporaryFile() as tmp:
        for chunk in chunks:
            tmp.write(chunk.encode() if isinstance(chunk, str) else chunk)
        if count.rows != expected:
            raise ExportIncomplete(INCOMPLETE, count.rows, expected)
        if queryset.count() != expected:
            raise ExportIncomplete(CHANGED)
        tmp.seek(0)
        stored = f"heretostay/exports/{secrets.token_urlsafe(32)}.{job.format}"
        name = storage().save(stored, File(tmp, name=os.path.basename(stored)))
    now = timezone.now()
    updated = ExportJob.objects.filter(pk=job.pk, status=ExportJobStatus.RUNNING).update(
        status=ExportJobStatus.DONE,
        file_name=name,
        rows_done=count.rows,
        total_rows=expected,
        query={},
        finished_at=now,
        expires_at=now + expiry(),
    )
    if not updated:  # deleted or expired meanwhile: nothing would ever delete the file
        remove_from_storage(name)
    return name


# Progress goes to the cache, not the job's row: the rows are read inside a transaction
# (COPY on PostgreSQL), where an update would be invisible until the end, and the
# connection cannot run another statement while a COPY is under way.
PROGRESS_KEY = "heretostay:export-progress:{}"


def set_progress(job, rows):
    cache.set(PROGRESS_KEY.format(job.pk), rows, timeout=24 * 60 * 60)


def with_progress(job):
    """``job`` with the rows written so far, while it runs."""
    from heretostay_wagtail.core.models import ExportJobStatus

    if job.status == ExportJobStatus.RUNNING:
        job.rows_done = cache.get(PROGRESS_KEY.format(job.pk), job.rows_done)
    return job


def remove_from_storage(name):
    """Delete ``name`` from storage: True once it is gone, False if the storage failed
    (logged, never raised)."""
    try:
        storage().delete(name)
    except FileNotFoundError:
        return True
    except Exception:
        logger.exception("Could not delete the export file %s from storage", name)
        return False
    return True


# -- who may see a job, and its download ---------------------------------------------------


def may_see(user, job):
    """The user who asked for the export (or a superuser), while they still have the
    export's permission."""
    if not user.is_authenticated or not user.has_perm(job.permission):
        return False
    return job.user_id == user.pk or user.is_superuser


def expire(job, now=None):
    """Delete an expired job's file and mark it expired; True if it is (now) expired."""
    from heretostay_wagtail.core.models import ExportJob, ExportJobStatus

    now = now or timezone.now()
    if job.status == ExportJobStatus.EXPIRED:
        return True
    if job.status != ExportJobStatus.DONE or job.expires_at is None or job.expires_at > now:
        return False
    if job.file_name and not remove_from_storage(job.file_name):
        return True  # refused all the same; the purge tries again
    ExportJob.objects.filter(pk=job.pk, status=ExportJobStatus.DONE).update(
        status=ExportJobStatus.EXPIRED, file_name=""
    )
    job.status, job.file_name = ExportJobStatus.EXPIRED, ""
    return True


def purge_expired(now=None):
    """Delete the files of every expired export; returns how many were deleted."""
    from heretostay_wagtail.core.models import ExportJob, ExportJobStatus

    now = now or timezone.now()
    deleted = 0
    for job in list(ExportJob.objects.filter(status=ExportJobStatus.DONE, expires_at__lte=now)):
        if expire(job, now) and not job.file_name:
            deleted += 1
    return deleted


@task()
def purge_exports():
    """Delete expired export files. Schedule it (hourly, say) with your task backend's
    scheduler, or run ``manage.py heretostay_purge_exports`` from cron instead."""
    return {"deleted": purge_expired()}


def download_name(job):
    stamp = timezone.localtime(job.created_at).strftime("%Y%m%d-%H%M")
    return f"{job.filename}-{stamp}.{job.format}"


def file_response(job, *, user, via):
    """The job's file as a download, audit-logged; None when it cannot be downloaded
    (not done, expired, or the file is gone from storage): the caller explains."""
    from django.http import FileResponse

    if expire(job) or not job.is_downloadable():
        return None
    try:
        handle = storage().open(job.file_name, "rb")
    except OSError:
        logger.warning("Export %s is missing from storage: %s", job.pk, job.file_name)
        return None
    audit.log(
        job.page or audit.default_instance(user),
        "heretostay.download",
        user=user,
        file="export",
        job=job.pk,
        model=job.model,
        format=job.format,
        rows=job.total_rows,
        contacts=job.contacts,
        via=via,
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(job),
        content_type=CONTENT_TYPES.get(job.format, "application/octet-stream"),
    )
    response["Cache-Control"] = "no-store"
    return response
