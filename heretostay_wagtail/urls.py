"""Public URLs of the package that are not page routes (mount once, outside i18n_patterns
is fine: views switch to the language of the record they serve).

    path("campaigns/", include("heretostay_wagtail.urls")),
"""

from django.urls import path

from heretostay_wagtail.guides import views as cards
from heretostay_wagtail.pledges import views as pledges

app_name = "heretostay"

urlpatterns = [
    path("sms/stop/", pledges.sms_stop, name="sms_stop"),
    path(
        "cards/<uuid:key>/<str:language>/<str:fmt>/",
        cards.card_download,
        name="card_download",
    ),
]
