"""Finish alert messages that stopped workers left unfinished (run it from cron)."""

from django.core.management.base import BaseCommand

from heretostay_wagtail.pledges import alerts


class Command(BaseCommand):
    help = (
        "Resolve rapid-response alert messages left 'sending' by a worker that stopped "
        "(asks the SMS provider whether each went out: never texts anyone twice), queue "
        "again the messages whose retry is due, and expire those of expired alerts. "
        "Safe to run as often as you like, e.g. every minute from cron."
    )

    def handle(self, *args, **options):
        totals = alerts.recover()
        if not totals:
            self.stdout.write("Nothing to recover.")
            return
        summary = ", ".join(f"{name}: {n}" for name, n in sorted(totals.items()))
        self.stdout.write(self.style.SUCCESS(f"Alert deliveries recovered ({summary})."))
