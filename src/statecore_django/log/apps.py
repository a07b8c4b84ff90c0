"""The ``statecore_log`` application (``statecore_django.log``)."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransitionLogConfig(AppConfig):
    """Application config of the ready transition log (label ``statecore_log``).

    .. versionadded:: 0.1
    """

    name = "statecore_django.log"
    label = "statecore_log"
    verbose_name = _("transition log")
    default_auto_field = "django.db.models.BigAutoField"
