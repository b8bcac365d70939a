"""Background work, run by whichever django-tasks backend the host project configures."""

import logging
from datetime import timedelta

from django.db.models import F
from django.utils import timezone
from django_tasks import default_task_backend, task

from .conf import get_setting

logger = logging.getLogger(__name__)


def retry_later(task_obj, attempt, *args):
    """Re-enqueue ``task_obj`` with back-off while attempts remain; False when given up."""
    if attempt >= get_setting("MAX_SEND_ATTEMPTS"):
        return False
    if default_task_backend.supports_defer:
        task_obj = task_obj.using(run_after=timezone.now() + timedelta(seconds=30 * 2**attempt))
    task_obj.enqueue(*args)
    return True


@task()
def send_signature_confirmation(signature_id):
    """Email the confirmation link; on failure the signature stays and we retry."""
    from . import emails
    from .models import Signature

    signature = (
        Signature.objects.filter(pk=signature_id, confirmed_at__isnull=True)
        .select_related("page")
        .first()
    )
    if signature is None or signature.page is None:
        return
    try:
        emails.send_signature_confirmation(signature)
    except Exception:
        logger.exception("Sending confirmation for signature %s failed", signature_id)
        Signature.objects.filter(pk=signature_id).update(send_attempts=F("send_attempts") + 1)
        retry_later(send_signature_confirmation, signature.send_attempts + 1, signature_id)
        return
    Signature.objects.filter(pk=signature_id).update(
        confirmation_sent_at=timezone.now(), send_attempts=F("send_attempts") + 1
    )
