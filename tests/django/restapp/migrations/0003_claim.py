from django.db import migrations, models

import statecore_django.fields


class Migration(migrations.Migration):
    dependencies = [("restapp", "0002_expense")]

    operations = [
        migrations.CreateModel(
            name="Claim",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("state", statecore_django.fields.StateField(default="draft", max_length=32)),
                ("state_held_from", models.CharField(blank=True, default="", max_length=32)),
                ("note", models.CharField(blank=True, default="", max_length=100)),
            ],
            options={"permissions": (("approve_claim", "Can approve claims"),)},
        ),
    ]
