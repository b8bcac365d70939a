"""What every supporter sign-up form shares: the campaign it is for, the honeypot, and
refusing supporters while the campaign is closed.

``SignatureForm`` and ``PledgeForm`` add their fields in ``add_fields``; each is the one
validator of its kind of record, used by the page, the API, paper entry and imports.
"""

from django import forms

from heretostay_wagtail.core import fields
from heretostay_wagtail.core.models import Source

HONEYPOT = "website"


class SupporterForm(forms.Form):
    def __init__(self, page, *args, source=Source.WEB, **kwargs):
        super().__init__(*args, **kwargs)
        self.page = page
        self.source = source
        self.add_fields(page)
        if source == Source.WEB:
            self.fields[HONEYPOT] = fields.HoneypotField()

    def add_fields(self, page):
        raise NotImplementedError

    @property
    def is_bot(self):
        """A bot filled in the field people never see: answer as if it worked."""
        return bool(self.data.get(HONEYPOT))

    def clean(self):
        cleaned = super().clean()
        reason = self.page.closed_reason()
        if reason and self.source in (Source.WEB, Source.API):
            raise forms.ValidationError(reason, code="closed")
        return cleaned

    def supporter_data(self):
        """Cleaned values the feature's service stores (the honeypot left out)."""
        return {k: v for k, v in self.cleaned_data.items() if k != HONEYPOT}
