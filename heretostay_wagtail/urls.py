"""Public URLs of the package that are not page routes (mount once, outside i18n_patterns
is fine: views switch to the language of the record they serve).

    path("campaigns/", include("heretostay_wagtail.urls")),
"""

from django.urls import include, path

from heretostay_wagtail.guides import views as cards
from heretostay_wagtail.pledges import webhooks

app_name = "heretostay"

urlpatterns = [
    # The SMS provider's webhooks: replies (STOP, START) and delivery receipts.
    path("sms/stop/", webhooks.sms_inbound, name="sms_stop"),
    path("sms/status/", webhooks.sms_status, name="sms_status"),
    path(
        "cards/<uuid:key>/<str:language>/<str:fmt>/",
        cards.card_download,
        name="card_download",
    ),
    # Grassroots campaigns: start a campaign, its share step, report a campaign.
    path("", include("heretostay_wagtail.grassroots.urls")),
    # My Campaigns and the manage pane of each campaign (grassroots/manage.py).
    path("", include("heretostay_wagtail.grassroots.manage_urls")),
]
