"""Anonymize or delete the personal data of campaigns past their retention period."""

from django.core.management.base import BaseCommand, CommandError

from heretostay_wagtail.retention import services

KIND_NAMES = {
    "signatures": "signatures",
    "pledges": "pledges",
    "alert_deliveries": "alert deliveries",
    "delivery_files": "delivery PDF files",
}

REASONS = {
    services.CLOSED: "{days} days after it closed",
    services.INACTIVE: "{days} days after its last sign-up",
}


def counted(counts):
    return ", ".join(f"{KIND_NAMES[kind]} {counts[kind]}" for kind in services.KINDS)


class Command(BaseCommand):
    help = (
        "Anonymize or delete the signatures, pledges, alert deliveries and delivery PDF "
        "files of campaigns past their retention period (the Retention settings of each "
        "site, overridden in a campaign's Campaign tab); totals are kept. Run it daily, "
        "e.g. from cron, or schedule the apply_retention task instead."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would be anonymized or deleted, per campaign, and change nothing.",
        )

    def handle(self, *args, dry_run=False, **options):
        result = services.apply(dry_run=dry_run)
        for campaign in result.campaigns:
            title = campaign.title if campaign.title is not None else "(page deleted)"
            why = REASONS[campaign.reason].format(days=campaign.days)
            self.stdout.write(f"{title} (campaign {campaign.key}): {campaign.action}, {why}")
            self.stdout.write(f"  {counted(campaign.counts)}")
            if campaign.failed_files:
                self.stderr.write(
                    f"  {campaign.failed_files} delivery PDF files could not be deleted "
                    "(see the log)"
                )
        if not result.campaigns:
            self.stdout.write("No campaign has personal data past its retention period.")
        totals = counted(result.totals)
        if dry_run:
            self.stdout.write(f"Total that would be anonymized or deleted: {totals}")
            self.stdout.write("Dry run: nothing was changed.")
            return
        self.stdout.write(self.style.SUCCESS(f"Total anonymized or deleted: {totals}"))
        if result.failed_files:
            raise CommandError(
                f"{result.failed_files} delivery PDF files could not be deleted from storage; "
                "they stay listed and the next run tries again."
            )
