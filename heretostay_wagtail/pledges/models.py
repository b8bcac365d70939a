"""The pledge page and the rapid-response network it grows (seed 000)."""

import re
from datetime import timedelta

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField
from wagtail.admin.panels import FieldPanel, ObjectList, TabbedInterface
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import path
from wagtail.fields import RichTextField
from wagtail.images.api.fields import ImageRenditionField
from wagtail.models import Locale, Orderable, TranslatableMixin
from wagtail.search import index

from heretostay_wagtail.core import routes
from heretostay_wagtail.core.conf import get_setting
from heretostay_wagtail.core.models import (
    CampaignPage,
    SupporterRecord,
    campaign_page_field,
    entered_by_index,
    user_field,
)

__all__ = [
    "VolunteerRole",
    "PledgePage",
    "Pledge",
    "Availability",
    "PLEDGE_LANGUAGES",
    "normalize_area",
    "Alert",
    "AlertChannel",
    "AlertStatus",
    "AlertDelivery",
    "DeliveryStatus",
    "Channel",
    "PhoneVerification",
]

#: Languages a volunteer may speak (interpreters are matched on these codes).
PLEDGE_LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("ar", _("Arabic")),
    ("zh", _("Chinese")),
    ("fa", _("Farsi")),
    ("fr", _("French")),
    ("ht", _("Haitian Creole")),
    ("hmn", _("Hmong")),
    ("ko", _("Korean")),
    ("ps", _("Pashto")),
    ("pa", _("Punjabi")),
    ("pt", _("Portuguese")),
    ("ru", _("Russian")),
    ("tl", _("Tagalog")),
    ("ti", _("Tigrinya")),
    ("uk", _("Ukrainian")),
    ("vi", _("Vietnamese")),
    ("ase", _("American Sign Language")),
    ("other", _("Another language")),
]


class Availability(models.TextChoices):
    WEEKDAYS = "weekdays", _("Weekdays")
    WEEKNIGHTS = "weeknights", _("Weeknights")
    WEEKENDS = "weekends", _("Weekends")
    ON_CALL = "on_call", _("On call at short notice")


def normalize_area(value):
    """Postal codes and neighborhoods compared case- and space-insensitively."""
    return "".join((value or "").split()).upper()


def encode_codes(codes):
    """A list of codes stored as ``,a,b,`` so ``__contains=",a,"`` filters exactly."""
    codes = [c for c in codes if c]
    return f",{','.join(codes)}," if codes else ""


def decode_codes(value):
    return [c for c in (value or "").split(",") if c]


class VolunteerRole(TranslatableMixin, Orderable):
    """A way to help (driver, interpreter...), editable and translatable by organizers.

    Pledges and alerts match roles by ``translation_key``, so a pledger who picked the
    Spanish "Conductor/a" is reached by an alert for the English "Driver".
    """

    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    code = models.SlugField(
        _("code"),
        max_length=50,
        help_text=_("Stable identifier used in exports, the same in every language."),
    )

    panels = [FieldPanel("name"), FieldPanel("description"), FieldPanel("code")]

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        verbose_name = _("volunteer role")
        verbose_name_plural = _("volunteer roles")
        constraints = [
            models.UniqueConstraint(fields=["code", "locale"], name="heretostay_role_code_locale")
        ]

    def __str__(self):
        return self.name

    #: Seeded by ``ensure_default_roles`` (the demo loader and tests call it).
    DEFAULTS = [
        ("rapid_responder", _("Rapid responder / legal observer")),
        ("dispatcher", _("Dispatcher")),
        ("verifier", _("Verifier")),
        ("driver", _("Driver")),
        ("interpreter", _("Interpreter")),
        ("accompaniment", _("Court and check-in accompaniment")),
        ("childcare", _("Childcare")),
        ("legal_professional", _("Legal professional")),
        ("bond_fund", _("Bond-fund support")),
    ]

    @classmethod
    def seed_defaults(cls, locales=()):
        """Create the standard roles (idempotent) and their translations in ``locales``.

        Names come from the package's translation catalogue; organizers edit them after.
        """
        from django.utils import translation

        default = Locale.get_default()
        roles = []
        for order, (code, label) in enumerate(cls.DEFAULTS):
            with translation.override(default.language_code):
                role, _created = cls.objects.get_or_create(
                    code=code, locale=default, defaults={"name": str(label), "sort_order": order}
                )
            roles.append(role)
            for locale in locales:
                if locale.pk == default.pk or role.has_translation(locale):
                    continue
                copy = role.copy_for_translation(locale)
                with translation.override(locale.language_code):
                    copy.name = str(label)
                copy.save()
        return roles

    @classmethod
    def for_locale(cls, locale):
        """Roles in ``locale``, falling back to the default language for untranslated ones."""
        default = Locale.get_default()
        if locale is None or locale.pk == default.pk:
            return cls.objects.filter(locale=default)
        translated = cls.objects.filter(locale=locale, translation_key=OuterRef("translation_key"))
        return cls.objects.filter(
            Q(locale=locale) | Q(Q(locale=default) & ~Exists(translated))
        ).order_by("sort_order", "pk")


class PledgePage(CampaignPage):
    default_share_email_body = _("I just took this pledge and hope you will too:")

    statement = models.CharField(
        _("pledge statement"),
        max_length=500,
        help_text=_("What people promise, in one sentence."),
    )
    explanation = RichTextField(
        _("explanation"),
        features=["bold", "italic", "link", "ol", "ul", "h3"],
        blank=True,
        help_text=_("What the network does and what happens after someone pledges."),
    )
    sms_consent_text = models.CharField(
        _("text-message consent text"),
        max_length=500,
        blank=True,
        help_text=_("Label of the text-alert checkbox. Leave blank for the standard wording."),
    )
    email_consent_text = models.CharField(
        _("email-alert consent text"),
        max_length=500,
        blank=True,
        help_text=_("Label of the email-alert checkbox. Leave blank for the standard wording."),
    )

    search_fields = CampaignPage.search_fields + [index.SearchField("statement")]

    content_panels = CampaignPage.content_panels + [
        FieldPanel("statement"),
        FieldPanel("explanation"),
        FieldPanel("image"),
    ]
    campaign_settings_panels = [
        FieldPanel("sms_consent_text"),
        FieldPanel("email_consent_text"),
        *[
            p
            for p in CampaignPage.campaign_panels
            if getattr(p, "field_name", "") != "consent_text"
        ],
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Content")),
            ObjectList(campaign_settings_panels, heading=_("Campaign")),
            ObjectList(CampaignPage.promote_panels, heading=_("Promote")),
            ObjectList(CampaignPage.settings_panels, heading=_("Settings")),
        ]
    )

    # Wagtail API v2 (headless page rendering): page content only, never pledgers.
    api_fields = [
        APIField("statement"),
        APIField("explanation"),
        APIField("goal"),
        APIField("supporter_count"),
        APIField("opens_at"),
        APIField("closes_at"),
        APIField("image"),
        APIField("share_image", serializer=ImageRenditionField("fill-1200x630", source="image")),
    ]

    template = "heretostay/pledge_page.html"
    thanks_template = "heretostay/pledge_thanks.html"
    throttle_scope = "pledge"

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")

    @path("manage/<str:token>/", name="manage")
    def manage(self, request, token):
        return routes.serve(self, "manage", request, token)

    @path("unsubscribe/<str:token>/", name="unsubscribe")
    def unsubscribe(self, request, token):
        return routes.serve(self, "unsubscribe", request, token)

    def get_sms_consent_text(self):
        return self.sms_consent_text or str(
            _("Yes, send me rapid-response alerts by text message.")
        )

    def get_email_consent_text(self):
        return self.email_consent_text or str(_("Yes, send me rapid-response alerts by email."))


class PledgeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(withdrawn_at__isnull=True, confirmed_at__isnull=False)

    def in_areas(self, prefixes):
        """Pledgers whose postal code or neighborhood starts with one of ``prefixes``."""
        query = Q()
        for prefix in prefixes:
            query |= Q(area_normalized__startswith=normalize_area(prefix))
        return self.filter(query) if prefixes else self.none()

    def with_roles(self, role_keys):
        """Pledgers with any of the roles (by translation key); all when none given."""
        if not role_keys:
            return self
        through = Pledge.roles.through.objects.filter(
            pledge_id=OuterRef("pk"), volunteerrole__translation_key__in=list(role_keys)
        )
        return self.filter(Exists(through))


class Pledge(SupporterRecord):
    """A person who pledged, and how they can be reached when it matters.

    A withdrawn pledge is kept (with its consents cleared) until an organizer deletes
    it, but no longer counts and is never alerted.
    """

    page = campaign_page_field(PledgePage, _("pledged on page"), "pledges")
    phone = PhoneNumberField(_("mobile phone"), blank=True, db_index=True)
    area = models.CharField(_("postal code or neighborhood"), max_length=100)
    area_normalized = models.CharField(max_length=100, editable=False, db_index=True)
    roles = models.ManyToManyField(
        VolunteerRole, blank=True, related_name="pledges", verbose_name=_("roles")
    )
    languages = models.CharField(_("languages spoken"), max_length=300, blank=True)
    availability = models.CharField(_("availability"), max_length=100, blank=True)
    alert_sms = models.BooleanField(_("text alerts"), default=False)
    alert_sms_consent_text = models.TextField(_("text consent shown"), blank=True)
    alert_sms_consent_at = models.DateTimeField(_("text consent given at"), null=True, blank=True)
    alert_email = models.BooleanField(_("email alerts"), default=False)
    alert_email_consent_text = models.TextField(_("email consent shown"), blank=True)
    alert_email_consent_at = models.DateTimeField(
        _("email consent given at"), null=True, blank=True
    )
    trained_at = models.DateField(
        _("training completed"),
        null=True,
        blank=True,
        help_text=_("Date this volunteer completed rapid-response training."),
    )
    training_notes = models.CharField(_("training notes"), max_length=500, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    # A channel is alertable only once its owner proved it: the email by following its
    # link, the phone by typing back the code texted to it. Changing the address or the
    # number empties its date.
    email_verified_at = models.DateTimeField(
        _("email verified"), null=True, blank=True, editable=False
    )
    phone_verified_at = models.DateTimeField(
        _("phone verified"), null=True, blank=True, editable=False
    )

    objects = PledgeQuerySet.as_manager()

    class Meta:
        verbose_name = _("pledger")
        verbose_name_plural = _("pledgers")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign_key", "email_normalized"],
                condition=models.Q(anonymized_at__isnull=True),
                name="heretostay_pledge_once_per_email",
            )
        ]
        indexes = [
            models.Index(
                fields=["campaign_key", "created_at"], name="heretostay_pledge_created_idx"
            ),
            entered_by_index("heretostay_pledge_entered_idx"),
        ]
        permissions = [
            ("export_pledge", _("Can export pledgers")),
            # Without it, emails and phones are masked in the roster and left out of
            # exports.
            ("view_pledge_contact", _("Can see pledgers' email addresses and phones")),
        ]

    def save(self, *args, **kwargs):
        self.area_normalized = normalize_area(self.area)
        super().save(*args, **kwargs)

    @property
    def is_withdrawn(self):
        return self.withdrawn_at is not None

    @property
    def language_list(self):
        return decode_codes(self.languages)

    @property
    def availability_list(self):
        return decode_codes(self.availability)

    def get_languages_display(self):
        names = dict(PLEDGE_LANGUAGES)
        return [str(names.get(code, code)) for code in self.language_list]

    def get_availability_display(self):
        names = dict(Availability.choices)
        return [str(names.get(code, code)) for code in self.availability_list]


AREA_SEPARATORS = re.compile(r"[\s,;]+")


class AlertChannel(models.TextChoices):
    SMS = "sms", _("Text message")
    EMAIL = "email", _("Email")
    BOTH = "both", _("Text message and email")


class Channel(models.TextChoices):
    """The channel of one delivery."""

    SMS = "sms", _("Text message")
    EMAIL = "email", _("Email")


class PhoneVerification(models.Model):
    """A short code texted to a pledger's phone: typing it back proves the phone.

    Holds no phone number and no code, only keyed digests (``core.tokens``): the
    digest of the number binds the code to the number it was sent to (a changed number
    needs a new code) and counts codes per number for the throttle. Single-use, expiring,
    and a few wrong tries void it.
    """

    pledge = models.ForeignKey(
        "heretostay.Pledge", on_delete=models.CASCADE, related_name="phone_verifications"
    )
    phone_digest = models.CharField(max_length=64, db_index=True, editable=False)
    code_digest = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("phone verification")
        verbose_name_plural = _("phone verifications")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.pledge_id} ({self.created_at:%Y-%m-%d %H:%M})"


class AlertStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    VERIFIED = "verified", _("Verified")
    SENT = "sent", _("Sent")


class Alert(models.Model):
    """A verified report turned into a call for volunteers in one area.

    Two people must agree before anyone is sent out: the creator cannot verify their
    own alert (most reports are false alarms, and false alarms burn volunteers out).
    """

    page = models.ForeignKey(
        "heretostay.PledgePage",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("network"),
        help_text=_("The pledge campaign whose volunteers are alerted (all its languages)."),
    )
    campaign_key = models.UUIDField(editable=False, db_index=True)
    message = models.TextField(
        _("message"),
        max_length=480,
        help_text=_(
            "What is happening, where, and what volunteers should do. Keep it short: "
            "text messages are split every 160 characters."
        ),
    )
    areas = models.CharField(
        _("areas"),
        max_length=1000,
        help_text=_(
            "Postal codes or their beginnings, separated by spaces or commas: "
            "“60608 60623” or “606” for every code starting with 606."
        ),
    )
    roles = models.ManyToManyField(
        "heretostay.VolunteerRole",
        blank=True,
        related_name="+",
        verbose_name=_("roles to reach"),
        help_text=_("Leave empty to reach every role."),
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=AlertChannel.choices, default=AlertChannel.SMS
    )
    expires_at = models.DateTimeField(
        _("expires"),
        null=True,
        blank=True,
        help_text=_(
            "An alert not sent by then is never sent. Leave empty for the site's default "
            "(12 hours after it is created)."
        ),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=AlertStatus.choices, default=AlertStatus.DRAFT
    )
    created_by = user_field(_("created by"), blank=False, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_by = user_field(_("last edited by"), editable=False)
    updated_at = models.DateTimeField(_("last edited"), null=True, blank=True, editable=False)
    verified_by = user_field(_("verified by"), editable=False)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True, editable=False)
    # What the verifier saw (message, areas, roles, channel, network, expiry), as a
    # digest: any change afterwards voids the verification.
    verified_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    sent_by = user_field(_("sent by"), editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("rapid-response alert")
        verbose_name_plural = _("rapid-response alerts")
        ordering = ["-created_at"]
        permissions = [
            ("verify_alert", _("Can verify rapid-response alerts")),
            ("send_alert", _("Can send rapid-response alerts")),
        ]

    def __str__(self):
        # The message's first line, cut at a word (the list has its own status column).
        first_line = (self.message or "").strip().splitlines()[0] if self.message else ""
        if len(first_line) > 60:
            first_line = first_line[:60].rsplit(" ", 1)[0].rstrip(" ,.;:") + "…"
        return first_line

    def save(self, *args, **kwargs):
        if self.page_id:
            self.campaign_key = self.page.campaign_key
        if self.expires_at is None:
            self.expires_at = timezone.now() + timedelta(hours=get_setting("ALERT_EXPIRY_HOURS"))
        super().save(*args, **kwargs)

    @property
    def is_expired(self):
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def area_list(self):
        return [a for a in AREA_SEPARATORS.split(self.areas or "") if a]

    @property
    def channels(self):
        if self.channel == AlertChannel.BOTH:
            return [Channel.SMS, Channel.EMAIL]
        return [Channel(self.channel)]


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped (consent withdrawn)")
    EXPIRED = "expired", _("Not sent: the alert expired")


class AlertDelivery(models.Model):
    """One message to one person on one channel; unique so nobody is messaged twice."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    pledge = models.ForeignKey(
        "heretostay.Pledge", null=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("reason for failure"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    # When a worker took it ("sending"): a row still sending long after was left by a
    # crashed worker, and the recovery task asks the provider what became of it.
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    # A failed attempt waits until then (exponential backoff).
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # The provider's id of the message (a Twilio SID) and its last delivery receipt.
    provider_id = models.CharField(_("provider id"), max_length=64, blank=True, db_index=True)
    provider_status = models.CharField(_("provider status"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("alert delivery")
        verbose_name_plural = _("alert deliveries")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "pledge", "channel"], name="heretostay_delivery_once"
            )
        ]
        indexes = [models.Index(fields=["alert", "status"], name="heretostay_delivery_status_idx")]

    def __str__(self):
        return f"{self.alert_id} → {self.pledge_id} ({self.channel}, {self.status})"

    @property
    def idempotency_key(self):
        """The same for every attempt at this one message (the provider dedupes on it
        where it can, and recovery looks the message up by it)."""
        return f"heretostay-alert-delivery-{self.pk}"
