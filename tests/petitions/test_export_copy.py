"""On PostgreSQL, CSV exports are written by ``COPY``: the very bytes of the Python path.

Rows chosen to trip a hand-written SQL version of ``exports._plain`` and ``neutralize``:
every formula prefix, empty text and NULL, quotes, commas and line breaks, a phone (its
"+" neutralized), date-times with and without microseconds, across daylight saving, and
offsets with seconds (local mean time), in several current time zones.
"""

import datetime
import uuid

import pytest
from django.db import connection
from django.utils import timezone

from heretostay_wagtail.core import exports
from heretostay_wagtail.models import Signature
from heretostay_wagtail.petitions.exports import COLUMNS

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

UTC = datetime.UTC

TRICKY_TEXT = [
    "=HYPERLINK(1)",
    "+1 2",
    "-5",
    "@SUM(A1)",
    "\tTab",
    "\rReturn",
    "\nNewline first",
    " =space first",
    "'quoted already",
    "",
    'say "hi", then go',
    "two\nlines\r\nand crlf",
    "ünïcödé ✓ 漢字",
    "\\.",
    "a;b|c",
]
TIMES = [
    datetime.datetime(2026, 3, 8, 6, 59, 59, tzinfo=UTC),  # before the US DST change
    datetime.datetime(2026, 3, 8, 7, 0, 0, tzinfo=UTC),  # after it
    datetime.datetime(2026, 11, 1, 5, 30, 0, 123456, tzinfo=UTC),
    datetime.datetime(2026, 6, 1, 12, 0, 0, 1, tzinfo=UTC),
    datetime.datetime(1890, 1, 1, 0, 0, 0, tzinfo=UTC),  # local mean time: offset seconds
    datetime.datetime(1930, 1, 1, 0, 0, 0, 500000, tzinfo=UTC),
]


@pytest.fixture
def skip_unless_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")


@pytest.fixture
def tricky(petition, skip_unless_postgres):
    rows = []
    for i, text in enumerate(TRICKY_TEXT):
        when = TIMES[i % len(TIMES)]
        rows.append(
            Signature(
                campaign_key=petition.campaign_key,
                page=petition if i % 4 else None,  # no page: an empty petition column
                language="en" if i % 2 else "=es",
                name=text or "x",
                email=f"p{i}@example.org",
                email_normalized=f"p{i}@example.org",
                postal_code=text[:20],
                phone="+13125550101" if i % 3 == 0 else "",
                comment=text,
                sheet_code="-" + str(i) if i % 5 == 0 else "",
                created_at=when,
                confirmed_at=None if i % 2 else TIMES[(i + 1) % len(TIMES)],
                opted_in=bool(i % 2),
                consent_text=text,
                consent_given_at=when if i % 3 else None,
            )
        )
    Signature.objects.bulk_create(rows)
    petition.title = "=cmd|' /C calc'!A0"
    petition.save(update_fields=["title"])
    return Signature.objects.filter(campaign_key=petition.campaign_key).order_by("pk")


def python_bytes(queryset, columns):
    return "".join(exports.python_csv(queryset, columns)).encode()


def copy_bytes(queryset, columns):
    plan = exports.copy_plan(queryset, columns)
    assert plan is not None, "these columns should be exported by COPY"
    return b"".join(exports.copy_csv(queryset, columns, plan))


@pytest.mark.parametrize(
    "zone", ["America/New_York", "Asia/Kolkata", "Europe/Amsterdam", "UTC", "Pacific/Chatham"]
)
def test_copy_gives_the_python_paths_bytes(tricky, zone):
    with timezone.override(zone):
        expected = python_bytes(tricky, COLUMNS)
        got = copy_bytes(tricky, COLUMNS)
    assert expected.count(b"'=") >= 2  # formulas were neutralized at all
    assert got == expected


@pytest.mark.parametrize("piece_bytes", [1, 90, 300, 1000])
def test_pieces_of_any_size_give_the_same_bytes(tricky, monkeypatch, piece_bytes):
    """COPY's rows are gathered into pieces of about this many bytes; a piece's line
    breaks inside quoted values must survive, wherever the piece ends."""
    expected = python_bytes(tricky, COLUMNS)
    monkeypatch.setattr(exports, "COPY_PIECE_BYTES", piece_bytes)
    pieces = list(exports.copy_csv(tricky, COLUMNS, exports.copy_plan(tricky, COLUMNS)))
    assert b"".join(pieces) == expected
    if piece_bytes == 1:
        assert len(pieces) == len(TRICKY_TEXT) + 1  # the headings, then a piece per row


def test_line_ends_of_a_piece():
    rows = b'a,"two\nlines"\nb,"x\r\ny"\n"say ""hi\n"" ok",c\n'
    assert exports._crlf(rows, 3) == (
        b'a,"two\nlines"\r\nb,"x\r\ny"\r\n"say ""hi\n"" ok",c\r\n'
    )
    assert exports._crlf(b"a,b\nc,d\n", 2) == b"a,b\r\nc,d\r\n"


def test_copy_without_contacts_and_in_another_order(tricky):
    columns = list(reversed(exports.without_contacts(COLUMNS)))
    assert copy_bytes(tricky.order_by("-created_at", "pk"), columns) == python_bytes(
        tricky.order_by("-created_at", "pk"), columns
    )


def test_copy_follows_filters_with_parameters(tricky):
    queryset = tricky.filter(comment__icontains="lines", created_at__gte=TIMES[4])
    assert copy_bytes(queryset, COLUMNS) == python_bytes(queryset, COLUMNS)
    assert queryset.count() == 1


def test_copy_counts_rows_with_line_breaks_in_them(tricky):
    count = exports.RowCount()
    plan = exports.copy_plan(tricky, COLUMNS)
    b"".join(exports.copy_csv(tricky, COLUMNS, plan, count))
    assert count.rows == len(TRICKY_TEXT)


def test_iter_csv_takes_copy_on_postgresql_and_leaves_the_time_zone(tricky):
    with connection.cursor() as cursor:
        cursor.execute("SHOW TimeZone")
        before = cursor.fetchone()[0]
    with timezone.override("Asia/Kolkata"):
        chunks = list(exports.iter_csv(tricky, COLUMNS))
    assert all(isinstance(chunk, bytes) for chunk in chunks)  # COPY's
    with connection.cursor() as cursor:
        cursor.execute("SHOW TimeZone")
        assert cursor.fetchone()[0] == before


def test_columns_sql_cannot_write_take_the_python_path(tricky):
    odd = exports.Column("x", "X", lambda s: s.name, field="name", convert=str.upper)
    assert exports.copy_plan(tricky, [odd]) is None
    assert exports.copy_plan(tricky, [exports.Column("y", "Y", str)]) is None


def test_an_error_in_copy_raises_out_of_the_stream(tricky, monkeypatch):
    monkeypatch.setattr(
        exports, "copy_sql", lambda qs, plan: ("COPY (SELECT 1/0) TO STDOUT WITH (FORMAT csv)", [])
    )
    stream = exports.iter_csv(tricky, COLUMNS)
    next(stream)  # the headings went out
    with pytest.raises(Exception, match="division by zero"):
        list(stream)
    # The connection is usable afterwards (the failed COPY was rolled back).
    assert Signature.objects.filter(pk=tricky.first().pk).exists()


def test_uuid_filter_values_pass_as_parameters(tricky):
    queryset = tricky.exclude(public_id=uuid.uuid4())
    assert copy_bytes(queryset, COLUMNS) == python_bytes(queryset, COLUMNS)


def test_the_sql_shortcut_holds_for_every_formula_prefix():
    """Text from "A" up is passed through untouched by the SQL: no prefix may be there."""
    assert all(prefix < "A" for prefix in exports.FORMULA_PREFIXES)


def test_a_background_job_copies_with_progress(
    tricky, organizer, monkeypatch, settings, django_capture_on_commit_callbacks
):
    """The job's progress is reported while the COPY runs (to the cache: the connection
    is busy with the COPY), and its file is the streamed export's."""
    from heretostay_wagtail.core import export_jobs
    from heretostay_wagtail.core.models import ExportJobStatus

    settings.HERETOSTAY = {**settings.HERETOSTAY, "EXPORT_INLINE_MAX_ROWS": 0}
    monkeypatch.setattr(exports, "COPY_PIECE_BYTES", 1)  # a piece per row

    class Eager(exports.RowCount):
        def __init__(self, on_progress=None, every_seconds=0):
            super().__init__(on_progress, every_seconds=0)

    monkeypatch.setattr(exports, "RowCount", Eager)
    seen = []
    set_progress = export_jobs.set_progress
    monkeypatch.setattr(
        export_jobs, "set_progress", lambda job, rows: (seen.append(rows), set_progress(job, rows))
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = exports.export_supporters(
            organizer,
            tricky,
            "csv",
            permission="heretostay.export_signature",
            columns=COLUMNS,
            filename="signatures",
            job_response=lambda job: job,
        )
    job.refresh_from_db()
    assert job.status == ExportJobStatus.DONE, job.error
    assert seen[:3] == [1, 2, 3] and job.rows_done == len(TRICKY_TEXT)
    with export_jobs.storage().open(job.file_name, "rb") as handle:
        assert handle.read() == python_bytes(tricky, COLUMNS)
