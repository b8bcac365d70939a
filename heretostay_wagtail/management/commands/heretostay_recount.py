"""Rebuild campaign counters from the supporter tables (repair after manual SQL).

Records that retention deleted are no longer in the tables but still count: each
counter keeps how many (``removed_by_retention``), and the recount adds them back.
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Count

from heretostay_wagtail.core.models import CampaignCounter
from heretostay_wagtail.petitions.models import Signature
from heretostay_wagtail.pledges.models import Pledge


class Command(BaseCommand):
    help = (
        "Recount every campaign counter from confirmed supporter records (plus those "
        "retention deleted, which still count)."
    )

    def handle(self, *args, **options):
        totals = {}
        for model in self.counted_models():
            counted = model.objects.filter(confirmed_at__isnull=False)
            if any(f.name == "withdrawn_at" for f in model._meta.fields):
                counted = counted.filter(withdrawn_at__isnull=True)  # withdrawn pledges
            rows = counted.values("campaign_key").annotate(n=Count("pk"))
            for row in rows.iterator():
                totals[row["campaign_key"]] = totals.get(row["campaign_key"], 0) + row["n"]
        with transaction.atomic():
            for counter in CampaignCounter.objects.select_for_update():
                in_tables = totals.pop(counter.campaign_key, 0)
                counter.count = in_tables + counter.removed_by_retention
                counter.save(update_fields=["count"])
            CampaignCounter.objects.bulk_create(
                CampaignCounter(campaign_key=key, count=n) for key, n in totals.items()
            )
        self.stdout.write(self.style.SUCCESS("Counters rebuilt."))

    def counted_models(self):
        return [Signature, Pledge]
