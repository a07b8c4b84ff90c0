"""The ``django_fsm_log_statelog`` table as django-fsm-log's migrations leave it.

It stands for django-fsm-log's own migrations (``replaces``): a database where they ran
keeps its table and its history, and migrations that depend on one of them still resolve.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import statecore_django.compat.django_fsm_log.managers


class Migration(migrations.Migration):
    replaces = [
        ("django_fsm_log", "0001_initial"),
        ("django_fsm_log", "0002_auto_20151207_1521"),
        ("django_fsm_log", "0003_statelog_description"),
        ("django_fsm_log", "0004_add_source_state"),
        ("django_fsm_log", "0005_description_null"),
        ("django_fsm_log", "0003_statelog_description_squashed_0005_description_null"),
        ("django_fsm_log", "0004_auto_20190131_0341"),
    ]
    initial = True
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0001_initial"),
    ]
    operations = [
        migrations.CreateModel(
            name="StateLog",
            fields=[
                (
                    "id",
                    models.AutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("timestamp", models.DateTimeField(default=django.utils.timezone.now)),
                ("state", models.CharField(db_index=True, max_length=255, verbose_name="Target state")),
                ("transition", models.CharField(max_length=255)),
                ("object_id", models.PositiveIntegerField(db_index=True)),
                (
                    "by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "content_type",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, to="contenttypes.contenttype"
                    ),
                ),
                ("description", models.TextField(blank=True, null=True)),
                (
                    "source_state",
                    models.CharField(
                        blank=True, db_index=True, default=None, max_length=255, null=True
                    ),
                ),
            ],
            options={"get_latest_by": "timestamp"},
            managers=[
                ("objects", statecore_django.compat.django_fsm_log.managers.StateLogManager()),
            ],
        ),
    ]
