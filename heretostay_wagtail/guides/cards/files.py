"""Generated card files, cached in the package storage (no local state on app servers).

Paths are ``heretostay/cards/<translation key>/<language>/<version>/<download name>``, the
version being the card's content hash and a hash of the branding printed on it: an edit
(of the card or of the branding settings) changes it, so the next download renders a
fresh file and older files of that card and language are removed.
"""

import hashlib
import posixpath

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.urls import reverse

from heretostay_wagtail.core.conf import get_setting
from heretostay_wagtail.guides.cards.formats import FORMATS
from heretostay_wagtail.guides.cards.render import branding_fingerprint, card_branding, render_card

ROOT = "heretostay/cards"
#: Seconds Django's cache remembers that a card file is in storage.
KNOWN_FOR = 24 * 60 * 60


def storage():
    return storages[get_setting("STORAGE")]


def download_filename(card, fmt):
    return f"defense-card-{card.language}-{fmt.name}.{fmt.extension}"


def language_dir(card):
    return posixpath.join(ROOT, str(card.translation_key), card.language)


def version(card, branding=None):
    return f"{card.content_hash()}-{branding_fingerprint(branding)}"


def storage_path(card, fmt, branding=None):
    # The file is named as its download, so a web server or object storage serving it
    # directly (CARD_DOWNLOADS = "redirect") hands out a sensible file name.
    return posixpath.join(language_dir(card), version(card, branding), download_filename(card, fmt))


def _known_key(path):
    return "heretostay:card-file:" + hashlib.sha256(path.encode()).hexdigest()


def get_card_file(card, fmt):
    """Storage name of the file for ``card`` in ``fmt``, rendering it on a cache miss.

    Whether the file exists is remembered in Django's cache (shared by the app servers),
    so a download does not ask the storage each time (a request of its own on object
    storage). A version's path never changes content, so the answer cannot go stale."""
    store = storage()
    branding = card_branding()
    path = storage_path(card, fmt, branding)
    if cache.get(_known_key(path)) or store.exists(path):
        cache.set(_known_key(path), True, KNOWN_FOR)
        return path
    saved = store.save(path, ContentFile(render_card(card, fmt, branding)))
    cache.set(_known_key(saved), True, KNOWN_FOR)
    purge_stale(card, branding)
    return saved


def open_card_file(card, fmt):
    """``(name, open file)`` of the file for ``card`` in ``fmt``.

    When the cache says the file is in storage but it is not (deleted by hand, a
    bucket's lifecycle rule, media restored from an older backup), it is rendered again
    rather than answering the download with an error."""
    name = get_card_file(card, fmt)
    try:
        return name, storage().open(name, "rb")
    except FileNotFoundError:
        cache.delete(_known_key(name))
        name = get_card_file(card, fmt)
        return name, storage().open(name, "rb")


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
