"""Async callables: telling them apart, and what the sync path does with their awaitables.

A guard, hook, implementation, permission callable or target chooser is *async* when
calling it gives an awaitable by declaration: an ``async def`` function or method, a
`functools.partial` of one, an object whose ``__call__`` is ``async def``, or a function
marked as a coroutine function (``inspect.markcoroutinefunction``, asgiref's
``sync_to_async``). A transition with any async callable is known when its class is
created to need awaiting.

The sync path (``order.pay()``, ``is_available()``, ``explain()``) cannot wait for an
awaitable. It never takes one for an answer: an awaitable that a guard or permission
returns is never a "yes", an awaitable that a hook or implementation returns is never
"done". It is closed (so Python does not warn that it was never awaited) and
`AwaitRequired` says which awaitable form to use instead, unless an adapter runs the
sync path in a worker thread that can wait for the event loop: it installs a *waiter*
for the call with `waiting`, and the sync path hands each awaitable to it.

This module imports nothing from asyncio: ``import statecore`` stays light.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import sys
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
from types import AsyncGeneratorType, CoroutineType, GeneratorType
from typing import Any

from .errors import AwaitRequired, describe

__all__ = ["is_async_callable", "is_awaitable", "settle", "waiting"]

#: Flag of a generator-based coroutine (``types.coroutine``): it is awaitable.
_ITERABLE_COROUTINE = inspect.CO_ITERABLE_COROUTINE

#: The function that waits for an awaitable on behalf of the sync path, when an adapter
#: runs it in a worker thread of an event loop (see `waiting`).
_waiter: ContextVar[Callable[[Any], Any] | None] = ContextVar("statecore_waiter", default=None)


def is_async_callable(function: object) -> bool:
    """Tell whether calling ``function`` gives an awaitable by declaration.

    True for ``async def`` functions and methods, `functools.partial` objects of them,
    objects whose class defines ``async def __call__``, and functions marked as coroutine
    functions (``inspect.markcoroutinefunction`` and asgiref's marker on Python 3.10 and
    3.11).

    Args:
        function: any callable.

    Returns:
        True when the callable is async.

    .. versionadded:: 0.1
    """
    while isinstance(function, functools.partial):
        function = function.func
    if inspect.iscoroutinefunction(function) or _marked(function):
        return True
    if inspect.isfunction(function) or inspect.ismethod(function) or isinstance(function, type):
        return False
    call = getattr(type(function), "__call__", None)  # noqa: B004 (the class's, not callable())
    return call is not None and (inspect.iscoroutinefunction(call) or _marked(call))


def _marked(function: object) -> bool:
    """Tell whether ``function`` carries asyncio's coroutine marker (asgiref, Python < 3.12)."""
    marker = getattr(function, "_is_coroutine", None)
    if marker is None:
        return False
    coroutines = sys.modules.get("asyncio.coroutines")
    return coroutines is not None and marker is getattr(coroutines, "_is_coroutine", None)


def is_awaitable(value: object) -> bool:
    """Tell whether ``value`` can be awaited (cheaply, for the results of user callables).

    Args:
        value: what a callable returned.

    Returns:
        True for coroutines, objects with ``__await__`` and generator-based coroutines.
    """
    kind = type(value)
    if kind is CoroutineType or hasattr(kind, "__await__"):
        return True
    return kind is GeneratorType and bool(value.gi_code.co_flags & _ITERABLE_COROUTINE)  # type: ignore[attr-defined]


def grants(verdict: object) -> bool:
    """Read a guard's or permission's answer (not an awaitable): is it a "yes"?

    Any truthy answer is, except answers that are mistakes rather than verdicts, which
    are always true: a generator or async generator (a guard written with ``yield``) and
    a callable (a method returned instead of called, or a related manager). They never
    grant.
    """
    if verdict is True:
        return True
    if isinstance(verdict, (GeneratorType, AsyncGeneratorType)) or callable(verdict):
        return False
    return bool(verdict)


def close(awaitable: object) -> None:
    """Close an awaitable that will not be awaited, so Python does not warn about it."""
    closer = getattr(awaitable, "close", None)
    if closer is not None:
        with contextlib.suppress(Exception):
            closer()


def settle(value: Any, refusal: Callable[[], AwaitRequired]) -> Any:
    """Return what an awaitable ``value`` gives, for the sync path; refuse it if nothing waits.

    With a waiter installed (`waiting`), the waiter waits for ``value`` and its result is
    returned. Without one, ``value`` is closed and the `AwaitRequired` that ``refusal``
    builds is raised.

    Args:
        value: an awaitable a user callable returned on the sync path.
        refusal: builds the error that says which awaitable form to use.

    Returns:
        The awaitable's result.

    Raises:
        AwaitRequired: no waiter is installed.
    """
    waiter = _waiter.get()
    if waiter is None:
        close(value)
        raise refusal()
    return waiter(value)


def refusal(
    callables: Sequence[str],
    transition: str,
    instance: object,
    form: str,
    *,
    returned: bool = False,
) -> AwaitRequired:
    """Build the `AwaitRequired` for ``callables`` on the sync path of ``transition``.

    Args:
        callables: the callables, e.g. ``["condition 'paid'"]``.
        transition: the transition's name.
        instance: the object.
        form: the awaitable form to use, e.g. ``"acall(...)"``.
        returned: True when ``what`` returned an awaitable at run time (it was not
            declared async); False when it is async by declaration.

    Returns:
        The error, to raise.
    """
    what = ", ".join(callables)
    call = f"await {type(instance).__name__.lower()}.{transition}.{form}"
    if returned:
        message = (
            f"{what} of transition {transition!r} of {describe(instance)} returned an "
            f"awaitable on the sync path: it was not awaited and counts for nothing; "
            f"use the awaitable form, {call}, and declare the callable async def"
        )
    else:
        message = (
            f"transition {transition!r} of {describe(instance)} has async callables "
            f"({what}): the sync form cannot await them; use the awaitable form, {call}"
        )
    return AwaitRequired(
        message, transition=transition, instance=instance, callables=callables, form=call
    )


def can_wait() -> bool:
    """Tell whether the sync path may wait for awaitables here (a waiter is installed)."""
    return _waiter.get() is not None


@contextlib.contextmanager
def waiting(waiter: Callable[[Any], Any] | None) -> Iterator[None]:
    """Let the sync path wait for awaitables with ``waiter`` while the block runs.

    For adapters that run the sync path in a worker thread of an event loop (the Django
    adapter runs a transition's database transaction there): ``waiter(awaitable)`` must
    block until the awaitable is done and return its result. ``None`` removes any waiter
    (for code that runs on the event loop's own thread, where waiting would block it).

    Args:
        waiter: the function that waits, or None.

    .. versionadded:: 0.1
    """
    token = _waiter.set(waiter)
    try:
        yield
    finally:
        _waiter.reset(token)
