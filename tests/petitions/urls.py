"""URLs without language prefixes, for Wagtail's routing assertions.

``WagtailPageTestCase.assertPageIsRoutable`` routes the page's URL path from the site
root, which a language prefix added by ``i18n_patterns`` would defeat.
"""

from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("", include(wagtail_urls)),
]
