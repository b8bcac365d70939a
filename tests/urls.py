"""URLs of the test project: what a host site mounts (as example_site/urls.py does)."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.images.api.v2.views import ImagesAPIViewSet

wagtail_api = WagtailAPIRouter("wagtailapi")
wagtail_api.register_endpoint("pages", PagesAPIViewSet)
wagtail_api.register_endpoint("images", ImagesAPIViewSet)

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("campaigns/", include("heretostay_wagtail.urls")),
    path("api/v2/", wagtail_api.urls),
    path("api/", include("heretostay_wagtail.api.urls")),
]

urlpatterns += i18n_patterns(
    # heretostay: accounts of campaign starters (docs/grassroots.md).
    path("accounts/", include("allauth.urls")),
    path("", include(wagtail_urls)),
)
