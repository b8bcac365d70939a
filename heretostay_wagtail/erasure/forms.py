"""The one validator of an erasure request (admin screen and staff API)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from heretostay_wagtail.core.fields import phone_field
from heretostay_wagtail.erasure import services


class ErasureForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    phone = phone_field(label=_("Phone"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.attrs["autocomplete"] = "off"

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("email") and not data.get("phone"):
            raise forms.ValidationError(
                _("Enter an email address or a phone number."), code="required"
            )
        return data

    def target(self):
        """The keyword arguments of ``services.find`` and ``services.erase``."""
        phone = self.cleaned_data.get("phone")
        return {
            "email": self.cleaned_data.get("email") or None,
            "phone": phone.as_e164 if phone else None,
        }

    def find(self):
        return services.find(**self.target())
