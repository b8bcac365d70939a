"""The one filter set of signatures: the admin listing and the API (list, export, OSDI)
filter through it.

The admin shows the visible filters; the API's parameters are the same filters
(``petition`` takes a page id there, ``campaign`` a campaign key, dates as ISO date-times).
"""

import django_filters
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.widgets import BooleanRadioSelect

from heretostay_wagtail.core.filters import CampaignFilter
from heretostay_wagtail.core.models import Source
from heretostay_wagtail.petitions.models import PetitionPage, Signature


class SignatureFilterSet(WagtailFilterSet):
    petition = CampaignFilter(
        label=_("Petition"),
        page_model=PetitionPage,
        empty_label=_("All petitions"),
        error_messages={"invalid_choice": _("No petition with this id.")},
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
    language = django_filters.ChoiceFilter(
        label=_("Language"), choices=settings.LANGUAGES, empty_label=_("All")
    )
    # API parameters (``api_only``: the admin shows no control for them).
    campaign = CampaignFilter(page_model=PetitionPage, widget=forms.HiddenInput)
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    api_only = ("campaign", "created_after", "created_before")

    class Meta:
        model = Signature
        fields = []
