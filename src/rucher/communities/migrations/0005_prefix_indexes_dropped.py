import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from rucher.core.migration_operations import single_column_indexes_dropped

# Single-column indexes that are the first column of a composite index on the same table:
# (community, user) is unique and (user, community) indexed, so the two serve every look-up
# on either column (a person's communities, a community's members, the cascades of a
# delete), and the single ones only cost a b-tree written per imported membership.
PREFIX_INDEXES = [("Membership", "community"), ("Membership", "user")]


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
            database_operations=[single_column_indexes_dropped("communities", PREFIX_INDEXES)],
        ),
    ]
