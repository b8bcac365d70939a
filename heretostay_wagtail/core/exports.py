"""Streaming spreadsheet exports shared by the admin and the API.

Rows come from a generator over ``QuerySet.iterator()`` so memory stays flat however
many supporters a campaign has. Text cells that a spreadsheet would evaluate as a
formula are neutralized (OWASP "CSV injection").
"""

import csv
import datetime
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField
from django.db.models.functions import Cast
from django.http import FileResponse, StreamingHttpResponse
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


def write_xlsx(queryset, columns, fileobj):
    """Write an XLSX file with openpyxl's write-only (streaming) workbook.

    Every cell is typed as text, which is what neutralizes formulas in XLSX (a text cell
    is never evaluated), so values such as phone numbers keep their leading ``+``.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append([force_str(c.heading) for c in columns])
    for row in rows(queryset, columns):
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value)
            cell.data_type = "s"  # text, never a formula
            cells.append(cell)
        sheet.append(cells)
    workbook.save(fileobj)


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
        # openpyxl streams rows to a temporary file on disk; the response streams it back.
        tmp = tempfile.TemporaryFile()
        write_xlsx(queryset, columns, tmp)
        tmp.seek(0)
        return FileResponse(
            tmp,
            as_attachment=True,
            filename=f"{filename}.xlsx",
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
