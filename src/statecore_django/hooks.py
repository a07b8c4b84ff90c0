"""`on_commit`: transition hooks that run only once the database transaction commits."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from asgiref.sync import async_to_sync
from django.db import router, transaction

import statecore
from statecore.awaitables import is_async_callable

__all__ = ["on_commit"]

F = TypeVar("F", bound=Callable[..., Any])


def on_commit(*transitions: str, field: str | None = None, priority: int = 0) -> Callable[[F], F]:
    """Declare a hook that runs after the transition's transaction commits.

    The hook is called as ``hook(self, result, *args, **kwargs)`` (like an
    ``after_transition`` hook) through ``transaction.on_commit(..., using=<write alias>)``:
    when the transition runs inside an outer transaction, only once that one commits;
    never when it rolls back. Use it for e-mails, tasks and other side effects outside
    the database. The hook may be ``async def``: it is then run to completion after the
    commit (on the event loop of a transition that was awaited).

    Args:
        *transitions: the transitions it follows; none, or ``"*"``, for all.
        field: the state field, when the model has several.
        priority: higher is registered (and so runs) first.

    Returns:
        A decorator for a method of the model.

    .. versionadded:: 0.1
    """
    if len(transitions) == 1 and callable(transitions[0]):
        msg = "use @statecore_django.on_commit() with parentheses"
        raise TypeError(msg)

    def decorate(function: F) -> F:
        # An async hook runs after COMMIT too, when nothing awaits it: async_to_sync waits
        # for it there (on the caller's event loop when the transition was awaited).
        run = async_to_sync(function) if is_async_callable(function) else function

        def defer(self: Any, *args: Any, **kwargs: Any) -> None:
            alias = router.db_for_write(type(self), instance=self)
            transaction.on_commit(functools.partial(run, self, *args, **kwargs), using=alias)

        # Name and docstring only: copying __dict__ would copy the hook declarations of
        # ``function`` too, and defer hooks that were declared to run at once.
        functools.update_wrapper(defer, function, updated=())

        return statecore.after_transition(*transitions, field=field, priority=priority)(defer)  # type: ignore[return-value]

    return decorate
