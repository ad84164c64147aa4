import django.db.models.deletion
from django.db import migrations, models

from rucher.core.migration_operations import single_column_indexes_dropped


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0002_importrun_trust_roles"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="importedrecord",
                    name="run",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="exchange.importrun",
                    ),
                ),
            ],
            database_operations=[
                single_column_indexes_dropped("exchange", [("ImportedRecord", "run")])
            ],
        ),
    ]
