"""Compiled transitions: `TransitionBinding`, one transition of one host class, ready to run.

Everything that does not depend on the object (which guards and hooks apply from which
state, the implementation, the target, which callables are async) is computed once per
host class, when the transition is first used, so that a call allocates only its
`ImplementationWrapper`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from .availability import guard_label
from .awaitables import is_async_callable
from .implementation import ImplementationWrapper

if TYPE_CHECKING:
    from .binding import StateDescriptor
    from .transitions import Transition
    from .workflow import Workflow

__all__ = ["Guard", "HookCall", "TransitionBinding", "wants_event"]

HookCall = tuple[Callable[..., Any], bool]
Guard = tuple[str, str, Callable[[Any], Any]]


def wants_event(function: Callable[..., Any]) -> bool:
    """Tell whether a hook declares a keyword-only parameter named ``event``."""
    try:
        parameter = inspect.signature(function).parameters.get("event")
    except (TypeError, ValueError):
        return False
    return parameter is not None and parameter.kind is inspect.Parameter.KEYWORD_ONLY


class TransitionBinding:
    """Everything about one transition on one host class that does not change per call.

    Built by `WorkflowEnabled` when the class is created.

    Attributes:
        owner: the host class.
        descriptor: the state attribute's descriptor.
        transition: the transition.
        implementation: the function to run, or None for a no-op.
        guards: per source state, ``(kind, name, callable)`` guards.
        pre: per source state, the before then leave hooks.
        post: per target state, the enter then after hooks.
        needs_event: True when any hook, or the implementation, asks for the
            `TransitionEvent`.
        implementation_event: True when the implementation declares a keyword-only
            ``event`` parameter (to learn, e.g., the user given with ``as_user()``).
        logs: True when the workflow overrides `Workflow.log_transition`.
        key: where the state is kept (the descriptor's ``key``).
        in_dict: True when ``key`` is a ``__dict__`` key (the descriptor's ``in_dict``).
        target: the single target's name, None for a multi-target transition.
        direct: the source states from which the transition has nothing to run but
            the assignment of the target (no guard, hook, implementation, permission or
            log, and the default `ImplementationWrapper.commit_state`).
        assigns: True when committing is a plain assignment (no log, default
            `ImplementationWrapper.commit_state`).
        starts: True when ``wrapper_class`` overrides `ImplementationWrapper.started`.
        steps: True when ``wrapper_class`` overrides ``_pre_transition`` or
            ``_post_transition`` (xworkflows' extension points): they run the hooks.
        wrapper_class: the `ImplementationWrapper` subclass that runs the transition
            (the workflow's ``implementation_class`` unless the binding says otherwise).
        permission: the transition's permission.
        checks, pre_calls, post_calls: ``guards``, ``pre`` and ``post`` as bare callables.
        asyncs: the async callables (guards, hooks, the implementation, the target
            chooser), named for messages; see `statecore.awaitables`.
        awaits: True when ``asyncs`` is not empty: the sync call is refused.
        guards_await: True when a guard is async: the sync ``is_available()`` and
            ``explain()`` are refused.
        permission_awaits: True when the permission is an async callable.
        coroutine: True when the implementation is async: calling the transition
            gives a coroutine to await.
    """

    # A plain slotted class, not attrs: type checkers apply the descriptor protocol to
    # attributes annotated in a class body, which would type ``descriptor`` (a
    # `StateDescriptor`) as the `StateWrapper` it reads.
    __slots__ = (
        "__weakref__",
        "assigns",
        "asyncs",
        "awaits",
        "checks",
        "coroutine",
        "descriptor",
        "direct",
        "guards",
        "guards_await",
        "implementation",
        "implementation_event",
        "in_dict",
        "key",
        "logs",
        "needs_event",
        "owner",
        "permission",
        "permission_awaits",
        "post",
        "post_calls",
        "pre",
        "pre_calls",
        "starts",
        "steps",
        "target",
        "transition",
        "wrapper_class",
    )

    def __init__(
        self,
        owner: type,
        descriptor: StateDescriptor,
        transition: Transition,
        implementation: Callable[..., Any] | None,
        guards: dict[str, tuple[Guard, ...]],
        pre: dict[str, tuple[HookCall, ...]],
        post: dict[str, tuple[HookCall, ...]],
        needs_event: bool,
        logs: bool,
        wrapper_class: type[ImplementationWrapper[Any, Any]] | None = None,
    ) -> None:
        self.owner = owner
        self.wrapper_class: type[ImplementationWrapper[Any, Any]] = (
            type(descriptor.workflow).implementation_class
            if wrapper_class is None
            else wrapper_class
        )
        self.descriptor = descriptor
        self.transition = transition
        self.implementation = implementation
        self.guards = guards
        self.pre = pre
        self.post = post
        self.needs_event = needs_event
        self.logs = logs
        self.refresh()

    def refresh(self) -> None:
        """Recompute the derived attributes (``key`` to ``post_calls``) from the others.

        Call it after changing ``guards``, ``pre``, ``post``, ``needs_event`` or ``logs``.
        """
        self.key: str = self.descriptor.key
        self.in_dict: bool = self.descriptor.in_dict
        transition = self.transition
        self.target: str | None = transition.target
        self.permission: Any = transition.permission
        self.checks: dict[str, tuple[Callable[[Any], Any], ...]] = _callables(self.guards, -1)
        self.pre_calls: dict[str, tuple[Callable[..., Any], ...]] = _callables(self.pre, 0)
        self.post_calls: dict[str, tuple[Callable[..., Any], ...]] = _callables(self.post, 0)
        wrapper = self.wrapper_class
        self.starts: bool = wrapper.started is not ImplementationWrapper.started
        self.steps: bool = (
            wrapper._pre_transition is not ImplementationWrapper._pre_transition
            or wrapper._post_transition is not ImplementationWrapper._post_transition
        )
        if self.steps:
            # The overrides run on the call's rare path (the one with an event), and after
            # every call: the common path has no test for them.
            self.needs_event = True
            self.post_calls = {
                target: (*calls, _no_hook) for target, calls in self.post_calls.items()
            }
        self.assigns: bool = (
            not self.logs and wrapper.commit_state is ImplementationWrapper.commit_state
        )
        plain = (
            self.assigns
            and self.implementation is None
            and self.target is not None
            and transition.permission is None
            and not self.starts
            and not self.steps
            and not self.post[self.target]
        )
        self.direct: frozenset[str] = frozenset(
            source
            for source in transition.source
            if plain and not self.guards[source] and not self.pre[source]
        )
        guards = _async_labels(
            (guard_label(kind, name), guard)
            for entries in _distinct(self.guards.values())
            for kind, name, guard in entries
        )
        hooks = _async_labels(
            (f"hook {getattr(hook, '__name__', repr(hook))!r}", hook)
            for entries in _distinct((*self.pre.values(), *self.post.values()))
            for hook, _needs in entries
        )
        implementation = self.implementation
        self.implementation_event: bool = implementation is not None and wants_event(implementation)
        self.coroutine: bool = implementation is not None and is_async_callable(implementation)
        own = [f"implementation {transition.name!r}"] if self.coroutine else []
        if transition.choose_target is not None and is_async_callable(transition.choose_target):
            own.append("choose_target")
        self.guards_await: bool = bool(guards)
        self.asyncs: tuple[str, ...] = (*guards, *hooks, *own)
        self.awaits: bool = bool(self.asyncs)
        permission = transition.permission
        self.permission_awaits: bool = (
            permission is not None
            and not isinstance(permission, str)
            and is_async_callable(permission)
        )

    def __repr__(self) -> str:
        return (
            f"<TransitionBinding {self.transition.name!r} of "
            f"{self.owner.__qualname__}.{self.descriptor.name}>"
        )

    @property
    def field(self) -> str:
        """The state attribute's name."""
        return self.descriptor.name

    @property
    def workflow(self) -> Workflow:
        """The workflow object bound to the attribute."""
        return self.descriptor.workflow


def _no_hook(*args: Any, **kwargs: Any) -> None:
    """Stands for `ImplementationWrapper._post_transition` in ``post_calls`` (never called)."""


def _distinct(groups: Iterable[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The distinct tuples of ``groups`` (sources and targets often share one)."""
    seen: dict[int, tuple[Any, ...]] = {}
    for group in groups:
        seen.setdefault(id(group), group)
    return list(seen.values())


def _async_labels(entries: Iterable[tuple[str, Any]]) -> tuple[str, ...]:
    """The labels of the async callables among ``(label, callable)`` pairs, once each."""
    return tuple(dict.fromkeys(label for label, function in entries if is_async_callable(function)))


def _callables(table: dict[str, tuple[Any, ...]], index: int) -> dict[str, tuple[Any, ...]]:
    """Map each key to the callables (item ``index`` of each entry) of its tuple.

    Sources of one transition usually share one tuple, most often an empty one: it is
    converted once.
    """
    result = {}
    last: tuple[Any, ...] | None = None
    calls: tuple[Any, ...] = ()
    for key, entries in table.items():
        if entries is not last:
            last = entries
            calls = tuple([entry[index] for entry in entries]) if entries else ()
        result[key] = calls
    return result
