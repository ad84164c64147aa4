import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Single-column indexes that are the first column of a composite index on the same table:
# (community, user) is unique and (user, community) indexed, so the two serve every look-up
# on either column (a person's communities, a community's members, the cascades of a
# delete), and the single ones only cost a b-tree written per imported membership.
PREFIX_INDEXES = [("Membership", "community"), ("Membership", "user")]


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
        model = apps.get_model("communities", model_name)
        column = model._meta.get_field(field_name).column
        for name in _single_column_indexes(schema_editor, model, column):
            schema_editor.execute(schema_editor._delete_index_sql(model, name))


def create_prefix_indexes(apps, schema_editor):
    for model_name, field_name in PREFIX_INDEXES:
        model = apps.get_model("communities", model_name)
        field = model._meta.get_field(field_name)
        if not _single_column_indexes(schema_editor, model, field.column):
            schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0004_kind_templates_in_two_languages"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="membership",
                    name="community",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="memberships",
                        to="communities.community",
                    ),
                ),
                migrations.AlterField(
                    model_name="membership",
                    name="user",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="memberships",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_prefix_indexes, create_prefix_indexes)],
        ),
    ]
