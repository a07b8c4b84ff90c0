"""The ``statecore_definitions`` application (``statecore_django.definitions``)."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DefinitionsConfig(AppConfig):
    """Application config of database-defined workflows (label ``statecore_definitions``).

    .. versionadded:: 0.1
    """

    name = "statecore_django.definitions"
    label = "statecore_definitions"
    verbose_name = _("workflow definitions")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Register the system checks of stored definitions."""
        from . import checks  # noqa: F401
