"""The ``statecore_django`` application: add it to ``INSTALLED_APPS``."""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec

from django.apps import AppConfig


class StatecoreConfig(AppConfig):
    """Application config of ``statecore_django``: registers the system checks when ready.

    .. versionadded:: 0.1
    """

    name = "statecore_django"
    label = "statecore_django"
    verbose_name = "statecore"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Import the system checks so that Django registers them."""
        if find_spec("statecore_django.checks") is not None:
            import_module("statecore_django.checks")
