"""The one validator for signatures, whether typed on the page, sent to the API,
entered from paper or imported from CSV."""

from django import forms

from heretostay_wagtail.core import fields
from heretostay_wagtail.core.forms import SupporterForm
from heretostay_wagtail.petitions.models import FieldChoice


class SignatureForm(SupporterForm):
    def add_fields(self, petition):
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

    def signer_data(self):
        """Cleaned values the signing service stores."""
        data = self.supporter_data()
        data.setdefault("postal_code", "")
        data.setdefault("comment", "")
        data["phone"] = data.get("phone") or ""
        return data
