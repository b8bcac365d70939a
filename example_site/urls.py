from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.images.api.v2.views import ImagesAPIViewSet

from example_site.views import favicon

#: The 500 page in the address's language, without the database (views.server_error).
handler500 = "example_site.views.server_error"

HEADLESS_DIR = settings.BASE_DIR / "headless"

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
    path("favicon.ico", favicon),
    # The headless example (plain HTML + JS), served by the demo so that it calls the API
    # on its own origin whatever port the demo runs on (README, "Headless REST API").
    path(
        "headless/", serve, {"path": "index.html", "document_root": HEADLESS_DIR}, name="headless"
    ),
    re_path(r"^headless/(?P<path>app\.js|style\.css)$", serve, {"document_root": HEADLESS_DIR}),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Pages are served under a language prefix (/en/, /es/); the API is not.
urlpatterns += i18n_patterns(
    # heretostay: accounts of campaign starters (docs/grassroots.md).
    path("accounts/", include("allauth.urls")),
    path("", include(wagtail_urls)),
)
