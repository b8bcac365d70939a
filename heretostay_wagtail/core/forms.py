"""What every supporter sign-up form shares: the campaign it is for, the honeypot, and
refusing supporters while the campaign is closed.

``SignatureForm`` and ``PledgeForm`` add their fields in ``add_fields``; each is the one
validator of its kind of record, used by the page, the API, paper entry and imports.
"""

from django import forms
from django.utils.translation import get_language

from heretostay_wagtail.core import fields, signup_cache
from heretostay_wagtail.core.models import Source

HONEYPOT = "website"


class SupporterForm(forms.Form):
    def __init__(self, page, *args, source=Source.WEB, shared_fields=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.page = page
        self.source = source
        if shared_fields is not None:
            self.fields = dict(shared_fields)
            return
        self.add_fields(page)
        if source == Source.WEB:
            self.fields[HONEYPOT] = fields.HoneypotField()

    @classmethod
    def validating(cls, page, data, *, source=Source.WEB):
        """A form that only validates ``data`` and is never rendered (the quick sign-up
        path, the API).

        On a page rebuilt from its signing profile, its fields are built once per form
        class, source and language, and shared by the requests that use that profile:
        building them (widgets, validators, labels) was about a tenth of a sign-up's
        time. Validating reads a field and never changes it (``Field.clean``), but
        rendering does (a widget's attributes), so a form that may be shown to the
        person, with its errors, is built as usual: ``cls(page, data)``.
        """
        shared = signup_cache.memo(page)
        if shared is None:
            return cls(page, data, source=source)
        key = ("form fields", cls, source, get_language())
        built = shared.get(key)
        if built is None:
            built = shared[key] = cls(page, source=source).fields
        return cls(page, data, source=source, shared_fields=built)

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
