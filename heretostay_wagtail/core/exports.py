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


def neutralize(value):
    """Prefix a quote to text a spreadsheet would run as a formula; leave other values."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
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

    @property
    def contact(self):
        return self.mask is not None


def without_contacts(columns):
    """``columns`` less the contact ones (email, phone)."""
    return [column for column in columns if not column.contact]


def _plain(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        return (
            timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(force_str(v) for v in value)
    return force_str(value)


def rows(queryset, columns):
    """Yield one list of plain values per object, reading the queryset in chunks."""
    for obj in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield [_plain(column.get(obj)) for column in columns]


class _Echo:
    def write(self, value):
        return value


def iter_csv(queryset, columns):
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([force_str(c.heading) for c in columns])
    for row in rows(queryset, columns):
        yield writer.writerow([neutralize(v) for v in row])


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
