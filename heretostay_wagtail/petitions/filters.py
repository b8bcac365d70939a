"""The one filter set of the signatures listing, used by the admin listing and the API."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.widgets import BooleanRadioSelect
from wagtail.models import Locale

from heretostay_wagtail.core.models import Source
from heretostay_wagtail.petitions.models import PetitionPage, Signature


def petition_choices():
    """One choice per campaign, titled in the default language when it exists there."""
    default_locale_id = Locale.get_default().pk
    titles = {}
    for key, title, locale_id in PetitionPage.objects.order_by("title").values_list(
        "translation_key", "title", "locale_id"
    ):
        if key not in titles or locale_id == default_locale_id:
            titles[key] = title
    return sorted(((str(key), title) for key, title in titles.items()), key=lambda c: c[1])


class SignatureFilterSet(WagtailFilterSet):
    petition = django_filters.ChoiceFilter(
        label=_("Petition"),
        field_name="campaign_key",
        choices=petition_choices,
        empty_label=_("All petitions"),
        widget=forms.Select,
    )
    signed = django_filters.DateFromToRangeFilter(
        label=_("Signed"), field_name="created_at", widget=DateRangePickerWidget
    )
    source = django_filters.ChoiceFilter(
        label=_("Source"), choices=Source.choices, empty_label=_("All"), widget=forms.RadioSelect
    )
    confirmed = django_filters.BooleanFilter(
        label=_("Confirmed"),
        field_name="confirmed_at",
        lookup_expr="isnull",
        exclude=True,
        widget=BooleanRadioSelect,
    )
    opted_in = django_filters.BooleanFilter(
        label=_("Joined mailing list"), widget=BooleanRadioSelect
    )

    class Meta:
        model = Signature
        fields = []
