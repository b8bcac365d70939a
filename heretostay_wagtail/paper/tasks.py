"""Background tasks for delivery: building the PDF and emailing it to the target."""

import logging

from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from heretostay_wagtail.core import audit, emails
from heretostay_wagtail.core.tasks import retry_later

logger = logging.getLogger(__name__)

FILE_MISSING = gettext_lazy(
    "The PDF's file is missing from storage. Generate a new one if you need it."
)


@task()
def build_delivery_pdf(job_id):
    """Render the PDF; a failure is recorded on the job for the organizer to see."""
    from heretostay_wagtail.paper import delivery
    from heretostay_wagtail.paper.models import DeliveryJob, DeliveryJobStatus

    job = DeliveryJob.objects.select_related("page").filter(pk=job_id).first()
    if job is None or job.status == DeliveryJobStatus.DONE:
        return
    try:
        delivery.build(job)
    except Exception as exc:
        logger.exception("Delivery PDF %s failed", job_id)
        if job.file_name:
            # Saved to storage but never recorded (e.g. the job was deleted meanwhile):
            # nothing would ever delete it, so delete it now.
            from heretostay_wagtail.paper.retention import remove_from_storage

            remove_from_storage(job.file_name)
        DeliveryJob.objects.filter(pk=job_id).update(
            status=DeliveryJobStatus.FAILED,
            error=str(exc)[:2000],
            finished_at=timezone.now(),
            file_name="",
        )


@task()
def email_delivery(job_id, recipients, user_id, attempt=0):
    """Send the finished PDF to the target, then mark the petition delivered."""
    from heretostay_wagtail.paper import delivery
    from heretostay_wagtail.paper.models import DeliveryJob

    job = DeliveryJob.objects.select_related("page").filter(pk=job_id).first()
    if job is None or not job.file_name:
        logger.warning("Delivery %s has no PDF (deleted?); nothing emailed", job_id)
        return
    petition = job.page.specific
    language = petition.locale.language_code
    user = get_user_model().objects.filter(pk=user_id).first()
    with translation.override(language):
        subject = _("Petition: %(title)s") % {"title": petition.title}
    try:
        emails.send_templated(
            "heretostay/emails/petition_delivery",
            delivery.email_context(petition),
            to=list(recipients),
            subject=subject,
            language=language,
            attachments=[(delivery.filename(job), delivery.read(job), "application/pdf")],
        )
    except Exception:
        logger.exception("Emailing delivery %s failed (attempt %s)", job_id, attempt + 1)
        retry_later(email_delivery, attempt + 1, job_id, recipients, user_id, attempt + 1)
        return
    now = timezone.now()
    DeliveryJob.objects.filter(pk=job_id).update(sent_to=", ".join(recipients), sent_at=now)
    delivery.mark_delivered(petition, now)
    audit.log(
        petition,
        "heretostay.deliver",
        user=user,
        recipients=list(recipients),
        job=job.pk,
        signatures=job.total_rows,
    )


@task()
def purge_deliveries(days=None):
    """Delete delivery PDFs finished more than ``DELIVERY_RETENTION_DAYS`` ago.

    Schedule it (daily, say) with your task backend's scheduler, or run the management
    command ``heretostay_purge_deliveries`` from cron instead; both do the same.
    """
    from heretostay_wagtail.paper import retention

    result = retention.purge(days)
    if result.failed:
        logger.warning("Could not delete %s delivery PDFs; they stay listed", len(result.failed))
    return result.as_dict()


def request_delivery(petition, options, *, user):
    """Queue a delivery PDF with ``DeliveryForm``'s cleaned ``options`` (admin and API)."""
    from django.db import transaction

    from heretostay_wagtail.paper.models import DeliveryJob

    job = DeliveryJob.objects.create(
        page=petition,
        group_by=options["group_by"],
        regions=options.get("regions") or [],
        include_comments=options.get("include_comments", False),
        only_confirmed=options["only_confirmed"],
        created_by=user,
    )
    transaction.on_commit(lambda: build_delivery_pdf.enqueue(job.pk))
    return job


def delivery_file_response(petition, job, *, user):
    """The finished PDF as a download, logged as a download of personal data; None when
    its file is gone from storage (removed outside the app), for the caller to explain."""
    from django.http import FileResponse

    from heretostay_wagtail.paper import delivery

    try:
        handle = delivery.storage().open(job.file_name, "rb")
    except OSError:
        logger.warning("Delivery PDF %s is missing from storage: %s", job.pk, job.file_name)
        return None
    audit.log(
        petition,
        "heretostay.download",
        user=user,
        file="delivery_pdf",
        job=job.pk,
        rows=job.total_rows,
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=delivery.filename(job),
        content_type="application/pdf",
    )
    response["Cache-Control"] = "no-store"
    return response
