import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Single-column indexes that are the first column of a composite index on the same table:
# the composite serves every look-up on that column (feeds, a person's posts, the cascades
# of a delete), so the single one only costs a b-tree written per imported row.
PREFIX_INDEXES = [("Post", "community"), ("Post", "author"), ("Comment", "post")]


def _single_column_indexes(schema_editor, model, column):
    with schema_editor.connection.cursor() as cursor:
        constraints = schema_editor.connection.introspection.get_constraints(
            cursor, model._meta.db_table
        )
    return [
        name
        for name, info in constraints.items()
        if info["index"] and not info["unique"] and info["columns"] == [column]
    ]


def drop_prefix_indexes(apps, schema_editor):
    # Only the indexes go: ``AlterField`` would copy the whole table on SQLite to do it.
    for model_name, field_name in PREFIX_INDEXES:
        model = apps.get_model("content", model_name)
        column = model._meta.get_field(field_name).column
        for name in _single_column_indexes(schema_editor, model, column):
            schema_editor.execute(schema_editor._delete_index_sql(model, name))


def create_prefix_indexes(apps, schema_editor):
    for model_name, field_name in PREFIX_INDEXES:
        model = apps.get_model("content", model_name)
        field = model._meta.get_field(field_name)
        if not _single_column_indexes(schema_editor, model, field.column):
            schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0003_clock_defaults"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="post",
                    name="community",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        help_text="Empty for a post on the author's profile.",
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="posts",
                        to="communities.community",
                        verbose_name="community",
                    ),
                ),
                migrations.AlterField(
                    model_name="post",
                    name="author",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="posts",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="comment",
                    name="post",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="comments",
                        to="content.post",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_prefix_indexes, create_prefix_indexes)],
        ),
    ]
