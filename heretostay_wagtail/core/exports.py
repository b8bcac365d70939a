"""Streaming spreadsheet exports shared by the admin and the API.

Rows come from a generator over ``QuerySet.iterator()`` so memory stays flat however
many supporters a campaign has. Text cells that a spreadsheet would evaluate as a
formula are neutralized (OWASP "CSV injection").
"""

import csv
import datetime
import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from django.db.models import CharField
from django.db.models.functions import Cast
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.encoding import force_str

# The audit log's redaction of free-text searches lives with the audit log; its names
# stay importable from here.
from heretostay_wagtail.core.audit import REDACTED as REDACTED
from heretostay_wagtail.core.audit import REDACTED_FILTERS as REDACTED_FILTERS
from heretostay_wagtail.core.audit import filters_for_audit

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
CHUNK_SIZE = 2000

CSV = "csv"
XLSX = "xlsx"
NDJSON = "ndjson"
FORMATS = (CSV, XLSX, NDJSON)


_FORMULA_FIRST = frozenset("".join(FORMULA_PREFIXES))


def neutralize(value):
    """Prefix a quote to text a spreadsheet would run as a formula; leave other values."""
    if isinstance(value, str) and value and value[0] in _FORMULA_FIRST:
        return "'" + value
    return value


@dataclass(frozen=True)
class Column:
    """One column of a supporter export; the admin listing shows those with ``listing``.

    Each feature defines its columns once (``petitions/exports.py``,
    ``pledges/exports.py``), for the admin listing, the CSV/XLSX export and the API export.
    """

    key: str
    heading: Any
    get: Callable[[Any], Any]
    #: How the admin listing shows it: "title" (the row's link: ``key`` is a model field),
    #: "text", "date" or "boolean"; None leaves it out of the listing.
    listing: str | None = None
    #: What the listing shows when not the exported value (a choice's label, names).
    display: Callable[[Any], Any] | None = None
    #: The model field the listing sorts by.
    sort_key: str | None = None
    #: Set on contact columns (email, phone): how listings and inspect views show the
    #: value to users without the model's contact permission (``privacy.mask_email``...).
    #: Exports leave contact columns out for them, and for anyone who asks.
    mask: Callable[[Any], Any] | None = None
    #: The value as a ``QuerySet.values()`` path (``"page__title"``), and how to turn the
    #: raw value into the exported one. When every column of an export has a ``field``,
    #: the export reads plain rows from the database instead of building a model
    #: instance (and its page) per row: the fast path (benchmarks/bench_export.py).
    field: str | None = None
    convert: Callable[[Any], Any] | None = None

    @property
    def contact(self):
        return self.mask is not None


def without_contacts(columns):
    """``columns`` less the contact ones (email, phone)."""
    return [column for column in columns if not column.contact]


def _plain(value, tz=None):
    """The text a cell holds; ``tz`` (the current time zone) saves looking it up per cell."""
    cls = value.__class__
    if cls is str:
        return value
    if value is None:
        return ""
    if cls is bool:
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            return value.isoformat()
        return value.astimezone(tz or timezone.get_current_timezone()).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(force_str(v) for v in value)
    return force_str(value)


def rows(queryset, columns):
    """Yield one list of plain values per object, reading the queryset in chunks.

    With a ``field`` on every column, rows come from ``values()``: no model instances,
    no related objects loaded per row; otherwise each column's ``get`` reads an instance.
    """
    tz = timezone.get_current_timezone()
    if all(column.field for column in columns):
        fields = list(dict.fromkeys(column.field for column in columns))
        # Text as stored: a phone number is read as its E.164 text, not parsed back
        # into a PhoneNumber per row (the slowest part of a plain read).
        raw = {
            name: Cast(name, CharField())
            for name in fields
            if "__" not in name and _parses_from_db(queryset.model, name)
        }
        queryset = queryset.annotate(**{f"_text_{name}": expr for name, expr in raw.items()})
        fields = [f"_text_{name}" if name in raw else name for name in fields]
        getters = [
            (
                f"_text_{c.field}" if c.field in raw else c.field,
                None if c.field in raw else c.convert,
            )
            for c in columns
        ]
        for values in queryset.values(*fields).iterator(chunk_size=CHUNK_SIZE):
            yield [
                _plain(convert(values[name]) if convert else values[name], tz)
                for name, convert in getters
            ]
        return
    for obj in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield [_plain(column.get(obj), tz) for column in columns]


def _parses_from_db(model, name):
    """Whether ``model``'s field ``name`` turns text from the database into an object
    (``from_db_value``: a phone number)."""
    try:
        field = model._meta.get_field(name)
    except Exception:
        return False
    return hasattr(field, "from_db_value") and isinstance(field, CharField)


class _Echo:
    def write(self, value):
        return value


#: Characters of CSV gathered before a chunk goes out (fewer, larger writes).
CSV_CHUNK_CHARS = 64 * 1024


def iter_csv(queryset, columns):
    writer = csv.writer(_Echo())
    buffer = ["\ufeff" + writer.writerow([force_str(c.heading) for c in columns])]
    size = 0
    for row in rows(queryset, columns):
        line = writer.writerow([neutralize(v) for v in row])
        buffer.append(line)
        size += len(line)
        if size >= CSV_CHUNK_CHARS:
            yield "".join(buffer)
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer)


def iter_ndjson(queryset, columns):
    # NDJSON is read by programs, not spreadsheets: values are left as they are.
    for row in rows(queryset, columns):
        yield json.dumps(dict(zip((c.key for c in columns), row, strict=True))) + "\n"


# -- XLSX, streamed ----------------------------------------------------------------------
#
# An XLSX file is a zip of a few XML parts. The standard library's ``zipfile`` writes a
# zip to a stream that cannot seek (each entry followed by a data descriptor), so the
# workbook goes out as its rows are read: the first bytes leave at once, memory stays
# flat, and no temporary file is written. Every cell is an inline string, which is what
# neutralizes formulas in XLSX (a text cell is never evaluated), so phone numbers keep
# their leading "+".

_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Sheet" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}
_SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_END = "</sheetData></worksheet>"
#: Characters XML 1.0 cannot hold at all (the forms refuse them; old or imported rows
#: might have them): dropped, as a spreadsheet could not open the file otherwise.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xlsx_row(values):
    cells = []
    for value in values:
        text = xml_escape(_NOT_XML.sub("", value)) if value else ""
        cells.append(f'<c t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>')
    return "<row>" + "".join(cells) + "</row>"


class _Chunks(io.RawIOBase):
    """A write-only stream that keeps what is written until it is taken."""

    def __init__(self):
        self.parts = []

    def writable(self):
        return True

    def write(self, data):
        self.parts.append(bytes(data))
        return len(data)

    def take(self):
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def iter_xlsx(queryset, columns):
    """Yield an XLSX file of ``queryset`` in pieces, as its rows are read."""
    sink = _Chunks()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in _XLSX_PARTS.items():
            archive.writestr(name, text)
        yield sink.take()
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            buffer = [_SHEET_START, _xlsx_row([force_str(c.heading) for c in columns])]
            size = 0
            for row in rows(queryset, columns):
                line = _xlsx_row(row)
                buffer.append(line)
                size += len(line)
                if size >= CSV_CHUNK_CHARS:
                    sheet.write("".join(buffer).encode())
                    buffer, size = [], 0
                    chunk = sink.take()
                    if chunk:
                        yield chunk
            buffer.append(_SHEET_END)
            sheet.write("".join(buffer).encode())
    yield sink.take()


def write_xlsx(queryset, columns, fileobj):
    """Write the XLSX export of ``queryset`` to ``fileobj`` (e.g. a file in storage)."""
    for chunk in iter_xlsx(queryset, columns):
        fileobj.write(chunk)


def response(queryset, columns, fmt, filename):
    """An HTTP response streaming ``queryset`` in ``fmt`` (csv, xlsx or ndjson)."""
    if fmt == CSV:
        resp = StreamingHttpResponse(
            iter_csv(queryset, columns), content_type="text/csv; charset=utf-8"
        )
    elif fmt == NDJSON:
        resp = StreamingHttpResponse(
            iter_ndjson(queryset, columns), content_type="application/x-ndjson"
        )
    elif fmt == XLSX:
        resp = StreamingHttpResponse(
            iter_xlsx(queryset, columns),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise ValueError(f"Unknown export format {fmt!r}")
    resp["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    resp["Cache-Control"] = "no-store"
    return resp


def export_supporters(
    user,
    queryset,
    fmt,
    *,
    permission,
    columns,
    filename,
    filters=None,
    instance=None,
    contacts=True,
):
    """Check ``permission``, write the audit-log entry, and stream the export.

    The single gate for every export of personal data (admin and API alike). Raises
    ``PermissionDenied`` when the user lacks the permission. Contact columns (email,
    phone) are left out when ``contacts`` is false, and always for a user without the
    model's contact permission (``privacy.contact_permission``); the audit entry says
    whether they were included.
    """
    from django.core.exceptions import PermissionDenied

    from heretostay_wagtail.core import audit, privacy

    if not user.has_perm(permission):
        raise PermissionDenied
    contacts = bool(contacts) and privacy.can_see_contacts(user, queryset.model)
    if not contacts:
        columns = without_contacts(columns)
    if instance is None:
        instance = audit.default_instance(user)
    audit.log(
        instance,
        "heretostay.export",
        user=user,
        model=queryset.model._meta.label,
        format=fmt,
        filters=filters_for_audit(filters),
        rows=queryset.count(),
        contacts=contacts,
    )
    return response(queryset, columns, fmt, filename)
