from django.conf import settings
from django.db import migrations, models
import django.db.models.deletion
import django.utils.timezone


def record_prices(apps, schema_editor):
    """Give generations logged before prices were recorded their model's price as it is configured now."""
    from generation.pricing import price_per_mtok

    Generation = apps.get_model("generation", "Generation")
    for model in Generation.objects.values_list("model", flat=True).distinct().order_by():
        input_price, output_price = price_per_mtok(model)
        Generation.objects.filter(model=model).update(
            input_price_per_mtok=input_price, output_price_per_mtok=output_price
        )


class Migration(migrations.Migration):

    dependencies = [
        ("generation", "0002_document_version"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="generation",
            name="input_price_per_mtok",
            field=models.DecimalField(decimal_places=4, max_digits=10, null=True),
        ),
        migrations.AddField(
            model_name="generation",
            name="output_price_per_mtok",
            field=models.DecimalField(decimal_places=4, max_digits=10, null=True),
        ),
        # Elidable: it only fills rows that existed before; a new database (or a squash) has none.
        migrations.RunPython(record_prices, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="generation",
            name="input_price_per_mtok",
            field=models.DecimalField(
                decimal_places=4, help_text="USD per million input tokens of the model at the time.", max_digits=10
            ),
        ),
        migrations.AlterField(
            model_name="generation",
            name="output_price_per_mtok",
            field=models.DecimalField(
                decimal_places=4, help_text="USD per million output tokens of the model at the time.", max_digits=10
            ),
        ),
        migrations.CreateModel(
            name="LimitHit",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="limit_hits",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at"],
                "indexes": [
                    models.Index(fields=["created_at"], name="limithit_created_at_idx"),
                    models.Index(fields=["user", "created_at"], name="limithit_user_created_at_idx"),
                ],
            },
        ),
    ]
