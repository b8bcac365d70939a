"""Small views of the example site that are not pages."""

import functools

from django.conf import settings
from django.http import HttpResponse
from django.utils import translation
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django.views.defaults import server_error as django_server_error

FAVICON = settings.BASE_DIR / "static" / "favicon.ico"


@functools.cache
def _favicon_bytes():
    return FAVICON.read_bytes()


@require_safe
@cache_control(public=True, max_age=7 * 24 * 3600)
def favicon(request):
    """/favicon.ico, which browsers ask for on every site: a few hundred bytes from memory,
    served whether or not the web server serves static files."""
    return HttpResponse(_favicon_bytes(), content_type="image/x-icon")


def server_error(request):
    """The 500 page (templates/500.html, which touches no database) in the language of
    the address, /es/... in Spanish: the middleware that would have chosen it may be what
    failed, as it looks up the site's pages when the database is down."""
    language = translation.get_language_from_path(request.path_info)
    if language not in settings.PAGE_LANGUAGES:
        language = translation.get_language()
    with translation.override(language):
        return django_server_error(request)
