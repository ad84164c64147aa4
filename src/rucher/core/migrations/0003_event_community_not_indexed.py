from django.db import migrations, models


def _community_indexes(schema_editor, model):
    with schema_editor.connection.cursor() as cursor:
        constraints = schema_editor.connection.introspection.get_constraints(
            cursor, model._meta.db_table
        )
    return [
        name
        for name, info in constraints.items()
        if info["index"] and not info["unique"] and info["columns"] == ["community_id"]
    ]


def drop_community_index(apps, schema_editor):
    # Only the index goes: ``AlterField`` would copy the whole event log on SQLite to do it.
    model = apps.get_model("core", "Event")
    for name in _community_indexes(schema_editor, model):
        schema_editor.execute(schema_editor._delete_index_sql(model, name))


def create_community_index(apps, schema_editor):
    model = apps.get_model("core", "Event")
    if not _community_indexes(schema_editor, model):
        field = model._meta.get_field("community_id")
        schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_periodic_run"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="event",
                    name="community_id",
                    field=models.BigIntegerField(blank=True, null=True, verbose_name="community"),
                ),
            ],
            database_operations=[
                migrations.RunPython(drop_community_index, create_community_index)
            ],
        ),
    ]
