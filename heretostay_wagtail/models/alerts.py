"""Rapid-response alerts and the record of every message they send."""

import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["Alert", "AlertChannel", "AlertStatus", "AlertDelivery", "DeliveryStatus", "Channel"]

AREA_SEPARATORS = re.compile(r"[\s,;]+")


class AlertChannel(models.TextChoices):
    SMS = "sms", _("Text message")
    EMAIL = "email", _("Email")
    BOTH = "both", _("Text message and email")


class Channel(models.TextChoices):
    """The channel of one delivery."""

    SMS = "sms", _("Text message")
    EMAIL = "email", _("Email")


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
    status = models.CharField(
        _("status"), max_length=10, choices=AlertStatus.choices, default=AlertStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("verified by"),
        editable=False,
    )
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True, editable=False)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("sent by"),
        editable=False,
    )
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
        first_line = (self.message or "").strip().splitlines()[0] if self.message else ""
        return f"{first_line[:60]} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        if self.page_id:
            self.campaign_key = self.page.campaign_key
        super().save(*args, **kwargs)

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
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

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
