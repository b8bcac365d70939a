"""Keep a pledge campaign's counter exact whichever way a pledge is deleted."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from heretostay_wagtail.core.models import CampaignCounter
from heretostay_wagtail.pledges.models import Pledge


@receiver(post_delete, sender=Pledge)
def uncount_deleted_pledge(sender, instance, **kwargs):
    if instance.confirmed_at is not None and instance.withdrawn_at is None:
        CampaignCounter.add(instance.campaign_key, count=-1)
