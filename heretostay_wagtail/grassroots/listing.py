"""The campaign index page's list: live, listed petitions under it, filtered and sorted.

Sorting by "most signed" reads the public totals on ``CampaignCounter`` (one row per
campaign, joined by the page's ``translation_key``), never ``COUNT(*)`` of signatures.
"""

from django import forms
from django.core.paginator import Paginator
from django.db.models import F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from heretostay_wagtail.core.conf import get_setting
from heretostay_wagtail.core.fields import CleanCharField
from heretostay_wagtail.core.models import CampaignCounter
from heretostay_wagtail.petitions.models import PetitionPage, Scope

PER_PAGE = 12
NEWEST, MOST_SIGNED = "newest", "signed"


class ListingForm(forms.Form):
    """The index's filters (GET). Invalid values are ignored, never an error page."""

    q = CleanCharField(label=_("Search"), max_length=100, required=False)
    scope = forms.ChoiceField(
        label=_("Campaigns"),
        required=False,
        choices=[
            ("", _("All")),
            (Scope.LOCAL, _("Local")),
            (Scope.NATIONAL, _("National or global")),
        ],
    )
    place = forms.ChoiceField(label=_("Place"), required=False)
    order = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[(NEWEST, _("Newest")), (MOST_SIGNED, _("Most signed"))],
    )

    def __init__(self, *args, places=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = [("", _("Any place"))] + [(p, p) for p in places]


def listed(index):
    """The petitions the public sees listed under ``index``."""
    return PetitionPage.objects.child_of(index).live().public().filter(awaiting_review=False)


def listing_context(request, index):
    pages = listed(index)
    places = sorted(
        {p for p in pages.filter(scope=Scope.LOCAL).values_list("place_name", flat=True) if p},
        key=str.casefold,
    )
    form = ListingForm(request.GET or None, places=places)
    filters = {}
    if form.is_bound:
        form.is_valid()
        filters = {
            name: form.cleaned_data.get(name)
            for name in ("q", "scope", "place", "order")
            if name not in form.errors
        }
    if filters.get("scope"):
        pages = pages.filter(scope=filters["scope"])
    if filters.get("place"):
        pages = pages.filter(place_name=filters["place"])
    if filters.get("q"):
        q = filters["q"]
        pages = pages.filter(
            Q(title__icontains=q) | Q(ask__icontains=q) | Q(place_name__icontains=q)
        )
    if filters.get("order") == MOST_SIGNED:
        counter = CampaignCounter.objects.filter(campaign_key=OuterRef("translation_key"))
        # The totals the public sees: the running ones when they are shown as they are
        # (PUBLIC_COUNT_INTERVAL 0), else those of the last refresh.
        if get_setting("PUBLIC_COUNT_INTERVAL"):
            total = F("public_count") + F("public_paper_tally")
        else:
            total = F("count") + F("paper_tally")
        pages = pages.annotate(
            public_total=Coalesce(
                Subquery(
                    counter.annotate(t=total).values("t")[:1],
                    output_field=IntegerField(),
                ),
                Value(0),
            )
        ).order_by("-public_total", "-first_published_at", "-pk")
    else:
        pages = pages.order_by("-first_published_at", "-pk")
    paginator = Paginator(pages.select_related("image"), PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    campaigns = list(page_obj.object_list)
    totals = CampaignCounter.public_totals_for([p.translation_key for p in campaigns])
    for campaign in campaigns:
        total = totals[campaign.translation_key]
        campaign.listing_count = total["count"] + total["paper_tally"]
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "filter_form": form,
        "campaigns": campaigns,
        "page_obj": page_obj,
        "paginator": paginator,
        "query_string": query.urlencode(),
        "filtered": any(filters.get(name) for name in ("q", "scope", "place")),
    }
