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
import time
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


def _isoformat(value, tz=None):
    """ISO 8601 in the current time zone (``tz``), as PostgreSQL writes it in JSON (so the
    COPY export writes the same, cheaply: ``copy_csv``): ``isoformat()`` with the
    fraction of a second, when there is one, without trailing zeros."""
    if value.tzinfo is not None:
        value = value.astimezone(tz or timezone.get_current_timezone())
    text = value.isoformat()
    if value.microsecond % 10 == 0 and value.microsecond:
        fraction = text[20:26].rstrip("0")
        text = text[:20] + fraction + text[26:]
    return text


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
        return _isoformat(value, tz)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(force_str(v) for v in value)
    return force_str(value)


class RowCount:
    """How many rows an export has written so far; ``on_progress(rows)`` is called as they
    go (at most once a second), for a background job's progress."""

    def __init__(self, on_progress=None, every_seconds=1.0):
        self.rows = 0
        self.on_progress = on_progress
        self.every_seconds = every_seconds
        self._last = time.monotonic()

    def add(self, n):
        self.rows += n
        if self.on_progress is not None and time.monotonic() - self._last >= self.every_seconds:
            self._last = time.monotonic()
            self.on_progress(self.rows)


def _counted(row_iter, count):
    if count is None:
        yield from row_iter
        return
    for row in row_iter:
        yield row
        count.add(1)


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


def iter_csv(queryset, columns, count=None):
    """Yield the CSV export of ``queryset`` in pieces: on PostgreSQL through ``COPY``
    (``copy_csv``: the same bytes, at the database's speed), elsewhere row by row.

    An error part-way raises out of the generator, so a streamed response is cut off
    (the server aborts the transfer) rather than ending as if complete. ``count`` (a
    ``RowCount``) counts the rows written."""
    plan = copy_plan(queryset, columns)
    if plan is not None:
        return copy_csv(queryset, columns, plan, count)
    return python_csv(queryset, columns, count)


def python_csv(queryset, columns, count=None):
    """The CSV export row by row, on any database."""
    writer = csv.writer(_Echo())
    buffer = ["\ufeff" + writer.writerow([force_str(c.heading) for c in columns])]
    size = 0
    for row in _counted(rows(queryset, columns), count):
        line = writer.writerow([neutralize(v) for v in row])
        buffer.append(line)
        size += len(line)
        if size >= CSV_CHUNK_CHARS:
            yield "".join(buffer)
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer)


# -- CSV through PostgreSQL's COPY ----------------------------------------------------
#
# Row by row, Python spends tens of µs on each row; PostgreSQL's ``COPY ... TO STDOUT
# WITH (FORMAT csv)`` writes the same CSV in a fraction of that. Each column's text is
# computed in SQL exactly as ``_plain`` and ``neutralize`` make it (tests/petitions/
# test_export_copy.py compares the bytes of both paths), so the file is the same:
# empty text and NULL both come out as an empty unquoted field, booleans as yes/no,
# date-times in the current time zone as ``_isoformat`` writes them, and text a
# spreadsheet would run as a formula with a quote in front. A column the SQL cannot
# reproduce (a ``convert`` function, a related list) sends the whole export down the
# Python path.

#: ``neutralize``: the first character is one of FORMULA_PREFIXES (by code point). Text
#: whose first byte is "A" or above (letters, and every character beyond ASCII) cannot
#: start with one (they are all below "A"), which a bytewise comparison tells cheaply:
#: most text stops there.
_SQL_CODES = ", ".join(str(ord(c)) for c in sorted(_FORMULA_FIRST))
_SQL_NEUTRALIZE = (
    "CASE WHEN {x} COLLATE \"C\" >= 'A' THEN {x} "
    "WHEN ascii({x}) IN (" + _SQL_CODES + ") THEN '''' || {x} ELSE NULLIF({x}, '') END"
)
_SQL_KINDS = {
    "text": _SQL_NEUTRALIZE.format(x="%(expressions)s"),
    "uuid": "%(expressions)s",  # COPY writes it as str(UUID) does
    "integer": _SQL_NEUTRALIZE.format(x="(%(expressions)s)::text"),
    "boolean": "CASE WHEN %(expressions)s THEN 'yes' WHEN NOT %(expressions)s THEN 'no' END",
    "date": "to_char(%(expressions)s, 'YYYY-MM-DD')",
    # ``_isoformat``: PostgreSQL's JSON text of a date-time in the session's time zone
    # (the current one for the duration of the COPY: ``copy_csv``), between its quotes
    # (it has no others). Several times cheaper than to_char(), and split_part() takes
    # 70 ns less per value than replace() (issue 15: three per row).
    "datetime": "split_part(to_json(%(expressions)s)::text, '\"', 2)",
}
_FIELD_KINDS = {
    "CharField": "text",
    "TextField": "text",
    "EmailField": "text",
    "SlugField": "text",
    "URLField": "text",
    "UUIDField": "uuid",
    "BooleanField": "boolean",
    "DateField": "date",
    "DateTimeField": "datetime",
    "AutoField": "integer",
    "BigAutoField": "integer",
    "SmallAutoField": "integer",
    "IntegerField": "integer",
    "BigIntegerField": "integer",
    "SmallIntegerField": "integer",
    "PositiveIntegerField": "integer",
    "PositiveBigIntegerField": "integer",
    "PositiveSmallIntegerField": "integer",
}
_TIME_ZONES = {}


def _field_at(model, path):
    """The model field a ``values()`` path (``page__title``) ends at, or None."""
    field = None
    for name in path.split("__"):
        if model is None:
            return None
        try:
            field = model._meta.get_field(name)
        except Exception:
            return None
        model = field.related_model if field.is_relation else None
    return field


def _known_time_zone(connection, name):
    """Whether PostgreSQL knows the time zone ``name`` (asked once per process)."""
    if name not in _TIME_ZONES:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_timezone_names WHERE name = %s", [name])
            _TIME_ZONES[name] = cursor.fetchone()[0] > 0 or name.upper() == "UTC"
    return _TIME_ZONES[name]


def copy_plan(queryset, columns):
    """The SQL kind of each column's CSV text for ``copy_csv``, or None when the export
    takes the Python path (not PostgreSQL, naive date-times, a column SQL cannot write)."""
    from django.conf import settings
    from django.db import connections

    connection = connections[queryset.db]
    if connection.vendor != "postgresql" or not settings.USE_TZ:
        return None
    plan = []
    for column in columns:
        if not column.field:
            return None
        field = _field_at(queryset.model, column.field)
        if field is None or field.is_relation:
            return None
        raw = "__" not in column.field and _parses_from_db(queryset.model, column.field)
        if column.convert is not None and not raw:
            return None
        kind = "text" if raw else _FIELD_KINDS.get(field.get_internal_type())
        if kind is None:
            return None
        plan.append((column.field, kind))
    if any(kind == "datetime" for _path, kind in plan) and not _known_time_zone(
        connection, timezone.get_current_timezone_name()
    ):
        return None
    return plan


def copy_sql(queryset, plan):
    """``COPY (<the export's SELECT>) TO STDOUT WITH (FORMAT csv)`` and its parameters."""
    from django.db.models import F, Func, TextField

    names = {
        f"_hts_copy_{i}": Func(F(path), template=_SQL_KINDS[kind], output_field=TextField())
        for i, (path, kind) in enumerate(plan)
    }
    select = queryset.annotate(**names).values_list(*names)
    sql, params = select.query.sql_with_params()
    return f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params


#: Bytes of a COPY gathered before a piece goes out.
COPY_PIECE_BYTES = 64 * 1024


def _crlf(data, rows):
    """``rows`` whole rows of COPY's CSV (each ending in "\n") as the Python path ends
    them, in "\r\n" (the csv module's default, RFC 4180). A line break inside a value
    is inside quotes and stays as it is; when the piece has none, one replace does it.
    Otherwise a line break ends a row where the quotes before it in the row are paired
    (COPY writes a quote in a value as two)."""
    if data.count(b"\n") == rows:
        return data.replace(b"\n", b"\r\n")
    out, inside = [], False
    for line in data.split(b"\n")[:-1]:
        inside ^= line.count(b'"') % 2 == 1
        out.append(line + (b"\n" if inside else b"\r\n"))
    return b"".join(out)


def _pieces(messages, size):
    """COPY's messages (a row each) gathered into pieces of at least ``size`` bytes, as
    (bytes, rows). A bytearray costs a third of keeping the rows to join them (issue 15:
    1,000,000 rows)."""
    piece, rows = bytearray(), 0
    for row in messages:
        piece += row
        rows += 1
        if len(piece) >= size:
            yield bytes(piece), rows
            piece.clear()
            rows = 0
    if rows:
        yield bytes(piece), rows


def copy_csv(queryset, columns, plan, count=None):
    """The CSV export through PostgreSQL's ``COPY``: the same bytes as the Python path
    (a BOM, the headings, rows ending in CRLF). COPY sends one message per row, which is
    what counts them (a row's own line breaks are inside its quotes)."""
    from django.db import connections, transaction

    connection = connections[queryset.db]
    writer = csv.writer(_Echo())
    heading = "\ufeff" + writer.writerow([force_str(c.heading) for c in columns])
    sql, params = copy_sql(queryset, plan)
    tz_name = timezone.get_current_timezone_name()
    yield heading.encode()
    with transaction.atomic(using=queryset.db), connection.cursor() as cursor:
        # The current time zone for the date-times; and no parallel workers: they make
        # the one stream of rows no faster on a busy server, and an export should not
        # take three of the database's cores while people are signing.
        cursor.execute(
            "SELECT current_setting('TimeZone'), current_setting('max_parallel_workers_per_gather'),"
            " set_config('TimeZone', %s, true),"
            " set_config('max_parallel_workers_per_gather', '0', true)",
            [tz_name],
        )
        previous, workers = cursor.fetchone()[:2]
        with cursor.cursor.copy(sql, params or None) as copy:
            for data, rows in _pieces(copy, COPY_PIECE_BYTES):
                yield _crlf(data, rows)
                if count is not None:
                    count.add(rows)
        # Inside a host's outer transaction the settings would last until it ends.
        cursor.execute(
            "SELECT set_config('TimeZone', %s, true),"
            " set_config('max_parallel_workers_per_gather', %s, true)",
            [previous, workers],
        )


def iter_ndjson(queryset, columns, count=None):
    # NDJSON is read by programs, not spreadsheets: values are left as they are.
    for row in _counted(rows(queryset, columns), count):
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


def iter_xlsx(queryset, columns, count=None):
    """Yield an XLSX file of ``queryset`` in pieces, as its rows are read."""
    sink = _Chunks()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in _XLSX_PARTS.items():
            archive.writestr(name, text)
        yield sink.take()
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            buffer = [_SHEET_START, _xlsx_row([force_str(c.heading) for c in columns])]
            size = 0
            for row in _counted(rows(queryset, columns), count):
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


CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    NDJSON: "application/x-ndjson",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def iterate(queryset, columns, fmt, count=None):
    """The pieces (text or bytes) of ``queryset``'s export in ``fmt``; ``count`` (a
    ``RowCount``) counts the rows as they are written."""
    if fmt == CSV:
        return iter_csv(queryset, columns, count)
    if fmt == NDJSON:
        return iter_ndjson(queryset, columns, count)
    if fmt == XLSX:
        return iter_xlsx(queryset, columns, count)
    raise ValueError(f"Unknown export format {fmt!r}")


def _logged(chunks, fmt):
    """``chunks``, logging an error part-way before it propagates: the server then aborts
    the response (a chunked transfer without its last chunk), so the download fails
    visibly instead of ending as if the file were complete."""
    import logging

    try:
        yield from chunks
    except Exception:
        logging.getLogger(__name__).exception("A %s export failed part-way", fmt)
        raise


def response(queryset, columns, fmt, filename):
    """An HTTP response streaming ``queryset`` in ``fmt`` (csv, xlsx or ndjson)."""
    chunks = iterate(queryset, columns, fmt)
    resp = StreamingHttpResponse(_logged(chunks, fmt), content_type=CONTENT_TYPES[fmt])
    resp["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    resp["Cache-Control"] = "no-store"
    return resp


def job_page_redirect(job):
    """What an admin export answers when it runs in the background: its job page."""
    from django.shortcuts import redirect

    return redirect("heretostay_export_job", job.pk)


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
    job_response=job_page_redirect,
):
    """Check ``permission``, write the audit-log entry, and stream the export.

    The single gate for every export of personal data (admin and API alike). Raises
    ``PermissionDenied`` when the user lacks the permission. Contact columns (email,
    phone) are left out when ``contacts`` is false, and always for a user without the
    model's contact permission (``privacy.contact_permission``); the audit entry says
    whether they were included.

    More than ``EXPORT_INLINE_MAX_ROWS`` rows are not streamed: the export becomes a
    background job (``core/export_jobs.py``) writing the same file to storage, and
    ``job_response(job)`` is the answer (the admin's job page; the API's 202).
    """
    from django.core.exceptions import PermissionDenied

    from heretostay_wagtail.core import audit, export_jobs, privacy

    if not user.has_perm(permission):
        raise PermissionDenied
    if fmt not in CONTENT_TYPES:
        raise ValueError(f"Unknown export format {fmt!r}")
    contacts = bool(contacts) and privacy.can_see_contacts(user, queryset.model)
    all_columns = columns
    if not contacts:
        columns = without_contacts(columns)
    if instance is None:
        instance = audit.default_instance(user)
    rows = queryset.count()
    limit = export_jobs.inline_max_rows()
    job = None
    if limit is not None and rows > limit:
        job = export_jobs.start(
            user,
            queryset,
            fmt,
            columns=all_columns,
            contacts=contacts,
            permission=permission,
            filename=filename,
            filters=filters,
            instance=instance,
            rows=rows,
        )
    audit.log(
        instance,
        "heretostay.export",
        user=user,
        model=queryset.model._meta.label,
        format=fmt,
        filters=filters_for_audit(filters),
        rows=rows,
        contacts=contacts,
        **({"job": job.pk} if job else {}),
    )
    if job is not None:
        return job_response(job)
    return response(queryset, columns, fmt, filename)
