"""The ``xworkflow_log_transitionlog`` table, as django_xworkflows' first migration made it.

A project that ran django_xworkflows' migration has this one recorded as applied (same
app label and name): its table and rows are used as they are.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

USER_MODEL = getattr(settings, "XWORKFLOWS_USER_MODEL", settings.AUTH_USER_MODEL)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="TransitionLog",
            fields=[
                (
                    "id",
                    models.AutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "transition",
                    models.CharField(db_index=True, max_length=255, verbose_name="transition"),
                ),
                (
                    "from_state",
                    models.CharField(db_index=True, max_length=255, verbose_name="from state"),
                ),
                (
                    "to_state",
                    models.CharField(db_index=True, max_length=255, verbose_name="to state"),
                ),
                (
                    "timestamp",
                    models.DateTimeField(
                        db_index=True,
                        default=django.utils.timezone.now,
                        verbose_name="performed at",
                    ),
                ),
                (
                    "content_id",
                    models.PositiveIntegerField(
                        blank=True, db_index=True, null=True, verbose_name="Content id"
                    ),
                ),
                (
                    "content_type",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        to="contenttypes.contenttype",
                        verbose_name="Content type",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        to=USER_MODEL,
                        verbose_name="author",
                    ),
                ),
            ],
            options={
                "verbose_name": "XWorkflow transition log",
                "verbose_name_plural": "XWorkflow transition logs",
                "ordering": ("-timestamp", "transition"),
                "abstract": False,
            },
        ),
    ]
