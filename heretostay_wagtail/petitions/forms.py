"""The one validator for signatures, whether typed on the page, sent to the API,
entered from paper or imported from CSV."""

from django import forms

from heretostay_wagtail.core import fields
from heretostay_wagtail.core.models import Source
from heretostay_wagtail.petitions.models import FieldChoice

HONEYPOT = "website"


class SignatureForm(forms.Form):
    def __init__(self, petition, *args, source=Source.WEB, **kwargs):
        super().__init__(*args, **kwargs)
        self.petition = petition
        self.source = source
        self.fields["name"] = fields.name_field()
        self.fields["email"] = fields.email_field()
        if petition.ask_postal_code != FieldChoice.OFF:
            self.fields["postal_code"] = fields.postal_code_field(
                required=petition.ask_postal_code == FieldChoice.REQUIRED
            )
        if petition.ask_phone != FieldChoice.OFF:
            self.fields["phone"] = fields.phone_field(
                required=petition.ask_phone == FieldChoice.REQUIRED
            )
        if petition.ask_comment != FieldChoice.OFF:
            self.fields["comment"] = fields.comment_field(
                required=petition.ask_comment == FieldChoice.REQUIRED
            )
        self.fields["opt_in"] = forms.BooleanField(
            label=petition.get_consent_text(), required=False, initial=False
        )
        if source == Source.WEB:
            self.fields[HONEYPOT] = fields.HoneypotField()

    @property
    def is_bot(self):
        return bool(self.data.get(HONEYPOT))

    def clean(self):
        cleaned = super().clean()
        reason = self.petition.closed_reason()
        if reason and self.source in (Source.WEB, Source.API):
            raise forms.ValidationError(reason, code="closed")
        return cleaned

    def signer_data(self):
        """Cleaned values the signing service stores."""
        data = {k: v for k, v in self.cleaned_data.items() if k != HONEYPOT}
        data.setdefault("postal_code", "")
        data.setdefault("comment", "")
        data["phone"] = data.get("phone") or ""
        return data
