import django.db.models.deletion
from django.db import migrations, models


def _run_indexes(schema_editor, model):
    with schema_editor.connection.cursor() as cursor:
        constraints = schema_editor.connection.introspection.get_constraints(
            cursor, model._meta.db_table
        )
    return [
        name
        for name, info in constraints.items()
        if info["index"] and not info["unique"] and info["columns"] == ["run_id"]
    ]


def drop_run_index(apps, schema_editor):
    # Only the index goes: ``AlterField`` would copy the whole table on SQLite to do it.
    model = apps.get_model("exchange", "ImportedRecord")
    for name in _run_indexes(schema_editor, model):
        schema_editor.execute(schema_editor._delete_index_sql(model, name))


def create_run_index(apps, schema_editor):
    model = apps.get_model("exchange", "ImportedRecord")
    if not _run_indexes(schema_editor, model):
        field = model._meta.get_field("run")
        schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))


class Migration(migrations.Migration):

    dependencies = [
        ('exchange', '0002_importrun_trust_roles'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='importedrecord',
                    name='run',
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='exchange.importrun'),
                ),
            ],
            database_operations=[migrations.RunPython(drop_run_index, create_run_index)],
        ),
    ]
