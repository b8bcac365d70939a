"""The petition page: who can give us what we want, what we ask, and why."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from phonenumber_field.modelfields import PhoneNumberField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import path
from wagtail.fields import RichTextField, StreamField
from wagtail.images.api.fields import ImageRenditionField
from wagtail.models import Orderable, TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from heretostay_wagtail.blocks import CampaignBodyBlock
from heretostay_wagtail.core import routes
from heretostay_wagtail.core.models import (
    CampaignPage,
    CampaignRole,
    SupporterRecord,
    campaign_page_field,
    entered_by_index,
)
from heretostay_wagtail.core.panels import SupporterCountPanel

__all__ = [
    "PetitionPage",
    "PetitionTarget",
    "FieldChoice",
    "Scope",
    "PetitionStatus",
    "Signature",
]


class Scope(models.TextChoices):
    LOCAL = "local", _("Local")
    NATIONAL = "national", _("National or global")


class PetitionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    DELIVERED = "delivered", _("Delivered")


class FieldChoice(models.TextChoices):
    OFF = "off", _("Don't ask")
    OPTIONAL = "optional", _("Optional")
    REQUIRED = "required", _("Required")


class PetitionPageForm(WagtailAdminPageForm):
    """Marks "Place" required (with the editor's asterisk) when the scope is local, as
    ``PetitionPage.clean`` requires; a national petition may leave it blank."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        place = self.fields.get("place_name")
        if place is None:
            return
        if self.is_bound:
            scope = self.data.get(self.add_prefix("scope"))
        else:
            scope = self.initial.get("scope") or Scope.LOCAL
        place.required = scope == Scope.LOCAL
        place.error_messages["required"] = _("Local petitions need a place.")


class PetitionPage(CampaignPage):
    base_form_class = PetitionPageForm

    ask = models.TextField(
        _("the ask"),
        max_length=1000,
        help_text=_("Explain precisely what you would like the target to do."),
    )
    why = RichTextField(
        _("why it matters"),
        features=["bold", "italic", "link", "ol", "ul", "h3"],
        help_text=_("Why should someone sign?"),
    )
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.LOCAL)
    place_name = models.CharField(
        _("place"),
        max_length=200,
        blank=True,
        help_text=_("City, county or area, for local petitions."),
    )
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PetitionStatus.choices, default=PetitionStatus.OPEN
    )
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    #: Started by someone from the public site and published before an editor read it
    #: (a campaign index's "live_unlisted" mode): the page answers, but listings, the
    #: sitemap and the API leave it out and it asks search engines not to index it.
    awaiting_review = models.BooleanField(
        _("awaiting review"),
        default=False,
        help_text=_(
            "Live but unlisted and not indexed by search engines until an editor reviews it. "
            "Untick it once the campaign has been reviewed."
        ),
    )
    ask_postal_code = models.CharField(
        _("ask for postal code"),
        max_length=10,
        choices=FieldChoice.choices,
        default=FieldChoice.REQUIRED,
    )
    ask_phone = models.CharField(
        _("ask for phone"), max_length=10, choices=FieldChoice.choices, default=FieldChoice.OPTIONAL
    )
    ask_comment = models.CharField(
        _("ask for a comment"),
        max_length=10,
        choices=FieldChoice.choices,
        default=FieldChoice.OPTIONAL,
    )
    body = StreamField(CampaignBodyBlock(), blank=True, verbose_name=_("body"))

    search_fields = CampaignPage.search_fields + [
        index.SearchField("ask"),
        index.SearchField("why"),
        index.FilterField("status"),
    ]

    content_panels = CampaignPage.content_panels + [
        SupporterCountPanel(
            heading=_("Signatures"),
            listing_url_name="heretostay_signatures:index",
            filter_name="petition",
            permission="heretostay.view_signature",
            links=[
                (
                    _("Paper signatures and delivery"),
                    "heretostay_paper_tools",
                    ("heretostay.add_paper_signatures", "heretostay.deliver_petition"),
                )
            ],
        ),
        InlinePanel(
            "targets", label=_("Target"), min_num=1, heading=_("Who can give you what you want?")
        ),
        FieldPanel("ask"),
        FieldPanel("why"),
        MultiFieldPanel(
            [
                FieldPanel("scope"),
                FieldRowPanel(
                    [
                        FieldPanel(
                            "place_name",
                            help_text=_("City, county or area. Required when the scope is local."),
                        ),
                        FieldPanel("postal_code"),
                    ]
                ),
            ],
            heading=_("Where?"),
        ),
        FieldPanel("image"),
        FieldPanel("body"),
    ]
    campaign_settings_panels = [
        FieldRowPanel([FieldPanel("status"), FieldPanel("delivered_at")]),
        FieldPanel("awaiting_review"),
        MultiFieldPanel(
            [FieldPanel("ask_postal_code"), FieldPanel("ask_phone"), FieldPanel("ask_comment")],
            heading=_("Signer fields"),
            help_text=_("Name and email are always asked."),
        ),
        *CampaignPage.campaign_panels,
    ]

    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Content")),
            ObjectList(campaign_settings_panels, heading=_("Campaign")),
            ObjectList(CampaignPage.promote_panels, heading=_("Promote")),
            ObjectList(CampaignPage.settings_panels, heading=_("Settings")),
        ]
    )

    # wagtail-localize (see CampaignPage): where, status and which signer fields are asked
    # stay the same in every language; the targets are translated (PetitionTarget is
    # translatable, so its name and role become segments of the page).
    override_translatable_fields = CampaignPage.override_translatable_fields + [
        TranslatableField("ask"),
        TranslatableField("why"),
        TranslatableField("place_name"),
        TranslatableField("body"),
        TranslatableField("targets"),
        SynchronizedField("scope", overridable=False),
        SynchronizedField("postal_code", overridable=False),
        SynchronizedField("status", overridable=False),
        SynchronizedField("delivered_at", overridable=False),
        SynchronizedField("awaiting_review", overridable=False),
        SynchronizedField("ask_postal_code", overridable=False),
        SynchronizedField("ask_phone", overridable=False),
        SynchronizedField("ask_comment", overridable=False),
    ]

    template = "heretostay/petition_page.html"
    thanks_template = "heretostay/petition_thanks.html"
    throttle_scope = "sign"

    @path("confirm/<str:token>/", name="confirm")
    def confirm(self, request, token):
        return routes.serve(self, "confirm", request, token)

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")

    def clean(self):
        super().clean()
        if self.scope == Scope.LOCAL and not self.place_name:
            raise ValidationError({"place_name": _("Local petitions need a place.")})

    def closed_reason(self, now=None):
        if self.status == PetitionStatus.DELIVERED:
            return _("This petition has been delivered. Thank you to everyone who signed!")
        if self.status == PetitionStatus.CLOSED:
            return _("This petition is closed.")
        return super().closed_reason(now)

    def get_sitemap_urls(self, request=None):
        """Left out of the sitemap while it awaits review (``awaiting_review``)."""
        if self.awaiting_review:
            return []
        return super().get_sitemap_urls(request)

    @cached_property
    def started_by_public(self):
        """Started from the public site (grassroots/): its page offers "Report"."""
        return self.heretostay_campaign_admins.filter(role=CampaignRole.STARTER).exists()

    @property
    def target_names(self):
        return [t.name for t in self.targets.all()]

    # Wagtail API v2 (headless page rendering): page content only, never supporters.
    api_fields = [
        APIField("targets"),
        APIField("ask"),
        APIField("why"),
        APIField("scope"),
        APIField("place_name"),
        APIField("postal_code"),
        APIField("goal"),
        APIField("supporter_count"),
        APIField("status"),
        APIField("opens_at"),
        APIField("closes_at"),
        APIField("delivered_at"),
        APIField("image"),
        APIField("share_image", serializer=ImageRenditionField("fill-1200x630", source="image")),
        APIField("body"),
    ]


class PetitionTarget(TranslatableMixin, Orderable):
    """Who the petition is addressed to.

    Translatable (its own locale and translation key) so wagtail-localize extracts name
    and role as segments of the page; a plain Orderable child would be copied verbatim
    into every translation.
    """

    page = ParentalKey(PetitionPage, on_delete=models.CASCADE, related_name="targets")
    name = models.CharField(_("name"), max_length=200, help_text=_("For example: Mayor Ana Ruiz"))
    role = models.CharField(
        _("role"),
        max_length=200,
        blank=True,
        help_text=_("For example: Mayor, City Council, School board"),
    )

    panels = [FieldRowPanel([FieldPanel("name"), FieldPanel("role")])]
    api_fields = [APIField("name"), APIField("role")]

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self):
        return f"{self.name} ({self.role})" if self.role else self.name


class Signature(SupporterRecord):
    page = campaign_page_field("heretostay.PetitionPage", _("signed on page"), "signatures")
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    phone = PhoneNumberField(_("phone"), blank=True)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    sheet_code = models.CharField(_("paper sheet code"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign_key", "email_normalized"],
                condition=models.Q(anonymized_at__isnull=True),
                name="heretostay_signature_once_per_email",
            )
        ]
        indexes = [
            models.Index(fields=["campaign_key", "created_at"], name="heretostay_sig_campaign_idx"),
            entered_by_index("heretostay_sig_entered_idx"),
        ]
        permissions = [
            ("export_signature", _("Can export signatures")),
            # Without it, emails and phones are masked in the admin's listings and left
            # out of exports.
            ("view_signature_contact", _("Can see signers' email addresses and phones")),
            # The personal-data audit report (core/reports.py) covers every feature; the
            # permission lives here so the group editor offers it with signatures.
            ("view_audit_report", _("Can view the personal-data audit report")),
            # Erasure spans petitions, pledges, alerts and delivery PDFs (erasure/); the
            # permission lives here so Wagtail's group editor offers it with signatures.
            (
                "erase_supporter",
                _("Can erase everything about one email or phone (all campaigns)"),
            ),
        ]
