"""Drop four indexes of Generation that no query needs, so each generation writes fewer.

user_id and team_id lead the (user, -created_at) and (team, -created_at) indexes, which serve every
lookup by either; status is always queried together with an owner or a created_at range, and with
no index on it the commit's UPDATE can be a HOT update. The indexes are dropped by name rather than
by AlterField, which would also drop and re-validate both foreign keys (a scan of the whole table).
The names are the ones Django gave them in 0001 on every database.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

DROPPED_INDEXES = {
    "generation_generation_status_684fb6cc": "status",
    "generation_generation_team_id_881d6924": "team_id",
    "generation_generation_user_id_516bb6c8": "user_id",
}


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_user_brand_voice"),
        ("generation", "0004_generation_parent_hidden"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunSQL(
            # The LIKE companion of the status index exists on PostgreSQL only; not re-created on the way
            # back, as nothing queries status with LIKE.
            sql=[
                "DROP INDEX IF EXISTS generation_generation_status_684fb6cc_like",
                *(f"DROP INDEX IF EXISTS {name}" for name in DROPPED_INDEXES),
            ],
            reverse_sql=[
                f"CREATE INDEX IF NOT EXISTS {name} ON generation_generation ({column})"
                for name, column in DROPPED_INDEXES.items()
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="generation",
                    name="status",
                    field=models.CharField(
                        choices=[("pending", "Pending"), ("completed", "Completed"), ("failed", "Failed")],
                        default="pending",
                        max_length=10,
                    ),
                ),
                migrations.AlterField(
                    model_name="generation",
                    name="team",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="generations",
                        to="accounts.team",
                    ),
                ),
                migrations.AlterField(
                    model_name="generation",
                    name="user",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="generations",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            # A database made from the final state never had these indexes.
            elidable=True,
        ),
    ]
