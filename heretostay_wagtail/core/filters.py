"""What the supporter filter sets share: choosing a campaign.

A campaign is every translation of one page, so supporters are filtered by the pages'
shared ``translation_key`` (``campaign_key``). The admin offers one choice per campaign,
titled in the default language, whose value is the campaign key; API clients send the
page id of any translation. ``CampaignField`` takes either and cleans to the key.
"""

import re
import uuid

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale

DIGITS = re.compile(r"[0-9]{1,10}")


def parse_id(value, limit=2**31):
    """``value`` as a positive database id below ``limit``, else None. ASCII digits only:
    ``"³".isdigit()`` is true but ``int("³")`` fails."""
    value = str(value)
    return int(value) if DIGITS.fullmatch(value) and 0 < int(value) < limit else None


def campaign_choices(page_model):
    """One (campaign key, title) per campaign, titled in the default language."""
    default_locale_id = Locale.get_default().pk
    titles = {}
    for key, title, locale_id in page_model.objects.order_by("title").values_list(
        "translation_key", "title", "locale_id"
    ):
        if key not in titles or locale_id == default_locale_id:
            titles[key] = title
    return sorted(((str(key), title) for key, title in titles.items()), key=lambda c: c[1])


class CampaignField(forms.ChoiceField):
    default_error_messages = {"invalid_choice": _("No campaign with this id.")}

    def __init__(self, *, page_model, empty_label=None, **kwargs):
        self.page_model = page_model
        blank = [("", empty_label)] if empty_label is not None else []
        listed = []  # read once per field (each filter set instance makes its own)

        def choices():
            if not listed:
                listed.extend(blank + campaign_choices(page_model))
            return listed

        super().__init__(choices=choices, **kwargs)
        if self.widget.is_hidden:
            self.choices = []  # a parameter for links and API clients: no list to offer

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return None
        pages = self.page_model.objects.all()
        if parse_id(value):
            pages = pages.filter(pk=parse_id(value))
        else:
            try:
                pages = pages.filter(translation_key=uuid.UUID(value))
            except ValueError:
                pages = pages.none()
        key = pages.values_list("translation_key", flat=True).first()
        if key is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return key

    def validate(self, value):
        forms.Field.validate(self, value)  # to_python already checked it exists


class CampaignFilter(django_filters.Filter):
    """Supporters of one campaign, in every language it was signed in."""

    field_class = CampaignField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("field_name", "campaign_key")
        super().__init__(*args, **kwargs)
