"""The retention task: schedule it (daily, say) with your task backend's scheduler, or
run ``manage.py heretostay_retention`` from cron instead; both do the same."""

import logging

from django_tasks import task

from heretostay_wagtail.retention import services

logger = logging.getLogger(__name__)


@task()
def apply_retention():
    """Anonymize or delete the personal data of every campaign past its retention
    period (``retention.services.apply``); returns the counts, never names."""
    result = services.apply()
    if result.failed_files:
        logger.warning(
            "Retention could not delete %s delivery PDF files; the next run tries again",
            result.failed_files,
        )
    return result.as_dict()
