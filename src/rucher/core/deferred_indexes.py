"""Indexes set aside while a job fills tables in bulk, and built again at its end.

Rows inserted in no particular order into a large index land on pages all over it, and every
commit writes each page it changed again (SQLite's write-ahead log; PostgreSQL's too): an
import of 1,000,000 records wrote 13.6 GB for a database of 548 MB, most of it pages of
indexes. Building an index once at the end sorts its rows instead (a few seconds for all
of them). Only plain indexes are set aside: unique ones and constraints stay, since they
decide what may be written, and so do the indexes a job reads through.

A job that sets indexes aside holds a ``core.process_lock`` for its whole run, so that a
periodic job builds again what a job killed half-way left, and only then.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models import Model

from rucher.core.process_lock import ProcessLock

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Index:
    model: type[Model]
    name: str
    create_sql: str


def plain_indexes(model: type[Model], *, declared_only: bool = False) -> list[Index]:
    """The indexes Django makes for ``model`` that enforce nothing: those of ``Meta.indexes``
    and, unless ``declared_only``, those of fields with ``db_index`` (foreign keys)."""
    editor = _editor()
    if declared_only:
        statements = [index.create_sql(model, editor) for index in model._meta.indexes]
    else:
        # What ``create_model`` runs after the table: field indexes and ``Meta.indexes``
        # (unique ones are part of the table). Not in the stubs, stable since Django 1.11.
        statements = editor._model_indexes_sql(model)  # type: ignore[attr-defined]
    return [
        Index(model, str(statement.parts["name"]).strip('"'), str(statement))
        for statement in statements
    ]


def present_names(model: type[Model]) -> set[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {name for name, info in constraints.items() if info.get("index")}


def missing(models: Iterable[type[Model]], *, declared_only: bool = False) -> list[Index]:
    found = []
    for model in models:
        present = present_names(model)
        found += [
            index
            for index in plain_indexes(model, declared_only=declared_only)
            if index.name not in present
        ]
    return found


def set_aside(models: Iterable[type[Model]], *, declared_only: bool = False) -> list[str]:
    """Drop the plain indexes of ``models`` that are there; their names."""
    dropped = []
    editor = _editor()
    quote = editor.quote_name
    for model in models:
        present = present_names(model)
        for index in plain_indexes(model, declared_only=declared_only):
            if index.name in present:
                _execute(
                    editor.sql_delete_index
                    % {"table": quote(model._meta.db_table), "name": quote(index.name)}
                )
                dropped.append(index.name)
    return dropped


def build_missing(models: Iterable[type[Model]], *, declared_only: bool = False) -> list[str]:
    """Create the plain indexes of ``models`` that are not there; their names."""
    built = missing(models, declared_only=declared_only)
    for index in built:
        _execute(index.create_sql)
    return [index.name for index in built]


def restore_abandoned(
    lock: ProcessLock,
    models: Iterable[type[Model]],
    *,
    declared_only: bool = False,
    left_by: str,
) -> list[str]:
    """Build the indexes of ``models`` that a job holding ``lock`` set aside and could not
    build again (it was killed, or the machine stopped), unless such a job runs; their names.
    For a periodic job of the worker."""
    with lock.taken() as no_job_running:
        if not no_job_running:
            return []
        built = build_missing(models, declared_only=declared_only)
        if built:
            logger.warning(
                "%d index(es) missing, left by %s that did not end; built again: %s",
                len(built),
                left_by,
                ", ".join(built),
            )
        return built


def _editor() -> BaseDatabaseSchemaEditor:
    """A schema editor for its statements only (see ``_execute``)."""
    editor = connection.schema_editor()
    editor.deferred_sql = []  # what entering it would set
    return editor


def _execute(sql: str) -> None:
    # The statement only, run here: SQLite's schema editor as a context manager refuses to
    # work inside a transaction (the tests, a dry run), which index changes do not need.
    with connection.cursor() as cursor:
        cursor.execute(sql)
