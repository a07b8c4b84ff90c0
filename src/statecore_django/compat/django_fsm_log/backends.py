"""The log writer: one ``StateLog`` row per transition, from ``post_transition``."""

from __future__ import annotations

import contextlib
from typing import Any

from django.conf import settings

from .helpers import FSMLogDescriptor

__all__ = ["SimpleBackend", "log_transition"]


def qualified_name(model: type) -> str:
    """``module.QualifiedName`` of a model, as ``DJANGO_FSM_LOG_IGNORED_MODELS`` lists it."""
    return f"{model.__module__}.{getattr(model, '__qualname__', model.__name__)}"


def log_transition(
    sender: type, instance: Any, name: str, source: Any, target: Any, **kwargs: Any
) -> None:
    """Write the ``StateLog`` row of a transition (a ``post_transition`` receiver)."""
    if target is None:
        return
    if qualified_name(sender) in getattr(settings, "DJANGO_FSM_LOG_IGNORED_MODELS", ()):
        return
    from .models import StateLog

    values: dict[str, Any] = {
        "source_state": source,
        "state": target,
        "transition": name,
        "content_object": instance,
    }
    for attribute in ("by", "description"):
        with contextlib.suppress(AttributeError):
            values[attribute] = FSMLogDescriptor(instance, attribute).get()
    StateLog.objects.create(**values)


class SimpleBackend:
    """django-fsm-log's default backend: log after the transition (here: always).

    .. versionadded:: 0.1
    """

    @staticmethod
    def setup_model(model: type) -> None:
        """Nothing to set up."""

    @staticmethod
    def pre_transition_callback(*args: Any, **kwargs: Any) -> None:
        """Nothing is written before the transition."""

    post_transition_callback = staticmethod(log_transition)
