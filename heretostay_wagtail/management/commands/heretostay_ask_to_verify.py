"""Email pledgers who want alerts on a channel they have not verified their link again.

Pledges made before verification existed are not alerted until their owners confirm
their email (and verify their phone for texts): run this once after upgrading, or now and
then for pledgers who never followed their link. Each email goes through the pledge's
manage-link task, so the per-record cooldown applies (``EMAIL_COOLDOWN_SECONDS``).
"""

from django.core.management.base import BaseCommand, CommandError

from heretostay_wagtail.core import audit
from heretostay_wagtail.pledges import services as pledging
from heretostay_wagtail.pledges.models import PledgePage


class Command(BaseCommand):
    help = (
        "Email each pledger who wants alerts on a channel they have not verified their "
        "link to confirm their email and verify their phone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--campaign",
            type=int,
            help="Page id of any translation of one pledge campaign (default: all).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Only say how many would be emailed."
        )

    def handle(self, *args, campaign=None, dry_run=False, **options):
        key = None
        if campaign is not None:
            page = PledgePage.objects.filter(pk=campaign).first()
            if page is None:
                raise CommandError(f"No pledge page with id {campaign}.")
            key = page.campaign_key
        pledges = pledging.awaiting_verification(key)
        total = pledges.count()
        if dry_run:
            self.stdout.write(f"{total} pledger(s) would be asked to verify.")
            return
        for pk in pledges.order_by("pk").values_list("pk", flat=True).iterator():
            pledging.send_manage_link.enqueue(pk)
        instance = (
            audit.campaign_page(PledgePage, key) if key is not None else None
        ) or audit.default_instance(None)
        audit.log(instance, "heretostay.verification_request", pledges=total)
        self.stdout.write(self.style.SUCCESS(f"{total} pledger(s) asked to verify."))
