"""Where ``fsm_log_by``/``fsm_log_description`` keep their values while a transition runs."""

from __future__ import annotations

from typing import Any

__all__ = ["FSMLogDescriptor"]

_NOTSET = object()


class FSMLogDescriptor:
    """One log value (``by``, ``description``) held on the object during a transition.

    Used as a context manager, the value is removed on exit.

    .. versionadded:: 0.1
    """

    ATTR_PREFIX = "__django_fsm_log_attr_"

    def __init__(self, instance: Any, attribute: str, value: Any = _NOTSET) -> None:
        self.instance = instance
        self.attribute = attribute
        if value is not _NOTSET:
            self.set(value)

    def get(self) -> Any:
        """The value; AttributeError when none is set."""
        return getattr(self.instance, self.ATTR_PREFIX + self.attribute)

    def set(self, value: Any) -> None:
        """Hold ``value`` for the log row of the running transition."""
        setattr(self.instance, self.ATTR_PREFIX + self.attribute, value)

    def __enter__(self) -> FSMLogDescriptor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.instance.__dict__.pop(self.ATTR_PREFIX + self.attribute, None)
