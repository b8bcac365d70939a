"""Take a delivery PDF's file with its job row."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from heretostay_wagtail.paper.models import DeliveryJob
from heretostay_wagtail.paper.retention import remove_from_storage


@receiver(post_delete, sender=DeliveryJob)
def delete_delivery_file(sender, instance, **kwargs):
    """Deleting a job (or its petition) deletes its PDF, once the deletion is committed.

    Storage errors are logged by ``remove_from_storage``, never raised.
    """
    name = instance.file_name
    if name:
        transaction.on_commit(lambda: remove_from_storage(name))
