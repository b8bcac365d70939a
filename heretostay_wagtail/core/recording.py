"""The one skeleton for recording a supporter: a signature, a pledge.

Build the record from validated data (the fields every supporter record has), save it
with its campaign counter in one transaction, and on a repeat email fetch the record
already there. Callers answer a new and a repeat record the same way, so nobody can
learn who has signed or pledged; ``petitions.services.sign`` and
``pledges.services.pledge`` are thin uses of it.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connections, router, transaction
from django.db.models import Q, UniqueConstraint
from django.db.models.constants import OnConflict
from django.db.models.signals import post_save, pre_save
from django.db.models.sql import InsertQuery
from django.utils import timezone
from django.utils.translation import get_language

from heretostay_wagtail.core.models import CampaignCounter
from heretostay_wagtail.core.privacy import hash_ip, normalize_email


@dataclass
class Recorded:
    """The record saved, or the one already there for this email (``created=False``)."""

    record: Any
    created: bool

    @property
    def duplicate(self):
        return not self.created


def build(model, page, data, *, source, ip="", language=None, when=None, **fields):
    """An unsaved ``model`` record of ``page``'s campaign from validated ``data``."""
    return model(
        campaign_key=page.campaign_key,
        page=page,
        language=(language or get_language() or page.locale.language_code)[:15],
        name=data["name"],
        email=data["email"],
        email_normalized=normalize_email(data["email"]),
        source=source,
        created_at=when or timezone.now(),
        ip_hash=hash_ip(ip),
        **fields,
    )


def save(record, *, counted, then=None):
    """Save ``record`` (and run ``then(record)``) and count it, all in one transaction.

    The counter is a ``count = count + 1`` update in the same transaction, so it stays
    exact under concurrent requests. A repeat email (the campaign's unique constraint)
    rolls everything back and returns the existing record.
    """
    if counted and then is None:
        using = router.db_for_write(type(record), instance=record)
        if connections[using].vendor == "postgresql":
            return _save_counted_postgresql(record, using)
    try:
        with transaction.atomic():
            record.save()
            if then is not None:
                then(record)
            if counted:
                CampaignCounter.add(record.campaign_key, count=1)
    except IntegrityError:
        return Recorded(_existing(record, router.db_for_write(type(record))), created=False)
    return Recorded(record, created=True)


def _existing(record, using):
    """The record already there for ``record``'s email: the one the campaign's
    once-per-email constraint (``UniqueConstraint`` on campaign key and normalized email)
    refused it for, looked up with that constraint's condition, so that the lookup uses
    its index. Without the condition (the index is partial: ``anonymized_at IS NULL``)
    PostgreSQL read every signature of the campaign: 6 ms at 15,000 signatures, growing
    with the campaign, for each repeat email (issue 15's benchmark found it)."""
    model = type(record)
    return model._default_manager.db_manager(using).get(
        _once_per_email(model),
        campaign_key=record.campaign_key,
        email_normalized=record.email_normalized,
    )


def _once_per_email(model):
    """The condition of ``model``'s once-per-email constraint (an empty ``Q`` if none)."""
    for constraint in model._meta.constraints:
        if isinstance(constraint, UniqueConstraint) and set(constraint.fields) == {
            "campaign_key",
            "email_normalized",
        }:
            return constraint.condition or Q()
    return Q()


def _save_counted_postgresql(record, using):
    """``save`` on PostgreSQL in one statement, one round trip instead of four (BEGIN,
    INSERT, UPDATE, COMMIT): the record's INSERT (as Django's ``save`` writes it, with
    ``ON CONFLICT DO NOTHING``) and, only if a row went in, the counter's ``count + 1``
    (an upsert: the campaign's first record creates the row), in data-modifying CTEs,
    which PostgreSQL runs as one atomic statement. A repeat email inserts nothing and
    counts nothing; the record already there is returned, as on the ORM path.
    ``pre_save`` and ``post_save`` are sent as ``Model.save`` sends them."""
    model = type(record)
    connection = connections[using]
    pre_save.send(sender=model, instance=record, raw=False, using=using, update_fields=None)
    sql, params = _counted_insert(model, using, record)
    with _cursor(connection) as cursor:
        cursor.execute(sql, params)
        pk, _counted = cursor.fetchone()
    if pk is None:
        return Recorded(_existing(record, using), created=False)
    record.pk = pk
    record._state.adding = False
    record._state.db = using
    post_save.send(
        sender=model, instance=record, created=True, update_fields=None, raw=False, using=using
    )
    return Recorded(record, created=True)


#: Attribute of Django's connection object (one per thread) keeping the server-binding
#: cursor of the counted insert, with the psycopg connection it belongs to.
_KEPT = "_heretostay_counted_cursor"


@contextmanager
def _cursor(connection):
    """A cursor for the counted insert: one that binds its parameters on the server when
    the site allows prepared statements (``"OPTIONS": {"prepare_threshold": 5}`` in its
    database settings, with psycopg 3), so that psycopg prepares this statement, which
    is the same for every record, once per connection.

    Prepared, PostgreSQL no longer parses and plans it for each signature (about a third
    of its CPU time for it, measured in issue 15), and psycopg sends the parameters as
    they are instead of quoting them into the SQL. Django turns prepared statements off
    by default (``prepare_threshold`` None), because a connection pooler in transaction
    mode (PgBouncer before 1.21) cannot keep them; a site whose pooler can turns them on.
    Django's own queries are unchanged: its cursors bind on the client and never prepare
    unless the site also sets ``server_side_binding``.

    That cursor is kept for the connection's next sign-ups: a new psycopg cursor looks up
    how to send each type of value anew (its ``Transformer``), which made sending the
    parameters cost 30-40 µs per sign-up instead of 2-5 (issue 15). It is dropped when the
    connection changes or a statement on it fails.
    """
    from django.db.backends.postgresql import base

    connection.close_if_health_check_failed()
    connection.ensure_connection()
    if (
        not base.is_psycopg3
        or connection.connection.prepare_threshold is None
        # Logged queries (DEBUG, tests counting queries): Django's cursor, whose log
        # shows the statement with its values (a server-binding one logs none).
        or connection.queries_logged
    ):
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.validate_thread_sharing()
    kept = getattr(connection, _KEPT, None)
    if kept is None or kept.connection is not connection.connection or kept.closed:
        with connection.wrap_database_errors:
            kept = base.ServerBindingCursor(connection.connection)
        setattr(connection, _KEPT, kept)
    try:
        yield connection.make_cursor(kept)
    except BaseException:
        setattr(connection, _KEPT, None)
        kept.close()
        raise


#: The statement of ``_save_counted_postgresql`` per model and database, once compiled:
#: its SQL is the same for every record, only the parameters differ. Compiling Django's
#: INSERT of a supporter record (25 columns) took about a tenth of a sign-up's time.
_STATEMENTS = {}


def _counted_insert(model, using, record):
    """The SQL and parameters of ``record``'s counted insert."""
    fields, sql, counter_defaults = _STATEMENTS.get((model, using), (None, None, None))
    if fields is not None:
        # What Django's SQLInsertCompiler does for each value (pre_save, then
        # get_db_prep_save), without compiling the statement again.
        # A value that is an expression needs the compiler: compile as usual.
        raw = [field.pre_save(record, add=True) for field in fields]
        if not any(hasattr(value, "resolve_expression") for value in raw):
            connection = connections[using]
            values = [
                field.get_db_prep_save(value, connection=connection)
                for field, value in zip(fields, raw, strict=True)
            ]
            return sql, (*values, record.campaign_key, *counter_defaults, timezone.now())
    return _compile_counted_insert(model, using, record)


def _compile_counted_insert(model, using, record):
    meta = model._meta
    connection = connections[using]
    quote = connection.ops.quote_name
    fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field]
    query = InsertQuery(model, on_conflict=OnConflict.IGNORE)
    query.insert_values(fields, [record])
    compiler = query.get_compiler(using=using)
    compiler.returning_fields = [meta.pk]
    [(insert_sql, insert_params)] = compiler.as_sql()
    # The counter's row as ``CampaignCounter.add`` creates it: this count, published
    # empty ("now"), every other column its field's default.
    counter = CampaignCounter._meta
    others = [
        field
        for field in counter.concrete_fields
        if field.name not in ("campaign_key", "count", "published_at")
    ]
    columns = {
        "campaign_key": "%s",
        "count": "1",
        **{field.name: "%s" for field in others},
        "published_at": "%s",
    }
    counter_defaults = tuple(
        field.get_db_prep_save(field.get_default(), connection=connection) for field in others
    )
    names = ", ".join(quote(counter.get_field(name).column) for name in columns)
    count = quote(counter.get_field("count").column)
    table = quote(counter.db_table)
    sql = (
        f"WITH new AS ({insert_sql}), "
        f"counted AS (INSERT INTO {table} ({names}) SELECT {', '.join(columns.values())} "
        f"FROM new ON CONFLICT ({quote(counter.pk.column)}) "
        f"DO UPDATE SET {count} = {table}.{count} + 1 RETURNING 1) "
        f"SELECT (SELECT {quote(meta.pk.column)} FROM new), (SELECT count(*) FROM counted)"
    )
    if f"VALUES ({', '.join(['%s'] * len(fields))})" in insert_sql:
        # A plain "%s" per field (no expression, no field's own placeholder): the
        # statement can be kept for the next records.
        _STATEMENTS[(model, using)] = (fields, sql, counter_defaults)
    return sql, (*insert_params, record.campaign_key, *counter_defaults, timezone.now())


#: True inside ``kept_in_totals``: deleted records stay in their campaigns' counts.
_KEPT_IN_TOTALS = ContextVar("heretostay_kept_in_totals", default=False)


@contextmanager
def kept_in_totals():
    """Records deleted inside this block stay in their campaigns' totals.

    Retention (``retention/services.py``) deletes supporter records without lowering the
    totals: it adds them to ``CampaignCounter.removed_by_retention`` itself, so the
    features' ``post_delete`` receivers must not take them off the count.
    """
    token = _KEPT_IN_TOTALS.set(True)
    try:
        yield
    finally:
        _KEPT_IN_TOTALS.reset(token)


def deletion_uncounts():
    """Whether a supporter record deleted now comes off its campaign's count (it does,
    except inside ``kept_in_totals``)."""
    return not _KEPT_IN_TOTALS.get()
