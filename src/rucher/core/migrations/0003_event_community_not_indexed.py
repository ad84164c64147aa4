from django.db import migrations, models

from rucher.core.migration_operations import single_column_indexes_dropped


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
                single_column_indexes_dropped("core", [("Event", "community_id")])
            ],
        ),
    ]
