"""The ``checks_broken`` test app (never in INSTALLED_APPS by default)."""

from __future__ import annotations

from django.apps import AppConfig


class BrokenAppConfig(AppConfig):
    name = "tests.django.checksapp.broken"
    label = "checks_broken"
    default_auto_field = "django.db.models.BigAutoField"
