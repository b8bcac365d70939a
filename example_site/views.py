"""Small views of the example site that are not pages."""

import functools

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

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
