"""Language prefixes with no pages go to the same page in the default language.

``LANGUAGES`` lists every language the demo publishes defense cards in (Arabic, Farsi,
Korean, Punjabi, Simplified Chinese, Tigrinya), but pages exist only in English and
Spanish. Without this, ``/ar/`` served the English home page under an Arabic address
(Wagtail falls back to the source page when a translation is missing), and ``/ti/``,
a language Django has no catalogue for, went to ``/en/ti/``, a 404.

A person who follows or types ``/ar/sanctuary-city/`` wants that page: they get it in
the default language, by a temporary redirect (302: the day the site publishes an Arabic
home page the prefix starts serving it, with no change here). The answer is the same for
every visitor, so it stays cacheable.
"""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils.encoding import escape_uri_path
from wagtail.models import Page, Site


def has_pages(request, language_code):
    """Whether the request's site has a live home page in ``language_code``."""
    site = Site.find_for_request(request)
    if site is None:
        return True  # no site: let Wagtail answer as usual
    return Page.objects.filter(
        translation_key=site.root_page.translation_key,
        locale__language_code__iexact=language_code,
        live=True,
    ).exists()


class ContentLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.default = settings.LANGUAGE_CODE
        self.prefixes = {code.lower() for code, _name in settings.LANGUAGES} - {self.default}

    def __call__(self, request):
        first, slash, rest = request.path_info.lstrip("/").partition("/")
        if first.lower() in self.prefixes and not has_pages(request, first):
            script_prefix = request.path[: len(request.path) - len(request.path_info)]
            url = escape_uri_path(f"{script_prefix}/{self.default}/{rest}")
            if request.META.get("QUERY_STRING"):
                url += "?" + request.META["QUERY_STRING"]
            return HttpResponseRedirect(url)
        return self.get_response(request)
