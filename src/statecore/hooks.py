"""Hooks: code that runs around transitions, declared with decorators on the host class.

One transition runs its steps in this order::

    transition_check hooks and conditions  → ForbiddenTransition if one says no
    before_transition hooks
    on_leave_state hooks (of the source state)
    the implementation
    the new state is set
    Workflow.log_transition
    on_enter_state hooks (of the target state)
    after_transition hooks

Within one kind, hooks run by decreasing ``priority``; hooks of equal priority run in
definition order (a base class's before its subclass's, then top to bottom in the class
body). A check hook is called as ``hook(self)``; before and leave hooks as
``hook(self, *args, **kwargs)``; enter and after hooks as
``hook(self, result, *args, **kwargs)``, with the arguments of the transition call. A
hook that declares a keyword-only parameter named ``event`` also receives the
`TransitionEvent` (transition, source, target, arguments, user).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any, TypeVar

import attrs

__all__ = [
    "Hook",
    "HookKind",
    "after_transition",
    "before_transition",
    "on_enter_state",
    "on_leave_state",
    "transition_check",
]

F = TypeVar("F", bound=Callable[..., Any])

#: The attribute a decorated function carries its hook declarations in.
HOOKS_ATTRIBUTE = "__statecore_hooks__"


class HookKind(enum.Enum):
    """The five kinds of hook, in the order a transition runs them."""

    CHECK = "transition_check"
    BEFORE = "before_transition"
    LEAVE = "on_leave_state"
    ENTER = "on_enter_state"
    AFTER = "after_transition"

    @property
    def names_states(self) -> bool:
        """True for kinds whose names are states (leave, enter), not transitions."""
        return self in (HookKind.LEAVE, HookKind.ENTER)


def _names(value: tuple[Any, ...]) -> tuple[str, ...]:
    names = tuple(_name(item) for item in value)
    return names or ("*",)


def _name(item: Any) -> Any:
    """A state or transition name, from a name, a `State`, a wrapper or an enum member."""
    if isinstance(item, enum.Enum):
        # The name a state built from this member has (see State.from_member).
        return item.value if isinstance(item.value, str) else item.name.lower()
    return getattr(item, "name", item)


@attrs.frozen
class Hook:
    """One hook declaration: what a hook decorator records on a function.

    Args:
        kind: the kind of hook.
        names: the transitions (or, for leave/enter hooks, states) it applies to;
            ``("*",)`` means all.
        field: the state attribute it applies to, when the class has several.
        priority: higher runs first.

    .. versionadded:: 0.1
    """

    kind: HookKind
    names: tuple[str, ...] = attrs.field(default=("*",), converter=_names)
    field: str | None = attrs.field(default=None, kw_only=True)
    priority: int = attrs.field(
        default=0, kw_only=True, validator=attrs.validators.instance_of(int)
    )

    def applies_to(self, name: str) -> bool:
        """Tell whether the hook applies to the transition or state named ``name``."""
        return "*" in self.names or name in self.names

    def __call__(self, function: F) -> F:
        """Record this declaration on ``function`` and return the function unchanged."""
        existing: tuple[Hook, ...] = getattr(function, HOOKS_ATTRIBUTE, ())
        setattr(function, HOOKS_ATTRIBUTE, (*existing, self))
        return function


def _declare(kind: HookKind, names: tuple[Any, ...], field: str | None, priority: int) -> Any:
    """Build the hook declaration, or apply it at once when used without parentheses."""
    if len(names) == 1 and callable(names[0]) and not isinstance(names[0], str):
        return Hook(kind)(names[0])  # @before_transition, bare
    return Hook(kind, names, field=field, priority=priority)


def transition_check(*names: str, field: str | None = None, priority: int = 0) -> Callable[[F], F]:
    """Declare a check: ``hook(self) -> bool``; False forbids the transition.

    Checks count as guards: ``is_available()`` evaluates them and ``explain()`` names the
    ones that failed.

    Args:
        *names: the transitions it guards; none, or ``"*"``, for all.
        field: the state attribute, when the class has several workflows.
        priority: higher runs first.

    Returns:
        A decorator that records the hook and returns the function unchanged.
    """
    return _declare(HookKind.CHECK, names, field, priority)  # type: ignore[no-any-return]


def before_transition(*names: str, field: str | None = None, priority: int = 0) -> Callable[[F], F]:
    """Declare a hook run before the implementation: ``hook(self, *args, **kwargs)``.

    Args:
        *names: the transitions it applies to; none, or ``"*"``, for all.
        field: the state attribute, when the class has several workflows.
        priority: higher runs first.

    Returns:
        A decorator that records the hook and returns the function unchanged.
    """
    return _declare(HookKind.BEFORE, names, field, priority)  # type: ignore[no-any-return]


def on_leave_state(*names: str, field: str | None = None, priority: int = 0) -> Callable[[F], F]:
    """Declare a hook run when leaving a state: ``hook(self, *args, **kwargs)``.

    Leave hooks run after the before hooks, just before the implementation.

    Args:
        *names: the states it applies to; none, or ``"*"``, for all.
        field: the state attribute, when the class has several workflows.
        priority: higher runs first.

    Returns:
        A decorator that records the hook and returns the function unchanged.
    """
    return _declare(HookKind.LEAVE, names, field, priority)  # type: ignore[no-any-return]


def on_enter_state(*names: str, field: str | None = None, priority: int = 0) -> Callable[[F], F]:
    """Declare a hook run on entering a state: ``hook(self, result, *args, **kwargs)``.

    Enter hooks run after the state is set and logged, before the after hooks.

    Args:
        *names: the states it applies to; none, or ``"*"``, for all.
        field: the state attribute, when the class has several workflows.
        priority: higher runs first.

    Returns:
        A decorator that records the hook and returns the function unchanged.
    """
    return _declare(HookKind.ENTER, names, field, priority)  # type: ignore[no-any-return]


def after_transition(*names: str, field: str | None = None, priority: int = 0) -> Callable[[F], F]:
    """Declare a hook run last: ``hook(self, result, *args, **kwargs)``.

    Args:
        *names: the transitions it applies to; none, or ``"*"``, for all.
        field: the state attribute, when the class has several workflows.
        priority: higher runs first.

    Returns:
        A decorator that records the hook and returns the function unchanged.
    """
    return _declare(HookKind.AFTER, names, field, priority)  # type: ignore[no-any-return]
