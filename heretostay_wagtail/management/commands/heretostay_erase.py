"""Erase everything about one email address or phone number (issue 14)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from heretostay_wagtail.erasure import services


class Command(BaseCommand):
    help = (
        "Erase everything about one email address or phone number: signatures, pledges, "
        "the alert messages sent to them, and the files of delivery PDFs that list them. "
        "Counts only are shown; one audit-log entry records how many records were erased."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", help="The email address (any case).")
        parser.add_argument("--phone", help="The phone number (read with PHONE_DEFAULT_REGION).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show how many records would be erased."
        )
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")
        parser.add_argument(
            "--user", help="Username recorded in the audit log as who erased (optional)."
        )

    def report(self, counts, verb):
        for kind in services.KINDS:
            self.stdout.write(f"{kind.replace('_', ' ')}: {counts.get(kind, 0)} {verb}")

    def handle(self, *args, email=None, phone=None, dry_run=False, yes=False, **options):
        user = None
        if options.get("user"):
            User = get_user_model()
            user = User.objects.filter(**{User.USERNAME_FIELD: options["user"]}).first()
            if user is None:
                raise CommandError("No user with this username.")
        try:
            counts = services.find(email=email, phone=phone)
        except services.ErasureError as exc:
            if str(exc) == "invalid phone":
                raise CommandError("--phone is not a valid phone number.") from None
            raise CommandError("Give --email or --phone.") from None
        if dry_run:
            self.report(counts, "would be erased")
            self.stdout.write("Dry run: nothing was changed.")
            return
        if not any(counts.values()):
            self.stdout.write("Nothing found. Nothing was changed.")
            return
        self.report(counts, "found")
        if not yes:
            answer = input("Erase all of these for good? Type 'yes' to continue: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Cancelled: nothing was changed.")
        result = services.erase(email=email, phone=phone, user=user)
        if not result.complete:
            raise CommandError(
                f"{result.failed_files} delivery PDF files could not be deleted from storage, "
                "so nothing else was erased. Run the command again later (see the log)."
            )
        self.report(result.counts, "erased")
        self.stdout.write(self.style.SUCCESS("Erased. One audit-log entry records the counts."))
