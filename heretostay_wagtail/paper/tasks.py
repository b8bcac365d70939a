"""Background tasks for delivery: building the PDF and emailing it to the target."""

import logging

from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from .. import audit, emails
from ..tasks import retry_later

logger = logging.getLogger(__name__)


@task()
def build_delivery_pdf(job_id):
    """Render the PDF; a failure is recorded on the job for the organizer to see."""
    from ..models import DeliveryJob, DeliveryJobStatus
    from . import delivery

    job = DeliveryJob.objects.select_related("page").filter(pk=job_id).first()
    if job is None or job.status == DeliveryJobStatus.DONE:
        return
    try:
        delivery.build(job)
    except Exception as exc:
        logger.exception("Delivery PDF %s failed", job_id)
        DeliveryJob.objects.filter(pk=job_id).update(
            status=DeliveryJobStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )


@task()
def email_delivery(job_id, recipients, user_id, attempt=0):
    """Send the finished PDF to the target, then mark the petition delivered."""
    from ..models import DeliveryJob
    from . import delivery

    job = DeliveryJob.objects.select_related("page").filter(pk=job_id).first()
    if job is None or not job.file_name:
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
