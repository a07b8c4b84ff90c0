"""The ``checksapp`` test app."""

from __future__ import annotations

from django.apps import AppConfig


class ChecksAppConfig(AppConfig):
    name = "tests.django.checksapp"
    label = "checksapp"
    default_auto_field = "django.db.models.BigAutoField"
