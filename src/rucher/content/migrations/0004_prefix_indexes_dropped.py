import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from rucher.core.migration_operations import single_column_indexes_dropped

# Single-column indexes that are the first column of a composite index on the same table:
# the composite serves every look-up on that column (feeds, a person's posts, the cascades
# of a delete), so the single one only costs a b-tree written per imported row.
PREFIX_INDEXES = [("Post", "community"), ("Post", "author"), ("Comment", "post")]


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
            database_operations=[single_column_indexes_dropped("content", PREFIX_INDEXES)],
        ),
    ]
