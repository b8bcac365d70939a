"""Grassroots campaigns: the index page starters start from, invitations to co-administer
a campaign, and reports of inappropriate campaigns.

Who runs a campaign (``CampaignAdmin``, ``CampaignRole``) lives in ``core/models.py``: it
applies to any campaign page.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail_localize.fields import SynchronizedField, TranslatableField

__all__ = [
    "NewCampaigns",
    "CampaignIndexPage",
    "CampaignInvitation",
    "ReportReason",
    "CampaignReport",
]


class NewCampaigns(models.TextChoices):
    MODERATE = "moderate", _("Review before they go live")
    LIVE_UNLISTED = "live_unlisted", _("Go live at once, unlisted and not indexed until reviewed")


class CampaignIndexPage(Page):
    """Lists the petitions under it and, when the organizer turns it on, lets anyone with
    an account start one (``grassroots/views.py``)."""

    intro = RichTextField(
        _("introduction"), blank=True, features=["bold", "italic", "link", "ol", "ul", "h3"]
    )
    allow_starting = models.BooleanField(
        _("Show 'Start a campaign'"),
        default=False,
        help_text=_(
            "Let people with an account on the site start petitions here. Assign a workflow "
            "to this page (Settings → Workflows) so that editors review them."
        ),
    )
    new_campaigns = models.CharField(
        _("new campaigns"),
        max_length=20,
        choices=NewCampaigns.choices,
        default=NewCampaigns.MODERATE,
    )

    subpage_types = ["heretostay.PetitionPage"]
    template = "heretostay/grassroots/campaign_index_page.html"

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("allow_starting"), FieldPanel("new_campaigns")],
            heading=_("Campaigns started by the public"),
        ),
    ]

    override_translatable_fields = [
        TranslatableField("intro"),
        SynchronizedField("allow_starting", overridable=False),
        SynchronizedField("new_campaigns", overridable=False),
    ]

    class Meta:
        verbose_name = _("campaign index")
        verbose_name_plural = _("campaign indexes")

    @property
    def live_unlisted(self):
        return self.new_campaigns == NewCampaigns.LIVE_UNLISTED

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # The listing (filters, search, order) is built by grassroots/listing.py, which
        # models may not import: the view layer registers it (core/routes.py).
        from heretostay_wagtail.core import routes

        context.update(routes.serve(self, "listing_context", request))
        return context


class CampaignInvitation(models.Model):
    """An invitation to co-administer a campaign, emailed as a signed, expiring,
    single-use link; only a digest of its token is stored."""

    page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        related_name="heretostay_campaign_invitations",
        verbose_name=_("campaign"),
    )
    email = models.EmailField(_("email"), max_length=254)
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("accepted by"),
    )

    class Meta:
        verbose_name = _("campaign admin invitation")
        verbose_name_plural = _("campaign admin invitations")

    def __str__(self):
        return f"{self._meta.verbose_name} #{self.pk}"


class ReportReason(models.TextChoices):
    HATEFUL = "hateful", _("Hateful or harassing")
    MISLEADING = "misleading", _("False or misleading")
    PERSONAL = "personal", _("Shares someone's personal information")
    SPAM = "spam", _("Spam or advertising")
    OTHER = "other", _("Something else")


class ReportAction(models.TextChoices):
    TAKEN_DOWN = "taken_down", _("Taken down")
    DISMISSED = "dismissed", _("Dismissed")


class CampaignReport(models.Model):
    """Someone's report that a campaign is inappropriate, for moderators (admin)."""

    page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        related_name="heretostay_reports",
        verbose_name=_("campaign"),
    )
    reason = models.CharField(_("reason"), max_length=20, choices=ReportReason.choices)
    details = models.TextField(_("details"), max_length=1000, blank=True)
    email = models.EmailField(_("email"), blank=True)
    ip_hash = models.CharField(_("IP hash"), max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("reported"), default=timezone.now, db_index=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    action = models.CharField(_("action"), max_length=20, blank=True, choices=ReportAction.choices)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("campaign report")
        verbose_name_plural = _("campaign reports")
        ordering = ["-created_at"]
        permissions = [
            ("moderate_campaignreport", _("Can read reports of campaigns and act on them")),
        ]

    def __str__(self):
        # Never the reporter's email (audit log labels use str()).
        return f"{self._meta.verbose_name} #{self.pk}"
