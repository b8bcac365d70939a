"""Generated card files, cached in the package storage (no local state on app servers).

Paths are ``heretostay/cards/<translation key>/<language>/<version>/<format>.<ext>``, the
version being the card's content hash and a hash of the branding printed on it: an edit
(of the card or of the branding settings) changes it, so the next download renders a
fresh file and older files of that card and language are removed.
"""

import posixpath

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.urls import reverse

from heretostay_wagtail.core.conf import get_setting
from heretostay_wagtail.guides.cards.formats import FORMATS
from heretostay_wagtail.guides.cards.render import branding_fingerprint, card_branding, render_card

ROOT = "heretostay/cards"


def storage():
    return storages[get_setting("STORAGE")]


def download_filename(card, fmt):
    return f"defense-card-{card.language}-{fmt.name}.{fmt.extension}"


def language_dir(card):
    return posixpath.join(ROOT, str(card.translation_key), card.language)


def version(card, branding=None):
    return f"{card.content_hash()}-{branding_fingerprint(branding)}"


def storage_path(card, fmt, branding=None):
    return posixpath.join(
        language_dir(card), version(card, branding), f"{fmt.name}.{fmt.extension}"
    )


def get_card_file(card, fmt):
    """Storage name of the file for ``card`` in ``fmt``, rendering it on a cache miss."""
    store = storage()
    branding = card_branding()
    path = storage_path(card, fmt, branding)
    if store.exists(path):
        return path
    saved = store.save(path, ContentFile(render_card(card, fmt, branding)))
    purge_stale(card, branding)
    return saved


def purge_stale(card, branding=None):
    """Delete files of earlier versions of this card and language."""
    store = storage()
    current = version(card, branding)
    base = language_dir(card)
    try:
        dirs, _files = store.listdir(base)
    except (NotImplementedError, FileNotFoundError, OSError):
        return
    for name in dirs:
        if name == current:
            continue
        try:
            _subdirs, files = store.listdir(posixpath.join(base, name))
        except (NotImplementedError, FileNotFoundError, OSError):
            continue
        for filename in files:
            store.delete(posixpath.join(base, name, filename))


def download_url(card, fmt_name):
    return reverse(
        "heretostay:card_download",
        kwargs={"key": card.translation_key, "language": card.language, "fmt": fmt_name},
    )


def download_links(card, format_names):
    links = []
    for name in format_names:
        fmt = FORMATS.get(name)
        if fmt is None:
            continue
        links.append(
            {
                "format": fmt.name,
                "label": str(fmt.label),
                "url": download_url(card, fmt.name),
                "content_type": fmt.content_type,
                "filename": download_filename(card, fmt),
                "extension": fmt.extension,
            }
        )
    return links
