"""Keep a petition's counter exact whichever way a signature is deleted."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from heretostay_wagtail.core.models import CampaignCounter
from heretostay_wagtail.petitions.models import Signature


@receiver(post_delete, sender=Signature)
def uncount_deleted_signature(sender, instance, **kwargs):
    if instance.confirmed_at is not None:
        CampaignCounter.add(instance.campaign_key, count=-1)
