"""Keep campaign counters exact whichever way a supporter record is deleted, and take
a delivery PDF's file with its job row."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import CampaignCounter, DeliveryJob, Pledge, Signature
from .paper.retention import remove_from_storage


@receiver(post_delete, sender=Signature)
def uncount_deleted_signature(sender, instance, **kwargs):
    if instance.confirmed_at is not None:
        CampaignCounter.add(instance.campaign_key, count=-1)


@receiver(post_delete, sender=Pledge)
def uncount_deleted_pledge(sender, instance, **kwargs):
    if instance.confirmed_at is not None and instance.withdrawn_at is None:
        CampaignCounter.add(instance.campaign_key, count=-1)


@receiver(post_delete, sender=DeliveryJob)
def delete_delivery_file(sender, instance, **kwargs):
    """Deleting a job (or its petition) deletes its PDF, once the deletion is committed.

    Storage errors are logged by ``remove_from_storage``, never raised.
    """
    name = instance.file_name
    if name:
        transaction.on_commit(lambda: remove_from_storage(name))
