"""Settings of ``statecore_django``, read lazily (at use, never at import).

``STATECORE_LOG_MODEL``
    The ``"app_label.ModelName"`` of the transition log used by workflows that do not set
    ``log_model``; ``None`` disables logging. Default: ``"statecore_log.TransitionLog"``
    when ``statecore_django.log`` is installed, else ``None``.

``STATECORE_LOCKING``
    The locking mode of workflows that do not set ``locking``: ``"none"``,
    ``"optimistic"`` or ``"pessimistic"``. Default: ``"optimistic"``, which costs no extra
    statement and never lets two writers both apply a transition from the same state.
"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings

LOG_APP = "statecore_django.log"
DEFAULT_LOG_MODEL = "statecore_log.TransitionLog"
LOCKING_MODES = ("none", "optimistic", "pessimistic")


def log_model_label() -> str | None:
    """Return the default log model label (``STATECORE_LOG_MODEL``), or None for no log."""
    missing = object()
    value = getattr(settings, "STATECORE_LOG_MODEL", missing)
    if value is missing:
        return DEFAULT_LOG_MODEL if apps.is_installed(LOG_APP) else None
    return value  # type: ignore[return-value]


def locking() -> str:
    """Return the default locking mode (``STATECORE_LOCKING``, default ``"optimistic"``)."""
    return getattr(settings, "STATECORE_LOCKING", "optimistic")
