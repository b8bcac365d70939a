"""A supporter's signature on a petition."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from .campaigns import SupporterRecord

__all__ = ["Signature"]


class Signature(SupporterRecord):
    page = models.ForeignKey(
        "heretostay.PetitionPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="signatures",
        verbose_name=_("signed on page"),
    )
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
                name="heretostay_signature_once_per_email",
            )
        ]
        indexes = [
            models.Index(fields=["campaign_key", "created_at"], name="heretostay_sig_campaign_idx")
        ]
        permissions = [("export_signature", _("Can export signatures"))]
