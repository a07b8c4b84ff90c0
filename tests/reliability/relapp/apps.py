"""Application config of the battery's models."""

from __future__ import annotations

from django.apps import AppConfig


class RelappConfig(AppConfig):
    """The ``relapp`` application."""

    name = "tests.reliability.relapp"
    label = "relapp"
    default_auto_field = "django.db.models.BigAutoField"
