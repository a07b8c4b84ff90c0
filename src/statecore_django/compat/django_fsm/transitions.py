"""The ``@transition`` decorator and what it records: transitions, targets, permissions.

A decorated method carries one `FSMMeta` (as ``method._django_fsm``, the attribute
django-fsm's admin and tools read) holding one `Transition` per source state; stacked
decorators add to the same record. The field that runs the method is set when the model
class is prepared (see `fields`).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from statecore.awaitables import grants

from .errors import InvalidResultState, TransitionNotAllowed

if TYPE_CHECKING:
    from .fields import FSMFieldMixin

__all__ = [
    "ANY_OTHER_STATE",
    "ANY_STATE",
    "GET_STATE",
    "RETURN_VALUE",
    "FSMMeta",
    "State",
    "Transition",
    "can_proceed",
    "has_transition_perm",
    "transition",
]

#: Source wildcard: any state.
ANY_STATE = "*"
#: Source wildcard: any state but the transition's target.
ANY_OTHER_STATE = "+"


def holds(answer: Any) -> bool:
    """Read a condition's answer: a coroutine (an ``async def`` condition) never holds.

    Neither does a generator or a callable (a method returned instead of called): see
    ``statecore.awaitables.grants``.
    """
    if answer is True:
        return True
    if inspect.isawaitable(answer):
        close = getattr(answer, "close", None)
        if close is not None:
            close()
        return False
    return grants(answer)


class State:
    """Base of the targets chosen when the transition runs (`RETURN_VALUE`, `GET_STATE`).

    Attributes:
        allowed_states: the states the choice must be one of (empty: any).

    .. versionadded:: 0.1
    """

    allowed_states: Sequence[Any] = ()

    def get_state(
        self,
        model: Any,
        result: Any,
        args: Sequence[Any] | None = None,
        kwargs: Mapping[str, Any] | None = None,
    ) -> Any:
        """Return the state to enter, from the method's ``result`` or its arguments."""
        raise NotImplementedError

    def _allowed(self, state: Any) -> Any:
        if self.allowed_states and state not in self.allowed_states:
            msg = (
                f"{state!r} is not one of the allowed states {list(self.allowed_states)!r}; "
                f"return one of them, or add it to the transition's target"
            )
            raise InvalidResultState(msg)
        return state


class RETURN_VALUE(State):
    """Target: the state the transition method returns, one of ``allowed_states`` if given.

    .. versionadded:: 0.1
    """

    def __init__(self, *allowed_states: Any) -> None:
        self.allowed_states = allowed_states

    def get_state(
        self,
        model: Any,
        result: Any,
        args: Sequence[Any] | None = None,
        kwargs: Mapping[str, Any] | None = None,
    ) -> Any:
        """Return ``result`` once checked against the allowed states."""
        return self._allowed(result)


class GET_STATE(State):
    """Target: ``func(instance, *args, **kwargs)``, one of ``states`` if given.

    .. versionadded:: 0.1
    """

    def __init__(self, func: Callable[..., Any], states: Sequence[Any] | None = None) -> None:
        self.func = func
        self.allowed_states = tuple(states or ())

    def get_state(
        self,
        model: Any,
        result: Any,
        args: Sequence[Any] | None = None,
        kwargs: Mapping[str, Any] | None = None,
    ) -> Any:
        """Call the function with the transition call's arguments and check its answer."""
        return self._allowed(self.func(model, *(args or ()), **(kwargs or {})))


class Transition:
    """One transition of a decorated method from one source state (django-fsm's record).

    Equal to another record of the same method (by qualified name) and to its name as a
    string, so ``"publish" in obj.get_available_state_transitions()`` works.

    .. versionadded:: 0.1
    """

    __slots__ = (
        "conditions",
        "custom",
        "method",
        "on_commit",
        "on_error",
        "permission",
        "source",
        "target",
    )

    def __init__(
        self,
        method: Callable[..., Any],
        source: Any,
        target: Any,
        on_error: Any,
        conditions: Sequence[Callable[[Any], Any]] | None,
        permission: str | Callable[[Any, Any], Any] | None,
        custom: Mapping[str, Any] | None,
        on_commit: Sequence[Callable[[Any], Any]] = (),
    ) -> None:
        self.method = method
        self.on_commit = tuple(on_commit)
        self.source = source
        self.target = target
        self.on_error = on_error
        self.conditions = list(conditions or ())
        self.permission = permission
        self.custom = dict(custom or {})

    @property
    def name(self) -> str:
        """The method's name."""
        return str(self.method.__name__)

    @property
    def qualname(self) -> str:
        """The method's qualified name (its class and name)."""
        return str(self.method.__qualname__)

    def has_perm(self, instance: Any, user: Any) -> bool:
        """Tell whether ``user`` may run this transition on ``instance``.

        A permission name is checked on the object (for object-permission backends)
        and globally; a callable is called as ``permission(instance, user)`` and must
        answer truly: a coroutine (an ``async def`` permission) never grants.
        """
        permission = self.permission
        if not permission:
            return True
        if callable(permission):
            return holds(permission(instance, user))
        return bool(user.has_perm(permission, instance) or user.has_perm(permission))

    def __hash__(self) -> int:
        return hash(self.qualname)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Transition):
            return self.qualname == other.qualname
        if isinstance(other, str):
            return other == self.name
        return False

    def __repr__(self) -> str:
        return f"<Transition {self.name!r}: {self.source!r} -> {self.target!r}>"


class FSMMeta:
    """Everything ``@transition`` recorded on one method: its field and its transitions.

    Attributes:
        field: the field (or its name) given to the decorator; the field object once
            the model class is prepared.
        transitions: source state -> `Transition`.

    .. versionadded:: 0.1
    """

    __slots__ = ("field", "transitions")

    def __init__(self, field: FSMFieldMixin | str, method: Callable[..., Any]) -> None:
        self.field: Any = field
        self.transitions: dict[Any, Transition] = {}

    def add_transition(
        self,
        method: Callable[..., Any],
        source: Any,
        target: Any,
        on_error: Any = None,
        conditions: Sequence[Callable[[Any], Any]] | None = None,
        permission: str | Callable[[Any, Any], Any] | None = None,
        custom: Mapping[str, Any] | None = None,
        on_commit: Sequence[Callable[[Any], Any]] = (),
    ) -> None:
        """Record the transition from ``source``; a second one from the same state is an error."""
        if source in self.transitions:
            name = getattr(method, "__qualname__", method)
            msg = (
                f"{name} already has a transition from state {source!r}; "
                f"remove one of the two @transition decorators"
            )
            raise AssertionError(msg)
        self.transitions[source] = Transition(
            method, source, target, on_error, conditions, permission, custom, on_commit
        )

    def get_transition(self, source: Any) -> Transition | None:
        """The transition that runs from ``source``: its own, else a ``"*"`` or ``"+"`` one."""
        transitions = self.transitions
        found = transitions.get(source)
        if found is None:
            found = transitions.get(ANY_STATE) or transitions.get(ANY_OTHER_STATE)
        return found

    def has_transition(self, state: Any) -> bool:
        """Tell whether the method may run from ``state`` (conditions aside)."""
        transitions = self.transitions
        if state in transitions or ANY_STATE in transitions:
            return True
        other = transitions.get(ANY_OTHER_STATE)
        return other is not None and other.target != state

    def conditions_met(self, instance: Any, state: Any) -> bool:
        """Tell whether every condition of the transition from ``state`` holds."""
        found = self.get_transition(state)
        if found is None:
            return False
        return all(holds(condition(instance)) for condition in found.conditions)

    def has_transition_perm(self, instance: Any, state: Any, user: Any) -> bool:
        """Tell whether ``user`` may run the transition from ``state``."""
        found = self.get_transition(state)
        return found is not None and found.has_perm(instance, user)

    def next_state(self, current_state: Any) -> Any:
        """The target of the transition from ``current_state``."""
        found = self.get_transition(current_state)
        if found is None:
            msg = f"No transition from {current_state}"
            raise TransitionNotAllowed(msg)
        return found.target

    def exception_state(self, current_state: Any) -> Any:
        """The ``on_error`` state of the transition from ``current_state`` (or None)."""
        found = self.get_transition(current_state)
        if found is None:
            msg = f"No transition from {current_state}"
            raise TransitionNotAllowed(msg)
        return found.on_error


def transition(
    field: FSMFieldMixin | str,
    source: Any = ANY_STATE,
    target: Any = None,
    on_error: Any = None,
    conditions: Sequence[Callable[[Any], Any]] | None = None,
    permission: str | Callable[[Any, Any], Any] | None = None,
    custom: Mapping[str, Any] | None = None,
    *,
    on_commit: Callable[[Any], Any] | Sequence[Callable[[Any], Any]] = (),
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark a model method as a transition of ``field`` (django-fsm's decorator).

    Calling the method checks the source state and the conditions (else
    `TransitionNotAllowed`), sends ``pre_transition``, runs the method, sets the target
    and sends ``post_transition``. It does not save, unless the field opts in with
    ``FSMField(atomic=True)``. Decorators may be stacked, one per source state.

    Args:
        field: the `FSMField` (or its name).
        source: a state, a list of states, ``"*"`` (any) or ``"+"`` (any but the target).
        target: the state to enter; `RETURN_VALUE`/`GET_STATE` to choose at run time;
            None to stay in the current state.
        on_error: the state to enter when the method raises (the error is re-raised).
        conditions: callables ``(instance) -> bool`` that must all be true.
        permission: a permission name, or a callable ``(instance, user) -> bool``.
        custom: free metadata (the admin reads ``label``, ``help_text``, ``admin``, ``form``).
        on_commit: opt-in (needs ``FSMField(atomic=True)``): callables ``(instance)``
            run once the transition's transaction commits, never when it rolls back.

    Returns:
        The decorator.

    .. versionadded:: 0.1
    """
    sources: Iterable[Any] = source if isinstance(source, (list, tuple, set)) else (source,)
    hooks = (on_commit,) if callable(on_commit) else tuple(on_commit)

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        meta: FSMMeta | None = getattr(func, "_django_fsm", None)
        installed = meta is not None
        if meta is None:
            meta = FSMMeta(field, func)
            func._django_fsm = meta  # type: ignore[attr-defined]
        for state in sources:
            meta.add_transition(
                func, state, target, on_error, conditions, permission, custom, hooks
            )
        if installed:
            return func
        run_meta = meta

        @functools.wraps(func)
        def run(instance: Any, *args: Any, **kwargs: Any) -> Any:
            field = run_meta.field
            if field.atomic:
                return field.change_state(instance, func, *args, **kwargs)
            return field.run(instance, func, args, kwargs)

        run.alters_data = True  # type: ignore[attr-defined]
        return run

    return decorate


def bound(bound_method: Any) -> tuple[FSMMeta, Any, Any]:
    """The record, the object and its current state of a bound transition method.

    Raises:
        TypeError: the method is not a transition.
    """
    meta: FSMMeta | None = getattr(bound_method, "_django_fsm", None)
    if meta is None:
        name = getattr(getattr(bound_method, "__func__", bound_method), "__name__", bound_method)
        msg = f"{name} method is not transition"
        raise TypeError(msg)
    instance = bound_method.__self__
    return meta, instance, meta.field.get_state(instance)


def can_proceed(bound_method: Any, check_conditions: bool = True) -> bool:
    """Tell whether the bound transition method could run from the object's state.

    Args:
        bound_method: e.g. ``post.publish``.
        check_conditions: False to ignore the transition's conditions.

    Raises:
        TypeError: the method is not a transition.

    .. versionadded:: 0.1
    """
    meta, instance, state = bound(bound_method)
    return meta.has_transition(state) and (
        not check_conditions or meta.conditions_met(instance, state)
    )


def has_transition_perm(bound_method: Any, user: Any) -> bool:
    """Tell whether the bound transition could run now and ``user`` may run it.

    Raises:
        TypeError: the method is not a transition.

    .. versionadded:: 0.1
    """
    meta, instance, state = bound(bound_method)
    return bool(
        meta.has_transition(state)
        and meta.conditions_met(instance, state)
        and meta.has_transition_perm(instance, state, user)
    )
