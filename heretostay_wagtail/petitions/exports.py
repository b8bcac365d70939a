"""What a signature exports, and which of it the admin listing shows: one definition for
the admin listing, the CSV/XLSX export and the API export. The contact columns (those
with a ``mask``: email, phone) are masked in the admin for users without
``heretostay.view_signature_contact`` and left out of their exports."""

from django.utils.translation import gettext_lazy as _

from heretostay_wagtail.core.exports import Column
from heretostay_wagtail.core.privacy import mask_email, mask_phone

COLUMNS = [
    Column("id", _("ID"), lambda s: s.public_id),
    Column("campaign", _("Campaign"), lambda s: s.campaign_key),
    Column("petition", _("Petition"), lambda s: s.page.title if s.page_id else "", listing="text"),
    Column("language", _("Language"), lambda s: s.language, listing="text"),
    Column("name", _("Name"), lambda s: s.name, listing="title"),
    Column("email", _("Email"), lambda s: s.email, listing="text", mask=mask_email),
    Column("postal_code", _("Postal code"), lambda s: s.postal_code),
    Column("phone", _("Phone"), lambda s: s.phone.as_e164 if s.phone else "", mask=mask_phone),
    Column("comment", _("Comment"), lambda s: s.comment),
    Column(
        "source",
        _("Source"),
        lambda s: s.source,
        listing="text",
        display=lambda s: s.get_source_display(),
    ),
    Column("sheet_code", _("Paper sheet code"), lambda s: s.sheet_code),
    Column(
        "created_at", _("Signed at"), lambda s: s.created_at, listing="date", sort_key="created_at"
    ),
    Column("confirmed_at", _("Confirmed at"), lambda s: s.confirmed_at, listing="date"),
    Column("opted_in", _("Joined mailing list"), lambda s: s.opted_in, listing="boolean"),
    Column("consent_text", _("Consent text"), lambda s: s.consent_text),
    Column("consent_given_at", _("Consent given at"), lambda s: s.consent_given_at),
]
