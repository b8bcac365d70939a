"""Wagtail's workflow signals, for campaigns started from the public site: approving one
lists it (``services.approved``) and emails its starter their share step; rejecting one
emails them the moderator's comment (and takes down one that went live unreviewed)."""

from django.db import transaction
from wagtail.signals import workflow_approved, workflow_rejected

from heretostay_wagtail.grassroots import services, tasks
from heretostay_wagtail.petitions.models import PetitionPage


def _started_petition(workflow_state):
    page = workflow_state.content_object
    if page is None:
        return None
    page = getattr(page, "specific", page)
    if not isinstance(page, PetitionPage) or not services.is_started(page):
        return None
    return page


def on_approved(sender, instance, user=None, **kwargs):
    page = _started_petition(instance)
    if page is None:
        return
    page.refresh_from_db()
    services.approved(page, user=user)
    transaction.on_commit(lambda: tasks.send_outcome.enqueue(page.pk, tasks.APPROVED))


def on_rejected(sender, instance, user=None, **kwargs):
    page = _started_petition(instance)
    if page is None:
        return
    task_state = instance.current_task_state
    comment = (getattr(task_state, "comment", "") or "") if task_state else ""
    services.rejected(page, user=user)
    transaction.on_commit(
        lambda: tasks.send_outcome.enqueue(page.pk, tasks.REJECTED, comment[:2000])
    )


workflow_approved.connect(on_approved, dispatch_uid="heretostay_grassroots_approved")
workflow_rejected.connect(on_rejected, dispatch_uid="heretostay_grassroots_rejected")
