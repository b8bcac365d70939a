"""Regions for grouping the delivery PDF: one parser for the admin form and the API.

An organizer writes one region per line, ``District 1: 94102, 94103, 941``: a name, a
colon, then postal codes or their first characters separated by commas or spaces. The
result is stored on ``DeliveryJob.regions`` as ``[[name, [prefix, ...]], ...]`` in the
order written; grouping happens in the database (``paper.delivery``).
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext as _

MAX_REGIONS = 50
MAX_PREFIXES = 100
MAX_NAME = 80
MAX_PREFIX = 10
MAX_TEXT = 5000
MAX_ERRORS = 10

_LINES = re.compile(r"\r\n|\r|\n")
_SEPARATORS = re.compile(r"[\s,;]+")
_PREFIX = re.compile(r"[A-Z0-9-]+")


def normalize(code):
    """A postal code or prefix as it is compared: upper case, without spaces."""
    return "".join(code.split()).upper()


def _shorten(text, limit=20):
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_regions(text):
    """``[[name, [prefixes]], ...]`` from the organizer's text, or a ``ValidationError``.

    Every message names its line. Blank lines are skipped; a prefix repeated within a
    region counts once, a prefix given to two regions is an error.
    """
    text = text or ""
    MaxLengthValidator(MAX_TEXT)(text)
    regions, errors = [], []
    names = {}  # casefolded name -> line
    owners = {}  # prefix -> (region name, line)

    def error(line, message, **params):
        errors.append(ValidationError(message % {"line": line, **params}, code="regions"))

    for line, raw in enumerate(_LINES.split(text), start=1):
        if len(errors) >= MAX_ERRORS:
            break
        if not raw.strip():
            continue
        if len(regions) >= MAX_REGIONS:
            error(line, _("Line %(line)s: at most %(max)s regions are allowed."), max=MAX_REGIONS)
            break
        name, colon, rest = raw.partition(":")
        name = " ".join(name.split())
        if not colon:
            error(
                line,
                _(
                    "Line %(line)s: write the region’s name, a colon, then its postal codes, "
                    "for example “District 1: 94102, 94103”."
                ),
            )
            continue
        if not name:
            error(line, _("Line %(line)s: the region’s name is missing before the colon."))
            continue
        if len(name) > MAX_NAME:
            error(
                line,
                _("Line %(line)s: the region’s name is longer than %(max)s characters."),
                max=MAX_NAME,
            )
            continue
        if name.casefold() in names:
            error(
                line,
                _("Line %(line)s: there is already a region named “%(name)s” (line %(other)s)."),
                name=name,
                other=names[name.casefold()],
            )
            continue
        prefixes, line_ok = [], True
        for token in _SEPARATORS.split(rest):
            if not token:
                continue
            prefix = token.upper()
            if not _PREFIX.fullmatch(prefix):
                error(
                    line,
                    _(
                        "Line %(line)s: “%(code)s” is not a postal code or the start of one "
                        "(use only letters, digits and hyphens)."
                    ),
                    code=_shorten(token),
                )
                line_ok = False
                break
            if len(prefix) > MAX_PREFIX:
                error(
                    line,
                    _("Line %(line)s: “%(code)s” is longer than %(max)s characters."),
                    code=_shorten(token),
                    max=MAX_PREFIX,
                )
                line_ok = False
                break
            if prefix in prefixes:
                continue
            if prefix in owners:
                other_name, other_line = owners[prefix]
                error(
                    line,
                    _("Line %(line)s: %(code)s is already in “%(name)s” (line %(other)s)."),
                    code=prefix,
                    name=other_name,
                    other=other_line,
                )
                line_ok = False
                break
            prefixes.append(prefix)
        if not line_ok:
            continue
        if not prefixes:
            error(
                line,
                _("Line %(line)s: “%(name)s” has no postal codes after the colon."),
                name=name,
            )
            continue
        if len(prefixes) > MAX_PREFIXES:
            error(
                line,
                _("Line %(line)s: at most %(max)s postal codes per region."),
                max=MAX_PREFIXES,
            )
            continue
        for prefix in prefixes:
            owners[prefix] = (name, line)
        names[name.casefold()] = line
        regions.append([name, prefixes])
    if errors:
        raise ValidationError(errors)
    return regions


def format_regions(regions):
    """The text ``parse_regions`` reads back as ``regions``, for prefilling the form."""
    return "\n".join(f"{name}: {', '.join(prefixes)}" for name, prefixes in regions or [])


def petition_jobs(petition):
    """Delivery jobs of every translation of ``petition`` (jobs hang off one page), newest
    first."""
    from heretostay_wagtail.paper.models import DeliveryJob

    return DeliveryJob.objects.filter(page__translation_key=petition.translation_key).order_by(
        "-created_at", "-pk"
    )


def last_regions(petition):
    """The regions of the petition's latest delivery PDF that had any, or ``[]``."""
    return (
        petition_jobs(petition).exclude(regions=[]).values_list("regions", flat=True).first() or []
    )
