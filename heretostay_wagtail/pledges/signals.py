"""Keep a pledge campaign's counter exact whichever way a pledge is deleted.

Retention's deletions are the exception: they stay in the totals
(``core.recording.kept_in_totals``).
"""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from heretostay_wagtail.core import recording
from heretostay_wagtail.core.models import CampaignCounter, unlink_records_of_deleted_pages
from heretostay_wagtail.pledges.models import Pledge


@receiver(post_delete, sender=Pledge)
def uncount_deleted_pledge(sender, instance, **kwargs):
    if not recording.deletion_uncounts():
        return  # retention deleted it and keeps it in the totals (removed_by_retention)
    if instance.confirmed_at is not None and instance.withdrawn_at is None:
        CampaignCounter.add(instance.campaign_key, count=-1)


unlink_records_of_deleted_pages(Pledge)
