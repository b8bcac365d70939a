"""Keep campaign counters exact whichever way a supporter record is deleted."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import CampaignCounter, Pledge, Signature


@receiver(post_delete, sender=Signature)
def uncount_deleted_signature(sender, instance, **kwargs):
    if instance.confirmed_at is not None:
        CampaignCounter.add(instance.campaign_key, count=-1)


@receiver(post_delete, sender=Pledge)
def uncount_deleted_pledge(sender, instance, **kwargs):
    if instance.confirmed_at is not None and instance.withdrawn_at is None:
        CampaignCounter.add(instance.campaign_key, count=-1)
