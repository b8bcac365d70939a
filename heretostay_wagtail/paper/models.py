"""Paper signature sheets, paper-only tallies and delivery PDF jobs."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from heretostay_wagtail.core.models import user_field

__all__ = ["PaperSheet", "PaperTally", "DeliveryJob", "PaperSize", "DeliveryJobStatus"]


class PaperSize(models.TextChoices):
    LETTER = "letter", _("Letter (8.5 × 11 in)")
    A4 = "a4", _("A4 (210 × 297 mm)")


class PaperSheet(models.Model):
    """One printed signature sheet; its code is written on every signature typed from it."""

    code = models.CharField(_("sheet code"), max_length=9, unique=True)
    campaign_key = models.UUIDField(_("campaign"), db_index=True, editable=False)
    page = models.ForeignKey(
        "heretostay.PetitionPage",
        null=True,
        on_delete=models.SET_NULL,
        related_name="paper_sheets",
        verbose_name=_("petition"),
    )
    paper_size = models.CharField(
        _("paper size"), max_length=10, choices=PaperSize.choices, default=PaperSize.LETTER
    )
    created_at = models.DateTimeField(_("printed at"), default=timezone.now)
    created_by = user_field(_("printed by"))

    class Meta:
        verbose_name = _("paper signature sheet")
        verbose_name_plural = _("paper signature sheets")
        ordering = ["-created_at"]
        permissions = [
            ("add_paper_signatures", _("Can print paper forms and enter paper signatures")),
            ("deliver_petition", _("Can download and deliver petitions")),
        ]

    def __str__(self):
        return self.code


class PaperTally(models.Model):
    """Signatures counted on paper but not typed in: a number, never names."""

    campaign_key = models.UUIDField(_("campaign"), db_index=True, editable=False)
    page = models.ForeignKey(
        "heretostay.PetitionPage",
        null=True,
        on_delete=models.SET_NULL,
        related_name="paper_tallies",
        verbose_name=_("petition"),
    )
    count = models.PositiveIntegerField(_("number of signatures"))
    sheet_code = models.CharField(_("paper sheet code"), max_length=20, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("entered at"), default=timezone.now)
    entered_by = user_field(_("entered by"))

    class Meta:
        verbose_name = _("paper tally")
        verbose_name_plural = _("paper tallies")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.count} ({self.sheet_code})" if self.sheet_code else str(self.count)


class DeliveryJobStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Generating")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class DeliveryJob(models.Model):
    """A delivery PDF generated in the background; the file lives in package storage."""

    page = models.ForeignKey(
        "heretostay.PetitionPage",
        on_delete=models.CASCADE,
        related_name="delivery_jobs",
        verbose_name=_("petition"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DeliveryJobStatus.choices,
        default=DeliveryJobStatus.PENDING,
    )
    group_by = models.PositiveSmallIntegerField(
        _("group by postal code prefix"),
        default=0,
        help_text=_("Number of leading postal-code characters to group by; 0 for no grouping."),
    )
    regions = models.JSONField(
        _("regions"),
        default=list,
        blank=True,
        help_text=_(
            "When set, signers are grouped by these regions (names with their postal codes "
            "or prefixes) instead of by postal-code prefix."
        ),
    )
    include_comments = models.BooleanField(_("include comments"), default=True)
    only_confirmed = models.BooleanField(_("only confirmed signatures"), default=True)
    total_rows = models.PositiveIntegerField(_("signatures"), default=0)
    rows_done = models.PositiveIntegerField(_("signatures rendered"), default=0)
    file_name = models.CharField(_("file"), max_length=255, blank=True, editable=False)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    created_by = user_field(_("requested by"))
    sent_to = models.TextField(_("emailed to"), blank=True)
    sent_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery PDF")
        verbose_name_plural = _("delivery PDFs")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.page_id} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def progress(self):
        """Percentage done, for the status page."""
        if self.status == DeliveryJobStatus.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(99, self.rows_done * 100 // self.total_rows)

    @property
    def grouped(self):
        """Whether the list has group headings (by postal-code prefix or by region)."""
        return bool(self.group_by or self.regions)

    @property
    def is_finished(self):
        return self.status in (DeliveryJobStatus.DONE, DeliveryJobStatus.FAILED)

    @property
    def is_file_deleted(self):
        """The PDF was generated and its file deleted since (``paper.retention``)."""
        return self.status == DeliveryJobStatus.DONE and not self.file_name
