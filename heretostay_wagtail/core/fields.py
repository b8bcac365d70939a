"""Form fields shared by every supporter-facing form: the same limits everywhere."""

import re

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from heretostay_wagtail.core.conf import get_setting

CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: Bidirectional embeddings, overrides and isolates: U+202E can show a name backwards in a
#: PDF or an email. (The plain marks U+200E and U+200F stay allowed.)
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
#: Line breaks, refused in one-line fields: "x\r\nBcc: ..." printed as extra lines.
LINE_BREAKS = re.compile("[\r\n\t\x85\u2028\u2029]")
POSTAL_CODE = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9 \-]{0,18}[A-Za-z0-9]?$",
    _("Enter a valid postal code (letters, numbers, spaces and dashes)."),
)


class CleanCharField(forms.CharField):
    """Strips whitespace and refuses control characters (they break CSVs and PDFs) and
    bidirectional overrides; a one-line field (any but a ``Textarea``) refuses line
    breaks too."""

    def clean(self, value):
        value = super().clean(value)
        if value and (CONTROL_CHARS.search(value) or BIDI_CONTROLS.search(value)):
            raise forms.ValidationError(_("This field contains characters that are not allowed."))
        if value and not isinstance(self.widget, forms.Textarea) and LINE_BREAKS.search(value):
            raise forms.ValidationError(_("Write this on one line."))
        return value


def name_field(**kwargs):
    return CleanCharField(
        label=_("Name"),
        max_length=get_setting("MAX_NAME_LENGTH"),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        **kwargs,
    )


def email_field(**kwargs):
    return forms.EmailField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        # Our own wording, so the Spanish catalogue keeps the informal "tú" of our pages.
        error_messages={"invalid": _("Enter a valid email address, for example name@example.com.")},
        **kwargs,
    )


def postal_code_field(required=True):
    return CleanCharField(
        label=_("Postal code"),
        max_length=20,
        required=required,
        validators=[POSTAL_CODE],
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )


def phone_field(required=False, label=None):
    return PhoneNumberField(
        label=label or _("Phone"),
        required=required,
        region=get_setting("PHONE_DEFAULT_REGION"),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        error_messages={"invalid": _("Enter a valid phone number, for example (555) 555-0123.")},
    )


def comment_field(required=False):
    return CleanCharField(
        label=_("Comment"),
        max_length=get_setting("MAX_COMMENT_LENGTH"),
        required=required,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class HoneypotField(forms.CharField):
    """A field people never see or fill in; bots that do are quietly ignored."""

    def __init__(self, **kwargs):
        super().__init__(
            required=False,
            label=_("Leave this field empty"),
            max_length=200,
            widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
            **kwargs,
        )
