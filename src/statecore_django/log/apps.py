"""The ``statecore_log`` application (``statecore_django.log``)."""

from __future__ import annotations

from django.apps import AppConfig


class TransitionLogConfig(AppConfig):
    """Application config of the ready transition log (label ``statecore_log``).

    .. versionadded:: 0.1
    """

    name = "statecore_django.log"
    label = "statecore_log"
    verbose_name = "transition log"
    default_auto_field = "django.db.models.BigAutoField"
