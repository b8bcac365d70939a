"""Delete delivery PDFs (lists of signers' names) older than the retention period."""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from heretostay_wagtail.paper import retention


def days_argument(value):
    try:
        days = int(value)
    except ValueError:
        raise CommandError(f"--days must be a whole number, not {value!r}.") from None
    if days < 0:
        raise CommandError("--days must be 0 or more.")
    return days


class Command(BaseCommand):
    help = (
        "Delete the files of delivery PDFs finished more than DELIVERY_RETENTION_DAYS "
        "(default 30) days ago. The job rows stay, showing that the file was deleted. "
        "Run it daily, e.g. from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=days_argument,
            help="Delete files finished more than this many days ago (overrides the setting).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List the files that would be deleted and change nothing.",
        )

    def handle(self, *args, days=None, dry_run=False, **options):
        if days is not None:
            days = days_argument(days)  # call_command() skips argparse's type
        try:
            days = days if days is not None else retention.retention_days()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None
        if days is None:
            self.stdout.write(
                "DELIVERY_RETENTION_DAYS is None: delivery PDFs are kept. Nothing deleted."
            )
            return

        def report(job, outcome):
            when = job.finished_at.strftime("%Y-%m-%d %H:%M")
            line = f"job {job.pk} (petition {job.page_id}, finished {when}): {job.file_name}"
            if dry_run:
                self.stdout.write(f"Would delete {line}")
            elif outcome == retention.DELETED:
                self.stdout.write(f"Deleted {line}")
            elif outcome == retention.FAILED:
                self.stderr.write(f"Could not delete {line} (see the log)")

        result = retention.purge(days, dry_run=dry_run, on_job=report)
        if dry_run:
            self.stdout.write(
                f"Dry run: {len(result.deleted)} delivery PDFs older than {days} days "
                "would be deleted."
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Deleted {len(result.deleted)} delivery PDFs older than {days} days."
            )
        )
        if result.failed:
            raise CommandError(
                f"{len(result.failed)} delivery PDFs could not be deleted; they stay listed "
                "and the next run tries again."
            )
