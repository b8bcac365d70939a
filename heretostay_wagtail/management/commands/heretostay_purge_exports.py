"""Delete the files of background exports past their expiry (EXPORT_EXPIRY_HOURS)."""

from django.core.management.base import BaseCommand

from heretostay_wagtail.core import export_jobs


class Command(BaseCommand):
    help = (
        "Delete the files of exports (CSV/XLSX of supporters written in the background) "
        "whose download expired (EXPORT_EXPIRY_HOURS, default 24). The job rows stay, "
        "marked expired. Run it hourly, e.g. from cron; downloads are refused after the "
        "expiry whether or not it has run."
    )

    def handle(self, *args, **options):
        deleted = export_jobs.purge_expired()
        self.stdout.write(self.style.SUCCESS(f"Deleted {deleted} expired export files."))
