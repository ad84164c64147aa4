"""Schema operations shared by several apps' migrations.

Imported by migrations: keep what is here stable, a change rewrites history.
"""

from collections.abc import Sequence

from django.db import migrations


def _single_column_indexes(schema_editor, model, column: str) -> list[str]:
    """Names of the plain (non-unique) indexes on exactly ``column`` of ``model``'s table."""
    with schema_editor.connection.cursor() as cursor:
        constraints = schema_editor.connection.introspection.get_constraints(
            cursor, model._meta.db_table
        )
    return [
        name
        for name, info in constraints.items()
        if info["index"] and not info["unique"] and info["columns"] == [column]
    ]


def single_column_indexes_dropped(
    app_label: str, fields: Sequence[tuple[str, str]]
) -> migrations.RunPython:
    """Drop the single-column index of each ``(model name, field name)``; reversible.

    Only the indexes go, found by introspection whatever their generated names: an
    ``AlterField`` to ``db_index=False`` would copy the whole table on SQLite to do the same.
    Pair it with the ``AlterField`` state operations in a ``SeparateDatabaseAndState``.
    """

    def drop(apps, schema_editor):
        for model_name, field_name in fields:
            model = apps.get_model(app_label, model_name)
            column = model._meta.get_field(field_name).column
            for name in _single_column_indexes(schema_editor, model, column):
                schema_editor.execute(schema_editor._delete_index_sql(model, name))

    def create(apps, schema_editor):
        for model_name, field_name in fields:
            model = apps.get_model(app_label, model_name)
            field = model._meta.get_field(field_name)
            if not _single_column_indexes(schema_editor, model, field.column):
                schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))

    return migrations.RunPython(drop, create)
