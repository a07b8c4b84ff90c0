"""``fsm_log_by`` and ``fsm_log_description``: who ran a transition, and why."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from .helpers import FSMLogDescriptor

__all__ = ["fsm_log_by", "fsm_log_description"]


def fsm_log_by(func: Callable[..., Any]) -> Callable[..., Any]:
    """Log the ``by`` keyword argument of the transition call as the acting user.

    Put it under ``@transition``; the method still receives ``by``.

    .. versionadded:: 0.1
    """

    @functools.wraps(func)
    def wrapped(instance: Any, *args: Any, **kwargs: Any) -> Any:
        if "by" not in kwargs:
            return func(instance, *args, **kwargs)
        with FSMLogDescriptor(instance, "by", kwargs["by"]):
            return func(instance, *args, **kwargs)

    return wrapped


def fsm_log_description(
    func: Callable[..., Any] | None = None,
    *,
    allow_inline: bool = False,
    description: str | None = None,
) -> Any:
    """Log a description of the transition.

    The ``description`` keyword argument of the call wins; else, with
    ``allow_inline=True``, the method receives ``description`` (an `FSMLogDescriptor`)
    and may ``.set()`` it; else the decorator's ``description``.

    .. versionadded:: 0.1
    """
    if func is None:
        return functools.partial(
            fsm_log_description, allow_inline=allow_inline, description=description
        )

    @functools.wraps(func)
    def wrapped(instance: Any, *args: Any, **kwargs: Any) -> Any:
        with FSMLogDescriptor(instance, "description") as descriptor:
            if kwargs.get("description"):
                descriptor.set(kwargs["description"])
            elif allow_inline:
                kwargs["description"] = descriptor
            else:
                descriptor.set(description)
            return func(instance, *args, **kwargs)

    return wrapped
