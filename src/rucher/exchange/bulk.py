"""Plain inserts in bulk for the importer, without the ORM's per-row costs (decision 0009).

``Table(Model, columns).insert(rows)`` writes plain tuples (one value per named column, by
attribute name: ``post_id``, ``created_at``...) and returns the ids it gave them. The other
columns take their field's default, computed once per call (``auto_now_add`` is the time of
the call). Values are converted once per column kind rather than through each field's
``get_db_prep_save``: the ORM's preparation of a model instance was most of an import's time.

Ids are assigned up front, so one statement writes many rows and each caller knows the ids of
its rows without reading them back:

- SQLite: the next id is read inside the import's transaction (``max(id)`` and the table's
  ``sqlite_sequence``), and the rows written by statements of up to 1,000 rows each
  (``INSERT ... VALUES (...), (...)``: one step of SQLite for all of them rather than one per
  row with ``executemany``). Rucher opens SQLite
  transactions with ``BEGIN IMMEDIATE`` (``core.config``), so no other writer can take those
  ids before the commit; were one to, the insert fails on the primary key and the importer's
  batch falls back to record by record — never a wrong row.
- PostgreSQL: the ids are taken from the table's sequence (``nextval`` × n, safe with
  concurrent writers) and the rows written with ``COPY``.

``insert(Model, instances)`` (model instances, ids set on them) remains for the rarely used
kinds of records, and ``update`` / ``executemany`` for the few updates an import makes.
"""

from __future__ import annotations

import datetime
import itertools
import json
from _json import make_encoder
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from rucher.core import many_rows

Convert = Callable[[Any], Any]
_UTC = datetime.UTC


# The texts of the datetimes written lately, for those in UTC, at a fixed offset (what an
# import parses) or naive. A record's time is written twice or more (its row, its event, the
# post a comment moves forward), and formatting it was 7 % of an import; a look-up of a
# datetime seen before costs a twentieth of that (its hash is kept on it).
_texts: dict[datetime.datetime, str] = {}
_TEXTS_KEPT = 50_000  # then emptied: a cache, bounded whatever the file's size


def _sqlite_datetime(value: Any) -> Any:
    # What Django's SQLite backend stores with USE_TZ: naive UTC text, "YYYY-MM-DD HH:MM:SS[.f]".
    if type(value) is not datetime.datetime:
        return value
    if value.tzinfo is not None and type(value.tzinfo) is not datetime.timezone:
        # A zone with summer time: two moments an hour apart in the autumn's repeated hour
        # are equal as keys (same zone, same wall time) but not as UTC texts.
        return _utc_text(value)
    text = _texts.get(value)
    if text is None:
        text = _utc_text(value)
        if len(_texts) >= _TEXTS_KEPT:
            _texts.clear()
        _texts[value] = text
    return text


def _utc_text(value: datetime.datetime) -> str:
    if value.tzinfo is _UTC:  # parsed "...Z" and ``timezone.now()``: cut the "+00:00"
        return value.isoformat(" ")[:-6]
    if value.tzinfo is not None:
        value = value.astimezone(_UTC).replace(tzinfo=None)
    return value.isoformat(" ")


def datetime_to_db(connection: BaseDatabaseWrapper) -> Convert:
    """How ``Table`` gives a datetime to ``connection``'s driver (for the importer's updates)."""
    return _sqlite_datetime if connection.vendor == "sqlite" else _as_is


def _as_is(value: Any) -> Any:
    return value


def _iso(value: Any) -> Any:
    return value if value is None or isinstance(value, str) else value.isoformat()


def _not_json(value: Any) -> Any:
    raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")


# The C encoder that ``json.dumps`` builds on each call (with its default settings, so the
# text is the same), built once: a third of the cost of a small payload.
_encode_json = make_encoder(
    None, _not_json, json.encoder.encode_basestring_ascii, None, ": ", ", ", False, False, True
)


def _json_text(value: Any) -> Any:
    return None if value is None else "".join(_encode_json(value, 0))


class Table:
    """Inserts plain tuples into one model's table; ``insert`` returns the new ids in order."""

    def __init__(self, model: type[models.Model], columns: Sequence[str]) -> None:
        meta = model._meta
        pk = meta.pk
        if not isinstance(pk, models.AutoField | models.BigAutoField | models.SmallAutoField):
            raise TypeError(f"{model.__name__}: only tables with an automatic id")
        self.model = model
        self.alias = router.db_for_write(model)
        self.connection = connections[self.alias]
        if self.connection.vendor not in {"sqlite", "postgresql"}:
            raise TypeError(f"bulk.Table does not support {self.connection.vendor}")
        self.pk_column = _column(pk)
        by_attname = {f.attname: f for f in meta.concrete_fields if f is not pk}
        unknown = [name for name in columns if name not in by_attname]
        if unknown:
            raise ValueError(f"{model.__name__} has no column {', '.join(unknown)}")
        self.given = [by_attname[name] for name in columns]
        self.defaulted = [f for f in by_attname.values() if f.attname not in set(columns)]
        self.converters = [self._converter(f) for f in self.given]
        self.width = len(self.given)
        quote = self.connection.ops.quote_name
        names = [quote(self.pk_column)] + [
            quote(_column(f)) for f in [*self.given, *self.defaulted]
        ]
        self.table = quote(meta.db_table)
        self.columns_sql = ", ".join(names)

    def _converter(self, field: models.Field[Any, Any]) -> Convert | None:
        """None when the driver takes the Python value as it is."""
        target: Any = field.target_field if isinstance(field, models.ForeignKey) else field
        sqlite = self.connection.vendor == "sqlite"
        if isinstance(target, models.DateTimeField):
            return _sqlite_datetime if sqlite else None
        if isinstance(target, models.DateField):
            return _iso if sqlite else None
        if isinstance(target, models.JSONField):
            if target.encoder is not None:
                return lambda value: field.get_db_prep_save(value, self.connection)
            return _json_text
        if type(target) in _PLAIN:
            return None
        return lambda value: field.get_db_prep_save(value, self.connection)

    def _defaults(self) -> list[Any]:
        values = []
        now = timezone.now()
        for f in self.defaulted:
            if isinstance(f, models.DateField) and (f.auto_now or f.auto_now_add):
                value: Any = now if isinstance(f, models.DateTimeField) else now.date()
            else:
                value = f.get_default()
            values.append(f.get_db_prep_save(value, self.connection))
        return values

    def insert(
        self,
        rows: Sequence[Sequence[Any]],
        *,
        with_ids: Callable[[list[int]], None] | None = None,
    ) -> list[int]:
        """Write ``rows``; ``with_ids(ids)`` is called first, when the ids are known and the
        rows not read yet (a row may then refer to another of the same call)."""
        if not rows:
            return []
        ids = self._ids(len(rows))
        if with_ids is not None:
            with_ids(ids)
        # Column by column: one ``map`` per converted column, and the rows put together by
        # ``zip`` (in C) rather than a Python loop over each row's values.
        columns: list[Iterable[Any]] = list(zip(*rows, strict=True))
        if len(columns) != self.width:
            raise ValueError(f"{self.model.__name__}: rows of {self.width} values expected")
        for index, convert in enumerate(self.converters):
            if convert is not None:
                columns[index] = map(convert, columns[index])
        defaults = [itertools.repeat(value) for value in self._defaults()]
        prepared = zip(ids, *columns, *defaults, strict=False)  # the defaults repeat endlessly
        if self.connection.vendor == "sqlite":
            self._sqlite_write(prepared)
        else:
            with self.connection.cursor() as wrapper:
                raw = wrapper.cursor
                with raw.copy(f"COPY {self.table} ({self.columns_sql}) FROM STDIN") as copy:
                    for values in prepared:
                        copy.write_row(values)
        return ids

    def _sqlite_write(self, prepared: Iterable[tuple[Any, ...]]) -> None:
        """Many rows per statement: SQLite steps once for all of them, where ``executemany``
        stepped, reset and bound a statement per row (the inserts are about 40 % of an
        import)."""
        cursor = self.connection.connection.cursor()
        try:
            for sql, values in many_rows.statements(
                f"INSERT INTO {self.table} ({self.columns_sql}) VALUES",
                prepared,
                width=1 + self.width + len(self.defaulted),
                mark="?",
                parameter_limit=self.connection.features.max_query_params,
            ):
                cursor.execute(sql, values)
        finally:
            cursor.close()

    def _ids(self, number: int) -> list[int]:
        self.connection.ensure_connection()
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "sqlite":
                cursor.execute(f"SELECT max({self.pk_column}) FROM {self.table}")
                (highest,) = cursor.fetchone()
                # AUTOINCREMENT (Django's choice on SQLite) never gives an id twice, even
                # after the row with the highest one was deleted: neither do we.
                cursor.execute(
                    "SELECT seq FROM sqlite_sequence WHERE name = %s", [self.model._meta.db_table]
                )
                sequence = cursor.fetchone()
                start = max(highest or 0, sequence[0] if sequence else 0) + 1
                return list(range(start, start + number))
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [self.model._meta.db_table, self.pk_column, number],
            )
            return [pk_value for (pk_value,) in cursor.fetchall()]


_PLAIN = (
    models.IntegerField,
    models.BigIntegerField,
    models.SmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveBigIntegerField,
    models.PositiveSmallIntegerField,
    models.AutoField,
    models.BigAutoField,
    models.SmallAutoField,
    models.CharField,
    models.TextField,
    models.SlugField,
    models.EmailField,
    models.BooleanField,
)


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
