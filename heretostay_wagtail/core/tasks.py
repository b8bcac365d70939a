"""What every feature's background work shares (tasks run on whichever django-tasks
backend the host project configures; each feature keeps its tasks in ``tasks.py``)."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import default_task_backend

from heretostay_wagtail.core.conf import get_setting


def retry_later(task_obj, attempt, *args):
    """Re-enqueue ``task_obj`` with back-off while attempts remain; False when given up."""
    if attempt >= get_setting("MAX_SEND_ATTEMPTS"):
        return False
    if default_task_backend.supports_defer:
        task_obj = task_obj.using(run_after=timezone.now() + timedelta(seconds=30 * 2**attempt))
    task_obj.enqueue(*args)
    return True
