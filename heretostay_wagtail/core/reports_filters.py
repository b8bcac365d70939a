"""The filters of the personal-data audit report (``core/reports.py``).

The report is a union of two log models (``PageLogEntry``, ``ModelLogEntry``), so each
filter is applied to each model's query separately, as Wagtail's own "Site history" report
does; only the campaign filter needs to know which model it is filtering.
"""

import uuid

import django_filters
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.forms import CheckboxSelectMultiple
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, MultipleUserFilter, WagtailFilterSet
from wagtail.models import Locale, ModelLogEntry, Page, PageLogEntry

from heretostay_wagtail.core import audit
from heretostay_wagtail.core.models import CampaignPage

#: Every action of the package is named ``heretostay.<something>`` (``core/audit.py``).
PREFIX = "heretostay."

#: Keys of an entry's data that name a campaign (by its key or a page id): an export's or
#: a listing's filters, and a deleted record's campaign.
CAMPAIGN_FILTER_KEYS = ("petition", "campaign")


def package_entries(log_model):
    return log_model.objects.filter(action__startswith=PREFIX)


def action_choices():
    return [(name, label) for name, (label, _message) in audit.ACTIONS.items()]


def users_in_report(request):
    """The users who appear in the report (entries of the package only)."""
    User = get_user_model()
    return User.objects.filter(
        Q(pk__in=package_entries(PageLogEntry).values("user_id"))
        | Q(pk__in=package_entries(ModelLogEntry).values("user_id"))
    ).order_by(User.USERNAME_FIELD)


def campaign_page_models():
    return [m for m in apps.get_models() if issubclass(m, CampaignPage)]


def default_locale_id():
    try:
        return Locale.get_default().pk
    except Locale.DoesNotExist:
        return None


def campaign_choices():
    """One (campaign key, title) per campaign of any kind, titled in the default language
    and named with its kind (two campaigns may share a title)."""
    models = campaign_page_models()
    if not models:
        return []
    kinds = {
        ct.pk: capfirst(model._meta.verbose_name)
        for model, ct in ContentType.objects.get_for_models(*models).items()
    }
    default = default_locale_id()
    titles = {}
    rows = Page.objects.filter(content_type_id__in=kinds).values_list(
        "translation_key", "title", "locale_id", "content_type_id"
    )
    for key, title, locale_id, content_type_id in rows.order_by("pk"):
        if key not in titles or locale_id == default:
            titles[key] = f"{title} ({kinds[content_type_id]})"
    return sorted(((str(key), title) for key, title in titles.items()), key=lambda c: c[1])


def page_field(model):
    """``model``'s foreign key to a page called ``page`` (alerts, pledges), else None."""
    try:
        field = model._meta.get_field("page")
    except FieldDoesNotExist:
        return None
    if field.many_to_one and issubclass(field.related_model, Page):
        return field
    return None


def has_campaign_key(model):
    try:
        model._meta.get_field("campaign_key")
    except FieldDoesNotExist:
        return False
    return True


def object_ids(queryset):
    """``ModelLogEntry.object_id`` is text: the objects' primary keys, cast to text."""
    return queryset.order_by().annotate(_hts_id=Cast("pk", CharField())).values("_hts_id")


class AuditReportFilterSet(WagtailFilterSet):
    action = django_filters.MultipleChoiceFilter(
        label=_("Action"), widget=CheckboxSelectMultiple, choices=action_choices
    )
    user = MultipleUserFilter(
        label=_("User"), widget=CheckboxSelectMultiple, queryset=users_in_report
    )
    timestamp = django_filters.DateFromToRangeFilter(label=_("Date"), widget=DateRangePickerWidget)
    campaign = django_filters.ChoiceFilter(
        label=_("Campaign"),
        choices=campaign_choices,
        empty_label=_("All campaigns"),
        method="filter_campaign",
    )

    class Meta:
        model = PageLogEntry
        fields = []

    def filter_campaign(self, queryset, name, value):
        if not value:
            return queryset
        key = uuid.UUID(value)
        if not hasattr(self, "_campaign_page_ids"):
            self._campaign_page_ids = list(
                Page.objects.filter(translation_key=key).values_list("pk", flat=True)
            )
        page_ids = self._campaign_page_ids
        if issubclass(queryset.model, PageLogEntry):
            return queryset.filter(page_id__in=page_ids)
        return queryset.filter(self.campaign_objects(key, page_ids))

    def campaign_objects(self, key, page_ids):
        """Entries not on a page that are about the campaign: on an object of it (an
        alert), or about all campaigns but with the campaign in their filters or data."""
        named = [str(key), *(str(pk) for pk in page_ids)]
        q = Q(data__campaign__in=named)
        for data_key in CAMPAIGN_FILTER_KEYS:
            q |= Q(**{f"data__filters__{data_key}__in": named})
        content_type_ids = (
            package_entries(ModelLogEntry)
            .order_by()
            .values_list("content_type_id", flat=True)
            .distinct()
        )
        for content_type_id in content_type_ids:
            if content_type_id is None:
                continue
            model = ContentType.objects.get_for_id(content_type_id).model_class()
            if model is None:
                continue
            if has_campaign_key(model):
                objects = model._default_manager.filter(campaign_key=key)
            elif page_field(model) is not None:
                objects = model._default_manager.filter(page_id__in=page_ids)
            else:
                continue
            q |= Q(content_type_id=content_type_id, object_id__in=object_ids(objects))
        return q
