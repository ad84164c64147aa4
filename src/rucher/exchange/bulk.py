"""Plain inserts in bulk for the importer, without ``bulk_create``'s per-row SQL compiling.

``insert(Model, rows)`` writes unsaved model instances whose primary key is an automatic
field, and sets their primary keys, like ``bulk_create`` (no signals, no many-to-many). The
values go through each field's ``pre_save`` and ``get_db_prep_save``, as with the ORM.

Ids: on SQLite each row is inserted with the driver's cursor and its ``lastrowid`` read (the
database assigns the id, so nothing can collide; the statement is prepared once and cached by
``sqlite3``). On PostgreSQL the ids are taken from the table's sequence first
(``nextval`` × n, safe with concurrent writers) and the rows written with ``executemany``.
Other databases fall back to ``bulk_create``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections, models, router


def insert(model: type[models.Model], rows: Sequence[models.Model]) -> None:
    if not rows:
        return
    meta = model._meta
    pk = meta.pk
    alias = router.db_for_write(model)
    connection = connections[alias]
    if (
        connection.vendor not in {"sqlite", "postgresql"}
        or pk is None
        or not isinstance(pk, models.AutoField | models.BigAutoField | models.SmallAutoField)
        or meta.parents
        or any(row.pk is not None for row in rows)
    ):
        model._default_manager.using(alias).bulk_create(rows, batch_size=500)
        return
    fields = [f for f in meta.concrete_fields if f is not pk]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = [quote(_column(f)) for f in fields]
    plain = [_plain_type(f) for f in fields]
    values = []
    for row in rows:
        row._prepare_related_fields_for_save(operation_name="insert")  # type: ignore[attr-defined]
        params = []
        for f, kind in zip(fields, plain, strict=True):
            value = f.pre_save(row, True)
            # An int for an integer column, a str for a text one, or None: the ORM's preparation
            # would return the value unchanged, so it is skipped (it is most of the cost).
            if kind is None or (value is not None and type(value) is not kind):
                value = f.get_db_prep_save(value, connection)
            params.append(value)
        values.append(params)
    if connection.vendor == "sqlite":
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(fields))})"
        connection.ensure_connection()
        cursor = connection.connection.cursor()
        try:
            for row, params in zip(rows, values, strict=True):
                cursor.execute(sql, params)
                row.pk = cursor.lastrowid
        finally:
            cursor.close()
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, pk.column, len(rows)],
            )
            ids = [pk_value for (pk_value,) in cursor.fetchall()]
            sql = (
                f"INSERT INTO {table} ({quote(_column(pk))}, {', '.join(columns)}) "
                f"VALUES ({', '.join(['%s'] * (len(fields) + 1))})"
            )
            cursor.executemany(sql, [[i, *params] for i, params in zip(ids, values, strict=True)])
        for row, pk_value in zip(rows, ids, strict=True):
            row.pk = pk_value
    for row in rows:
        row._state.adding = False
        row._state.db = alias


def executemany(model: type[models.Model], sql: str, params: Sequence[Sequence[Any]]) -> None:
    """Run ``sql`` (``%s`` placeholders) once per parameter row, on the model's database."""
    if not params:
        return
    connection = connections[router.db_for_write(model)]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def update(model: type[models.Model], rows: Sequence[models.Model], names: Sequence[str]) -> None:
    """Like ``bulk_update(rows, names)``: one ``UPDATE ... WHERE pk`` per row, executed many."""
    if not rows:
        return
    meta = model._meta
    assert meta.pk is not None
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    fields = [field for name in names if isinstance(field := meta.get_field(name), models.Field)]
    assert len(fields) == len(names)
    assignments = ", ".join(f"{quote(_column(f))} = %s" for f in fields)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(_column(meta.pk))} = %s"
    params = [
        [f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields] + [row.pk]
        for row in rows
    ]
    executemany(model, sql, params)


def _column(field: models.Field[Any, Any]) -> str:
    assert field.column is not None
    return field.column


_INTEGERS = (
    models.IntegerField,
    models.BigIntegerField,
    models.SmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveBigIntegerField,
    models.PositiveSmallIntegerField,
    models.AutoField,
    models.BigAutoField,
    models.SmallAutoField,
)
_TEXTS = (models.CharField, models.TextField, models.SlugField, models.EmailField)


def _plain_type(field: models.Field[Any, Any]) -> type | None:
    """The Python type whose values this field stores as they are (Django's own classes only:
    a subclass may prepare values its own way)."""
    target: Any = field
    if type(field) is models.ForeignKey:
        target = field.target_field
    if type(target) in _INTEGERS:
        return int
    if type(target) in _TEXTS:
        return str
    if type(target) is models.BooleanField:
        return bool
    return None
