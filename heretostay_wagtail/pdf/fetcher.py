"""A WeasyPrint URL fetcher that can only read the site's own static and media files.

Supporter input ends up in PDFs; even escaped, a stylesheet or image URL must never
let the renderer read local files (``file:///etc/passwd``) or reach the network.
Nothing is fetched over the network at all: site URLs are read from Django's static
finders and storage directly.
"""

import mimetypes
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from weasyprint.urls import URLFetcher, URLFetcherResponse

#: Base URL given to WeasyPrint so relative URLs resolve to site paths, not files.
BASE_URL = "https://heretostay.invalid/"


class FetchRefused(ValueError):
    pass


def _path_prefix(url_setting):
    return urlsplit(url_setting or "").path or None


def _read_static(path):
    found = finders.find(path)
    if found:
        with open(found, "rb") as fh:
            return fh.read()
    from django.contrib.staticfiles.storage import staticfiles_storage

    with staticfiles_storage.open(path) as fh:
        return fh.read()


def _read_media(path):
    with default_storage.open(path) as fh:
        return fh.read()


class SafeURLFetcher(URLFetcher):
    """Serves ``data:`` URIs and ``STATIC_URL`` / ``MEDIA_URL`` paths; refuses the rest."""

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme not in ("http", "https"):
            raise FetchRefused(f"Refused to fetch {url!r}")
        if parts.netloc != urlsplit(BASE_URL).netloc and parts.netloc not in _site_hosts():
            raise FetchRefused(f"Refused to fetch {url!r}")
        path = unquote(parts.path)
        if ".." in path.split("/") or "\\" in path:
            raise FetchRefused(f"Refused to fetch {url!r}")
        static_prefix = _path_prefix(settings.STATIC_URL)
        media_prefix = _path_prefix(getattr(settings, "MEDIA_URL", None))
        if static_prefix and path.startswith(static_prefix):
            read, name = _read_static, path[len(static_prefix) :]
        elif media_prefix and path.startswith(media_prefix):
            read, name = _read_media, path[len(media_prefix) :]
        else:
            raise FetchRefused(f"Refused to fetch {url!r}")
        if not name or name.startswith("/"):
            # "/static//etc/passwd": an absolute path after the prefix is never a file of ours.
            raise FetchRefused(f"Refused to fetch {url!r}")
        try:
            data = read(name)
        except (OSError, SuspiciousFileOperation) as exc:
            raise FetchRefused(f"Not found: {url!r}") from exc
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, data, headers={"Content-Type": content_type})


def _site_hosts():
    """Host names of this Wagtail installation (absolute rendition URLs use them)."""
    from wagtail.models import Site

    hosts = set()
    for hostname, port in Site.objects.values_list("hostname", "port"):
        hosts.update({hostname, f"{hostname}:{port}"})
    return hosts


def safe_url_fetcher():
    return SafeURLFetcher(allowed_protocols=("data", "http", "https"), allow_redirects=False)
