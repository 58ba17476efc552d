"""Fast inserts of many rows (seeding, storing a computation's results) without building one
model instance per row.

:func:`insert_rows` takes plain tuples in the order of ``fields`` and writes them with the
backend's bulk path: ``COPY … FROM STDIN`` on PostgreSQL (psycopg 3), ``executemany`` in large
batches elsewhere (SQLite). Values must already be what the column stores: ``None`` for NULL,
numbers, strings, aware datetimes, primary keys for foreign keys (``region_id``); a dict or a
list for a JSON field is serialised here. Model defaults, ``auto_now`` and signals do not apply:
the caller passes every column it wants set and every NOT NULL column. Call it inside
``transaction.atomic`` so a failure leaves nothing behind.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connections, models, router

#: rows per ``executemany`` call on backends without COPY (SQLite)
BATCH_SIZE = 20000


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert ``rows`` (tuples in the order of ``fields``, model field names such as
    ``computation`` or ``computation_id`` for a foreign key) into ``model``'s table; returns the
    number of rows written."""
    meta = model._meta
    columns = [meta.get_field(name).column for name in fields]
    connection = connections[router.db_for_write(model)]
    converters: list[tuple[int, Callable[[Any], Any]]] = []
    for i, name in enumerate(fields):
        field = meta.get_field(name)
        if isinstance(field, models.JSONField):
            converters.append((i, json.dumps))
        elif isinstance(field, models.DateTimeField) and connection.vendor != "postgresql":
            # SQLite stores Django's own text form (naive UTC); psycopg adapts datetimes itself
            converters.append((i, _cached(connection.ops.adapt_datetimefield_value)))
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    column_list = ", ".join(quote(c) for c in columns)

    def prepared(row: Sequence[Any]) -> Sequence[Any]:
        if not converters:
            return row
        out = list(row)
        for i, convert in converters:
            if out[i] is not None:
                out[i] = convert(out[i])
        return out

    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(prepared(row))
                    count += 1
            return count
        sql = f"INSERT INTO {table} ({column_list}) VALUES ({', '.join(['%s'] * len(columns))})"
        batch: list[Sequence[Any]] = []
        for row in rows:
            batch.append(prepared(row))
            if len(batch) >= BATCH_SIZE:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _cached(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``convert`` remembered per value (a seed writes one timestamp on every row)."""
    seen: dict[Any, Any] = {}

    def cached(value: Any) -> Any:
        if value not in seen:
            seen[value] = convert(value)
        return seen[value]

    return cached
