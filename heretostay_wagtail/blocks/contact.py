"""Hotline blocks: a phone number validated by django-phonenumber-field, shown as a tel: link."""

from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField
from phonenumber_field.phonenumber import PhoneNumber, to_python
from wagtail import blocks
from wagtail_localize.segments import OverridableSegmentValue

from heretostay_wagtail.core.conf import get_setting


class PhoneNumberBlock(blocks.FieldBlock):
    """Stores E.164 text; the value is a ``PhoneNumber``.

    wagtail-localize skips unknown field blocks when extracting and refuses them when
    ingesting, so the number is offered as an overridable segment: a Spanish page may
    point to a Spanish-language line.
    """

    def __init__(self, required=True, help_text=None, region=None, **kwargs):
        self.field = PhoneNumberField(
            required=required,
            help_text=help_text,
            region=region or get_setting("PHONE_DEFAULT_REGION"),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        if not value:
            return None
        number = to_python(value, region=get_setting("PHONE_DEFAULT_REGION"))
        return number if isinstance(number, PhoneNumber) and number.is_valid() else None

    def get_prep_value(self, value):
        if isinstance(value, PhoneNumber) and value.is_valid():
            return value.as_e164
        return value or ""

    def value_for_form(self, value):
        return value.as_e164 if isinstance(value, PhoneNumber) else (value or "")

    def value_from_form(self, value):
        return self.to_python(value) if value else None

    def get_api_representation(self, value, context=None):
        return value.as_e164 if isinstance(value, PhoneNumber) else None

    def get_searchable_content(self, value):
        return [value.as_national] if isinstance(value, PhoneNumber) else []

    def get_translatable_segments(self, value):
        if isinstance(value, PhoneNumber):
            return [OverridableSegmentValue("", value.as_e164)]
        return []

    def restore_translated_segments(self, value, segments):
        for segment in segments:
            if isinstance(segment, OverridableSegmentValue):
                return self.to_python(segment.data) or value
        return value

    class Meta:
        icon = "mobile-alt"


class HotlineBlock(blocks.StructBlock):
    name = blocks.CharBlock(
        max_length=200,
        label=_("Name"),
        help_text=_("For example: Rapid response hotline"),
    )
    phone = PhoneNumberBlock(label=_("Phone number"))
    hours = blocks.CharBlock(
        max_length=200,
        required=False,
        label=_("Hours"),
        help_text=_("For example: 24 hours a day, 7 days a week"),
    )
    languages = blocks.CharBlock(
        max_length=200,
        required=False,
        label=_("Languages spoken"),
        help_text=_("For example: English, Spanish, Haitian Creole"),
    )
    note = blocks.TextBlock(max_length=500, required=False, label=_("Note"))

    def get_api_representation(self, value, context=None):
        data = super().get_api_representation(value, context)
        phone = value.get("phone")
        data["tel_url"] = f"tel:{phone.as_e164}" if isinstance(phone, PhoneNumber) else None
        data["phone_display"] = phone.as_national if isinstance(phone, PhoneNumber) else None
        return data

    class Meta:
        icon = "mobile-alt"
        label = _("Hotline")
        template = "heretostay/blocks/hotline.html"
