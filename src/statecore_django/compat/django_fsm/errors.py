"""The exceptions of the django-fsm compatibility layer, inside statecore's error tree."""

from __future__ import annotations

from typing import Any

import statecore

__all__ = ["ConcurrentTransition", "InvalidResultState", "TransitionNotAllowed"]


class TransitionNotAllowed(statecore.AbortTransition):
    """A transition cannot run: not from the current state, or a condition is not met.

    As django-fsm's, it takes any positional arguments and the keyword arguments
    ``object`` (the model instance) and ``method`` (the transition's function), kept as
    attributes of the same names. It is a `statecore.AbortTransition` too, so
    ``.instance`` and ``.transition`` name the same things.

    .. versionadded:: 0.1
    """

    def __init__(self, *args: Any, object: Any = None, method: Any = None) -> None:
        self.object = object
        self.method = method
        self.transition = getattr(method, "__name__", None)
        self.state = None
        self.instance = object
        Exception.__init__(self, *args)


class ConcurrentTransition(statecore.ConcurrentTransition):
    """The row changed since the object was loaded; nothing was saved.

    Raised by ``ConcurrentTransitionMixin.save()`` and by the atomic opt-in when the
    row no longer holds the state the transition started from. Any positional
    arguments are the message, as in django-fsm.

    .. versionadded:: 0.1
    """

    def __init__(self, *args: Any, instance: Any = None, state: str | None = None) -> None:
        self.transition = None
        self.state = state
        self.instance = instance
        Exception.__init__(self, *args)


class InvalidResultState(statecore.InvalidTargetError):
    """A ``RETURN_VALUE``/``GET_STATE`` target chose a state outside its allowed list.

    .. versionadded:: 0.1
    """

    def __init__(self, *args: Any) -> None:
        self.transition = None
        self.state = None
        self.instance = None
        Exception.__init__(self, *args)
