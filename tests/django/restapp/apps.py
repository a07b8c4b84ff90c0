"""The REST test app."""

from __future__ import annotations

from django.apps import AppConfig


class RestAppConfig(AppConfig):
    name = "tests.django.restapp"
    label = "restapp"
    default_auto_field = "django.db.models.BigAutoField"
