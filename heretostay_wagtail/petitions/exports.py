"""What a signature exports, and which of it the admin listing shows: one definition for
the admin listing, the CSV/XLSX export and the API export. The contact columns (those
with a ``mask``: email, phone) are masked in the admin for users without
``heretostay.view_signature_contact`` and left out of their exports."""

from django.utils.translation import gettext_lazy as _

from heretostay_wagtail.core.exports import Column
from heretostay_wagtail.core.privacy import mask_email, mask_phone


def _e164(phone):
    return phone.as_e164 if phone else ""


def field(key, heading, name=None, **options):
    """A column that is one model field (``name``, default ``key``), read the same way
    from an instance (listings) and from ``values()`` rows (exports)."""
    name = name or key
    convert = options.pop("convert", None)
    if "__" in name:
        raise ValueError("use Column for related fields")

    def get(obj):
        value = getattr(obj, name)
        return convert(value) if convert else value

    return Column(key, heading, get, field=name, convert=convert, **options)


COLUMNS = [
    field("id", _("ID"), "public_id"),
    field("campaign", _("Campaign"), "campaign_key"),
    Column(
        "petition",
        _("Petition"),
        lambda s: s.page.title if s.page_id else "",
        listing="text",
        field="page__title",
    ),
    field("language", _("Language"), listing="text"),
    field("name", _("Name"), listing="title"),
    field("email", _("Email"), listing="text", mask=mask_email),
    field("postal_code", _("Postal code")),
    field("phone", _("Phone"), convert=_e164, mask=mask_phone),
    field("comment", _("Comment")),
    field("source", _("Source"), listing="text", display=lambda s: s.get_source_display()),
    field("sheet_code", _("Paper sheet code")),
    field("created_at", _("Signed at"), listing="date", sort_key="created_at"),
    field("confirmed_at", _("Confirmed at"), listing="date"),
    field("opted_in", _("Joined mailing list"), listing="boolean"),
    field("consent_text", _("Consent text")),
    field("consent_given_at", _("Consent given at")),
]
