"""The OpenAPI 3 schema and its browsable page (Swagger UI).

Both ignore the host's DRF and drf-spectacular settings where it matters: the schema
covers only this package's API, and the page loads Swagger UI from
``drf-spectacular-sidecar`` (static files served by the host) when it is installed,
so the docs work offline and no organizer's browser calls a third-party CDN.
"""

from django.conf import settings
from django.templatetags.static import static
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import TemplateHTMLRenderer

from heretostay_wagtail.api.base import APIMixin
from heretostay_wagtail.api.throttles import PublicThrottle

SCHEMA_SETTINGS = {
    "TITLE": "heretostay-wagtail API",
    "DESCRIPTION": (
        "Petitions and signatures for headless frontends and CRM sync jobs. "
        "Public endpoints need no credentials and are throttled per IP; staff endpoints "
        "take a token (`Authorization: Token <key>`) or a Wagtail admin session "
        "(with the CSRF token on unsafe methods). Errors share one JSON shape. "
        "Send Accept-Language to get messages in another language (en, es)."
    ),
    "VERSION": "1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "PetitionStatusEnum": "heretostay_wagtail.petitions.models.PetitionStatus",
        "SignerFieldEnum": "heretostay_wagtail.petitions.models.FieldChoice",
        "EmailStatusEnum": ["subscribed", "unsubscribed"],
        "ReceivedStatusEnum": ["received"],
        "ConfirmedStatusEnum": ["confirmed"],
    },
    "PREPROCESSING_HOOKS": ["heretostay_wagtail.api.docs.only_this_api"],
}


def only_this_api(endpoints):
    """Keep this package's endpoints (with the host's prefix), not the host's others."""
    return [
        (path, path_regex, method, callback)
        for path, path_regex, method, callback in endpoints
        if getattr(callback, "cls", None) is not None
        and callback.cls.__module__.startswith("heretostay_wagtail.api.")
    ]


def _sidecar_installed():
    return "drf_spectacular_sidecar" in settings.INSTALLED_APPS


class SchemaView(APIMixin, SpectacularAPIView):
    """The OpenAPI document, in YAML (default) or JSON (``?format=json``)."""

    check_query = False  # drf-spectacular's own parameters (format, lang)

    throttle_classes = (PublicThrottle,)
    permission_classes = (AllowAny,)
    custom_settings = SCHEMA_SETTINGS
    # drf-spectacular picks YAML or JSON from the renderer: real negotiation here.
    content_negotiation_class = DefaultContentNegotiation
    renderer_classes = SpectacularAPIView.renderer_classes


class DocsView(APIMixin, SpectacularSwaggerView):
    check_query = False  # drf-spectacular's own parameters (format, lang)
    throttle_classes = (PublicThrottle,)
    permission_classes = (AllowAny,)
    renderer_classes = (TemplateHTMLRenderer,)
    url_name = "heretostay_api:schema"
    title = SCHEMA_SETTINGS["TITLE"]

    @staticmethod
    def _swagger_ui_resource(filename):
        if _sidecar_installed():
            return static(f"drf_spectacular_sidecar/swagger-ui-dist/{filename}")
        return f"https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/{filename}"

    @staticmethod
    def _swagger_ui_favicon():
        if _sidecar_installed():
            return static("drf_spectacular_sidecar/swagger-ui-dist/favicon-32x32.png")
        return "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/favicon-32x32.png"
