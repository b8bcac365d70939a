"""What a pledger exports (roles and languages as stable codes), and which of it the admin
roster shows (as names): one definition for the roster, the CSV/XLSX export and the API
export. The contact columns (those with a ``mask``: email, phone) are masked in the admin
for users without ``heretostay.view_pledge_contact`` and left out of their exports."""

from django.utils.translation import gettext_lazy as _

from heretostay_wagtail.core.exports import Column
from heretostay_wagtail.core.privacy import mask_email, mask_phone


def verified_label(when, has=True):
    """Whether a contact is verified, in words (not colour alone)."""
    if not has:
        return _("no phone")
    return _("✓ verified") if when else _("not verified")


COLUMNS = [
    Column("id", _("ID"), lambda p: p.public_id),
    Column("campaign", _("Campaign"), lambda p: p.campaign_key),
    Column("language", _("Language"), lambda p: p.language),
    Column("name", _("Name"), lambda p: p.name, listing="title"),
    Column("email", _("Email"), lambda p: p.email, mask=mask_email),
    Column("phone", _("Phone"), lambda p: p.phone.as_e164 if p.phone else "", mask=mask_phone),
    # When each was verified (exports); the roster says whether, in words.
    Column(
        "email_verified_at",
        _("Email verified"),
        lambda p: p.email_verified_at,
        listing="text",
        display=lambda p: verified_label(p.email_verified_at),
    ),
    Column(
        "phone_verified_at",
        _("Phone verified"),
        lambda p: p.phone_verified_at,
        listing="text",
        display=lambda p: verified_label(p.phone_verified_at, has=bool(p.phone)),
    ),
    Column(
        "area",
        _("Postal code or neighborhood"),
        lambda p: p.area,
        listing="text",
        sort_key="area_normalized",
    ),
    Column(
        "roles",
        _("Roles"),
        lambda p: sorted(r.code for r in p.roles.all()),
        listing="text",
        display=lambda p: ", ".join(role.name for role in p.roles.all()),
    ),
    Column(
        "languages",
        _("Languages spoken"),
        lambda p: p.language_list,
        listing="text",
        display=lambda p: ", ".join(p.get_languages_display()),
    ),
    Column("availability", _("Availability"), lambda p: p.availability_list),
    Column("alert_sms", _("Text alerts"), lambda p: p.alert_sms, listing="boolean"),
    Column("alert_sms_consent_at", _("Text consent given at"), lambda p: p.alert_sms_consent_at),
    Column("alert_email", _("Email alerts"), lambda p: p.alert_email, listing="boolean"),
    Column(
        "alert_email_consent_at", _("Email consent given at"), lambda p: p.alert_email_consent_at
    ),
    Column(
        "trained_at",
        _("Training completed"),
        lambda p: p.trained_at,
        listing="date",
        sort_key="trained_at",
    ),
    Column(
        "created_at", _("Pledged at"), lambda p: p.created_at, listing="date", sort_key="created_at"
    ),
    Column("withdrawn_at", _("Withdrawn at"), lambda p: p.withdrawn_at, listing="date"),
]
