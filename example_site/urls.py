from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.images.api.v2.views import ImagesAPIViewSet

# heretostay: Wagtail's own API (v2) for headless page rendering; no personal data.
wagtail_api = WagtailAPIRouter("wagtailapi")
wagtail_api.register_endpoint("pages", PagesAPIViewSet)
wagtail_api.register_endpoint("images", ImagesAPIViewSet)

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # heretostay: package URLs that are not page routes (downloads, webhooks).
    path("campaigns/", include("heretostay_wagtail.urls")),
    # heretostay: Wagtail API v2 at /api/v2/, the package's REST API at /api/v1/.
    path("api/v2/", wagtail_api.urls),
    path("api/", include("heretostay_wagtail.api.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Pages are served under a language prefix (/en/, /es/); the API is not.
urlpatterns += i18n_patterns(path("", include(wagtail_urls)))
