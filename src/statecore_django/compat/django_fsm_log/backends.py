"""How log rows are written: at once from ``post_transition``, or cached in between.

``DJANGO_FSM_LOG_STORAGE_METHOD`` picks the backend (read when Django starts):
`SimpleBackend` (the default) writes the row from ``post_transition``; `CachedBackend`
builds it from ``pre_transition`` and keeps it in the cache until ``post_transition``
saves it. django-fsm-log's dotted paths (``django_fsm_log.backends.SimpleBackend``)
name these classes.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from .helpers import FSMLogDescriptor

__all__ = ["BaseBackend", "CachedBackend", "SimpleBackend", "backend", "log_transition"]

_PEER_PREFIX = "django_fsm_log."


def qualified_name(model: type) -> str:
    """``module.QualifiedName`` of a model, as ``DJANGO_FSM_LOG_IGNORED_MODELS`` lists it."""
    return f"{model.__module__}.{getattr(model, '__qualname__', model.__name__)}"


def _write(sender: type, instance: Any, name: str, source: Any, target: Any, manager: Any) -> None:
    if target is None:
        return
    if qualified_name(sender) in getattr(settings, "DJANGO_FSM_LOG_IGNORED_MODELS", ()):
        return
    values: dict[str, Any] = {
        "source_state": source,
        "state": target,
        "transition": name,
        "content_object": instance,
    }
    for attribute in ("by", "description"):
        with contextlib.suppress(AttributeError):
            values[attribute] = FSMLogDescriptor(instance, attribute).get()
    manager.create(**values)


def log_transition(
    sender: type, instance: Any, name: str, source: Any, target: Any, **kwargs: Any
) -> None:
    """Write the ``StateLog`` row of a transition (a ``post_transition`` receiver)."""
    from .models import StateLog

    _write(sender, instance, name, source, target, StateLog.objects)


class BaseBackend:
    """What a storage backend provides.

    .. versionadded:: 0.1
    """

    @staticmethod
    def setup_model(model: type) -> None:
        """Prepare the ``StateLog`` model when Django starts."""

    @staticmethod
    def pre_transition_callback(*args: Any, **kwargs: Any) -> None:
        """Receive ``pre_transition``."""

    @staticmethod
    def post_transition_callback(*args: Any, **kwargs: Any) -> None:
        """Receive ``post_transition``."""


class SimpleBackend(BaseBackend):
    """Write each row from ``post_transition`` (the default).

    .. versionadded:: 0.1
    """

    post_transition_callback = staticmethod(log_transition)


class CachedBackend(BaseBackend):
    """Build each row before the transition, keep it in the cache, save it after.

    .. versionadded:: 0.1
    """

    @staticmethod
    def setup_model(model: Any) -> None:
        """Add ``StateLog.pending_objects``."""
        from .managers import PendingStateLogManager

        if not hasattr(model, "pending_objects"):
            model.add_to_class("pending_objects", PendingStateLogManager())

    @staticmethod
    def pre_transition_callback(
        sender: type, instance: Any, name: str, source: Any, target: Any, **kwargs: Any
    ) -> None:
        """Keep the row of the starting transition in the cache."""
        from .models import StateLog

        model: Any = StateLog
        _write(sender, instance, name, source, target, model.pending_objects)

    @staticmethod
    def post_transition_callback(sender: type, instance: Any, **kwargs: Any) -> None:
        """Save the row kept for this object, if any."""
        from .models import StateLog

        model: Any = StateLog
        pending = model.pending_objects
        if pending.get_for_object(instance) is not None:
            pending.commit_for_object(instance)


def backend() -> type[BaseBackend]:
    """The backend ``DJANGO_FSM_LOG_STORAGE_METHOD`` names (`SimpleBackend` when unset)."""
    path = getattr(settings, "DJANGO_FSM_LOG_STORAGE_METHOD", f"{__name__}.SimpleBackend")
    if path.startswith(_PEER_PREFIX):
        path = __package__ + "." + path[len(_PEER_PREFIX) :]
    found: type[BaseBackend] = import_string(path)
    return found
