"""The demo's SQLite database takes concurrent writes (issue 16: publishing a page while
the admin's autosave wrote answered 500, "database is locked").

Two threads each read a row, then write it, inside a transaction, on a file database
(":memory:" has no locking to speak of). With Django's defaults (deferred transactions) the
second writer fails at once with "database is locked"; with the demo's options
(IMMEDIATE transactions, a busy timeout, WAL) it waits for the first and both commit.
"""

import runpy
import threading

import pytest
from django.conf import settings
from django.db import OperationalError, connections, transaction
from django.db.utils import ConnectionHandler

from example_site.settings import SQLITE_OPTIONS

SETTINGS_FILE = settings.BASE_DIR / "settings.py"
ALIAS = "concurrency_test"
needs_sqlite = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="the example site runs on PostgreSQL here (DATABASE_URL)",
)


@needs_sqlite
def test_sqlite_options_in_settings():
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 10
    assert "PRAGMA journal_mode=WAL" in options["init_command"]


@pytest.mark.parametrize(
    ("url", "prepare", "expected"),
    [
        ("sqlite:////tmp/other.sqlite3", None, SQLITE_OPTIONS),
        # PostgreSQL: psycopg may prepare statements (the package's sign-up statement)...
        ("postgres://postgres@127.0.0.1:5432/demo", None, {"prepare_threshold": 5}),
        ("postgres://postgres@127.0.0.1:5432/demo", "10", {"prepare_threshold": 10}),
        # ... unless a pooler cannot keep them.
        ("postgres://postgres@127.0.0.1:5432/demo", "off", {}),
    ],
)
def test_database_options_per_engine(monkeypatch, url, prepare, expected):
    monkeypatch.setenv("DATABASE_URL", url)
    if prepare is None:
        monkeypatch.delenv("DATABASE_PREPARE_THRESHOLD", raising=False)
    else:
        monkeypatch.setenv("DATABASE_PREPARE_THRESHOLD", prepare)
    database = runpy.run_path(str(SETTINGS_FILE))["DATABASES"]["default"]
    assert database.get("OPTIONS", {}) == expected


@pytest.fixture
def file_database(tmp_path, django_db_blocker):
    """Register a connection alias to a temporary SQLite file; returns a function that
    sets its OPTIONS and creates the test table."""

    def make(options):
        database = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(tmp_path / "demo.sqlite3"),
            "OPTIONS": options,
        }
        # ConnectionHandler fills in the defaults Django adds to every database.
        connections.settings[ALIAS] = ConnectionHandler({"default": database}).settings["default"]
        with connections[ALIAS].cursor() as cursor:
            cursor.execute("CREATE TABLE counter (n integer)")
            cursor.execute("INSERT INTO counter VALUES (0)")
        return connections[ALIAS]

    with django_db_blocker.unblock():
        yield make
        if ALIAS in connections.settings:
            connections[ALIAS].close()
            del connections[ALIAS]
            del connections.settings[ALIAS]


def read_then_write(start, both_read, results):
    """One request: read the counter, then write it back plus one, in one transaction."""
    connection = connections[ALIAS]
    try:
        start.wait()
        with transaction.atomic(using=ALIAS), connection.cursor() as cursor:
            cursor.execute("SELECT n FROM counter")
            (n,) = cursor.fetchone()
            try:
                # Deferred transactions: both have read before either writes. IMMEDIATE:
                # the other thread is waiting for the lock, so this times out, and the
                # other thread finds the barrier broken and goes on.
                both_read.wait(timeout=1)
            except threading.BrokenBarrierError:
                pass
            cursor.execute("UPDATE counter SET n = %s", [n + 1])
        results.append("committed")
    except OperationalError as error:
        results.append(str(error))
    finally:
        connection.close()


def run_two_writers():
    start, both_read, results = threading.Barrier(2), threading.Barrier(2), []
    threads = [
        threading.Thread(target=read_then_write, args=(start, both_read, results)) for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with connections[ALIAS].cursor() as cursor:
        cursor.execute("SELECT n FROM counter")
        (n,) = cursor.fetchone()
    return sorted(results), n


@needs_sqlite
def test_concurrent_writers_wait_for_each_other(file_database):
    connection = file_database(settings.DATABASES["default"]["OPTIONS"])
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    assert run_two_writers() == (["committed", "committed"], 2)


def test_without_the_options_the_second_writer_fails(file_database):
    """What the demo did before: Django's defaults for SQLite."""
    file_database({})
    results, n = run_two_writers()
    assert results == ["committed", "database is locked"]
    assert n == 1
