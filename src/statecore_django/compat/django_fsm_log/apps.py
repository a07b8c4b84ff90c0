"""Application config of the django-fsm-log layer (label ``django_fsm_log``)."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core import checks


class DjangoFsmLogConfig(AppConfig):
    """Connects the log writer to ``post_transition`` when Django starts.

    .. versionadded:: 0.1
    """

    name = "statecore_django.compat.django_fsm_log"
    label = "django_fsm_log"
    verbose_name = "Django FSM Log"
    default_auto_field = "django.db.models.AutoField"
    default = True

    def ready(self) -> None:
        """Log every transition; check the storage setting."""
        from ..django_fsm.signals import post_transition
        from .backends import log_transition

        post_transition.connect(log_transition, dispatch_uid="statecore_django.django_fsm_log")
        checks.register(_check_storage)


_SIMPLE = (
    "django_fsm_log.backends.SimpleBackend",
    "statecore_django.compat.django_fsm_log.backends.SimpleBackend",
)


def _check_storage(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from django.conf import settings

    method = getattr(settings, "DJANGO_FSM_LOG_STORAGE_METHOD", _SIMPLE[0])
    if method in _SIMPLE:
        return []
    return [
        checks.Error(
            f"DJANGO_FSM_LOG_STORAGE_METHOD = {method!r} is not supported",
            hint="remove the setting: logs are written by the simple backend, and in the "
            "transition's transaction with FSMField(atomic=True)",
            id="django_fsm_log.E001",
        )
    ]
