"""Where generated files go: public ones (card images and PDFs) and private ones.

Files that list supporters (delivery PDFs, export files) must never be reachable by
URL: they are only ever read back through the package's views, which check the
permission and write the audit log. They go to the ``PRIVATE_STORAGE`` alias; when it
is not set, to a ``heretostay_private`` entry of ``STORAGES`` if the project has one,
else to ``STORAGE`` (and ``check --deploy`` warns, heretostay.W050: with the
default ``FileSystemStorage`` under ``MEDIA_ROOT`` a web server serving ``/media/``
would hand them to anyone who guesses a name).
"""

from django.conf import settings
from django.core.files.storage import storages

from heretostay_wagtail.core.conf import get_setting

PRIVATE_ALIAS = "heretostay_private"


def public_alias():
    return get_setting("STORAGE")


def private_alias():
    alias = get_setting("PRIVATE_STORAGE")
    if alias:
        return alias
    if PRIVATE_ALIAS in getattr(settings, "STORAGES", {}):
        return PRIVATE_ALIAS
    return public_alias()


def public_storage():
    """Card images and PDFs: anyone may have them."""
    return storages[public_alias()]


def private_storage():
    """Delivery PDFs and exports: read back only through checked, audited views."""
    return storages[private_alias()]
