"""Inserting thousands of rows at once. On PostgreSQL: the primary keys drawn from the table's sequence in one
query, then the rows sent by COPY (converted in psycopg's C code) — about three times faster than bulk_create,
whose per-value preparation and array adaptation in Python cost seconds for the ~10,000 rows a first evaluation
of the early warnings writes. Other databases (SQLite for `make run`) use bulk_create.

Both statements are logged where Django logs queries (tests, DEBUG), so query counts stay honest.
"""

import time

import psycopg
from django.db import connection, transaction
from django.db.models import JSONField
from psycopg.types.json import Jsonb


def _value(field, obj):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return field.pre_save(obj, add=True)
    value = getattr(obj, field.attname)
    if isinstance(field, JSONField) and value is not None:
        return Jsonb(value)
    return value


def _logged(sql, started):
    if connection.queries_logged:
        connection.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})


def bulk_insert(objs):
    """Insert the unsaved model instances `objs` (all of one model, with an automatic primary key) and set their
    primary keys; returns them."""
    objs = list(objs)
    if not objs:
        return objs
    model = type(objs[0])
    if connection.vendor != "postgresql":
        return model.objects.bulk_create(objs)
    meta = model._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        started = time.monotonic()
        sql = "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)"
        cursor.execute(sql, [meta.db_table, meta.pk.column, len(objs)])
        ids = [row[0] for row in cursor.fetchall()]
        _logged(sql, started)
        started = time.monotonic()
        copy_sql = (f"COPY {quote(meta.db_table)} ({', '.join(quote(f.column) for f in [meta.pk, *fields])}) "
                    "FROM STDIN")
        with cursor.copy(copy_sql) as copy:
            for pk, obj in zip(ids, objs, strict=True):
                copy.write_row([pk, *[_value(field, obj) for field in fields]])
        _logged(copy_sql, started)
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs


class ParentId:
    """A value of a row inserted with `insert_together`: the primary key its parent row received, or that key
    put into `template` ("sms:{}:received")."""

    def __init__(self, template="{}"):
        self.template = template


def insert_together(parent, children=(), updates=()):
    """Insert the unsaved `parent` and its unsaved `children` — whose fields may hold ParentId() for the parent's
    new primary key — and run `updates` ((sql, params) pairs), all as ONE statement (PostgreSQL's data-modifying
    CTEs): one round trip, atomic without a transaction of its own, so no BEGIN and COMMIT either. Sets the
    primary keys. The foreign keys Django creates are deferred, so a child may name its parent in the same
    statement. Other databases: the plain inserts, in a transaction."""
    children = list(children)
    if connection.vendor != "postgresql":
        with transaction.atomic():
            parent.save(force_insert=True)
            for child in children:
                for field in child._meta.concrete_fields:
                    value = getattr(child, field.attname, None)
                    if isinstance(value, ParentId):
                        setattr(child, field.attname, value.template.format(parent.pk)
                                if value.template != "{}" else parent.pk)
                child.save(force_insert=True)
            with connection.cursor() as cursor:
                for sql, params in updates:
                    cursor.execute(sql, params)
        return parent
    quote = connection.ops.quote_name
    parts, params = [], []

    def values_of(obj):
        fields = [f for f in obj._meta.concrete_fields if not f.primary_key]
        holders = []
        for field in fields:
            value = getattr(obj, field.attname, None)
            if isinstance(value, ParentId):
                if value.template == "{}":
                    holders.append("(SELECT id FROM parent)")
                else:
                    holders.append("replace(%s, '{}', (SELECT id FROM parent)::text)")
                    params.append(value.template)
                continue
            holders.append("%s")
            params.append(field.get_db_prep_save(field.pre_save(obj, add=True), connection))
        return (f"INSERT INTO {quote(obj._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
                f"VALUES ({', '.join(holders)}) RETURNING {quote(obj._meta.pk.column)}")

    parts.append(f"parent AS ({values_of(parent)})")
    for index, child in enumerate(children):
        parts.append(f"child{index} AS ({values_of(child)})")
    for index, (sql, update_params) in enumerate(updates):
        parts.append(f"update{index} AS ({sql})")
        params.extend(update_params)
    selected = ", ".join(["(SELECT id FROM parent)", *(f"(SELECT id FROM child{i})" for i in range(len(children)))])
    statement = f"WITH {', '.join(parts)} SELECT {selected}"
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        ids = cursor.fetchone()
    for obj, pk in zip([parent, *children], ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
    for child in children:
        for field in child._meta.concrete_fields:
            value = getattr(child, field.attname, None)
            if isinstance(value, ParentId):
                setattr(child, field.attname, value.template.format(parent.pk) if value.template != "{}"
                        else parent.pk)
    return parent
