"""The one filter set of the network roster, used by the admin roster and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.models import Locale

from heretostay_wagtail.core.filters import CampaignFilter
from heretostay_wagtail.pledges.models import (
    AREA_SEPARATORS,
    PLEDGE_LANGUAGES,
    Availability,
    Pledge,
    PledgePage,
    VolunteerRole,
)


def default_roles():
    return VolunteerRole.objects.filter(locale=Locale.get_default()).order_by("sort_order", "pk")


class PledgeFilterSet(WagtailFilterSet):
    campaign = CampaignFilter(
        label=_("Pledge campaign"),
        page_model=PledgePage,
        empty_label=_("All pledge campaigns"),
        error_messages={"invalid_choice": _("No pledge campaign with this id.")},
    )
    area = django_filters.CharFilter(
        label=_("Postal code or prefix"), method="filter_area", max_length=100
    )
    role = django_filters.ChoiceFilter(
        label=_("Role"),
        choices=lambda: [(role.code, role.name) for role in default_roles()],
        method="filter_role",
        error_messages={"invalid_choice": _("No volunteer role with this code.")},
    )
    language = django_filters.ChoiceFilter(
        label=_("Language"), choices=PLEDGE_LANGUAGES, method="filter_language"
    )
    availability = django_filters.ChoiceFilter(
        label=_("Availability"), choices=Availability.choices, method="filter_availability"
    )
    alert_sms = django_filters.BooleanFilter(label=_("Text alerts"))
    alert_email = django_filters.BooleanFilter(label=_("Email alerts"))
    email_verified = django_filters.BooleanFilter(
        label=_("Email verified"), method="filter_email_verified"
    )
    phone_verified = django_filters.BooleanFilter(
        label=_("Phone verified"), method="filter_phone_verified"
    )
    trained = django_filters.BooleanFilter(label=_("Training completed"), method="filter_trained")
    withdrawn = django_filters.BooleanFilter(label=_("Withdrawn"), method="filter_withdrawn")

    class Meta:
        model = Pledge
        fields = []

    def filter_area(self, queryset, name, value):
        prefixes = [p for p in AREA_SEPARATORS.split(value or "") if p]
        return queryset.in_areas(prefixes) if prefixes else queryset

    def filter_role(self, queryset, name, value):
        keys = default_roles().filter(code=value).values_list("translation_key", flat=True)
        return queryset.with_roles(list(keys)) if value else queryset

    def filter_language(self, queryset, name, value):
        return queryset.filter(languages__contains=f",{value},") if value else queryset

    def filter_availability(self, queryset, name, value):
        return queryset.filter(availability__contains=f",{value},") if value else queryset

    def filter_email_verified(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(email_verified_at__isnull=not value)

    def filter_phone_verified(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(phone_verified_at__isnull=not value)

    def filter_trained(self, queryset, name, value):
        return queryset if value is None else queryset.filter(trained_at__isnull=not value)

    def filter_withdrawn(self, queryset, name, value):
        return queryset if value is None else queryset.filter(withdrawn_at__isnull=not value)
